package sim_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// oneUser is a create_many body of one end-user.
func oneUser(name, email string) map[string]any {
	return map[string]any{"users": []map[string]any{{"name": name, "email": email}}}
}

// queue POSTs a create_many and returns its queued job_status.
func (e *env) queue(sub, owner string, body any) jobStatus {
	e.t.Helper()
	js := decode[struct {
		JobStatus jobStatus `json:"job_status"`
	}](e.t, e.do(http.MethodPost, "/zendesk/"+sub+"/api/v2/users/create_many", body, supportAuth(owner)...).
		expect(e.t, http.StatusOK)).JobStatus
	if js.Status != "queued" || js.Results != nil {
		e.t.Fatalf("create_many answered %+v, want queued with no results", js)
	}
	return js
}

// userCount is how many users of sub a search for email finds.
func (e *env) userCount(sub, owner, email string) int {
	e.t.Helper()
	return decode[struct {
		Count int `json:"count"`
	}](e.t, e.do(http.MethodGet, "/zendesk/"+sub+"/api/v2/users/search?query=email:"+email, nil, supportAuth(owner)...).
		expect(e.t, http.StatusOK)).Count
}

func (e *env) jobNow(js jobStatus, owner string) jobStatus {
	e.t.Helper()
	return decode[struct {
		JobStatus jobStatus `json:"job_status"`
	}](e.t, e.getURL(js.URL, supportAuth(owner)...).expect(e.t, http.StatusOK)).JobStatus
}

// TestJobsCompleteAsynchronously: a create_many job is queued, then working, then
// completed; the user and its ledger entry appear at completion, not at the POST; and
// a job nobody polls completes all the same.
func TestJobsCompleteAsynchronously(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{JobDuration: 600 * time.Millisecond})
	const owner = "owner@globex.test"
	posted := time.Now()
	job := e.queue("globex", owner, oneUser("Mia Moreau", "mia@globex.test"))
	if got := e.jobNow(job, owner); got.Status != "queued" || got.Progress != 0 || got.Results != nil {
		t.Fatalf("job right after the POST = %+v, want queued, no progress, no results", got)
	}
	if n := e.userCount("globex", owner, "mia@globex.test"); n != 0 {
		t.Fatal("the user exists before the job completed")
	}
	if n := e.ledgerCounts()["user_converted"]; n != 0 {
		t.Fatalf("user_converted = %d before the job completed", n)
	}
	seen := map[string]bool{}
	var done jobStatus
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		done = e.jobNow(job, owner)
		seen[done.Status] = true
		if done.Status == "completed" || time.Now().After(deadline) {
			break
		}
		if done.Results != nil {
			t.Fatalf("%s job has results %+v", done.Status, done.Results)
		}
	}
	if took := time.Since(posted); took < 600*time.Millisecond {
		t.Errorf("job completed after %s, before its 600ms", took)
	}
	if !seen["queued"] || !seen["working"] || !seen["completed"] {
		t.Errorf("states seen %v, want queued, working and completed", seen)
	}
	if len(done.Results) != 1 || done.Results[0].Status != "Created" || done.Results[0].Index != 0 || done.Progress != 1 {
		t.Fatalf("completed job %+v", done)
	}
	if n := e.userCount("globex", owner, "mia@globex.test"); n != 1 {
		t.Fatal("the job completed without creating the user")
	}

	// Nobody polls this one: the runner completes it on time.
	e.queue("globex", owner, oneUser("Noah Novak", "noah2@globex.test"))
	e.eventually("the unpolled job creates noah2", func() bool { return e.userCount("globex", owner, "noah2@globex.test") == 1 })
	if n := e.ledgerCounts()["user_converted"]; n != 2 {
		t.Errorf("user_converted = %d, want one per created user (2)", n)
	}
}

