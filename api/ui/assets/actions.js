// The actions card of the detail page: the human inputs a role may send, each enabled
// only while the migration would take it (its progress's allowedInputs, which the
// workflow's own validators decide). Which inputs exist, their fields and roles come
// from the input registry (GET /api/v1/inputs): this page keeps no copy of the rules.

import { h, messenger } from "./dom.js";
import { api, reportIfUnauthorized } from "./http.js";
import { actorEmail, actorFixed, looksLikeEmail, setActorEmail } from "./actor.js";
import { isFinal } from "./format.js";
import { disclaimerPanel } from "./disclaimers.js";

const RANK = { viewer: 0, ops: 1, admin: 2 };

// The registry rarely changes while a page is open: fetched once per page load.
let registry = null;
function loadRegistry() {
  registry = registry || api("GET", "/api/v1/inputs").then((r) => r.inputs || []);
  return registry;
}

// Cancelling is not an input of the workflow but a Temporal cancellation; it sits with
// the actions all the same.
const CANCEL = {
  name: "cancel", title: "Cancel migration", role: "ops", danger: true, optional: true,
  doc: "Stop the migration. A new Zendesk account it created and did not link is released; once linked, the account stays linked and the outcome says how many users remain.",
};

const fillId = (tmpl, id) => tmpl.replace("{id}", encodeURIComponent(id));

// The accept action takes its version and SHA-256 from the text on screen, not from
// fields a person types.
const ACCEPT = "accept-disclaimers";
const fromText = (a, f) => a.name === ACCEPT && (f.name === "version" || f.name === "sha256");

