// The list page: counts by status, filters, the table of migrations with the
// progress of their steps, cursor pagination, and live updates from /api/v1/events.

import { fill, h } from "./dom.js";
import { api, reportIfUnauthorized, stream } from "./http.js";
import { STATUSES, STEPS, statusChip, statusInfo, stepBar, stepLabel, timeEl } from "./format.js";
import { startForm } from "./start.js";

const PAGE_SIZE = 25;
const FILTERS = ["status", "step", "mode", "subdomain"];

export function renderList(main, query, session) {
  document.title = "Migrations — sellmigrate";
  const canStart = session.role === "ops" || session.role === "admin";
  const state = {
    filters: Object.fromEntries(FILTERS.map((f) => [f, query.get(f) || ""])),
    tokens: [""], // page tokens of the pages visited, for Previous
    page: 0,
    counts: null,
    seq: 0, // ignores answers to superseded requests
  };

  const countsEl = h("nav", { class: "counts", id: "counts", "aria-label": "Migrations by status" });
  const listError = h("p", { class: "notice notice-error", id: "list-error", role: "alert", hidden: true });
  const tbody = h("tbody", { id: "migration-rows" });
  const pager = h("div", { class: "pager", id: "pager" });
  const summary = h("p", { class: "muted page-sub", id: "list-summary" }, "Loading…");
  const startResult = h("div", { id: "start-result", role: "status" });

  // Filters.
  const statusSel = select("filter-status", "Status", [["", "Any status"], ...STATUSES.map((s) => [s.id, s.label])], state.filters.status);
  const stepSel = select("filter-step", "Step", [["", "Any step"], ...STEPS.map((s) => [s.id, s.label])], state.filters.step);
  const modeSel = select("filter-mode", "Mode", [["", "Any mode"], ["new", "New account"], ["existing", "Existing account"]], state.filters.mode);
  const subInput = h("input", { id: "filter-subdomain", type: "search", placeholder: "e.g. globex", value: state.filters.subdomain, autocomplete: "off", spellcheck: "false" });
  const clearBtn = h("button", { type: "button", class: "btn btn-quiet", id: "filter-clear" }, "Clear filters");
  const filtersEl = h("form", { class: "filters", id: "filters", role: "search", onsubmit: (e) => e.preventDefault() },
    statusSel.wrap, stepSel.wrap, modeSel.wrap,
    h("div", { class: "field" }, h("label", { for: "filter-subdomain" }, "Subdomain"), subInput),
    h("div", { class: "field field-end" }, clearBtn));

  const setFilter = (name, value) => {
    state.filters[name] = value;
    statusSel.el.value = state.filters.status;
    stepSel.el.value = state.filters.step;
    modeSel.el.value = state.filters.mode;
    if (name !== "subdomain") subInput.value = state.filters.subdomain;
    state.tokens = [""];
    state.page = 0;
    syncHash();
    renderCounts();
    load();
  };
  statusSel.el.addEventListener("change", () => setFilter("status", statusSel.el.value));
  stepSel.el.addEventListener("change", () => setFilter("step", stepSel.el.value));
  modeSel.el.addEventListener("change", () => setFilter("mode", modeSel.el.value));
  let typing;
  subInput.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => setFilter("subdomain", subInput.value.trim().toLowerCase()), 350);
  });
  clearBtn.addEventListener("click", () => {
    FILTERS.forEach((f) => (state.filters[f] = ""));
    subInput.value = "";
    setFilter("status", "");
  });

  // The filters live in the URL so a filtered view can be bookmarked or shared.
  function syncHash() {
    const q = new URLSearchParams();
    FILTERS.forEach((f) => state.filters[f] && q.set(f, state.filters[f]));
    const s = q.toString();
    history.replaceState(null, "", "#/" + (s ? "?" + s : ""));
  }

  // Counts: one tile per status, each a filter.
  function renderCounts() {
    const by = (state.counts && state.counts.byStatus) || {};
    const total = state.counts ? state.counts.total ?? Object.values(by).reduce((a, b) => a + b, 0) : null;
    const tile = (id, label, n, st, full) => h("button", {
      type: "button",
      title: (full || label) + (state.filters.status === id ? " (click to show all)" : " (click to filter)"),
      class: "count count-" + st + (n ? "" : " count-zero"),
      "aria-pressed": String(state.filters.status === id),
      dataset: { status: id, count: String(n ?? "") },
      id: "count-" + (id || "all"),
      onclick: () => setFilter("status", state.filters.status === id ? "" : id),
    }, h("span", { class: "count-n" }, n === null ? "…" : String(n)), h("span", { class: "count-label" }, label));
    const group = (title, items) => h("div", { class: "count-group" }, h("span", { class: "count-group-title" }, title), h("div", { class: "count-tiles" }, items));
    const tilesFor = (state_) => STATUSES.filter((s) => s.state === state_ || (state_ === "ended" && ["failed", "cancelled", "expired"].includes(s.state)))
      .map((s) => tile(s.id, s.short, state.counts ? by[s.id] || 0 : null, s.state, s.label));
    renderSummary();
    fill(countsEl,
      group("Overview", [tile("", "All", total, "all"), ...tilesFor("running")]),
      group("Waiting for", tilesFor("waiting")),
      group("Finished", [...tilesFor("done"), ...tilesFor("ended")]));
  }

  async function load(highlight) {
    const seq = ++state.seq;
    const q = new URLSearchParams({ page_size: String(PAGE_SIZE) });
    FILTERS.forEach((f) => state.filters[f] && q.set(f, state.filters[f]));
    if (state.tokens[state.page]) q.set("page_token", state.tokens[state.page]);
    let data;
    try {
      data = await api("GET", "/api/v1/migrations?" + q);
    } catch (err) {
      if (seq !== state.seq) return;
      reportIfUnauthorized(err);
      listError.textContent = err.message;
      listError.hidden = false;
      return;
    }
    if (seq !== state.seq) return;
    listError.hidden = true;
    const items = data.items || [];
    state.tokens.length = state.page + 1;
    if (data.nextPageToken) state.tokens.push(data.nextPageToken);
    if (items.length === 0) {
      const filtered = FILTERS.some((f) => state.filters[f]);
      fill(tbody, h("tr", { class: "empty-row" }, h("td", { colspan: "7" },
        filtered ? "No migration matches these filters." : "No migrations yet." + (canStart ? " Start one with the button above." : ""))));
    } else {
      fill(tbody, items.map(migrationRow));
      (highlight || []).forEach((id) => {
        const tr = tbody.querySelector(`tr[data-workflow-id="${CSS.escape(id)}"]`);
        if (tr) tr.classList.add("flash");
      });
    }
    state.shown = items.length;
    renderSummary();
    renderPager(!!data.nextPageToken);
  }

  function renderPager(hasNext) {
    fill(pager,
      h("button", { type: "button", class: "btn", id: "page-prev", disabled: state.page === 0, onclick: () => { state.page--; load(); } }, "← Previous"),
      h("span", { class: "muted", id: "page-number" }, "Page " + (state.page + 1)),
      h("button", { type: "button", class: "btn", id: "page-next", disabled: !hasNext, onclick: () => { state.page++; load(); } }, "Next →"));
  }

  function renderSummary() {
    if (state.shown === undefined) return;
    const first = state.page * PAGE_SIZE + 1;
    const of = matching();
    fill(summary, state.shown ? `Showing ${first}–${first + state.shown - 1}` : "Nothing to show", of === null || !state.shown ? "" : ` of ${of}`);
  }

  // matching is how many migrations the current filters match, when the counts tell.
  function matching() {
    if (!state.counts) return null;
    const others = FILTERS.some((f) => f !== "status" && state.filters[f]);
    if (others) return null;
    return state.filters.status ? (state.counts.byStatus || {})[state.filters.status] || 0 : state.counts.total ?? null;
  }

  async function loadCounts() {
    try {
      state.counts = await api("GET", "/api/v1/migrations/counts");
      renderCounts();
    } catch (err) {
      reportIfUnauthorized(err);
    }
  }

  const table = h("div", { class: "card table-card" },
    h("div", { class: "table-scroll" },
      h("table", { class: "table", id: "migrations" },
        h("caption", { class: "sr-only" }, "Migrations, newest first"),
        h("thead", {}, h("tr", {}, MIGRATION_COLUMNS.map((c) => h("th", { scope: "col" }, c)))),
        tbody)),
    pager);

  const head = h("div", { class: "page-head" },
    h("div", {}, h("h1", {}, "Migrations"), summary),
    canStart ? h("button", { type: "button", class: "btn btn-primary", id: "start-toggle", "aria-expanded": "false", "aria-controls": "start-panel" }, "Start migration") : null);

  const panel = canStart ? startForm((res) => {
    fill(startResult, h("div", { class: "notice notice-ok" }, "Migration ", h("code", {}, res.workflowId), " started. ",
      h("a", { href: "#/migrations/" + encodeURIComponent(res.workflowId), id: "start-result-link" }, "Open it →")));
    toggle(false);
    load([res.workflowId]);
  }) : null;
  const toggle = (open) => {
    panel.hidden = !open;
    head.querySelector("#start-toggle").setAttribute("aria-expanded", String(open));
    if (open) panel.querySelector("input").focus();
  };
  if (canStart) head.querySelector("#start-toggle").addEventListener("click", () => toggle(panel.hidden));

  fill(main, head, panel, startResult, countsEl, filtersEl, listError, table);
  renderCounts();
  tbody.append(h("tr", { class: "empty-row" }, h("td", { colspan: "7" }, "Loading migrations…")));
  loadCounts();
  load();

  let refetch;
  const live = stream("/api/v1/events", {
    counts: (c) => {
      state.counts = c;
      renderCounts();
    },
    changed: (c) => {
      clearTimeout(refetch);
      refetch = setTimeout(() => load((c && c.workflowIds) || []), 200);
    },
  });
  return () => {
    clearTimeout(refetch);
    clearTimeout(typing);
    live.close();
  };
}

