package starter

import (
	"encoding/json"
	"testing"

	"github.com/sellmigrate/sellmigrate/contract"
)

func TestReportJSONHasContractKeys(t *testing.T) {
	for _, waiting := range []string{"", "the disclaimers to be accepted"} {
		r := Report{Progress: contract.Progress{Step: contract.StepLink, Status: contract.StatusRunning, WaitingFor: waiting}}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if m["step"] != "link" || m["status"] != "running" || m["waitingFor"] != waiting {
			t.Errorf("JSON %s lacks step/status/waitingFor at the top level", b)
		}
		if _, ok := m["execution"].(map[string]any); !ok {
			t.Errorf("JSON %s lacks the execution object", b)
		}
	}
}
