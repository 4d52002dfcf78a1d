// The detail page (#/migrations/{workflowId}): where one migration stands, what it
// waits for, its history and result, the actions the viewer's role allows, and live
// updates from /api/v1/migrations/{id}/events.

import { $, fill, h } from "./dom.js";
import { api, reportIfUnauthorized, stream } from "./http.js";
import { statusChip, timeEl } from "./format.js";
import { actionsCard } from "./actions.js";
import { activitiesCard, callouts, detailsCard, inputsCard, notificationsCard, resultCard, stepper, timelineCard } from "./sections.js";

export function renderDetail(main, ref, query, session) {
  document.title = ref + " — sellmigrate";
  const base = "/api/v1/migrations/" + encodeURIComponent(ref);
  let report = null;
  let live = null;

  const title = h("h1", { id: "detail-title" }, ref);
  const meta = h("div", { class: "head-meta", id: "detail-meta" });
  const uiLink = h("a", { class: "btn", id: "temporal-link", target: "_blank", rel: "noopener", hidden: true }, "Open in Temporal Web UI ↗");
  const notices = h("div", { id: "detail-notices" });
  const stepsCard = h("section", { class: "card steps-card", "aria-label": "Steps" });
  const calloutsEl = h("div", { id: "callouts" });
  const resultSlot = h("div", {});
  const timelineSlot = h("div", {});
  const inputsSlot = h("div", {});
  const notificationsSlot = h("div", {});
  const detailsSlot = h("div", {});
  const pendingSlot = h("div", {});
  // An action's answer is the migration's state when the workflow took the input; the
  // live stream may already have shown a later one (the migration went on at once, even
  // to its end), which an answer arriving late must not undo.
  const actions = actionsCard(ref, session.role, (progress) => {
    if (report && Date.parse(progress.updatedAt) < Date.parse(report.updatedAt)) return;
    update({ ...report, ...progress });
  });

  if (query.get("ownerLogin") === "ok") {
    notices.append(h("div", { class: "notice notice-ok", id: "owner-login-ok", role: "status" },
      "The Zendesk account owner's login was verified and sent to the migration."));
  }

  fill(main,
    h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: "#/", id: "back-to-list" }, "← All migrations")),
    h("div", { class: "page-head" }, h("div", {}, title, meta), uiLink),
    notices,
    h("div", { class: "detail", id: "detail", "aria-busy": "true" },
      stepsCard, calloutsEl,
      h("div", { class: "detail-grid" },
        h("div", { class: "detail-main" }, resultSlot, actions.el, timelineSlot, inputsSlot, notificationsSlot),
        h("div", { class: "detail-side" }, detailsSlot, pendingSlot))));

  function update(r) {
    report = r;
    const name = r.accountName ? r.accountName + " · " : "";
    fill(title, name, h("span", { class: "title-sub" }, "Sell account " + (r.sellAccountId || ref)));
    document.title = name + (r.sellAccountId || ref) + " — sellmigrate";
    fill(meta,
      statusChip(r.status, { id: "detail-status" }),
      r.mode ? h("span", { class: "tag" }, r.mode === "existing" ? "existing account" : "new account") : null,
      r.subdomain ? h("span", { class: "mono" }, r.subdomain) : null,
      h("span", { class: "muted" }, "started ", timeEl(r.startedAt), r.requestedBy ? " by " + r.requestedBy : ""));
    if (r.temporalUiUrl) {
      uiLink.href = r.temporalUiUrl;
      uiLink.hidden = false;
    }
    fill(stepsCard, stepper(r));
    fill(calloutsEl, callouts(r, session.role));
    actions.update(r);
    fill(resultSlot, resultCard(r));
    fill(timelineSlot, timelineCard(r));
    fill(inputsSlot, inputsCard(r));
    fill(notificationsSlot, notificationsCard(r));
    fill(detailsSlot, detailsCard(r));
    fill(pendingSlot, activitiesCard(r));
    const d = $("detail");
    if (d) {
      d.removeAttribute("aria-busy");
      d.dataset.status = r.status || "";
      d.dataset.step = r.step || "";
    }
  }

  function failed(err) {
    reportIfUnauthorized(err);
    if (report) {
      fill(notices, h("div", { class: "notice notice-error", role: "alert", id: "detail-error" }, err.message));
      return;
    }
    fill(main, h("nav", { class: "crumbs" }, h("a", { href: "#/" }, "← All migrations")),
      h("section", { class: "card empty", id: "detail-error" },
        h("h1", {}, err.status === 404 ? "Migration not found" : "Could not load the migration"),
        h("p", {}, err.message)));
  }

  let disposed = false;
  api("GET", base).then((r) => {
    if (disposed) return;
    update(r);
    live = stream(base + "/events", {
      progress: (r) => update(r),
      end: () => live && live.close(true),
    });
  }, (err) => !disposed && failed(err));

  return () => {
    disposed = true;
    if (live) live.close();
  };
}
