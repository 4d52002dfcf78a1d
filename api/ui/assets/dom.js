// Tiny DOM helpers. Everything is built with createElement and textContent, never
// innerHTML, so values from the API (subdomains, emails, error messages) can never
// inject markup.

// h builds an element: h("a", {href: "#", class: "x", dataset: {id: 1}}, "text", child).
// Attributes whose value is null, undefined or false are left out.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// fill replaces an element's children.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// $ finds one element by id.
export const $ = (id) => document.getElementById(id);

// messenger returns say(el, text) for a pair of message lines, error and ok: it hides
// both, then shows text in el (one of them) if given; say(null) only clears.
export function messenger(error, ok) {
  return (el, text) => {
    error.hidden = true;
    ok.hidden = true;
    if (el && text) {
      el.textContent = text;
      el.hidden = false;
    }
  };
}
