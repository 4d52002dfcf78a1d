// The read-only sections of the detail page, each drawn from the migration report
// (GET /api/v1/migrations/{id}: the workflow's progress plus Temporal's view of the run).

import { h } from "./dom.js";
import { absTime, between, clockTime, duration, statusChip, statusInfo, stepLabel, stepStates, timeEl } from "./format.js";

const num = (n) => (typeof n === "number" ? n.toLocaleString() : "—");

// stepper: the steps with their state, when each started and how long it took.
export function stepper(r) {
  const latest = new Map();
  for (const t of r.timeline || []) latest.set(t.step, t);
  const states = stepStates(r.mode, r.step, r.status);
  return h("ol", { class: "stepper", id: "stepper", dataset: { step: r.step || "", status: r.status || "" } }, states.map((s, i) => {
    const t = latest.get(s.id);
    let when = null;
    if (t && s.id !== "done") {
      // A step waiting for a person counts from when the wait began, as the callout does.
      const from = s.state === "waiting" && r.waitingSince ? r.waitingSince : t.startedAt;
      // Capitalised as the callout's "Waiting 13s", so one wait reads the same in both.
      const state = s.state.charAt(0).toUpperCase() + s.state.slice(1);
      const took = t.endedAt ? between(t.startedAt, t.endedAt) : s.state === "done" ? "" : state + " " + between(from, new Date().toISOString());
      when = clockTime(t.startedAt) + (took ? " · " + took : "");
    }
    else if (t) when = clockTime(t.startedAt);
    let extra = null;
    if (s.id === "contributors" && s.state !== "done" && r.contributors && r.contributors.total) {
      const c = r.contributors;
      const pct = Math.min(100, Math.round(((c.done || 0) / c.total) * 100));
      const fillBar = h("span", { dataset: { pct: String(pct) } });
      fillBar.style.width = pct + "%"; // CSSOM, which the page's CSP allows (inline style attributes it does not)
      extra = [h("div", { class: "mini-progress", title: num(c.done) + " of " + num(c.total) + " Sell users handled" }, fillBar),
        h("span", { class: "step-when", id: "contributors-progress" }, num(c.done) + " / " + num(c.total) + " users")];
    }
    const mark = s.state === "done" ? "✓" : s.state === "failed" ? "!" : s.state === "cancelled" || s.state === "expired" ? "×" : String(i + 1);
    return h("li", { class: "step step-" + s.state, dataset: { step: s.id, state: s.state }, "aria-current": s.state !== "done" && s.state !== "todo" ? "step" : null },
      h("span", { class: "step-mark", "aria-hidden": "true" }, mark),
      h("span", { class: "step-label" }, s.label),
      h("span", { class: "step-when" }, when || (s.state === "todo" ? "not started" : "")),
      extra);
  }));
}

// callouts: what the migration waits for, its last error, what cancelling undid.
export function callouts(r, role) {
  const out = [];
  if (statusInfo(r.status).state === "waiting") {
    const needed = r.status === "needs_attention" ? "ops" : "admin";
    const rank = { viewer: 0, ops: 1, admin: 2 };
    const who = (rank[role] ?? -1) >= rank[needed] ? "Use the actions below."
      : (needed === "ops" ? "An operator must fix the cause and retry" : "An admin must act") + "; your role can only follow.";
    out.push(h("div", { class: "callout callout-waiting", id: "waiting-for", role: "status" },
      h("strong", {}, "Waiting for " + (r.waitingFor || statusInfo(r.status).label.toLowerCase())),
      h("div", {}, r.waitingSince ? ["Waiting ", h("span", { title: absTime(r.waitingSince) }, between(r.waitingSince, new Date().toISOString())), " (since ", clockTime(r.waitingSince), "). "] : null,
        r.remindersSent ? r.remindersSent + " reminder" + (r.remindersSent === 1 ? "" : "s") + " sent. " : null, who)));
  }
  // A wait caused by the error (a taken subdomain, say) already says it above.
  if (r.lastError && !(r.waitingFor || "").includes(r.lastError)) {
    out.push(h("div", { class: "callout callout-error", id: "last-error", role: "alert" },
      h("strong", {}, statusInfo(r.status).state === "failed" ? "Failed" : "Last error"), h("div", { class: "mono small wrap" }, r.lastError)));
  }
  if (r.compensation) {
    out.push(h("div", { class: "callout callout-info", id: "compensation" }, h("strong", {}, "Cleanup"), h("div", {}, r.compensation)));
  }
  if (r.progressSource === "visibility" && r.progressNote) {
    out.push(h("div", { class: "callout callout-info", id: "progress-note" }, h("strong", {}, "Partial view"), h("div", {}, r.progressNote)));
  }
  return out;
}

