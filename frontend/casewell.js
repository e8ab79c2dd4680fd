// Casewell's one script: progressive enhancement only, every page works without it.
// Loaded as a module from /static/casewell/; the design systems sit beside it in /static/.
import { initAll as initGovukFrontend } from "../govuk/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "../moj/moj-frontend.min.js";
import htmx from "../htmx/htmx.esm.js";

// GOV.UK Frontend's template does this with an inline script, which our
// Content-Security-Policy forbids; a module script runs before first paint of content.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

initGovukFrontend();
initMojFrontend();

// Components inside fragments that htmx swaps in need initialising too.
document.body.addEventListener("htmx:load", (event) => {
  if (event.target !== document.body) {
    initGovukFrontend({ scope: event.target });
    initMojFrontend({ scope: event.target });
  }
});

window.htmx = htmx;
