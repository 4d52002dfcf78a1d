// Entry point: session, header and the hash router (#/, #/migrations/{workflowId},
// #/campaigns and #/campaigns/{name}).

import { $, fill, h } from "./dom.js";
import { api, onLiveState, onUnauthorized } from "./http.js";
import { refreshRelativeTimes } from "./format.js";
import { renderSignIn } from "./signin.js";
import { renderList } from "./list.js";
import { renderDetail } from "./detail.js";
import { renderCampaigns } from "./campaigns.js";
import { renderCampaign } from "./campaign.js";
import { setPrincipalEmail } from "./actor.js";

// A marker set once per page load: tests (and curious operators) can tell that live
// updates arrived without the page being reloaded.
window.sellmigrate = { loadId: Math.random().toString(36).slice(2) + Date.now().toString(36), loadedAt: new Date().toISOString() };

const session = { role: null, name: "" };
let disposePage = () => {};

const LIVE_TEXT = { live: "Live", reconnecting: "Reconnecting…", ended: "Finished", idle: "Not live" };
onLiveState((state) => {
  $("live").dataset.state = state;
  $("live-text").textContent = LIVE_TEXT[state];
});

onUnauthorized(() => {
  session.role = null;
  route();
});

$("sign-out").addEventListener("click", async () => {
  try {
    await api("DELETE", "/api/v1/session");
  } catch {
    // The cookie is cleared by the server; a failed call leaves nothing to undo here.
  }
  session.role = null;
  location.hash = "#/";
  route();
});

// parseHash splits "#/migrations/x?ownerLogin=ok" into path parts and query.
function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, query] = raw.split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query || "") };
}

async function whoAmI() {
  try {
    const me = await api("GET", "/api/v1/me");
    session.role = me.role;
    session.name = me.name || "";
    setPrincipalEmail(me.email);
  } catch {
    session.role = null;
    setPrincipalEmail("");
  }
}

function showSession() {
  const signedIn = !!session.role;
  $("session").hidden = !signedIn;
  $("topnav").hidden = !signedIn;
  if (signedIn) {
    const chip = $("role-chip");
    chip.dataset.role = session.role;
    chip.textContent = session.role;
    chip.title = "Signed in as " + (session.name || "a " + session.role + " token") + " (" + session.role + ")";
  }
}

// showSection marks the header's link to the section the page belongs to.
function showSection(name) {
  for (const a of $("topnav").querySelectorAll("a")) {
    if (a.dataset.section === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

async function route() {
  disposePage();
  disposePage = () => {};
  const main = $("app");
  if (!session.role) await whoAmI();
  showSession();
  if (!session.role) {
    document.title = "Sign in — sellmigrate";
    disposePage = renderSignIn(main, async () => {
      await whoAmI();
      route();
    });
    return;
  }
  const { parts, query } = parseHash();
  showSection(parts[0] === "campaigns" ? "campaigns" : "migrations");
  if (parts[0] === "migrations" && parts[1]) {
    disposePage = renderDetail(main, parts[1], query, session);
  } else if (parts[0] === "campaigns" && parts.length <= 2) {
    disposePage = parts[1] ? renderCampaign(main, parts[1], session) : renderCampaigns(main);
  } else if (parts.length === 0) {
    disposePage = renderList(main, query, session);
  } else {
    fill(main, h("section", { class: "card empty" }, h("h1", {}, "Page not found"),
      h("p", {}, "There is no page at ", h("code", {}, location.hash), ". "), h("a", { href: "#/" }, "Back to migrations")));
  }
}

window.addEventListener("hashchange", () => route());
setInterval(() => refreshRelativeTimes(document), 15000);
route();
