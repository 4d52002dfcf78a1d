// The read-only sections of the campaign page, each drawn from its view (see view() in
// campaign.js): the progress bar and counts, the pace and windows, and the rows'
// report.

import { h } from "./dom.js";
import { absTime, relTime, statusChip, statusInfo, timeEl } from "./format.js";

const num = (n) => (typeof n === "number" ? n.toLocaleString() : "—");
const plural = (n, one, many) => num(n) + " " + (n === 1 ? one : many);

// The migration workflow ID of a row's account, as contract.WorkflowID forms it.
export const migrationId = (accountId) => "sell-migration-" + accountId;

// segments splits the campaign's rows by where they stand, in the bar's order. The
// statuses come from visibility, which may lag the starts: what it does not show yet
// counts as running.
function segments(v) {
  const c = v.counts || {};
  const by = v.byStatus || {};
  const sum = (states) => Object.entries(by).filter(([s]) => states.includes(statusInfo(s).state)).reduce((a, [, n]) => a + n, 0);
  const done = sum(["done"]);
  const ended = sum(["failed", "cancelled", "expired"]);
  const waiting = sum(["waiting"]);
  return [
    { id: "done", label: "Finished", n: done },
    { id: "failed", label: "Failed, cancelled or expired", n: ended },
    { id: "waiting", label: "Waiting for a person", n: waiting },
    { id: "running", label: "Running or starting", n: Math.max(0, (c.started || 0) - done - ended - waiting) },
    { id: "refused", label: "Refused", n: c.refused || 0 },
    { id: "notstarted", label: "Not started (cancelled)", n: c.notStarted || 0 },
    { id: "queued", label: "Queued", n: c.queued || 0 },
  ];
}

// progressCard: one bar for every row of the campaign, its legend, and the counts.
export function progressCard(v) {
  const c = v.counts || {};
  const total = c.total || 0;
  const segs = segments(v);
  const handled = (c.started || 0) + (c.refused || 0) + (c.notStarted || 0);
  const pct = total ? Math.round((handled / total) * 100) : 0;
  const bar = h("div", { class: "wave-bar", id: "campaign-bar", role: "img", dataset: { pct: String(pct) },
    "aria-label": num(handled) + " of " + num(total) + " rows handled (" + pct + "%)" },
  segs.filter((s) => s.n > 0).map((s) => {
    const seg = h("span", { class: "wave-seg wave-" + s.id, title: s.label + ": " + num(s.n), dataset: { segment: s.id, count: String(s.n) } });
    seg.style.width = (total ? (s.n / total) * 100 : 0) + "%"; // CSSOM, which the page's CSP allows
    return seg;
  }));
  const tile = (id, label, n) => h("div", { class: "stat", id: "campaign-count-" + id, dataset: { count: String(n ?? 0) } },
    h("div", { class: "stat-label" }, label), h("div", { class: "stat-value" }, num(n ?? 0)));
  return h("section", { class: "card", id: "campaign-progress", "aria-labelledby": "campaign-progress-title" },
    h("div", { class: "card-head" }, h("h2", { id: "campaign-progress-title" }, "Progress"),
      h("span", { class: "muted", id: "campaign-handled" }, num(handled) + " of " + plural(total, "row", "rows") + " handled · " + pct + "%")),
    bar,
    h("ul", { class: "wave-legend" }, segs.map((s) => h("li", { dataset: { segment: s.id }, class: s.n ? null : "muted" },
      h("span", { class: "wave-key wave-" + s.id, "aria-hidden": "true" }), s.label + " ", h("strong", {}, num(s.n))))),
    h("div", { class: "stats", id: "campaign-counts" },
      tile("total", "Rows", c.total), tile("queued", "Queued", c.queued), tile("started", "Started", c.started),
      tile("refused", "Refused", c.refused), tile("notStarted", "Not started", c.notStarted)),
    byStatusLine(v.byStatus));
}

// byStatusLine: the started migrations by status, as visibility last showed them.
function byStatusLine(by) {
  const entries = Object.entries(by || {}).filter(([, n]) => n > 0);
  if (!entries.length) return null;
  return h("div", { class: "by-status", id: "campaign-by-status" }, h("span", { class: "muted" }, "Migrations by status:"),
    entries.map(([s, n]) => h("span", { class: "by-status-item", dataset: { status: s, count: String(n) } }, statusChip(s), " ", num(n))));
}

