package harness

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// StatusJSON is the part of `sellmigrate status --json` the tests read.
type StatusJSON struct {
	Step          string        `json:"step"`
	Status        string        `json:"status"`
	WaitingFor    *string       `json:"waitingFor"`
	Subdomain     string        `json:"subdomain"`
	OwnerEmail    string        `json:"ownerEmail"`
	LastError     string        `json:"lastError"`
	Compensation  string        `json:"compensation"`
	AllowedInputs []string      `json:"allowedInputs"`
	Runs          int           `json:"runs"`
	RemindersSent int           `json:"remindersSent"`
	Inputs        []InputJSON   `json:"inputs"`
	Timeline      []StepJSON    `json:"timeline"`
	Notifications []NoticeJSON  `json:"notifications"`
	Contributors  *CountsJSON   `json:"contributors"`
	Result        *ResultJSON   `json:"result"`
	Execution     ExecutionJSON `json:"execution"`
	Pending       []PendingJSON `json:"pendingActivities"`
	Raw           string        `json:"-"`
}

// Waiting is what the migration waits for ("" when nothing).
func (s StatusJSON) Waiting() string {
	if s.WaitingFor == nil {
		return ""
	}
	return *s.WaitingFor
}

type InputJSON struct {
	Name     string `json:"name"`
	By       string `json:"by"`
	Detail   string `json:"detail"`
	Accepted bool   `json:"accepted"`
	Reason   string `json:"reason"`
}

type StepJSON struct {
	Step    string  `json:"step"`
	EndedAt *string `json:"endedAt"`
}

type NoticeJSON struct {
	Channel string   `json:"channel"`
	To      []string `json:"to"`
	Subject string   `json:"subject"`
	Error   string   `json:"error"`
}

type CountsJSON struct {
	SellUsers         int      `json:"sellUsers"`
	Converted         int      `json:"converted"`
	AlreadyAgents     int      `json:"alreadyAgents"`
	NeedsReactivation []string `json:"needsReactivation"`
	Total             int      `json:"total"`
	Done              int      `json:"done"`
	ConversionPath    string   `json:"conversionPath"`
}

type ResultJSON struct {
	Outcome           string   `json:"outcome"`
	Subdomain         string   `json:"subdomain"`
	LoginURL          string   `json:"loginUrl"`
	UsersConverted    int      `json:"usersConverted"`
	AlreadyAgents     int      `json:"alreadyAgents"`
	NeedsReactivation []string `json:"needsReactivation"`
	Checked           string   `json:"checked"`
	ConversionPath    string   `json:"conversionPath"`
}

type ExecutionJSON struct {
	RunID         string `json:"runId"`
	Status        string `json:"status"`
	HistoryLength int64  `json:"historyLength"`
}

type PendingJSON struct {
	Type    string `json:"type"`
	Attempt int32  `json:"attempt"`
}

// MustCLI runs a command line against the stack that must succeed, and returns stdout.
func MustCLI(t testing.TB, d *Dev, args ...string) string {
	t.Helper()
	r := d.CLI(args...)
	if r.Code != 0 {
		t.Fatalf("a command that must succeed failed: %s", r)
	}
	return r.Stdout
}

// WantRefused runs a command line that must fail with a one-line reason containing want.
func WantRefused(t testing.TB, d *Dev, want string, args ...string) Result {
	t.Helper()
	r := d.CLI(args...)
	if r.Code == 0 || !strings.Contains(r.Stderr, want) || strings.Count(strings.TrimSpace(r.Stderr), "\n") > 0 {
		t.Errorf("want a refusal (non-zero exit, one line containing %q); got %s", want, r)
	}
	return r
}

// Status reads `sellmigrate status REF --json`.
func Status(t testing.TB, d *Dev, ref string) StatusJSON {
	t.Helper()
	out := MustCLI(t, d, "status", ref, "--json")
	var s StatusJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("status --json is not JSON: %v\n%s", err, out)
	}
	if s.WaitingFor == nil {
		t.Fatalf("status --json has no waitingFor field:\n%s", out)
	}
	s.Raw = out
	return s
}

// AwaitStatusTimeout bounds AwaitStatus.
const AwaitStatusTimeout = 3 * time.Minute

// AwaitStatus polls `status --json` until the migration's status is want.
func AwaitStatus(t testing.TB, d *Dev, ref, want string) StatusJSON {
	t.Helper()
	return Await(t, d, ref, "status "+want, func(s StatusJSON) bool { return s.Status == want })
}

// Await waits until ok holds for the migration's status, at most AwaitStatusTimeout.
// It polls in process (the starter's Status, which `status --json` prints) and
// confirms with the real `sellmigrate status --json`, whose answer it returns.
func Await(t testing.TB, d *Dev, ref, what string, ok func(StatusJSON) bool) StatusJSON {
	t.Helper()
	deadline := time.Now().Add(AwaitStatusTimeout)
	var last StatusJSON
	var lastErr error
	for {
		s, err := d.statusNow(ref)
		if err == nil && ok(s) {
			if cli := Status(t, d, ref); ok(cli) {
				return cli
			}
		}
		if err == nil {
			last = s
		}
		lastErr = err
		if time.Now().After(deadline) {
			t.Fatalf("migration %s: %s did not happen within %s; it is %s/%s (last error %q; status error %v):\n%s",
				ref, what, AwaitStatusTimeout, last.Step, last.Status, last.LastError, lastErr, last.Raw)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// StatusNow is the migration's status read in process, for polling; the test fails
// if it cannot be read.
func StatusNow(t testing.TB, d *Dev, ref string) StatusJSON {
	t.Helper()
	s, err := d.statusNow(ref)
	if err != nil {
		t.Fatalf("status of %s: %v", ref, err)
	}
	return s
}