// TestJobDurationPerAccount: a Sell account's jobDurationMs slows the jobs of the
// Zendesk account linked to it, and only those.
func TestJobDurationPerAccount(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{JobDuration: 50 * time.Millisecond})
	e.do(http.MethodPost, "/_sim/accounts", map[string]any{"sellAccountId": 2101, "name": "Slowco", "users": 1,
		"connectedSubdomain": "slowco", "jobDurationMs": 1500}).expect(t, http.StatusCreated)
	const slowOwner, fastOwner = "admin@slowco.test", "owner@globex.test"
	posted := time.Now()
	slow := e.queue("slowco", slowOwner, oneUser("Sam Slow", "sam@slowco.test"))
	fast := e.queue("globex", fastOwner, oneUser("Fay Fast", "fay@globex.test"))
	e.eventually("the globex job completes", func() bool { return e.jobNow(fast, fastOwner).Status == "completed" })
	if got := e.jobNow(slow, slowOwner); got.Status == "completed" && time.Since(posted) < 1500*time.Millisecond {
		t.Fatalf("slowco's job completed after %s, before its own 1.5s", time.Since(posted))
	}
	e.eventually("the slowco job completes", func() bool { return e.jobNow(slow, slowOwner).Status == "completed" })
	if took := time.Since(posted); took < 1500*time.Millisecond {
		t.Errorf("slowco's job completed after %s, want at least 1.5s", took)
	}
}

// TestThirtyJobsPerAccount: the 31st queued-or-running job of one account is refused
// with 429, TooManyJobs and a Retry-After until its jobs complete; another account
// is not affected.
func TestThirtyJobsPerAccount(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{JobDuration: 3 * time.Second})
	const owner = "owner@globex.test"
	for i := range 30 {
		e.queue("globex", owner, oneUser("User "+strconv.Itoa(i), "u"+strconv.Itoa(i)+"@globex.test"))
	}
	r := e.do(http.MethodPost, "/zendesk/globex/api/v2/users/create_many", oneUser("One Too Many", "late@globex.test"), supportAuth(owner)...).
		expect(t, http.StatusTooManyRequests)
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 3 {
		t.Errorf("Retry-After %q, want 1-3 seconds (until the first job is due)", r.header.Get("Retry-After"))
	}
	if body := decode[map[string]any](t, r); body["error"] != "TooManyJobs" || !strings.Contains(body["description"].(string), "30") {
		t.Errorf("429 body %s", r.body)
	}
	e.queue("taken", "owner@taken.test", oneUser("Other Account", "other@taken.test"))
	if n := e.userCount("globex", owner, "late@globex.test"); n != 0 {
		t.Fatal("the refused job created its user")
	}
	e.eventually("globex accepts jobs again once its jobs complete", func() bool {
		return e.do(http.MethodPost, "/zendesk/globex/api/v2/users/create_many", oneUser("One Too Many", "late@globex.test"),
			supportAuth(owner)...).status == http.StatusOK
	})
}

// TestQueuedJobsSurviveRestart: a job queued when the simulator stops runs when a
// simulator starts again on the file: on time if it is not yet due, at start if it fell
// due meanwhile, without anyone polling it; each creates its user once.
func TestQueuedJobsSurviveRestart(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{JobDuration: 300 * time.Millisecond})
	const owner = "owner@globex.test"
	first := e.queue("globex", owner, oneUser("Mia Moreau", "mia@globex.test"))
	e.stop()
	time.Sleep(400 * time.Millisecond) // past its due time, with no simulator running

	e2 := start(t, sim.Config{DBPath: e.dbPath, JobDuration: 300 * time.Millisecond})
	e2.eventually("the job that fell due while stopped runs at start", func() bool {
		return e2.ledgerCounts()["user_converted"] == 1
	})
	second := e2.queue("globex", owner, oneUser("Noah Novak", "noah2@globex.test"))
	e2.stop()

	e3 := start(t, sim.Config{DBPath: e.dbPath, JobDuration: 300 * time.Millisecond})
	first.URL = e3.srv.URL + first.URL[strings.Index(first.URL, "/zendesk/"):]
	second.URL = e3.srv.URL + second.URL[strings.Index(second.URL, "/zendesk/"):]
	if got := e3.waitJob(second, owner); got.Status != "completed" || got.Results[0].Status != "Created" {
		t.Fatalf("job queued before the restart = %+v, want completed", got)
	}
	if got := e3.jobNow(first, owner); got.Status != "completed" || got.Results[0].Status != "Created" {
		t.Fatalf("first job after two restarts = %+v", got)
	}
	if n := e3.ledgerCounts()["user_converted"]; n != 2 {
		t.Errorf("user_converted = %d, want 2: each job ran once", n)
	}
}
