package harness

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// DemoPassword is every simulated user's password (the simulator's own constant), for
// signing in on its OAuth page (`signal ID owner-login --as EMAIL --password ...`).
const DemoPassword = sim.DemoPassword

// Sim is the simulator of a stack, over HTTP as an operator (or a test) reaches it.
type Sim struct{ URL string }

// Sim is this stack's simulator.
func (d *Dev) Sim() Sim { return Sim{URL: d.SimURL} }

var simHTTP = &http.Client{Timeout: 30 * time.Second}

// Do sends one request (body as JSON when not nil, with the headers given as name,
// value pairs) and decodes the answer into out when not nil. The status must be one of
// want (200 when none is given).
func (s Sim) Do(method, path string, body, out any, want []int, headers ...string) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := simHTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if len(want) == 0 {
		want = []int{http.StatusOK}
	}
	ok := false
	for _, w := range want {
		ok = ok || resp.StatusCode == w
	}
	if !ok {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil && len(b) > 0 {
		return json.Unmarshal(b, out)
	}
	return nil
}

// JSON is Do for a test: any error fails it.
func (s Sim) JSON(t testing.TB, method, path string, body, out any, want ...int) {
	t.Helper()
	if err := s.Do(method, path, body, out, want); err != nil {
		t.Fatal(err)
	}
}

// Support calls subdomain's Support API as the user email (an active user of it, e.g.
// its owner) with the account's own demo API token, as an admin with an API token
// would. Accounts the simulator set up have that token; one a migration created gets
// it from GrantDemoToken first.
func (s Sim) Support(t testing.TB, method, subdomain, email, path string, body, out any, want ...int) {
	t.Helper()
	basic := base64.StdEncoding.EncodeToString([]byte(email + "/token:" + sim.DemoAPIToken(subdomain)))
	if err := s.Do(method, "/zendesk/"+subdomain+path, body, out, want, "Authorization", "Basic "+basic); err != nil {
		t.Fatal(err)
	}
}

// GrantDemoToken gives an account a migration created (which has no API token, as a
// new Zendesk account has none) its demo API token, so Support can act on it.
func (s Sim) GrantDemoToken(t testing.TB, subdomain string) {
	t.Helper()
	s.JSON(t, http.MethodPost, "/_sim/accounts/"+subdomain+"/api_tokens", nil, nil, http.StatusCreated, http.StatusOK)
}

