// Who is using the dashboard. API tokens carry a role, not a person, so the email
// recorded with approvals ("by") is the one the person gave; it stays in this browser.

const KEY = "sellmigrate.email";

export function actorEmail() {
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
