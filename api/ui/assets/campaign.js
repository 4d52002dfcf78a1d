// The campaign page (#/campaigns/{name}): where a campaign stands, its counts and
// progress bar, the start rate achieved against its target, its windows, its controls
// for ops, its report and its migrations. It has no event stream: it asks
// GET /api/v1/campaigns/{name} every few seconds while shown, until the campaign ends.

import { $, fill, h } from "./dom.js";
import { api, poll, reportIfUnauthorized } from "./http.js";
import { campaignStateChip, timeEl } from "./format.js";
import { controlsCard } from "./campaign_controls.js";
import { campaignMigrations } from "./campaign_migrations.js";
import { paceCard, progressCard, rowsCard, stateNote } from "./campaign_sections.js";

const REFRESH_MS = 3000;
const MIGRATIONS_MS = 15000;

// view merges the answer's report and progress into what the sections draw. A closed
// campaign has no progress: its migrations' statuses are then its rows' outcomes.
function view(d) {
  const r = d.report || {};
  const p = d.progress || null;
  let byStatus = p ? p.byStatus : null;
  if (!byStatus) {
    byStatus = {};
    for (const row of r.rows || []) {
      if (row.outcome && !["queued", "started", "invalid", "duplicate", "already_exists", "not_started"].includes(row.outcome)) {
        byStatus[row.outcome] = (byStatus[row.outcome] || 0) + 1;
      }
    }
  }
  const state = p ? p.state : d.final ? (r.canceled ? "cancelled" : "done") : "running";
  return {
    final: !!d.final, report: r, progress: p, state, paused: !!(p && p.paused),
    counts: (p && p.counts) || r.counts || {}, byStatus, rows: r.rows || [], omitted: r.omitted || 0,
  };
}

export function renderCampaign(main, name, session) {
  document.title = name + " — campaign — sellmigrate";
  const base = "/api/v1/campaigns/" + encodeURIComponent(name);
  const title = h("h1", { id: "campaign-title" }, name, h("span", { class: "title-sub" }, " · campaign"));
  const meta = h("div", { class: "head-meta", id: "campaign-meta" });
  const notices = h("div", { id: "campaign-notices" });
  const noteSlot = h("div", {});
  const progressSlot = h("div", {});
  const paceSlot = h("div", {});
  const rowsSlot = h("div", {});
  const migrations = campaignMigrations(name);
  // Answers are applied in the order they were asked for: one asked before what is
  // shown, or before a control was accepted, would show the campaign as it was.
  const seqs = { asked: 0, shown: 0, floor: 0 };
  const controls = controlsCard(name, session.role, () => {
    seqs.floor = seqs.asked;
    live.now();
  });
  let shown = null;
  let migrationsKey = "";
  let migrationsAt = 0;
  let rowsKey = "";

  fill(main,
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "#/campaigns", id: "back-to-campaigns" }, "← All campaigns")),
    h("div", { class: "page-head" }, h("div", {}, title, meta)),
    notices,
    h("div", { class: "detail", id: "campaign", "aria-busy": "true" },
      noteSlot,
      h("div", { class: "detail-grid" },
        h("div", { class: "detail-main" }, progressSlot, controls.el, rowsSlot),
        h("div", { class: "detail-side" }, paceSlot)),
      migrations.el));

  function update(d) {
    const v = view(d);
    shown = v;
    fill(meta,
      campaignStateChip(v.state, { id: "campaign-state" }),
      v.progress ? h("span", { class: "muted" }, "started ", timeEl(v.progress.startedAt)) : null,
      v.final ? h("span", { class: "tag", id: "campaign-final" }, "ended") : null);
    fill(noteSlot, stateNote(v));
    fill(progressSlot, progressCard(v));
    fill(paceSlot, paceCard(v));
    controls.update(v);
    // The rows' report can hold thousands of lines: drawn again only when it changed.
    const rk = [v.final, v.rows.length, v.omitted].join(":");
    if (rk !== rowsKey) {
      rowsKey = rk;
      fill(rowsSlot, rowsCard(v, base + "/report?format=csv"));
    }
    // The migrations are listed again when their counts move, while visibility has
    // not shown every start yet, and now and then for their own statuses (a campaign
    // recounts them only every few minutes once every row has started).
    const mk = JSON.stringify([v.counts.started, v.byStatus]);
    if (mk !== migrationsKey || migrations.lags(v.counts.started) || Date.now() - migrationsAt > MIGRATIONS_MS) {
      migrationsKey = mk;
      migrationsAt = Date.now();
      migrations.refresh();
    }
    notices.replaceChildren();
    const el = $("campaign");
    if (el) {
      el.removeAttribute("aria-busy");
      el.dataset.state = v.state;
      el.dataset.paused = String(v.paused);
      el.dataset.final = String(v.final);
    }
  }

  function failed(err) {
    reportIfUnauthorized(err);
    // Once shown, or for a failure that may pass (the next poll asks again), the page
    // stays and the error shows above it; only an unknown campaign replaces it.
    if (shown || err.status !== 404) {
      fill(notices, h("div", { class: "notice notice-error", role: "alert", id: "campaign-error" }, err.message));
      return;
    }
    fill(main, h("nav", { class: "crumbs" }, h("a", { href: "#/campaigns" }, "← All campaigns")),
      h("section", { class: "card empty", id: "campaign-error" },
        h("h1", {}, "Campaign not found"),
        h("p", {}, err.message)));
  }

  let disposed = false;
  const live = poll(async () => {
    const seq = ++seqs.asked;
    let d;
    try {
      d = await api("GET", base);
    } catch (err) {
      if (disposed) return true;
      failed(err);
      // An unknown campaign will not appear by asking again.
      if (err.status === 404 && !shown) return true;
      throw err;
    }
    if (disposed) return true;
    if (seq > seqs.shown && seq > seqs.floor) {
      seqs.shown = seq;
      update(d);
    }
    return !!(shown && shown.final);
  }, REFRESH_MS);

  return () => {
    disposed = true;
    live.close();
  };
}
