// Who is using the dashboard. A named API token (api.tokens) carries its person's
// email: the server stamps it as "by" and refuses any other, so the page uses it and
// does not let it be changed. A role-list token carries none, so the email recorded
// with approvals is the one the person gave; it stays in this browser.

const KEY = "sellmigrate.email";

let principalEmail = "";

// setPrincipalEmail records the signed-in token's email (GET /api/v1/me), "" for none.
export function setPrincipalEmail(v) {
  principalEmail = v || "";
}

// actorFixed is true when the token decides who acts.
export const actorFixed = () => principalEmail !== "";

export function actorEmail() {
  if (principalEmail) return principalEmail;
  try {
    return localStorage.getItem(KEY) || "";
  } catch {
    return "";
  }
}

export function setActorEmail(v) {
  try {
    if (v) localStorage.setItem(KEY, v);
  } catch {
    // Storage may be disabled; the field is simply asked again next time.
  }
}

export const looksLikeEmail = (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v || "");