// paceCard: active migrations against the bound, the start rate against the target,
// the windows and, outside them, when the next opens.
export function paceCard(v) {
  if (!v.progress) {
    return h("section", { class: "card", id: "campaign-pace", "aria-labelledby": "campaign-pace-title" },
      h("h2", { id: "campaign-pace-title" }, "Pace"),
      h("p", { class: "muted" }, "The campaign has ended: it starts nothing more, and its pace and windows no longer apply."));
  }
  const p = v.progress;
  const target = p.ratePerMinute || 0;
  const achieved = p.achievedPerMinute || 0;
  const ratePct = target ? Math.min(100, Math.round((achieved / target) * 100)) : 0;
  const rateFill = h("span", { dataset: { pct: String(ratePct) } });
  rateFill.style.width = ratePct + "%";
  const activePct = p.maxActive ? Math.min(100, Math.round(((p.active || 0) / p.maxActive) * 100)) : 0;
  const activeFill = h("span", { dataset: { pct: String(activePct) } });
  activeFill.style.width = activePct + "%";
  const windows = p.windows || [];
  const rows = [
    ["Start rate", h("div", {}, h("span", { id: "campaign-rate" }, h("strong", {}, achieved.toFixed(1) + "/min"), " achieved of ", num(target) + "/min target"),
      h("div", { class: "mini-progress wide", title: ratePct + "% of the target" }, rateFill))],
    ["Active", h("div", {}, h("span", { id: "campaign-active" }, h("strong", {}, num(p.active || 0)), " of at most ", num(p.maxActive)),
      h("div", { class: "mini-progress wide", title: "Migrations in active steps; those waiting for a person do not count" }, activeFill))],
    ["Windows", windows.length ? h("ul", { class: "windows", id: "campaign-windows" }, windows.map((w) => h("li", { class: "mono small" }, w)))
      : h("span", { id: "campaign-windows" }, "Any time (no window)")],
    p.state === "outside_window" && p.nextWindow ? ["Next window", h("span", { id: "campaign-next-window", title: absTime(p.nextWindow) },
      "opens " + relTime(p.nextWindow) + " (" + absTime(p.nextWindow) + ")")] : null,
    ["Started", timeEl(p.startedAt)],
    p.runs > 1 ? ["Runs", h("span", { id: "campaign-runs" }, p.runs + " (it continues as new to keep each history short)")] : null,
  ].filter(Boolean);
  return h("section", { class: "card", id: "campaign-pace", "aria-labelledby": "campaign-pace-title" },
    h("h2", { id: "campaign-pace-title" }, "Pace"),
    h("dl", { class: "kv" }, rows.map(([k, val]) => [h("dt", {}, k), h("dd", {}, val)])));
}

// stateNote says in words what the campaign does now.
export function stateNote(v) {
  const r = v.report || {};
  if (r.canceled) {
    const by = r.canceled.by ? " by " + r.canceled.by : "";
    const started = r.canceled.cancelStarted
      ? " Started migrations not yet linked were cancelled too" + (r.cancelledMigrations ? " (" + num(r.cancelledMigrations) + ")" : "") + "; linked ones went on."
      : " Started migrations go on.";
    return h("div", { class: "callout callout-info", id: "campaign-note" }, h("strong", {}, "Cancelled" + by), h("div", {}, "It starts no more rows." + started));
  }
  const notes = {
    paused: ["Paused", "No migration starts until it is resumed; the migrations already started go on."],
    outside_window: ["Outside its windows", "It starts migrations again when the next window opens."],
    draining: ["Every row handled", "It waits for its migrations to end, then writes its report."],
    cancelled: ["Cancelled", "It starts no more rows and is writing its report."],
  };
  const n = notes[v.state];
  if (!n) return null;
  return h("div", { class: "callout " + (v.state === "paused" || v.state === "outside_window" ? "callout-waiting" : "callout-info"), id: "campaign-note" },
    h("strong", {}, n[0]), h("div", {}, n[1]));
}

// rowsCard: the rows' report. While the campaign runs it lists the refused rows; once
// it has ended, every row with its migration's outcome.
export function rowsCard(v, reportHref) {
  const rows = v.rows || [];
  const title = v.final ? "Report" : "Refused rows";
  const outcome = (o) => statusInfo(o).state !== "unknown" ? statusChip(o) : h("span", { class: "tag", dataset: { outcome: o } }, String(o || "").replace(/_/g, " "));
  const started = (o) => o === "started" || statusInfo(o).state !== "unknown";
  const body = rows.map((r) => h("tr", { dataset: { line: String(r.line), outcome: r.outcome || "" } },
    h("td", { class: "num" }, String(r.line)),
    h("td", { class: "mono" }, started(r.outcome) ? h("a", { href: "#/migrations/" + encodeURIComponent(migrationId(r.accountId)) }, r.accountId) : r.accountId),
    h("td", {}, outcome(r.outcome)),
    h("td", { class: "mono small" }, r.subdomain || "—"),
    h("td", { class: "num" }, r.usersConverted ? num(r.usersConverted) : ""),
    h("td", { class: "num" }, r.needsReactivation ? num(r.needsReactivation) : ""),
    h("td", { class: "small error-text cell-error" }, r.error || "")));
  return h("section", { class: "card", id: "campaign-rows", "aria-labelledby": "campaign-rows-title" },
    h("div", { class: "card-head" }, h("h2", { id: "campaign-rows-title" }, title),
      h("a", { class: "btn", id: "campaign-report-csv", href: reportHref, download: "" }, "Download report (CSV)")),
    rows.length
      ? h("div", { class: "table-scroll" }, h("table", { class: "table table-compact" },
        h("thead", {}, h("tr", {}, [["Line"], ["Sell account"], ["Outcome"], ["Subdomain"], ["Converted", "Users converted to contributors"],
          ["Reactivate", "Users needing reactivation"], ["Error"]].map(([x, full]) => h("th", { scope: "col", title: full }, x)))),
        h("tbody", {}, body)))
      : h("p", { class: "muted" }, v.final ? "The report lists no row." : "No row has been refused so far."),
    v.omitted ? h("p", { class: "hint", id: "campaign-omitted" }, plural(v.omitted, "more row is", "more rows are") +
      " counted but not listed here; the campaign's migrations below include every one started.") : null);
}
