// The campaign's migrations, from GET /api/v1/migrations?campaign=<name> (visibility,
// by their CampaignID), a page at a time, each linking to its migration's page.

import { fill, h } from "./dom.js";
import { api, reportIfUnauthorized } from "./http.js";
import { MIGRATION_COLUMNS, migrationRow } from "./list.js";

const PAGE_SIZE = 25;

// campaignMigrations builds the card; refresh() reloads the page shown; lags(started)
// says whether it may be behind: visibility shows a start a moment after the campaign
// counts it, so a first page with fewer rows than the starts is asked for again.
export function campaignMigrations(name) {
  const state = { tokens: [""], page: 0, seq: 0, shown: 0 };
  const tbody = h("tbody", { id: "campaign-migration-rows" },
    h("tr", { class: "empty-row" }, h("td", { colspan: String(MIGRATION_COLUMNS.length) }, "Loading migrations…")));
  const error = h("p", { class: "notice notice-error", id: "campaign-migrations-error", role: "alert", hidden: true });
  const summary = h("span", { class: "muted", id: "campaign-migrations-summary" });
  const pager = h("div", { class: "pager" });
  const el = h("section", { class: "card table-card", id: "campaign-migrations", "aria-labelledby": "campaign-migrations-title" },
    h("div", { class: "card-head table-card-head" }, h("h2", { id: "campaign-migrations-title" }, "Migrations"), summary),
    error,
    h("div", { class: "table-scroll" }, h("table", { class: "table" },
      h("caption", { class: "sr-only" }, "Migrations of campaign " + name + ", newest first"),
      h("thead", {}, h("tr", {}, MIGRATION_COLUMNS.map((c) => h("th", { scope: "col" }, c)))),
      tbody)),
    pager);

  async function load() {
    const seq = ++state.seq;
    const q = new URLSearchParams({ campaign: name, page_size: String(PAGE_SIZE) });
    if (state.tokens[state.page]) q.set("page_token", state.tokens[state.page]);
    let data;
    try {
      data = await api("GET", "/api/v1/migrations?" + q);
    } catch (err) {
      if (seq !== state.seq) return;
      reportIfUnauthorized(err);
      error.textContent = "Could not list the campaign's migrations: " + err.message;
      error.hidden = false;
      return;
    }
    if (seq !== state.seq) return;
    error.hidden = true;
    const items = data.items || [];
    state.shown = items.length;
    state.tokens.length = state.page + 1;
    if (data.nextPageToken) state.tokens.push(data.nextPageToken);
    fill(tbody, items.length ? items.map(migrationRow)
      : h("tr", { class: "empty-row" }, h("td", { colspan: String(MIGRATION_COLUMNS.length) },
        state.page ? "No more migrations." : "No migration started yet.")));
    const first = state.page * PAGE_SIZE + 1;
    fill(summary, items.length ? `Showing ${first}–${first + items.length - 1}` : "");
    fill(pager,
      h("button", { type: "button", class: "btn", disabled: state.page === 0, onclick: () => { state.page--; load(); } }, "← Previous"),
      h("span", { class: "muted" }, "Page " + (state.page + 1)),
      h("button", { type: "button", class: "btn", disabled: !data.nextPageToken, onclick: () => { state.page++; load(); } }, "Next →"));
  }

  return {
    el,
    refresh: load,
    lags: (started) => state.page === 0 && state.shown < Math.min(started || 0, PAGE_SIZE),
  };
}
