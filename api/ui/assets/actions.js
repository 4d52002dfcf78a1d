// The actions card of the detail page: the human inputs a role may send, each enabled
// only while the migration waits for it. The API checks the role and the workflow's
// validator checks the timing again; this card only keeps people from trying in vain.

import { h } from "./dom.js";
import { api, reportIfUnauthorized } from "./http.js";
import { actorEmail, looksLikeEmail, setActorEmail } from "./actor.js";
import { isFinal } from "./format.js";

const RANK = { viewer: 0, ops: 1, admin: 2 };

// ACTIONS lists every action: who may send it, when it applies and in which mode.
const ACTIONS = [
  {
    id: "choose-subdomain", label: "Choose subdomain", role: "admin",
    when: (r) => r.status === "needs_subdomain",
    avail: "when the migration needs a subdomain",
    help: "Pick the Zendesk subdomain (the login address). Needed when the first choice was taken or unknown.",
  },
  {
    id: "owner-login", label: "Owner login", role: "admin", mode: "existing", link: true,
    when: (r) => r.status === "awaiting_owner_login",
    avail: "while the migration awaits the owner's login",
    help: (r) => "The Zendesk account owner of " + (r.subdomain || "the account") + " signs in to prove ownership.",
  },
  {
    id: "license-assigned", label: "License assigned", role: "admin", mode: "existing",
    when: (r) => r.status === "owner_needs_sell_license",
    avail: "when the owner needs a Sell license",
    help: "Tell the migration the owner now has a Sell license, so it checks again.",
  },
  {
    id: "back", label: "Back", role: "admin", optional: true,
    when: (r) => ["awaiting_owner_login", "owner_needs_sell_license", "awaiting_disclaimers"].includes(r.status),
    avail: "after the subdomain is settled, until the disclaimers are accepted",
    help: "Go back and choose another subdomain.",
  },
  {
    id: "accept-disclaimers", label: "Accept disclaimers", role: "admin", primary: true,
    when: (r) => r.status === "awaiting_disclaimers",
    avail: "while the migration awaits the disclaimers",
    help: (r) => "Accept the disclaimers" + (r.disclaimerVersion ? " (version " + r.disclaimerVersion + ")" : "") + " and connect the accounts now.",
  },
  {
    id: "cancel", label: "Cancel migration", role: "ops", danger: true,
    when: (r) => !isFinal(r.status) && (!r.execution || !r.execution.status || r.execution.status === "Running"),
    optional: true,
    avail: "while the migration is open",
    help: "Stop the migration; a new Zendesk account it created and did not link yet is released.",
  },
];

