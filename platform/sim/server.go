package sim

import (
	"net/http"
	"strings"
)

// URL prefixes of the three surfaces the simulator serves.
const (
	supportPrefix = "/zendesk/"
	sellPrefix    = "/sell/"
	simPrefix     = "/_sim/"
)

// routes builds the handler: request logging, then the ".json" suffix Zendesk accepts
// on every Support path, then the three surfaces. Support requests pass the per-account
// rate limiter (so every Support response carries X-Rate-Limit headers) and the fault
// injector; Sell requests only the fault injector; /_sim is never faulted.
func (s *Sim) routes() http.Handler {
	top := http.NewServeMux()

	top.HandleFunc("GET /_sim/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	top.HandleFunc("GET /_sim/ledger", s.handleLedger)
	top.HandleFunc("GET /_sim/stats", s.handleStats)
	top.HandleFunc("GET /_sim/faults", s.handleGetFaults)
	top.HandleFunc("PUT /_sim/faults", s.handlePutFaults)
	top.HandleFunc("POST /_sim/sell/{accountID}/users", s.handleAssignSellLicense)
	top.HandleFunc("GET /_sim/sell/{accountID}/user_pages", s.handleSellUserPages)
	top.HandleFunc("POST /_sim/accounts", s.handleAddAccount)
	top.HandleFunc("POST /_sim/accounts/{subdomain}/api_tokens", s.handleAddAPIToken)
	top.HandleFunc("GET /_sim/mail", s.handleListMail)
	top.HandleFunc("DELETE /_sim/mail", s.handleClearMail)
	top.HandleFunc("POST /_sim/webhooks", s.handlePostWebhook)
	top.HandleFunc("GET /_sim/webhooks", s.handleListWebhooks)
	top.HandleFunc("DELETE /_sim/webhooks", s.handleClearWebhooks)
	top.HandleFunc(simPrefix, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no simulator endpoint " + r.Method + " " + r.URL.Path})
	})

	top.Handle(supportPrefix+"{sub}/", s.withRateLimit(s.withFaults(s.supportRoutes())))
	top.Handle(oauthPrefix, s.oauthRoutes())
	// The account's sign-in, at the address people are told to log in at. A browser
	// page, not the API: outside the rate limiter and fault injection, like OAuth.
	top.HandleFunc("GET "+supportPrefix+"{sub}", s.handleAccountSignInPage)
	top.HandleFunc("GET "+supportPrefix+"{sub}/{$}", s.handleAccountSignInPage)
	top.HandleFunc("GET "+supportPrefix+"{sub}/access/login", s.handleAccountSignInPage)
	top.HandleFunc("POST "+supportPrefix+"{sub}/access/login", s.handleAccountSignIn)
	top.Handle(sellPrefix, s.withFaults(s.sellRoutes()))

	top.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found: the simulator serves " +
			supportPrefix + "{subdomain}/api/v2/..., " + sellPrefix + "v2/... and " + simPrefix + "..."})
	})
	return s.withRequestLog(s.withStats(stripJSONSuffix(top)))
}

// supportRoutes is the Zendesk Support API of every simulated subdomain.
func (s *Sim) supportRoutes() http.Handler {
	m := http.NewServeMux()
	const p = supportPrefix + "{sub}/api/v2"
	// Partner calls: the partner credential (partner.go), valid under any subdomain path.
	m.HandleFunc("GET "+p+"/accounts/available", s.partnerAuthed(s.handleAccountAvailable))
	m.HandleFunc("POST "+p+"/accounts", s.partnerAuthed(s.handleCreateAccount))
	m.HandleFunc("DELETE "+p+"/accounts/{subdomain}", s.handleReleaseAccount)

	m.HandleFunc("GET "+p+"/account", s.supportAuthed(s.handleGetAccount))
	m.HandleFunc("GET "+p+"/account/settings", s.supportAuthed(s.handleAccountSettings))
	m.HandleFunc("GET "+p+"/custom_roles", s.supportAuthed(s.handleCustomRoles))
	m.HandleFunc("POST "+p+"/custom_roles", s.supportAuthed(s.handleCreateCustomRole))
	m.HandleFunc("DELETE "+p+"/custom_roles/{id}", s.supportAuthed(s.handleDeleteCustomRole))

	m.HandleFunc("GET "+p+"/users", s.supportAuthed(s.handleListUsers))
	m.HandleFunc("GET "+p+"/users/me", s.supportAuthed(s.handleMe))
	m.HandleFunc("GET "+p+"/users/show_many", s.supportAuthed(s.handleShowMany))
	m.HandleFunc("GET "+p+"/users/search", s.supportAuthed(s.handleSearchUsers))
	m.HandleFunc("GET "+p+"/users/{id}", s.supportAuthed(s.handleGetUser))
	m.HandleFunc("PUT "+p+"/users/{id}", s.supportAuthed(s.handleUpdateUser))
	m.HandleFunc("POST "+p+"/users", s.supportAuthed(s.handleCreateUser))
	m.HandleFunc("POST "+p+"/users/create_many", s.supportAuthed(s.handleCreateMany))
	m.HandleFunc("PUT "+p+"/users/update_many", s.supportAuthed(s.handleUpdateMany))
	m.HandleFunc("GET "+p+"/job_statuses/{id}", s.supportAuthed(s.handleJobStatus))
	m.HandleFunc("DELETE "+p+"/oauth/tokens/current", s.handleRevokeCurrentToken)

	m.HandleFunc(supportPrefix+"{sub}/", func(w http.ResponseWriter, _ *http.Request) { supportNotFound(w) })
	return m
}

// sellRoutes is the Zendesk Sell API.
func (s *Sim) sellRoutes() http.Handler {
	m := http.NewServeMux()
	const p = "/sell/v2"
	m.HandleFunc("GET "+p+"/accounts/self", s.sellAuthed(s.handleSellAccount))
	m.HandleFunc("POST "+p+"/accounts/self/zendesk_link", s.sellAuthed(s.handleSellLink))
	m.HandleFunc("GET "+p+"/users", s.sellAuthed(s.handleSellUsers))
	m.HandleFunc("GET "+p+"/users/self", s.sellAuthed(s.handleSellSelf))
	m.HandleFunc("GET "+p+"/users/{id}", s.sellAuthed(s.handleSellUser))
	m.HandleFunc(sellPrefix, func(w http.ResponseWriter, r *http.Request) {
		sellNotFound(w, "resource "+r.URL.Path)
	})
	return m
}

// stripJSONSuffix lets "/api/v2/users.json" and "/api/v2/users" reach the same handler,
// as they do on Zendesk (many clients append .json).
func stripJSONSuffix(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, supportPrefix) && strings.HasSuffix(r.URL.Path, ".json") {
			r2 := r.Clone(r.Context())
			r2.URL.Path = strings.TrimSuffix(r.URL.Path, ".json")
			r2.URL.RawPath = ""
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}
