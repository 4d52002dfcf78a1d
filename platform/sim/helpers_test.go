package sim_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// env is one simulator on a real SQLite file behind a real HTTP server on loopback.
type env struct {
	t      *testing.T
	sim    *sim.Sim
	srv    *httptest.Server
	dbPath string
}

// start opens a simulator (on cfg.DBPath, or a fresh file) and serves it.
func start(t *testing.T, cfg sim.Config) *env {
	t.Helper()
	if cfg.DBPath == "" {
		cfg.DBPath = filepath.Join(t.TempDir(), "sim.db")
	}
	s, err := sim.New(cfg)
	if err != nil {
		t.Fatalf("sim.New: %v", err)
	}
	srv := httptest.NewServer(s.Handler())
	e := &env{t: t, sim: s, srv: srv, dbPath: cfg.DBPath}
	t.Cleanup(e.stop)
	return e
}

// stop closes the server and the database; safe to call twice.
func (e *env) stop() {
	if e.srv == nil {
		return
	}
	e.srv.Close()
	if err := e.sim.Close(); err != nil {
		e.t.Errorf("close sim: %v", err)
	}
	e.srv = nil
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; body is JSON-encoded unless it is nil. headers alternate name, value.
func (e *env) do(method, path string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read %s %s: %v", method, path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// get follows an absolute URL the simulator handed out (a pagination link).
func (e *env) getURL(rawURL string, headers ...string) response {
	e.t.Helper()
	return e.do(http.MethodGet, rawURL[len(e.srv.URL):], nil, headers...)
}

// expect fails the test unless the status matches.
func (r response) expect(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return v
}

// supportAuth is the API-token Basic auth header pair for a Support user, with the
// demo API token of the account the email's domain names (owner@globex.test: globex's).
// An account created through POST /api/v2/accounts has no API token until the test
// gives it one (createAccount does).
func supportAuth(email string) []string {
	_, domain, _ := strings.Cut(strings.ToLower(email), "@")
	return tokenAuth(email, sim.DemoAPIToken(strings.TrimSuffix(domain, ".test")))
}

// tokenAuth is the API-token Basic auth header pair for email with token.
func tokenAuth(email, token string) []string {
	return []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(email+"/token:"+token))}
}

// partnerAuth is the partner credential's header pair.
func partnerAuth() []string { return []string{"Authorization", "Bearer " + sim.DefaultPartnerToken} }

// createAccount creates an account through the partner call (with the Idempotency-Key
// key, if any), expects 201 and, as the account's admin would in Admin Center, gives it
// its demo API token so supportAuth works on it. It returns the owner token.
func (e *env) createAccount(name, sub, ownerEmail, key string) string {
	e.t.Helper()
	hdr := partnerAuth()
	if key != "" {
		hdr = append(hdr, "Idempotency-Key", key)
	}
	out := decode[struct {
		OwnerToken struct {
			AccessToken string `json:"access_token"`
		} `json:"owner_token"`
	}](e.t, e.do(http.MethodPost, "/zendesk/www/api/v2/accounts", newAccount(name, sub, ownerEmail), hdr...).
		expect(e.t, http.StatusCreated))
	if err := e.sim.AddAPIToken(e.t.Context(), sub, sim.DemoAPIToken(sub)); err != nil {
		e.t.Fatalf("AddAPIToken: %v", err)
	}
	return out.OwnerToken.AccessToken
}

// sellAuth is the bearer header pair for a Sell account.
func sellAuth(id int64) []string {
	return []string{"Authorization", "Bearer " + sim.DemoSellToken(id)}
}

// ledgerCounts reads GET /_sim/ledger's counts.
func (e *env) ledgerCounts() map[string]int {
	e.t.Helper()
	l := decode[struct {
		Counts map[string]int `json:"counts"`
	}](e.t, e.do(http.MethodGet, "/_sim/ledger", nil).expect(e.t, http.StatusOK))
	return l.Counts
}

// user is the part of a Support user the tests look at.
type user struct {
	ID           int64  `json:"id"`
	URL          string `json:"url"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Role         string `json:"role"`
	CustomRoleID *int64 `json:"custom_role_id"`
	RoleType     *int   `json:"role_type"`
	Active       bool   `json:"active"`
	Suspended    bool   `json:"suspended"`
	Verified     bool   `json:"verified"`
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
}

// jobStatus is a job_status object.
type jobStatus struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	Status   string `json:"status"`
	Progress int    `json:"progress"`
	Total    int    `json:"total"`
	Results  []struct {
		ID      int64  `json:"id"`
		Index   int    `json:"index"`
		Email   string `json:"email"`
		Status  string `json:"status"`
		Error   string `json:"error"`
		Details string `json:"details"`
	} `json:"results"`
}

// contributorRoleID finds the Contributor custom role of an account.
func (e *env) contributorRoleID(subdomain, email string) int64 {
	e.t.Helper()
	roles := decode[struct {
		CustomRoles []struct {
			ID       int64  `json:"id"`
			Name     string `json:"name"`
			RoleType int    `json:"role_type"`
		} `json:"custom_roles"`
	}](e.t, e.do(http.MethodGet, "/zendesk/"+subdomain+"/api/v2/custom_roles", nil, supportAuth(email)...).expect(e.t, http.StatusOK))
	for _, r := range roles.CustomRoles {
		if r.Name == "Contributor" {
			if r.RoleType != 3 {
				e.t.Fatalf("Contributor role of %s has role_type %d, want 3", subdomain, r.RoleType)
			}
			return r.ID
		}
	}
	e.t.Fatalf("%s has no Contributor custom role: %+v", subdomain, roles)
	return 0
}

// runJob posts a bulk request, checks it is queued and returns the completed job.
func (e *env) runJob(method, path, email string, body any) jobStatus {
	e.t.Helper()
	queued := decode[struct {
		JobStatus jobStatus `json:"job_status"`
	}](e.t, e.do(method, path, body, supportAuth(email)...).expect(e.t, http.StatusOK)).JobStatus
	if queued.Status != "queued" || queued.Results != nil || queued.ID == "" {
		e.t.Fatalf("bulk POST job_status = %+v, want queued with no results", queued)
	}
	done := e.waitJob(queued, email)
	if done.Status != "completed" || done.Progress != done.Total || done.Total != queued.Total {
		e.t.Fatalf("job %s = %+v, want completed with progress == total == %d", queued.ID, done, queued.Total)
	}
	return done
}

// waitJob polls a queued job every 10ms until it is no longer queued or working,
// for at most 10s; every state seen on the way must be one Zendesk reports.
func (e *env) waitJob(queued jobStatus, email string) jobStatus {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		js := decode[struct {
			JobStatus jobStatus `json:"job_status"`
		}](e.t, e.getURL(queued.URL, supportAuth(email)...).expect(e.t, http.StatusOK)).JobStatus
		switch js.Status {
		case "queued", "working":
			if js.Results != nil || js.Progress >= js.Total {
				e.t.Fatalf("job %s is %s with progress %d/%d and results %+v; results come with completion", js.ID, js.Status, js.Progress, js.Total, js.Results)
			}
		default:
			return js
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("job %s still %s after 10s", js.ID, js.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// eventually waits, polling every 10ms for at most 10s, until cond holds.
func (e *env) eventually(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("after 10s: want %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