// resultCard: where users log in now, who became a contributor, who needs reactivating.
export function resultCard(r) {
  const res = r.result;
  if (!res) return null;
  const reactivate = res.needsReactivation || [];
  // The list holds the first 100; the count is whole (absent in results from before it).
  const reactivateCount = Math.max(res.needsReactivationCount || 0, reactivate.length);
  return h("section", { class: "card", id: "result", "aria-labelledby": "result-title" },
    h("div", { class: "card-head" }, h("h2", { id: "result-title" }, "Result"), statusChip(res.outcome)),
    res.loginUrl ? h("p", { class: "login-line" }, "Users now sign in at ",
      h("a", { href: res.loginUrl, id: "result-login-url", target: "_blank", rel: "noopener", class: "mono" }, res.loginUrl)) : null,
    h("div", { class: "stats" },
      stat("Users converted", h("span", { id: "result-converted" }, num(res.usersConverted)), "to contributor agents"),
      stat("Already agents", num(res.alreadyAgents), "left as they were"),
      stat("Need reactivation", num(reactivateCount), "see below"),
      stat("Took", duration(res.duration, true), "waits included")),
    conversionPathLine(res.conversionPath),
    reactivate.length
      ? h("div", { class: "reactivate", id: "result-reactivation" },
        h("h3", {}, num(reactivateCount) + " user" + (reactivateCount === 1 ? " needs" : "s need") + " reactivation"),
        h("ul", { class: "email-list" }, reactivate.map((e) => h("li", { class: "mono" }, e))),
        reactivateCount > reactivate.length ? h("p", { class: "hint" }, "… and " + num(reactivateCount - reactivate.length) + " more, not listed.") : null,
        h("p", { class: "hint" }, "These Sell users are end-users in Zendesk and lost Sell access. A Sell admin reactivates them in ",
          h("strong", {}, "Sell > Settings > Users > Pending actions"), "."))
      : h("p", { class: "muted", id: "result-reactivation-none" }, "No user needs reactivation."),
    reportedUsers("result-suspended", res.suspended, res.suspendedEmails, "suspended in Zendesk",
      "Their Zendesk users exist but are suspended, so they were neither converted nor counted as agents. A Zendesk admin decides whether to unsuspend them."),
    reportedUsers("result-inactive", res.inactive, res.inactiveEmails, "inactive in Sell",
      "Deactivated Sell users hold no Sell license and were not converted."),
    h("p", { class: "hint" }, "Next: first login at the new address, app installation, and security settings (SSO, 2FA)."));
}

// conversionPathLine says how contributors were created: one by one means the Zendesk
// account's bulk imports were off, which is why it took longer. Absent in results from
// before the path was recorded, and when no conversion ran.
function conversionPathLine(path) {
  if (path === "one-by-one") {
    return h("p", { class: "hint", id: "result-conversion-path", "data-path": path }, "Created ",
      h("strong", {}, "one by one"), ": the Zendesk account's bulk imports are off. The owner can ask Zendesk Support to enable them.");
  }
  if (path === "bulk") {
    return h("p", { class: "hint", id: "result-conversion-path", "data-path": path }, "Created in bulk.");
  }
  return null;
}

