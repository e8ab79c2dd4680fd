// Builds Casewell's stylesheet and script into build/static/casewell/.
// Run by `npm run build` (the Makefile does this during `make setup`).
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const project = dirname(dirname(fileURLToPath(import.meta.url)));
const output = join(project, "build", "static", "casewell");
mkdirSync(output, { recursive: true });

const result = sass.compile(join(project, "frontend", "casewell.scss"), {
  style: "compressed",
  // MOJ Frontend loads GOV.UK Frontend as "node_modules/govuk-frontend/...",
  // so the project folder is the load path for both.
  loadPaths: [project],
  // Deprecation notices from the design systems' own Sass are theirs, not ours.
  quietDeps: true,
  // MOJ Frontend calls GOV.UK Frontend mixins that v6 deprecates; only our own
  // warnings are worth printing.
  logger: {
    warn(message, { stack }) {
      if (!(stack ?? "").includes("node_modules/@ministryofjustice")) {
        console.warn(`Sass warning: ${message}\n${stack ?? ""}`);
      }
    },
  },
});
writeFileSync(join(output, "casewell.css"), result.css);
for (const file of ["casewell.js", "triage-shortcuts.js", "favicon.svg"]) {
  copyFileSync(join(project, "frontend", file), join(output, file));
}
console.log(`Built ${join("build", "static", "casewell")}: casewell.css (${result.css.length} bytes), casewell.js, triage-shortcuts.js, favicon.svg`);
