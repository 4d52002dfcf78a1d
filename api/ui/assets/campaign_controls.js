// The controls of the campaign page: pause, resume and cancel, for ops and admins.
// Each is enabled only while the campaign would take it; the workflow's own validator
// still decides, and its refusal (409) is shown as it says it.

import { h, messenger } from "./dom.js";
import { api, reportIfUnauthorized } from "./http.js";
import { actorEmail, actorFixed, looksLikeEmail, setActorEmail } from "./actor.js";

const RANK = { viewer: 0, ops: 1, admin: 2 };

// controlsCard builds the card; update(view) re-enables the right controls. onSent is
// called once a control was accepted, to show the campaign as it now is.
export function controlsCard(name, role, onSent) {
  const card = h("section", { class: "card", id: "campaign-controls", "aria-labelledby": "campaign-controls-title", dataset: { role } });
  const title = h("h2", { id: "campaign-controls-title" }, "Controls");
  if ((RANK[role] ?? -1) < RANK.ops) {
    card.append(title, h("p", { class: "muted", id: "campaign-controls-none" },
      "Your role (" + role + ") can follow campaigns but not control them; pausing, resuming and cancelling need ops."));
    return { el: card, update() {} };
  }
  const base = "/api/v1/campaigns/" + encodeURIComponent(name);
  const error = h("p", { class: "notice notice-error action-msg", id: "campaign-control-error", role: "alert", hidden: true });
  const ok = h("p", { class: "notice notice-ok action-msg", id: "campaign-control-status", role: "status", hidden: true });
  const say = messenger(error, ok);
  const over = h("p", { class: "muted", id: "campaign-controls-over", hidden: true }, "This campaign has ended; no control applies any more.");
  const pause = h("button", { type: "button", class: "btn", id: "campaign-pause" }, "Pause");
  const resume = h("button", { type: "button", class: "btn btn-primary", id: "campaign-resume" }, "Resume");
  const cancel = h("button", { type: "button", class: "btn btn-danger", id: "campaign-cancel" }, "Cancel campaign");
  const cancelStarted = h("input", { type: "checkbox", id: "campaign-cancel-started" });
  const confirm = h("button", { type: "button", class: "btn btn-danger", id: "campaign-cancel-confirm", dataset: { confirm: "1" } }, "Confirm cancel");
  const keep = h("button", { type: "button", class: "btn btn-quiet", id: "campaign-cancel-keep" }, "Keep running");
  const confirmPanel = h("div", { class: "cancel-confirm", id: "campaign-cancel-panel", hidden: true },
    h("p", {}, h("strong", {}, "Cancel this campaign?"), " It starts no more rows; the rows not yet started are reported as not started."),
    h("label", { class: "check", for: "campaign-cancel-started" }, cancelStarted,
      " Also cancel the started migrations that are not yet linked"),
    h("p", { class: "hint" }, "Without it they go on. Either way a linked migration is never cancelled; a cancelled one releases the Zendesk account it created."),
    h("div", { class: "action-controls" }, keep, confirm));
  const list = h("div", { class: "action-list" },
    h("div", { class: "action-row" }, h("div", {}, h("div", { class: "action-title" }, "Pause or resume"),
      h("p", { class: "hint" }, "Pausing stops new starts; the migrations already started go on. Resuming picks up where it stopped.")),
    h("div", { class: "action-controls" }, pause, resume)),
    h("div", { class: "action-row" }, h("div", {}, h("div", { class: "action-title" }, "Cancel"),
      h("p", { class: "hint" }, "Stop starting for good, and write the report.")),
    h("div", { class: "action-controls" }, cancel)),
    confirmPanel);
  // Who sends a control: a named token's or staff sign-in's email, which the server
  // records itself; with a role-list token, the email the person gives.
  const actor = h("input", { id: "campaign-actor-email", type: "email", value: actorEmail(), placeholder: "you@example.com", autocomplete: "email" });
  actor.addEventListener("change", () => setActorEmail(actor.value.trim()));
  if (actorFixed()) {
    actor.readOnly = true;
    actor.title = "Your sign-in belongs to this email; it is recorded with the controls you send";
  }
  const actorField = h("div", { class: "actor" }, h("label", { for: "campaign-actor-email" }, "Acting as"), actor);
  card.append(h("div", { class: "card-head" }, title, actorField), over, list, error, ok);

  let view = null;
  let busy = false;


  async function send(control, fields, done) {
    if (busy) return;
    // A named token's email is stamped by the server; a role-list token has none.
    const by = actor.value.trim();
    if (!actorFixed() && !looksLikeEmail(by)) {
      say(error, "Enter your email under “Acting as”: it is recorded as the person who sent this " + control + ".");
      actor.focus();
      return;
    }
    if (!actorFixed()) setActorEmail(by);
    const body = actorFixed() ? { ...fields } : { by, ...fields };
    busy = true;
    say(null);
    sync();
    try {
      await api("POST", base + "/" + control, body);
      say(ok, done);
      confirmPanel.hidden = true;
      cancelStarted.checked = false;
      onSent();
    } catch (err) {
      reportIfUnauthorized(err);
      say(error, err.message);
    } finally {
      busy = false;
      sync();
    }
  }

  pause.addEventListener("click", () => send("pause", {}, "Campaign paused: it starts no more migrations until resumed."));
  resume.addEventListener("click", () => send("resume", {}, "Campaign resumed."));
  // Cancelling cannot be undone: the first click asks, with the choice of what else
  // to cancel; only the confirmation sends it.
  cancel.addEventListener("click", () => {
    confirmPanel.hidden = false;
    sync();
    keep.focus();
  });
  keep.addEventListener("click", () => {
    confirmPanel.hidden = true;
    cancelStarted.checked = false;
    sync();
  });
  confirm.addEventListener("click", () => {
    const also = cancelStarted.checked;
    send("cancel", { cancelStarted: also }, "Cancellation sent" + (also ? ", with the started migrations not yet linked" : "") + "; the campaign is writing its report.");
  });

  function sync() {
    if (!view) return;
    const open = !view.final && view.state !== "cancelled" && view.state !== "done";
    pause.disabled = busy || !open || view.paused;
    resume.disabled = busy || !open || !view.paused;
    cancel.disabled = busy || !open || !confirmPanel.hidden;
    confirm.disabled = busy || !open;
    cancelStarted.disabled = busy || !open;
    if (!open) confirmPanel.hidden = true;
    over.hidden = open;
    list.hidden = !open;
    actorField.hidden = !open;
  }

  return {
    el: card,
    update(v) {
      view = v;
      sync();
    },
  };
}
