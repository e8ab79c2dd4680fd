// Inbox triage by single keys: j and k move between messages, Enter or o opens one,
// a assigns it to me, e archives it, ? shows the list of keys.
// Progressive enhancement: without this script every action is a button, link or field.
// Keys never act while the person is typing in a field, and can be turned off in the
// help panel (WCAG 2.1.4); the choice is remembered in this browser.

const TURNED_OFF = "casewell.inbox.shortcuts-off";
// The row to come back to when an action reloads the page (the next message moves up).
const RETURN_TO = "casewell.inbox.return-to";
const CURRENT = "casewell-triage__row--current";

function remembered(storage, key) {
  try {
    return window[storage].getItem(key);
  } catch {
    return null; // storage refused (private browsing, policy): keys stay on
  }
}

function remember(storage, key, value) {
  try {
    if (value === null) window[storage].removeItem(key);
    else window[storage].setItem(key, value);
  } catch {
    // Not remembered: the choice still holds on this page.
  }
}

function typingIn(element) {
  return Boolean(
    element?.closest?.("input, textarea, select, [contenteditable]:not([contenteditable=false])"),
  );
}

function liveRegion(scope) {
  const region = document.createElement("div");
  region.className = "govuk-visually-hidden";
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  region.dataset.casewellShortcutsStatus = "";
  scope.append(region);
  let pending;
  return (words) => {
    // Emptied first so the same words said twice are announced twice; only the
    // latest words are said when keys come quickly.
    window.clearTimeout(pending);
    region.textContent = "";
    pending = window.setTimeout(() => {
      region.textContent = words;
    }, 50);
  };
}

export function addTriageShortcuts() {
  const help = document.querySelector("[data-casewell-shortcuts]");
  if (!help) return;
  const main = document.querySelector("main") || document.body;
  const say = liveRegion(main);
  const table = document.querySelector("[data-casewell-triage]");
  const rows = table ? Array.from(table.querySelectorAll("[data-triage-row]")) : [];
  // On a message's own page the message is the one the keys act on.
  const single = document.querySelector("[data-triage-message]");
  let current = -1;

  const keys = help.querySelector("[data-casewell-shortcuts-keys]");
  const toggle = help.querySelector("[data-casewell-shortcuts-toggle]");
  keys?.removeAttribute("hidden");
  let on = remembered("localStorage", TURNED_OFF) !== "yes";
  if (toggle) {
    toggle.checked = on;
    toggle.addEventListener("change", () => {
      on = toggle.checked;
      remember("localStorage", TURNED_OFF, on ? null : "yes");
      say(on ? "Single-key shortcuts are on." : "Single-key shortcuts are off.");
    });
  }

  function target() {
    return single || rows[current] || null;
  }

  function moveTo(index, words = "", { focus = true } = {}) {
    if (!rows.length) {
      say("There are no messages here.");
      return;
    }
    const bounded = Math.max(0, Math.min(index, rows.length - 1));
    rows[current]?.classList.remove(CURRENT);
    rows[current]?.removeAttribute("aria-current");
    current = bounded;
    const row = rows[current];
    row.classList.add(CURRENT);
    row.setAttribute("aria-current", "true");
    const link = row.querySelector("[data-triage-open]");
    row.tabIndex = -1;
    if (focus) (link || row).focus();
    row.scrollIntoView({ block: "nearest" });
    let where = `Message ${current + 1} of ${rows.length}`;
    if (index > bounded) where = `Last message on this page. ${where}`;
    if (index < bounded) where = `First message. ${where}`;
    if (!link) where += `: ${row.cells[1]?.textContent.trim() || ""}`;
    say(words ? `${words} ${where}` : where);
  }

  function act(control, words) {
    const row = target();
    if (!row) {
      say("Press j to choose a message first.");
      return;
    }
    const found = control(row);
    if (!found) {
      say(words);
      return;
    }
    if (!single) {
      remember("sessionStorage", RETURN_TO, JSON.stringify({ path: location.pathname, row: current }));
    }
    found.form.requestSubmit(found.button);
  }

  function assignToMe(row) {
    const choice = row.querySelector("[data-triage-assign]");
    if (!choice) return null;
    choice.value = "me";
    return { form: choice.form, button: choice.form.querySelector("button[type=submit]") };
  }

  function archive(row) {
    const button = row.querySelector("[data-triage-archive]");
    return button ? { form: button.form, button } : null;
  }

  function open() {
    const row = target();
    if (!row) {
      say("Press j to choose a message first.");
      return;
    }
    const link = row.querySelector("[data-triage-open]");
    if (link) link.click();
    else say("This message cannot be opened here.");
  }

  function showHelp() {
    help.open = true;
    help.querySelector("summary")?.focus();
    say("Keyboard shortcuts are listed below.");
  }

  document.addEventListener("keydown", (event) => {
    if (!on || event.defaultPrevented || event.isComposing) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingIn(event.target)) return;
    const onPage = document.activeElement;
    const handlers = {
      j: () => moveTo(current + 1),
      k: () => moveTo(current < 0 ? 0 : current - 1),
      o: open,
      a: () => act(assignToMe, "This message cannot be assigned here."),
      e: () => act(archive, "This message cannot be archived here."),
      "?": showHelp,
    };
    // Enter keeps its own meaning on links and buttons; it opens the current message
    // only when focus rests on its row or nowhere in particular.
    if (event.key === "Enter") {
      const resting = onPage === document.body || onPage === main || onPage === rows[current];
      if (!resting || !rows[current]) return;
      handlers.Enter = open;
    }
    if (single && ["j", "k", "o", "Enter"].includes(event.key)) return;
    const handler = handlers[event.key];
    if (!handler) return;
    event.preventDefault();
    handler();
  });

  // Back after an action: the same place in the list, which now holds the next message.
  const back = remembered("sessionStorage", RETURN_TO);
  remember("sessionStorage", RETURN_TO, null);
  if (back && rows.length && on) {
    try {
      const { path, row } = JSON.parse(back);
      if (path === location.pathname) {
        // A refusal keeps the focus GOV.UK's error summary gives itself; the row is marked.
        const refused = document.querySelector(".govuk-error-summary");
        const done = document.querySelector(".govuk-notification-banner__heading");
        moveTo(row, done && !refused ? done.textContent.trim() : "", { focus: !refused });
      }
    } catch {
      // A stale or foreign value: start from the top as usual.
    }
  }
}
