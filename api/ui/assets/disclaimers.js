// The disclaimers an admin reads before accepting: the text of the version the
// migration waits for (its progress's requiredDisclaimerVersion), from
// GET /api/v1/disclaimers/{version}. The accept action sends that version and the
// text's SHA-256, so the migration refuses the acceptance if the words shown here
// were not the version's own.

import { fill, h } from "./dom.js";
import { api, reportIfUnauthorized } from "./http.js";

// A version's text never changes, so each is fetched once per page load.
const texts = new Map();
function load(version) {
  if (!texts.has(version)) {
    const p = api("GET", "/api/v1/disclaimers/" + encodeURIComponent(version));
    p.catch(() => texts.delete(version)); // a failed fetch is tried again on the next update
    texts.set(version, p);
  }
  return texts.get(version);
}

// disclaimerPanel shows one version's text; show("") hides it. shown() is the text
// on screen ({version, text, sha256}), or null while it loads or failed to.
// onLoaded runs once a text is on screen or failed, so the caller re-enables the accept.
export function disclaimerPanel(onLoaded) {
  const el = h("div", { class: "disclaimer", id: "disclaimer", hidden: true });
  let wanted = "";
  let shown = null;
  return {
    el,
    shown: () => shown,
    show(version) {
      el.hidden = !version;
      if (!version || version === wanted) return;
      wanted = version;
      shown = null;
      fill(el, h("p", { class: "muted" }, "Loading the disclaimers (version " + version + ")…"));
      load(version).then((d) => {
        if (wanted !== version) return;
        shown = d;
        fill(el,
          h("div", { class: "disclaimer-head" },
            h("strong", {}, "Read before accepting: disclaimers version ", h("span", { id: "disclaimer-version" }, d.version)),
            h("span", { class: "mono small muted", id: "disclaimer-sha256", title: "SHA-256 of this text (" + d.sha256 + "); the migration records it when you accept" }, "sha256 " + d.sha256.slice(0, 12) + "…")),
          h("pre", { class: "disclaimer-text", id: "disclaimer-text", tabindex: "0" }, d.text));
        onLoaded();
      }, (err) => {
        reportIfUnauthorized(err);
        if (wanted !== version) return;
        wanted = ""; // the next update tries again
        fill(el, h("p", { class: "notice notice-error", id: "disclaimer-error", role: "alert" },
          "Could not load the text of disclaimers version " + version + ", so they cannot be accepted here yet: " + err.message));
        onLoaded();
      });
    },
  };
}