// CreateUsers creates users in a Zendesk account with create_many, as the user email
// (an admin of it, e.g. its owner), and waits (polling every 20ms, at most 10s) for the job to complete: jobs run
// asynchronously, so the users exist only then.
func (s Sim) CreateUsers(t testing.TB, subdomain, email string, users []map[string]any) {
	t.Helper()
	var queued struct {
		JobStatus struct {
			ID string `json:"id"`
		} `json:"job_status"`
	}
	s.Support(t, http.MethodPost, subdomain, email, "/api/v2/users/create_many", map[string]any{"users": users}, &queued)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var job struct {
			JobStatus struct {
				Status string `json:"status"`
			} `json:"job_status"`
		}
		s.Support(t, http.MethodGet, subdomain, email, "/api/v2/job_statuses/"+queued.JobStatus.ID, nil, &job)
		switch job.JobStatus.Status {
		case "completed":
			return
		case "queued", "working":
		default:
			t.Fatalf("create_many job %s in %s ended %q", queued.JobStatus.ID, subdomain, job.JobStatus.Status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("create_many job %s in %s still %q after 10s", queued.JobStatus.ID, subdomain, job.JobStatus.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// AccountSpec is POST /_sim/accounts: the simulator's own type, so the two never drift.
type AccountSpec = sim.AccountSpec

// ExistingSupportSpec is the Zendesk account an existing-mode migration joins.
type ExistingSupportSpec = sim.ExistingSupportSpec

// AddAccount adds an account to the simulator, so a test has accounts of its own on a
// stack other tests share.
func (s Sim) AddAccount(t testing.TB, spec AccountSpec) {
	t.Helper()
	s.JSON(t, http.MethodPost, "/_sim/accounts", spec, nil, http.StatusCreated)
}

// AssignLicense gives a person a Sell license (makes them an active Sell user), as a
// Sell admin would.
func (s Sim) AssignLicense(t testing.TB, account, name, email string) {
	t.Helper()
	s.JSON(t, http.MethodPost, "/_sim/sell/"+account+"/users", map[string]string{"name": name, "email": email, "role": "user"}, nil, http.StatusCreated)
}

// SetFaults replaces the simulator's faults (absent fields are zero: {} clears them).
func (s Sim) SetFaults(t testing.TB, faults map[string]any) {
	t.Helper()
	s.JSON(t, http.MethodPut, "/_sim/faults", faults, nil)
}

// LedgerEntry is one side effect the simulator recorded.
type LedgerEntry struct{ Kind, Subject, Detail string }

// Ledger is every side effect so far.
func (s Sim) Ledger(t testing.TB) []LedgerEntry {
	t.Helper()
	var l struct {
		Entries []LedgerEntry `json:"entries"`
	}
	s.JSON(t, http.MethodGet, "/_sim/ledger", nil, &l)
	return l.Entries
}

// LedgerCounts counts the side effects whose subject mentions one of the subdomains
// (a shared stack's ledger holds other tests' too), by kind and by kind+subject. No
// subdomain given counts everything.
func (s Sim) LedgerCounts(t testing.TB, subdomains ...string) (byKind, bySubject map[string]int) {
	t.Helper()
	byKind, bySubject = map[string]int{}, map[string]int{}
	for _, e := range s.Ledger(t) {
		if !ledgerAbout(e.Subject, subdomains) {
			continue
		}
		byKind[e.Kind]++
		bySubject[e.Kind+" "+e.Subject]++
	}
	return byKind, bySubject
}

// ledgerAbout: subjects are "sub" (created, released), "sellID->sub" (linked) and
// "sub/email" (converted).
func ledgerAbout(subject string, subdomains []string) bool {
	if len(subdomains) == 0 {
		return true
	}
	if _, after, ok := strings.Cut(subject, "->"); ok {
		subject = after
	}
	sub, _, _ := strings.Cut(subject, "/")
	for _, want := range subdomains {
		if sub == want {
			return true
		}
	}
	return false
}

// Mail is one message the simulator's SMTP sink accepted.
type Mail = sim.Mail

// Mail is what the SMTP sink got for a migration (its workflow ID).
func (s Sim) Mail(t testing.TB, workflowID string) []Mail {
	t.Helper()
	var m struct {
		Messages []Mail `json:"messages"`
	}
	s.JSON(t, http.MethodGet, "/_sim/mail?migration="+workflowID, nil, &m)
	return m.Messages
}

// Webhook is one reminder the simulator's webhook receiver accepted.
type Webhook = sim.WebhookReceived

// Webhooks is what the webhook receiver got for a migration.
func (s Sim) Webhooks(t testing.TB, workflowID string) []Webhook {
	t.Helper()
	var w struct {
		Webhooks []Webhook `json:"webhooks"`
	}
	s.JSON(t, http.MethodGet, "/_sim/webhooks?migration="+workflowID, nil, &w)
	return w.Webhooks
}

// PagesServed is how often the simulator served each page of an account's Sell users.
func (s Sim) PagesServed(t testing.TB, accountID string) map[string]int {
	t.Helper()
	var p struct {
		PagesServed map[string]int `json:"pagesServed"`
	}
	s.JSON(t, http.MethodGet, "/_sim/sell/"+accountID+"/user_pages", nil, &p)
	return p.PagesServed
}

// CheckLedger fails t (without stopping it) for every kind of side effect whose count in
// the ledger is not want's, and when any side effect was done more than once, listing
// them; it returns the counts by kind and how many repeats there were.
func (s Sim) CheckLedger(t testing.TB, want map[string]int) (byKind map[string]int, repeats int) {
	t.Helper()
	byKind, bySubject := s.LedgerCounts(t)
	for kind, n := range want {
		if byKind[kind] != n {
			t.Errorf("ledger has %d %s, want exactly %d", byKind[kind], kind, n)
		}
	}
	var dups []string
	for subject, n := range bySubject {
		if n != 1 {
			repeats += n - 1
			dups = append(dups, fmt.Sprintf("%s ×%d", subject, n))
		}
	}
	sort.Strings(dups)
	if len(dups) > 0 {
		t.Errorf("side effects done more than once: %s", strings.Join(dups, ", "))
	}
	return byKind, repeats
}
