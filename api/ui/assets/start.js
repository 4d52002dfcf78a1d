// The "Start migration" form (ops and admin): POST /api/v1/migrations.

import { h } from "./dom.js";
import { api, reportIfUnauthorized } from "./http.js";

export function startForm(onStarted) {
  const account = h("input", { id: "start-account", name: "accountId", required: true, inputmode: "numeric", autocomplete: "off", placeholder: "1002" });
  const mode = h("select", { id: "start-mode", name: "mode" },
    h("option", { value: "new" }, "New Zendesk account"),
    h("option", { value: "existing" }, "Existing Zendesk account"));
  const subdomain = h("input", { id: "start-subdomain", name: "subdomain", autocomplete: "off", spellcheck: "false", placeholder: "acme", "aria-describedby": "start-subdomain-hint" });
  const subHint = h("p", { class: "hint", id: "start-subdomain-hint" });
  const requestedBy = h("input", { id: "start-requested-by", name: "requestedBy", type: "email", required: true, placeholder: "admin@acme.test", "aria-describedby": "start-requested-by-hint" });
  const owner = h("input", { id: "start-owner-email", name: "ownerEmail", type: "email", placeholder: "owner@globex.test" });
  const ownerField = h("div", { class: "field" }, h("label", { for: "start-owner-email" }, "Zendesk account owner ", h("span", { class: "muted" }, "(optional)")), owner,
    h("p", { class: "hint" }, "Who is expected to log in as the owner; the login itself is verified."));
  const error = h("p", { class: "form-error", id: "start-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary", id: "start-submit" }, "Start migration");

  const syncMode = () => {
    const existing = mode.value === "existing";
    ownerField.hidden = !existing;
    subHint.textContent = existing
      ? "The subdomain of the Zendesk account to join; its owner will log in to prove ownership."
      : "The new login address, <subdomain>.zendesk.com: lowercase letters, digits and inner hyphens. Leave empty to choose it later.";
  };
  mode.addEventListener("change", syncMode);
  syncMode();

  const form = h("form", { class: "card start-panel", id: "start-panel", hidden: true, novalidate: true, "aria-labelledby": "start-title" },
    h("h2", { id: "start-title" }, "Start a migration"),
    h("div", { class: "form-grid" },
      h("div", { class: "field" }, h("label", { for: "start-account" }, "Sell account ID"), account),
      h("div", { class: "field" }, h("label", { for: "start-mode" }, "Zendesk account"), mode),
      h("div", { class: "field" }, h("label", { for: "start-subdomain" }, "Subdomain"),
        h("div", { class: "input-suffix" }, subdomain, h("span", { "aria-hidden": "true" }, ".zendesk.com")), subHint),
      h("div", { class: "field" }, h("label", { for: "start-requested-by" }, "Requested by"), requestedBy,
        h("p", { class: "hint", id: "start-requested-by-hint" }, "A Sell admin of the account; only admins may connect it.")),
      ownerField),
    error,
    h("div", { class: "form-actions" }, submit,
      h("button", { type: "reset", class: "btn btn-quiet", id: "start-cancel" }, "Cancel")));

  form.addEventListener("reset", () => {
    error.hidden = true;
    form.hidden = true;
    setTimeout(syncMode);
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const body = {
      accountId: account.value.trim(),
      mode: mode.value,
      subdomain: subdomain.value.trim(),
      requestedBy: requestedBy.value.trim(),
    };
    if (mode.value === "existing" && owner.value.trim()) body.ownerEmail = owner.value.trim();
    submit.disabled = true;
    submit.textContent = "Starting…";
    try {
      const res = await api("POST", "/api/v1/migrations", body);
      form.reset();
      onStarted(res);
    } catch (err) {
      reportIfUnauthorized(err);
      error.textContent = err.message;
      error.hidden = false;
    } finally {
      submit.disabled = false;
      submit.textContent = "Start migration";
    }
  });
  return form;
}