// reportedUsers: users the conversion reported instead of converting. The migration
// keeps the first 100 emails of each kind; count is all of them.
function reportedUsers(id, count, emails, what, hint) {
  if (!count) return null;
  const list = emails || [];
  const more = count - list.length;
  return h("div", { class: "reactivate", id },
    h("h3", {}, num(count) + " user" + (count === 1 ? " is " : "s are ") + what),
    list.length ? h("ul", { class: "email-list" }, list.map((e) => h("li", { class: "mono" }, e))) : null,
    more > 0 && list.length ? h("p", { class: "hint" }, "… and " + num(more) + " more, not listed.") : null,
    h("p", { class: "hint" }, hint));
}

function stat(label, value, sub) {
  return h("div", { class: "stat" }, h("div", { class: "stat-label" }, label), h("div", { class: "stat-value" }, value), sub ? h("div", { class: "hint" }, sub) : null);
}

// timelineCard: every step entered, with times (a step may repeat after "back").
export function timelineCard(r) {
  const rows = (r.timeline || []).map((t) => h("tr", { dataset: { step: t.step } },
    h("td", {}, stepLabel(t.step)), h("td", { title: absTime(t.startedAt) }, clockTime(t.startedAt)),
    h("td", { title: absTime(t.endedAt) }, t.endedAt ? clockTime(t.endedAt) : h("span", { class: "muted" }, "—")),
    h("td", { class: "num" }, t.endedAt && t.step !== "done" ? between(t.startedAt, t.endedAt) : "")));
  return h("section", { class: "card", id: "timeline", "aria-labelledby": "timeline-title" }, h("h2", { id: "timeline-title" }, "Timeline"),
    rows.length ? table(["Step", "Started", "Ended", "Took"], rows) : h("p", { class: "muted" }, "No step has started yet."));
}

// inputsCard: every human input received, by whom, and whether it was accepted.
export function inputsCard(r) {
  const rows = (r.inputs || []).map((i) => h("tr", { dataset: { input: i.name, accepted: String(!!i.accepted) } },
    h("td", { title: absTime(i.at), class: "nowrap" }, clockTime(i.at)), h("td", { class: "nowrap" }, i.name), h("td", { class: "mono small" }, i.by || "—"),
    h("td", {}, i.detail || ""),
    h("td", {}, i.accepted ? h("span", { class: "ok-text" }, "Accepted") : h("span", { class: "error-text", title: i.reason || "" }, "Rejected" + (i.reason ? ": " + i.reason : "")))));
  const older = r.inputsDropped ? h("p", { class: "hint", id: "inputs-dropped" }, r.inputsDropped + " older inputs are counted but no longer listed: " +
    Object.entries(r.inputCounts || {}).map(([n, c]) => n + " " + c.accepted + " accepted, " + c.rejected + " rejected").join("; ") + ".") : null;
  return h("section", { class: "card", id: "inputs", "aria-labelledby": "inputs-title" }, h("h2", { id: "inputs-title" }, "Inputs received"), older,
    rows.length ? table(["When", "Input", "By", "Detail", "Outcome"], rows) : h("p", { class: "muted" }, "No input received yet."));
}

// activitiesCard: Zendesk steps in flight, with their attempts and last failure.
export function activitiesCard(r) {
  const acts = r.pendingActivities || [];
  return h("section", { class: "card", id: "pending", "aria-labelledby": "pending-title" }, h("h2", { id: "pending-title" }, "Zendesk calls in flight"),
    acts.length ? h("ul", { class: "activities" }, acts.map((a) => h("li", { dataset: { activity: a.type, attempt: String(a.attempt) } },
      h("div", { class: "activity-head" }, h("span", { class: "mono" }, a.type),
        h("span", { class: "tag" }, (a.state || "").replace(/^PENDING_ACTIVITY_STATE_/, "").toLowerCase().replace(/_/g, " "))),
      h("div", { class: "small" }, "Attempt ", h("strong", { class: "attempts" }, String(a.attempt || 1)), a.maximumAttempts ? " of " + a.maximumAttempts : " (no limit)",
        a.nextAttemptTime ? [" · next ", timeEl(a.nextAttemptTime)] : null,
        a.lastHeartbeatTime ? [" · heartbeat ", timeEl(a.lastHeartbeatTime)] : null),
      a.lastFailure ? h("div", { class: "mono small error-text wrap" }, a.lastFailure) : null)))
      : h("p", { class: "muted" }, "None right now."));
}