// actionsCard builds the card; update(report) re-enables the right actions.
// onProgress receives the progress an action returns, for an immediate redraw.
export function actionsCard(workflowId, role, onProgress) {
  const card = h("section", { class: "card", id: "actions", "aria-labelledby": "actions-title", dataset: { role } });
  const error = h("p", { class: "notice notice-error action-msg", id: "action-error", role: "alert", hidden: true });
  const ok = h("p", { class: "notice notice-ok action-msg", id: "action-status", role: "status", hidden: true });
  const say = messenger(error, ok);
  const actor = h("input", { id: "actor-email", type: "email", value: actorEmail(), placeholder: "you@example.com", autocomplete: "email" });
  actor.addEventListener("change", () => setActorEmail(actor.value.trim()));
  if (actorFixed()) {
    // A named token's email: the server records it and refuses any other.
    actor.readOnly = true;
    actor.title = "Your API token belongs to this email; it is recorded with what you send";
  }
  const finished = h("p", { class: "muted", id: "actions-finished", hidden: true }, "This migration is finished; no action applies any more.");
  const actorField = h("div", { class: "actor" }, h("label", { for: "actor-email" }, "Acting as"), actor);
  const list = h("div", { class: "action-list" });
  let report = null;
  let busy = false;
  let cancelTimer;
  const rows = new Map();
  const disclaimer = disclaimerPanel(() => sync());

  card.append(h("div", { class: "card-head" }, h("h2", { id: "actions-title" }, "Actions"), actorField), finished, list, error, ok);

  loadRegistry().then((inputs) => {
    const mine = [...inputs, CANCEL].filter((a) => (RANK[role] ?? -1) >= RANK[a.role]);
    if (mine.length === 0) {
      card.replaceChildren(h("h2", { id: "actions-title" }, "Actions"),
        h("p", { class: "muted", id: "actions-none" }, "Your role (" + role + ") can follow migrations but not act on them. Approvals need an admin token; cancelling and retrying need ops."));
      return;
    }
    for (const a of mine) rows.set(a.name, row(a));
    list.replaceChildren(...[...rows.values()].map((r) => r.row));
    sync();
  }, (err) => {
    reportIfUnauthorized(err);
    say(error, "Could not load the actions: " + err.message);
  });

  // row builds one action: its fields (all but "by", which is the acting person) and
  // its button, or a link for an input given on a page of its own (the owner login).
  function row(a) {
    const fields = (a.fields || []).filter((f) => f.name !== "by" && !fromText(a, f)).map((f) => ({
      f,
      el: h("input", { id: a.name + "-" + f.name, autocomplete: "off", spellcheck: "false", placeholder: f.example || f.name,
        "aria-label": f.doc, dataset: { field: f.name }, required: f.required }),
    }));
    const control = a.page
      ? h("a", { class: "btn", id: "action-" + a.name, role: "button", dataset: { action: a.name } }, a.title)
      : h("button", { type: "button", class: "btn" + (a.name === ACCEPT ? " btn-primary" : "") + (a.danger ? " btn-danger" : ""), id: "action-" + a.name, dataset: { action: a.name } }, a.title);
    const avail = h("p", { class: "hint avail" });
    const controls = h("div", { class: "action-controls" }, fields.map((x) => x.el), control);
    const el = h("div", { class: "action-row", dataset: { action: a.name } },
      h("div", {}, h("div", { class: "action-title" }, a.title), h("p", { class: "hint" }, a.doc), avail,
        a.name === ACCEPT ? disclaimer.el : null), controls);
    const r = { a, row: el, control, controls, fields, avail };
    if (!a.page) control.addEventListener("click", () => run(r));
    return r;
  }


  async function run({ a, control, controls, fields }) {
    if (busy || control.disabled) return;
    if (a.name === "cancel" && control.dataset.confirm !== "1") {
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
    let path = "/api/v1/migrations/" + encodeURIComponent(workflowId) + "/cancel";
    let body;
    if (a.name !== "cancel") {
      if (!looksLikeEmail(by)) {
        say(error, "Enter your email under “Acting as”: it is recorded as the person who sent this " + a.title.toLowerCase() + ".");
        actor.focus();
        return;
      }
      if (!actorFixed()) setActorEmail(by);
      path = fillId(a.path, workflowId);
      body = { by };
      for (const { f, el } of fields) {
        if (el.value.trim()) body[f.name] = el.value.trim();
      }
      const text = a.name === ACCEPT && disclaimer.shown();
      if (text) {
        body.version = text.version;
        body.sha256 = text.sha256;
      }
    }
    clearTimeout(cancelTimer);
    busy = true;
    control.textContent = "Sending…";
    control.setAttribute("aria-busy", "true");
    say(null);
    sync();
    try {
      const res = await api("POST", path, body);
      say(ok, a.name === "cancel" ? "Cancellation requested; the migration is cleaning up." : a.title + " sent as " + by + ".");
      if (res && res.status && res.step) onProgress(res);
      for (const { el } of fields) el.value = "";
    } catch (err) {
      reportIfUnauthorized(err);
      say(error, err.message);
    } finally {
      busy = false;
      control.textContent = a.title;
      delete control.dataset.confirm;
      control.removeAttribute("aria-busy");
      controls.querySelector("#action-cancel-keep")?.remove();
      sync();
    }
  }

  function resetCancel(control, keep) {
    if (busy) return;
    delete control.dataset.confirm;
    control.textContent = CANCEL.title;
    keep.remove();
  }

  // appliesNow: an input applies when the workflow says it would take it; cancelling
  // applies while the migration is open.
  function appliesNow(a) {
    if (a.name === "cancel") {
      return !isFinal(report.status) && (!report.execution || !report.execution.status || report.execution.status === "Running");
    }
    return (report.allowedInputs || []).includes(a.name);
  }

  // sync enables each action that applies now and hides those of the other mode. The
  // accept waits until the text it accepts is on screen; a migration whose worker
  // predates requiredDisclaimerVersion names no version, and is accepted as before.
  function sync() {
    if (!report || rows.size === 0) return;
    for (const r of rows.values()) {
      const { a, row: el, control, fields, avail } = r;
      el.hidden = !!a.mode && !!report.mode && a.mode !== report.mode;
      const now = appliesNow(a);
      let on = !busy && now;
      if (a.name === ACCEPT) {
        const version = now ? report.requiredDisclaimerVersion || "" : "";
        disclaimer.show(version);
        on = on && (!version || !!disclaimer.shown());
      }
      avail.textContent = now ? "" : a.name === "cancel" ? "Not while the migration is closed." : "Not expected now: the migration is " + (report.status || "—").replace(/_/g, " ") + ".";
      avail.hidden = now || isFinal(report.status);
      el.classList.toggle("is-off", !now);
      // The input the migration waits for stands out; back and cancel do not.
      el.classList.toggle("is-next", now && !a.optional && a.name !== "back");
      // A page action (the owner login) opens a link the API signs for this migration
      // and that expires: it is enabled once a fresh link is here.
      if (a.page) {
        const fresh = !!r.link && Date.now() < r.linkExpires - 60000;
        if (on && !fresh) fetchLink(r);
        on = on && fresh;
      }
      control.dataset.enabled = String(on);
      for (const { el: input } of fields) input.disabled = !on;
      if (a.page) {
        if (on) control.setAttribute("href", r.link);
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
    actorField.hidden = over || ![...rows.keys()].some((n) => n !== "cancel");
  }

  // fetchLink asks the API for a signed link to the row's page, then syncs again; after
  // a failure it waits a while before asking again.
  function fetchLink(r) {
    if (r.fetching || Date.now() < (r.retryAt || 0)) return;
    r.fetching = true;
    api("GET", fillId(r.a.pageLink, workflowId)).then((res) => {
      r.link = res.path;
      r.linkExpires = Date.parse(res.expiresAt);
      r.fetching = false;
      sync();
    }, (err) => {
      r.fetching = false;
      r.retryAt = Date.now() + 15000;
      reportIfUnauthorized(err);
      say(error, "Could not get the owner-login link: " + err.message);
    });
  }

  return {
    el: card,
    update(r) {
      report = r;
      sync();
    },
  };
}
