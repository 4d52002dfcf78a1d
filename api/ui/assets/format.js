// What statuses and steps are called and how they look, and time formatting.

import { h } from "./dom.js";

// Every status, in the order the counts show them, with its label and its state
// (the colour family: running, waiting, done, failed, cancelled, expired).
// Short labels name a waiting status under the heading "Waiting for".
export const STATUSES = [
  ["running", "Running", "running"],
  ["needs_subdomain", "Needs subdomain", "waiting", "A subdomain"],
  ["awaiting_owner_login", "Awaiting owner login", "waiting", "Owner login"],
  ["owner_needs_sell_license", "Owner needs Sell license", "waiting", "Owner's Sell license"],
  ["awaiting_disclaimers", "Awaiting disclaimers", "waiting", "Disclaimers"],
  ["needs_attention", "Needs attention", "waiting", "An operator's retry"],
  ["completed", "Completed", "done"],
  ["already_connected", "Already connected", "done"],
  ["failed", "Failed", "failed"],
  ["cancelled", "Cancelled", "cancelled"],
  ["expired", "Expired", "expired"],
].map(([id, label, state, short]) => ({ id, label, state, short: short || label }));

const byStatus = new Map(STATUSES.map((s) => [s.id, s]));

export function statusInfo(status) {
  return byStatus.get(status) || { id: status || "unknown", label: status || "Unknown", state: "unknown" };
}

export const isFinal = (status) => ["done", "failed", "cancelled", "expired"].includes(statusInfo(status).state);

// statusChip is the coloured pill every page uses for a status.
export function statusChip(status, attrs) {
  const s = statusInfo(status);
  return h("span", { class: "chip chip-" + s.state, dataset: { status: s.id, state: s.state }, ...attrs },
    h("span", { class: "chip-dot", "aria-hidden": "true" }), s.label);
}

// Where a campaign stands (its progress's state), drawn in the statuses' colours.
const CAMPAIGN_STATES = new Map([
  ["running", ["Running", "running"]],
  ["paused", ["Paused", "waiting"]],
  ["outside_window", ["Outside its windows", "waiting"]],
  ["draining", ["Finishing its migrations", "running"]],
  ["cancelled", ["Cancelled", "cancelled"]],
  ["done", ["Done", "done"]],
]);

// Temporal's execution status, as GET /api/v1/campaigns gives it ("Running",
// "Completed", ...), compared without case or underscores: the list knows no more.
const EXECUTION_STATES = new Map([
  ["RUNNING", ["Running", "running"]],
  ["COMPLETED", ["Completed", "done"]],
  ["FAILED", ["Failed", "failed"]],
  ["CANCELED", ["Cancelled", "cancelled"]],
  ["TERMINATED", ["Terminated", "cancelled"]],
  ["TIMEDOUT", ["Timed out", "expired"]],
]);
const executionKey = (s) => String(s || "").toUpperCase().replace(/_/g, "");
export const executionRunning = (s) => executionKey(s) === "RUNNING";

export function campaignStateChip(state, attrs) {
  return chip(CAMPAIGN_STATES.get(state), state, attrs);
}

export function executionChip(status, attrs) {
  return chip(EXECUTION_STATES.get(executionKey(status)), status, attrs);
}

function chip(known, raw, attrs) {
  const [label, colour] = known || [String(raw || "unknown").replace(/_/g, " ").toLowerCase(), "unknown"];
  return h("span", { class: "chip chip-" + colour, dataset: { state: raw || "" }, ...attrs },
    h("span", { class: "chip-dot", "aria-hidden": "true" }), label);
}

export const STEPS = [
  ["preflight", "Preflight"],
  ["subdomain", "Subdomain"],
  ["owner_login", "Owner login"],
  ["disclaimers", "Disclaimers"],
  ["link", "Link"],
  ["contributors", "Contributors"],
  ["done", "Done"],
].map(([id, label]) => ({ id, label }));

export const stepLabel = (id) => (STEPS.find((s) => s.id === id) || { label: id || "—" }).label;

// stepsFor lists a migration's steps: owner_login only when joining an existing account.
export function stepsFor(mode) {
  return STEPS.filter((s) => s.id !== "owner_login" || mode !== "new");
}

// stepStates says, for each step of the migration, which state its segment shows.
export function stepStates(mode, step, status) {
  const steps = stepsFor(mode);
  const state = statusInfo(status).state;
  let current = steps.findIndex((s) => s.id === step);
  if (current < 0) current = 0;
  const finished = step === "done" || state === "done";
  return steps.map((s, i) => {
    if (finished || i < current) return { ...s, state: "done" };
    if (i > current) return { ...s, state: "todo" };
    return { ...s, state: state === "unknown" ? "running" : state };
  });
}

// stepBar draws the progress of the steps as segments coloured by their state.
export function stepBar(mode, step, status, { labels = false } = {}) {
  const states = stepStates(mode, step, status);
  const doneCount = states.filter((s) => s.state === "done").length;
  return h("div", {
    class: "stepbar" + (labels ? " stepbar-labelled" : ""),
    role: "img",
    "aria-label": "Step " + stepLabel(step) + ", " + statusInfo(status).label + " (" + doneCount + " of " + states.length + " steps done)",
    dataset: { step: step || "", status: status || "" },
  }, states.map((s) => h("span", { class: "seg seg-" + s.state, title: s.label + ": " + s.state, dataset: { step: s.id, state: s.state } },
    labels ? h("span", { class: "seg-label" }, s.label) : null)));
}

// Times.

export function parseTime(t) {
  if (!t) return null;
  const d = new Date(t);
  return isNaN(d) || d.getFullYear() < 1971 ? null : d;
}

export function absTime(t) {
  const d = parseTime(t);
  return d ? d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" }) : "—";
}

export function clockTime(t) {
  const d = parseTime(t);
  if (!d) return "—";
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    : d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function relTime(t) {
  const d = parseTime(t);
  if (!d) return "—";
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  const ago = s >= 0;
  const a = Math.abs(s);
  let v;
  if (a < 45) v = a < 5 ? "just now" : a + " s";
  else if (a < 3600) v = Math.round(a / 60) + " min";
  else if (a < 86400) v = Math.round(a / 3600) + " h";
  else v = Math.round(a / 86400) + " d";
  if (v === "just now") return v;
  return ago ? v + " ago" : "in " + v;
}

// timeEl shows a relative time that the page ticker keeps fresh, with the exact time on hover.
export function timeEl(t, attrs) {
  const d = parseTime(t);
  if (!d) return h("span", { class: "muted" }, "—");
  return h("time", { datetime: d.toISOString(), title: absTime(t), dataset: { rel: "1" }, ...attrs }, relTime(t));
}

export function refreshRelativeTimes(root) {
  root.querySelectorAll("time[data-rel]").forEach((el) => {
    el.textContent = relTime(el.getAttribute("datetime"));
  });
}

// duration formats milliseconds (or a Go time.Duration in nanoseconds with ns=true).
export function duration(v, ns) {
  if (v === null || v === undefined) return "—";
  let ms = ns ? v / 1e6 : v;
  if (ms < 1000) return Math.max(0, Math.round(ms)) + " ms";
  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const hh = Math.floor(s / 3600);
  s -= hh * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [];
  if (d) parts.push(d + "d");
  if (hh) parts.push(hh + "h");
  if (m && !d) parts.push(m + "m");
  if (s && !d && !hh) parts.push(s + "s");
  return parts.join(" ") || "0s";
}

export function between(a, b) {
  const x = parseTime(a);
  const y = parseTime(b);
  return x && y ? duration(y - x) : "—";
}
