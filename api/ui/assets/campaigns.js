// The campaigns page (#/campaigns): every campaign, newest first, from
// GET /api/v1/campaigns, refreshed while the page is shown. Campaigns start from the
// CLI or the API; each opens its own page.

import { fill, h } from "./dom.js";
import { api, poll, reportIfUnauthorized } from "./http.js";
import { executionChip, executionRunning, timeEl } from "./format.js";

// A campaign changes in seconds at most: no event stream, a light refresh.
const REFRESH_MS = 10000;

export function renderCampaigns(main) {
  document.title = "Campaigns — sellmigrate";
  const error = h("p", { class: "notice notice-error", id: "campaigns-error", role: "alert", hidden: true });
  const summary = h("p", { class: "muted page-sub", id: "campaigns-summary" }, "Loading…");
  const tbody = h("tbody", { id: "campaign-rows" },
    h("tr", { class: "empty-row" }, h("td", { colspan: "4" }, "Loading campaigns…")));

  fill(main,
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Campaigns"), summary)),
    h("p", { class: "hint" }, "A campaign starts the migrations of a list in paced waves. Start one with ",
      h("code", {}, "sellmigrate campaign start"), " (see the README's “Run a wave”) or POST /api/v1/campaigns."),
    error,
    h("div", { class: "card table-card" }, h("div", { class: "table-scroll" },
      h("table", { class: "table", id: "campaigns" },
        h("caption", { class: "sr-only" }, "Campaigns, newest first"),
        h("thead", {}, h("tr", {}, ["Campaign", "State", "Started", "Closed"].map((c) => h("th", { scope: "col" }, c)))),
        tbody))));

  const row = (c) => h("tr", { dataset: { campaign: c.name, running: String(executionRunning(c.executionStatus)) } },
    h("td", { class: "cell-account" }, h("a", { href: "#/campaigns/" + encodeURIComponent(c.name), class: "row-link" }, c.name),
      h("div", { class: "muted mono small" }, c.workflowId)),
    h("td", {}, executionChip(c.executionStatus)),
    h("td", {}, timeEl(c.startedAt)),
    h("td", {}, c.closedAt ? timeEl(c.closedAt) : h("span", { class: "muted" }, "open")));

  const live = poll(async () => {
    let data;
    try {
      data = await api("GET", "/api/v1/campaigns");
    } catch (err) {
      reportIfUnauthorized(err);
      error.textContent = err.message;
      error.hidden = false;
      throw err;
    }
    error.hidden = true;
    const list = data.campaigns || [];
    const open = list.filter((c) => executionRunning(c.executionStatus)).length;
    fill(summary, list.length ? `${list.length} campaign${list.length === 1 ? "" : "s"}, ${open} running` : "No campaigns yet");
    fill(tbody, list.length ? list.map(row)
      : h("tr", { class: "empty-row" }, h("td", { colspan: "4" }, "No campaign has been started yet.")));
    return false;
  }, REFRESH_MS);
  return () => live.close();
}
