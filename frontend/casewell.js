// Casewell's one script: progressive enhancement only, every page works without it.
// Loaded as a module from /static/casewell/; the design systems sit beside it in /static/.
import { initAll as initGovukFrontend } from "../govuk/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "../moj/moj-frontend.min.js";
import htmx from "../htmx/htmx.esm.js";
import { addTriageShortcuts } from "./triage-shortcuts.js";

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

addTriageShortcuts();

// Case lists: a "select all" box for the bulk actions. Added only when scripts run;
// without them each case is ticked on its own.
function addSelectAll(scope) {
  for (const table of scope.querySelectorAll("[data-casewell-select-all]")) {
    const cell = table.querySelector("thead [data-casewell-select-all-cell]");
    if (!cell || cell.querySelector("input")) continue;
    const boxes = () => Array.from(table.querySelectorAll("tbody input[type=checkbox][name=case]"));
    const wrapper = document.createElement("div");
    wrapper.className = "govuk-checkboxes govuk-checkboxes--small";
    const item = document.createElement("div");
    item.className = "govuk-checkboxes__item";
    const box = document.createElement("input");
    box.className = "govuk-checkboxes__input";
    box.type = "checkbox";
    box.id = "select-all-cases";
    const label = document.createElement("label");
    label.className = "govuk-label govuk-checkboxes__label";
    label.htmlFor = box.id;
    const text = document.createElement("span");
    text.className = "govuk-visually-hidden";
    text.textContent = "Select every case on this page";
    label.append(text);
    item.append(box, label);
    wrapper.append(item);
    cell.replaceChildren(wrapper);
    box.addEventListener("change", () => {
      for (const each of boxes()) each.checked = box.checked;
    });
    table.addEventListener("change", (event) => {
      if (event.target.name === "case") box.checked = boxes().every((each) => each.checked);
    });
  }
}
addSelectAll(document);
document.body.addEventListener("htmx:load", (event) => addSelectAll(event.target));

// Lone working: the navigation's alert badge is refreshed every few seconds (htmx);
// when a new safety alert arrives it is announced by the badge's live region and,
// where the browser allows sound (after the person has used the page), by a tone.
let safetyAlerts = Number(document.querySelector(".casewell-alert-badge")?.dataset.alertCount || 0);
document.body.addEventListener("htmx:afterSwap", (event) => {
  if (!event.target.classList?.contains("casewell-alert-poll")) return;
  const count = Number(event.target.querySelector(".casewell-alert-badge")?.dataset.alertCount || 0);
  if (count > safetyAlerts) soundSafetyAlert();
  safetyAlerts = count;
});

function soundSafetyAlert() {
  if (!window.AudioContext) return;
  const context = new AudioContext();
  for (const start of [0, 0.35, 0.7]) {
    const tone = context.createOscillator();
    const volume = context.createGain();
    tone.frequency.value = 880;
    volume.gain.value = 0.2;
    tone.connect(volume).connect(context.destination);
    tone.start(context.currentTime + start);
    tone.stop(context.currentTime + start + 0.25);
  }
}
