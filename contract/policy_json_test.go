package contract

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// A policy goes on the wire with readable durations ("24h0m0s", as the Temporal Web UI
// shows a start input) and comes back the same; a policy recorded with nanoseconds (as
// histories from before hold it) reads the same.
func TestPolicyJSONRoundTripAndNanoseconds(t *testing.T) {
	p := DefaultPolicy()
	p.MaxHistoryEvents = 150
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"waitDeadline":"`+p.WaitDeadline.String()+`"`) {
		t.Errorf("durations are not strings on the wire: %s", b)
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back != p {
		t.Errorf("round trip gave %+v, want %+v", back, p)
	}

	old := `{"reminderInterval":3600000000000,"waitDeadline":1209600000000000,"disclaimerVersion":"2024-01",` +
		`"retryInitialInterval":1000000000,"retryMaxInterval":60000000000,"retryMaxAttempts":10,` +
		`"activityTimeout":120000000000,"contributorTimeout":3600000000000,"heartbeatTimeout":60000000000}`
	var recorded Policy
	if err := json.Unmarshal([]byte(old), &recorded); err != nil {
		t.Fatal(err)
	}
	if recorded.ReminderInterval != time.Hour || recorded.WaitDeadline != 14*24*time.Hour || recorded.HeartbeatTimeout != time.Minute {
		t.Errorf("nanoseconds read as %+v", recorded)
	}
	if err := json.Unmarshal([]byte(`{"waitDeadline":"two weeks"}`), &recorded); err == nil {
		t.Error("a duration that is not one was accepted")
	}
}
