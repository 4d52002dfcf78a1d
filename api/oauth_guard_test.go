package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// ownerLoginServer serves the owner login over reports keyed by Sell account ID; an
// ID without one is a migration that does not exist.
func ownerLoginServer(t *testing.T, perMinute int, reports map[string]starter.Report) *Server {
	s := testServerWith(t, func(o *Options) {
		o.OAuth.Grants = unusedGrants{t}
		o.OwnerLoginPerMinute = perMinute
	})
	s.readHeadline = func(_ context.Context, ref string) (starter.Report, error) {
		account, workflowID, err := starter.ParseRef(ref)
		if err != nil {
			return starter.Report{}, err
		}
		if rep, ok := reports[account]; ok {
			return rep, nil
		}
		if account == "1500" {
			return starter.Report{}, errors.New("dial tcp 10.9.8.7:7233: connection refused")
		}
		return starter.Report{}, &starter.NotFoundError{AccountID: account, WorkflowID: workflowID}
	}
	return s
}

func ownerReport(account string, mode contract.Mode, status contract.Status, execution string) starter.Report {
	var r starter.Report
	r.SellAccountID, r.Mode, r.Status, r.Step = account, mode, status, contract.StepOwnerLogin
	r.Subdomain, r.OwnerEmail = "secretco", "owner@secretco.test"
	r.Execution = starter.Execution{WorkflowID: contract.WorkflowID(account), Status: execution}
	return r
}

func visit(s *Server, account, remoteAddr string) *httptest.ResponseRecorder {
	link, _ := testLinks(nil).Link("", contract.WorkflowID(account), time.Now())
	req := httptest.NewRequest("GET", link, nil)
	req.RemoteAddr = remoteAddr
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// TestOwnerLoginPageRevealsNothing: for a migration that does not exist and for every
// kind of migration not waiting for its owner, the page is byte for byte the same and
// names no status, subdomain or email; the waiting one still goes to Zendesk.
func TestOwnerLoginPageRevealsNothing(t *testing.T) {
	s := ownerLoginServer(t, 1000, map[string]starter.Report{
		"1002": ownerReport("1002", contract.ModeExisting, contract.StatusAwaitingOwnerLogin, "Running"),
		"1003": ownerReport("1003", contract.ModeExisting, contract.StatusOwnerNeedsSellLicense, "Running"),
		"1004": ownerReport("1004", contract.ModeExisting, contract.StatusCompleted, "Completed"),
		"1005": ownerReport("1005", contract.ModeNew, contract.StatusAwaitingDisclaimers, "Running"),
		"1006": ownerReport("1006", contract.ModeExisting, contract.StatusRunning, "Running"),
	})
	nonexistent := visit(s, "1404", "10.0.0.1:1")
	expectPage(t, nonexistent, linkNotValidNowStatus, "ask the person who sent it for a new one")
	for _, tc := range []struct{ name, account string }{
		{"owner needs a Sell license", "1003"},
		{"ended", "1004"},
		{"new Zendesk account", "1005"},
		{"at another step", "1006"},
	} {
		rec := visit(s, tc.account, "10.0.0.1:1")
		if rec.Code != nonexistent.Code || rec.Body.String() != nonexistent.Body.String() {
			t.Errorf("%s: %d\n%s\ndiffers from the page for a migration that does not exist: %d\n%s",
				tc.name, rec.Code, rec.Body, nonexistent.Code, nonexistent.Body)
		}
		for _, secret := range []string{"secretco", "owner@", tc.account, "completed", "license", "running"} {
			if strings.Contains(strings.ToLower(rec.Body.String()), secret) {
				t.Errorf("%s: the page reveals %q:\n%s", tc.name, secret, rec.Body)
			}
		}
	}

	rec := visit(s, "1002", "10.0.0.1:1")
	if loc := rec.Header().Get("Location"); rec.Code != http.StatusFound || !strings.Contains(loc, "/zendesk/secretco/oauth/authorizations/new?") {
		t.Errorf("a migration awaiting the owner login: %d to %q, want 302 to the subdomain's authorize page", rec.Code, loc)
	}

	failed := visit(s, "1500", "10.0.0.1:1")
	id := failed.Header().Get(RequestIDHeader)
	if failed.Code != http.StatusServiceUnavailable || strings.Contains(failed.Body.String(), "10.9.8.7") || id == "" || !strings.Contains(failed.Body.String(), id) {
		t.Errorf("Temporal failing: %d, X-Request-Id %q:\n%s\nwant 503 with the request ID and no internal text", failed.Code, id, failed.Body)
	}
}

// TestOwnerLoginPageRateLimitedPerIP: past api.owner_login_rate_per_minute, an address
// gets 429 with Retry-After; another address still gets through.
func TestOwnerLoginPageRateLimitedPerIP(t *testing.T) {
	s := ownerLoginServer(t, 3, nil)
	for i := 0; i < 3; i++ {
		if rec := visit(s, "1404", "10.0.0.1:1"); rec.Code != linkNotValidNowStatus {
			t.Fatalf("visit %d within the limit: %d", i+1, rec.Code)
		}
	}
	rec := visit(s, "1404", "10.0.0.1:2")
	expectPage(t, rec, http.StatusTooManyRequests, "then open the link again")
	if secs, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || secs < 1 {
		t.Errorf("Retry-After %q, want whole seconds", rec.Header().Get("Retry-After"))
	}
	if rec := visit(s, "1404", "10.0.0.2:1"); rec.Code != linkNotValidNowStatus {
		t.Errorf("another address was limited too: %d", rec.Code)
	}
}