// actionsCard builds the card once; update(report) re-enables the right actions.
// onProgress receives the progress an action returns, for an immediate redraw.
export function actionsCard(workflowId, role, onProgress) {
  const mine = ACTIONS.filter((a) => (RANK[role] ?? -1) >= RANK[a.role]);
  const error = h("p", { class: "notice notice-error action-msg", id: "action-error", role: "alert", hidden: true });
  const ok = h("p", { class: "notice notice-ok action-msg", id: "action-status", role: "status", hidden: true });
  if (mine.length === 0) {
    const card = h("section", { class: "card", id: "actions", "aria-labelledby": "actions-title", dataset: { role } },
      h("h2", { id: "actions-title" }, "Actions"),
      h("p", { class: "muted", id: "actions-none" }, "Your role (" + role + ") can follow migrations but not act on them. Approvals need an admin token; cancelling needs ops."));
    return { el: card, update() {} };
  }

  const actor = h("input", { id: "actor-email", type: "email", value: actorEmail(), placeholder: "you@example.com", autocomplete: "email" });
  actor.addEventListener("change", () => setActorEmail(actor.value.trim()));
  const subdomain = h("input", { id: "subdomain-input", autocomplete: "off", spellcheck: "false", placeholder: "new-subdomain", "aria-label": "Subdomain to choose" });

  const finished = h("p", { class: "muted", id: "actions-finished", hidden: true }, "This migration is finished; no action applies any more.");
  let report = null;
  let busy = false;
  let cancelTimer;
  const rows = new Map();
  for (const a of mine) {
    const control = a.link
      ? h("a", { class: "btn", id: "action-" + a.id, role: "button", dataset: { action: a.id } }, a.label)
      : h("button", { type: "button", class: "btn" + (a.primary ? " btn-primary" : "") + (a.danger ? " btn-danger" : ""), id: "action-" + a.id, dataset: { action: a.id } }, a.label);
    const help = h("p", { class: "hint" });
    const avail = h("p", { class: "hint avail" }, "Available " + a.avail + ".");
    const controls = h("div", { class: "action-controls" }, a.id === "choose-subdomain" ? subdomain : null, control);
    const row = h("div", { class: "action-row", dataset: { action: a.id } }, h("div", {}, h("div", { class: "action-title" }, a.label), help, avail), controls);
    rows.set(a.id, { a, row, control, help, avail, controls });
    if (!a.link) control.addEventListener("click", () => run(a, control, controls));
  }

  function say(el, text) {
    error.hidden = true;
    ok.hidden = true;
    if (text) {
      el.textContent = text;
      el.hidden = false;
    }
  }

  async function run(a, control, controls) {
    if (busy || control.disabled) return;
    if (a.id === "cancel" && control.dataset.confirm !== "1") {
      control.dataset.confirm = "1";
      control.textContent = "Confirm cancel";
      const keep = h("button", { type: "button", class: "btn btn-quiet", id: "action-cancel-keep" }, "Keep running");
      keep.addEventListener("click", () => resetCancel(control, keep));
      controls.prepend(keep);
      clearTimeout(cancelTimer);
      cancelTimer = setTimeout(() => resetCancel(control, keep), 8000);
      return;
    }
    const by = actor.value.trim();
    if (a.id !== "cancel" && !looksLikeEmail(by)) {
      say(error, "Enter your email under “Acting as”: it is recorded as the person who sent this " + a.label.toLowerCase() + ".");
      actor.focus();
      return;
    }
    setActorEmail(by);
    let path = "/api/v1/migrations/" + encodeURIComponent(workflowId) + "/actions/" + a.id;
    let body = { by };
    if (a.id === "choose-subdomain") body = { subdomain: subdomain.value.trim(), by };
    if (a.id === "cancel") {
      path = "/api/v1/migrations/" + encodeURIComponent(workflowId) + "/cancel";
      body = undefined;
    }
    clearTimeout(cancelTimer);
    busy = true;
    control.textContent = "Sending…";
    control.setAttribute("aria-busy", "true");
    say(null);
    sync();
    try {
      const res = await api("POST", path, body);
      say(ok, a.id === "cancel" ? "Cancellation requested; the migration is cleaning up." : a.label + " sent as " + by + ".");
      if (res && res.status && res.step) onProgress(res);
      if (a.id === "choose-subdomain") subdomain.value = "";
    } catch (err) {
      reportIfUnauthorized(err);
      say(error, err.message);
    } finally {
      busy = false;
      control.textContent = a.label;
      delete control.dataset.confirm;
      control.removeAttribute("aria-busy");
      controls.querySelector("#action-cancel-keep")?.remove();
      sync();
    }
  }

  function resetCancel(control, keep) {
    if (busy) return;
    delete control.dataset.confirm;
    control.textContent = "Cancel migration";
    keep.remove();
  }

  const appliesNow = (id) => rows.has(id) && rows.get(id).a.when(report);

  // sync enables each action that applies now and says why the others do not.
  function sync() {
    if (!report) return;
    for (const { a, row, control, help, avail } of rows.values()) {
      row.hidden = !!a.mode && report.mode && a.mode !== report.mode;
      const now = appliesNow(a.id);
      const on = !busy && now;
      help.textContent = typeof a.help === "function" ? a.help(report) : a.help;
      avail.hidden = now || isFinal(report.status);
      row.classList.toggle("is-off", !now);
      // The input the migration waits for stands out; optional ones (back, cancel) do not.
      row.classList.toggle("is-next", now && !a.optional);
      control.dataset.enabled = String(on);
      if (a.link) {
        if (on) control.setAttribute("href", "/oauth/owner-login?migration=" + encodeURIComponent(workflowId));
        else control.removeAttribute("href");
        control.setAttribute("aria-disabled", String(!on));
        control.classList.toggle("is-disabled", !on);
      } else {
        control.disabled = !on;
      }
    }
    const over = isFinal(report.status);
    finished.hidden = !over;
    list.hidden = over;
    actorField.hidden = over || !mine.some((a) => a.id !== "cancel");
    subdomain.disabled = busy || !appliesNow("choose-subdomain");
  }

  const actorField = h("div", { class: "actor" }, h("label", { for: "actor-email" }, "Acting as"), actor);
  const list = h("div", { class: "action-list" }, [...rows.values()].map((r) => r.row));
  const card = h("section", { class: "card", id: "actions", "aria-labelledby": "actions-title", dataset: { role } },
    h("div", { class: "card-head" }, h("h2", { id: "actions-title" }, "Actions"), actorField),
    finished, list, error, ok);

  return {
    el: card,
    update(r) {
      report = r;
      sync();
    },
  };
}