// migrationRow is one migration of a list, linking to its page; the campaign page
// lists its migrations with it too, under MIGRATION_COLUMNS.
export function migrationRow(m) {
  const id = m.workflowId;
  const account = m.sellAccountId || id.replace(/^sell-migration-/, "");
  const href = "#/migrations/" + encodeURIComponent(id);
  const started = m.startedAt || m.startTime;
  const closed = m.closedAt || m.closeTime;
  return h("tr", { dataset: { workflowId: id, status: m.status || "" } },
    h("td", { class: "cell-account" }, h("a", { href, class: "row-link" }, account), h("div", { class: "muted mono small" }, id)),
    h("td", {}, statusChip(m.status)),
    h("td", { class: "cell-progress" }, stepBar(m.mode, m.step, m.status), h("div", { class: "small muted" }, stepCaption(m))),
    h("td", {}, m.mode ? h("span", { class: "tag" }, m.mode) : "—"),
    h("td", { class: "mono" }, m.subdomain || h("span", { class: "muted" }, "—")),
    h("td", {}, timeEl(started)),
    h("td", {}, closed ? timeEl(closed) : h("span", { class: "muted" }, statusInfo(m.status).state === "running" || statusInfo(m.status).state === "waiting" ? "open" : "—")));
}

export const MIGRATION_COLUMNS = ["Sell account", "Status", "Progress", "Mode", "Subdomain", "Started", "Closed"];

// stepCaption says where a migration is, or where it ended.
function stepCaption(m) {
  const st = statusInfo(m.status).state;
  if (st === "done" || m.step === "done") return "Done";
  const at = stepLabel(m.step);
  if (st === "failed" || st === "cancelled" || st === "expired") return statusInfo(m.status).label + " at " + at.toLowerCase();
  return at;
}

function select(id, label, options, value) {
  const el = h("select", { id }, options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
  return { el, wrap: h("div", { class: "field" }, h("label", { for: id }, label), el) };
}
