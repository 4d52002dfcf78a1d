// Calls to the sellmigrate HTTP API. The session cookie (set by POST /api/v1/session)
// authenticates every call, fetch and EventSource alike, so no token lives in script.

// ApiError carries the API's {"error":{"code","message"}} body.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// api sends one JSON request and returns the decoded body (null for an empty one).
export async function api(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, "network", "The sellmigrate API could not be reached (" + err.message + "). Check that the server is running, then try again.");
  }
  const text = await resp.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!resp.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(resp.status, e.code || "http_" + resp.status, e.message || "The API answered " + resp.status + " " + resp.statusText + ".");
  }
  return data;
}

// Unauthorized listeners hear of an expired or revoked session from any call.
const unauthorized = new Set();
export function onUnauthorized(fn) {
  unauthorized.add(fn);
}
export function reportIfUnauthorized(err) {
  if (err instanceof ApiError && err.status === 401) unauthorized.forEach((fn) => fn(err));
}

// Live-state listeners hear "live", "reconnecting", "ended" or "idle" from the stream.
const liveListeners = new Set();
export function onLiveState(fn) {
  liveListeners.add(fn);
}
function setLive(state) {
  liveListeners.forEach((fn) => fn(state));
}

// stream opens a server-sent event stream and calls handlers[eventName](data) with
// parsed JSON. EventSource reconnects by itself; close() stops it for good.
export function stream(path, handlers) {
  const es = new EventSource(path, { withCredentials: true });
  let closed = false;
  es.onopen = () => setLive("live");
  es.onerror = () => {
    if (closed) return;
    setLive(es.readyState === EventSource.CLOSED ? "idle" : "reconnecting");
  };
  for (const [name, fn] of Object.entries(handlers)) {
    es.addEventListener(name, (ev) => {
      let data = null;
      try {
        data = ev.data ? JSON.parse(ev.data) : null;
      } catch {
        return;
      }
      fn(data);
    });
  }
  return {
    // close stops the stream; final says it ended because nothing more will change.
    close(final) {
      closed = true;
      es.close();
      setLive(final ? "ended" : "idle");
    },
  };
}

// poll is the live view of data with no event stream: it calls load() at once and
// again every `every` ms after each answer, one call at a time, and shows the live
// state as a stream does. load resolves true once nothing more will change, which ends
// the polling. now() asks again at once (after an action), or right after the call in
// flight.
export function poll(load, every) {
  let timer;
  let closed = false;
  let busy = false;
  let again = false;
  async function tick() {
    clearTimeout(timer);
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    let final = false;
    try {
      final = await load();
      if (!closed) setLive("live");
    } catch {
      if (!closed) setLive("reconnecting");
    }
    busy = false;
    if (closed) return;
    if (final) {
      closed = true;
      setLive("ended");
      return;
    }
    if (again) {
      again = false;
      tick();
      return;
    }
    timer = setTimeout(tick, every);
  }
  tick();
  return {
    now() {
      if (!closed) tick();
    },
    // close stops polling; final says it ended because nothing more will change.
    close(final) {
      closed = true;
      clearTimeout(timer);
      setLive(final ? "ended" : "idle");
    },
  };
}
