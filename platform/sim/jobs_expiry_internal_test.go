package sim

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestJobStatusExpiresAfterADay moves the simulator's clock past a job's day: its
// status answers until then and 404 RecordNotFound after, as Zendesk documents.
func TestJobStatusExpiresAfterADay(t *testing.T) {
	t.Parallel()
	srv, elapsed := newClockedSim(t)

	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("owner@globex.test/token:"+DemoAPIToken("globex")))
	call := func(method, path, body string) (int, map[string]json.RawMessage) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]json.RawMessage
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	code, out := call(http.MethodPost, "/zendesk/globex/api/v2/users/create_many",
		`{"users":[{"name":"Una Unger","email":"una@globex.test"}]}`)
	var js struct {
		ID string `json:"id"`
	}
	if code != http.StatusOK || json.Unmarshal(out["job_status"], &js) != nil || js.ID == "" {
		t.Fatalf("create_many: %d %s", code, out["job_status"])
	}
	path := "/zendesk/globex/api/v2/job_statuses/" + js.ID
	elapsed.Store(int64(jobStatusTTL - time.Second))
	if code, out := call(http.MethodGet, path, ""); code != http.StatusOK || !strings.Contains(string(out["job_status"]), `"completed"`) {
		t.Errorf("the job's status a second before its day ends: %d %s, want 200 completed", code, out["job_status"])
	}
	elapsed.Store(int64(jobStatusTTL))
	if code, out := call(http.MethodGet, path, ""); code != http.StatusNotFound || string(out["error"]) != `"RecordNotFound"` {
		t.Errorf("the job's status a day after it was created: %d %v, want 404 RecordNotFound", code, out)
	}
}
