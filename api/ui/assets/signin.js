// The sign-in screen: staff sign in through the OIDC provider when the server has one
// (GET /api/v1/session says so), or with an API token; either way the server keeps
// the session and the browser an HttpOnly cookie naming it.

import { fill, h } from "./dom.js";
import { api } from "./http.js";
import { actorEmail, setActorEmail } from "./actor.js";

export function renderSignIn(main, onSignedIn) {
  const error = h("p", { class: "form-error", id: "signin-error", role: "alert", hidden: true });
  const token = h("input", { id: "signin-token", name: "token", type: "password", required: true, autocomplete: "current-password", spellcheck: "false" });
  const email = h("input", { id: "signin-email", name: "email", type: "email", autocomplete: "email", placeholder: "you@example.com", value: actorEmail() });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block", id: "signin-submit" }, "Sign in");

  // Filled in once the server says staff sign-in is on.
  const staff = h("div", { id: "signin-staff", hidden: true });
  const form = h("form", { class: "card signin", id: "signin-form", novalidate: true },
    h("h1", {}, "Sign in"),
    staff,
    h("p", { class: "muted" }, "Use the API token your team was given. It decides what you can do: viewers watch, ops start and cancel migrations, admins also send approvals."),
    h("label", { for: "signin-token" }, "API token"),
    token,
    h("label", { for: "signin-email" }, "Your email ", h("span", { class: "muted" }, "(optional)")),
    email,
    h("p", { class: "hint" }, "Recorded as the sender of the approvals and migrations you start. Kept in this browser only."),
    error,
    submit);

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    if (!token.value.trim()) {
      error.textContent = "Enter your API token.";
      error.hidden = false;
      token.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Signing in…";
    try {
      await api("POST", "/api/v1/session", { token: token.value.trim() });
      setActorEmail(email.value.trim());
      await onSignedIn();
    } catch (err) {
      error.textContent = err.status === 401 ? "That token is not valid. Check it and try again." : err.message;
      error.hidden = false;
      submit.disabled = false;
      submit.textContent = staff.hidden ? "Sign in" : "Sign in with the token";
      token.select();
    }
  });

  fill(main, h("div", { class: "signin-wrap" }, form));
  token.focus();
  api("GET", "/api/v1/session").then((opts) => {
    if (!opts || !opts.oidc) return;
    // A plain link: the sign-in is a full-page visit to the provider and back.
    const link = h("a", { class: "btn btn-primary btn-block", id: "signin-oidc", href: opts.loginUrl }, "Sign in");
    fill(staff, h("p", { class: "muted" }, "Sign in with your company account; your role comes from it."), link,
      h("p", { class: "muted signin-or" }, "Or, with an API token:"));
    staff.hidden = false;
    submit.textContent = "Sign in with the token";
    submit.className = "btn btn-block";
    link.focus();
  }, () => {
    // Without the options the token form still works; nothing to show.
  });
  return () => {};
}