// detailsCard: the inputs the migration started with and Temporal's view of the run.
export function detailsCard(r) {
  const ex = r.execution || {};
  const rows = [
    ["Workflow ID", h("span", { class: "mono" }, r.workflowId || ex.workflowId)],
    ["Run ID", h("span", { class: "mono small" }, ex.runId || "—")],
    r.runs > 1 ? ["Runs", h("span", { id: "runs" }, r.runs + " (it continued as new to keep each history short; progress carries over)")] : null,
    ["Sell account", (r.sellAccountId || "—") + (r.accountName ? " · " + r.accountName : "")],
    ["Mode", r.mode === "existing" ? "Join an existing Zendesk account" : r.mode === "new" ? "Create a new Zendesk account" : "—"],
    ["Subdomain", r.subdomain ? h("span", { class: "mono" }, r.subdomain) : "—"],
    r.createdSubdomain ? ["Created account", h("span", {}, h("span", { class: "mono" }, r.createdSubdomain), r.linked ? " (linked)" : " (not linked yet)")] : null,
    ["Requested by", h("span", { class: "mono small" }, r.requestedBy || "—")],
    r.mode === "existing" ? ["Verified owner", r.ownerEmail ? h("span", { class: "mono small" }, r.ownerEmail) : h("span", { class: "muted" }, "not yet")] : null,
    r.disclaimerVersion ? ["Disclaimers accepted", h("span", { id: "disclaimers-accepted" }, "version " + r.disclaimerVersion,
      r.disclaimerSha256 ? h("span", { class: "mono small wrap", title: "SHA-256 of the text accepted" }, " · sha256 " + r.disclaimerSha256) : null)] : null,
    ["Started", timeEl(r.startedAt || ex.startTime)],
    ["Updated", timeEl(r.updatedAt)],
    ex.closeTime ? ["Closed", timeEl(ex.closeTime)] : null,
    (r.executions || []).length > 1 ? ["Earlier runs", h("ul", { class: "runs", id: "executions" }, r.executions.filter((e) => e.runId !== ex.runId).map((e) =>
      h("li", { class: "small" }, timeEl(e.startedAt), " · ", statusChip(e.status), " ", h("span", { class: "mono small" }, e.runId))))] : null,
    ["Temporal status", h("span", { id: "execution-status" }, ex.status || "—")],
    ["History events", num(ex.historyLength)],
    ["Task queue", h("span", { class: "mono small" }, ex.taskQueue || "—")],
  ].filter(Boolean);
  return h("section", { class: "card", id: "details", "aria-labelledby": "details-title" }, h("h2", { id: "details-title" }, "Details"),
    h("dl", { class: "kv" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])));
}

function table(headers, rows) {
  return h("div", { class: "table-scroll" }, h("table", { class: "table table-compact" },
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))), h("tbody", {}, rows)));
}

// notificationsCard: the reminders sent to the person the migration waits for.
export function notificationsCard(r) {
  const sent = r.notifications || [];
  const rows = sent.slice().reverse().map((n) => h("tr", { dataset: { channel: n.channel, sent: String(!n.error) } },
    h("td", { title: absTime(n.at), class: "nowrap" }, clockTime(n.at)), h("td", {}, n.channel),
    h("td", { class: "mono small" }, (n.to || []).join(", ") || "—"), h("td", {}, n.subject),
    h("td", {}, n.error ? h("span", { class: "error-text", title: n.error }, "Not sent: " + n.error) : h("span", { class: "ok-text" }, "Sent"))));
  return h("section", { class: "card", id: "notifications", "aria-labelledby": "notifications-title" }, h("h2", { id: "notifications-title" }, "Reminders sent"),
    rows.length ? table(["When", "Channel", "To", "Subject", "Outcome"], rows)
      : h("p", { class: "muted" }, r.remindersSent ? r.remindersSent + " reminder(s) sent before reminders were recorded." : "No reminder sent yet."));
}
