package contract

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestClipJSONKeepsAValidPrefixWithinTheLimit(t *testing.T) {
	cases := map[string]struct {
		s     string
		limit int
	}{
		"short stays":       {"1001", 64},
		"plain text":        {strings.Repeat("a", 500), 64},
		"escapes count":     {strings.Repeat("<", 500), 64},
		"multi-byte runes":  {strings.Repeat("é漢", 300), 64},
		"control chars":     {strings.Repeat("\x01", 100), 40},
		"limit below a cut": {strings.Repeat("<", 10), 8},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := clipJSON(tc.s, tc.limit)
			if jsonLen(tc.s) <= tc.limit {
				if got != tc.s {
					t.Fatalf("%q fits and was changed to %q", tc.s, got)
				}
				return
			}
			if jsonLen(got) > tc.limit {
				t.Fatalf("clipped to %q, %d bytes of JSON, over %d", got, jsonLen(got), tc.limit)
			}
			if !strings.HasSuffix(got, "…") || !strings.HasPrefix(tc.s, strings.TrimSuffix(got, "…")) {
				t.Fatalf("%q is not a prefix of the input marked as cut", got)
			}
			var back string
			if err := json.Unmarshal([]byte(mustJSON(t, got)), &back); err != nil || back != got {
				t.Fatalf("clipped text does not round-trip: %v", err)
			}
		})
	}
}

func mustJSON(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A start or an add whose rows are over the queue's size is refused with the sizes and
// what to do; the same number of short rows passes.
func TestCampaignRowsAreBoundedBySize(t *testing.T) {
	long := CampaignRow{AccountID: "1001", Mode: "existing", Subdomain: strings.Repeat("s", 60),
		RequestedBy: strings.Repeat("r", 200) + "@acme.test", OwnerEmail: strings.Repeat("o", 200) + "@acme.test", TimeZone: "America/Argentina/Buenos_Aires"}
	short := CampaignRow{AccountID: "1001", Mode: "new", RequestedBy: "a@acme.test"}
	n := MaxCampaignQueuedBytes/RowBytes(long) + 1
	rows := func(r CampaignRow) []CampaignRow {
		out := make([]CampaignRow, n)
		for i := range out {
			out[i] = r
		}
		return out
	}
	in := CampaignInput{Name: "wave-1", MaxActive: 5, RatePerMinute: 30, Policy: DefaultPolicy()}
	in.Rows = rows(long)
	err := in.Validate()
	if err == nil || !strings.Contains(err.Error(), "a campaign starts with at most 1024 KiB of rows") {
		t.Fatalf("start over the size: %v", err)
	}
	if err := in.ValidateWithoutSizeBudget(); err != nil {
		t.Fatalf("the check campaigns from before the budget replay with refuses: %v", err)
	}
	add := CampaignAddInput{By: "ops@acme.test", Rows: rows(long)}
	if err := add.Check(); err == nil || !strings.Contains(err.Error(), "one add carries at most 512 KiB") {
		t.Fatalf("add over the size: %v", err)
	}
	one := CampaignAddInput{By: "ops@acme.test", Rows: []CampaignRow{{AccountID: strings.Repeat("9", 1<<20), Mode: "new", RequestedBy: "a@acme.test"}}}
	if err := one.Check(); err == nil || !strings.Contains(err.Error(), "check it for pasted-in text") {
		t.Fatalf("one huge row: %v", err)
	}
	in.Rows, add.Rows = rows(short), rows(short)
	if err := in.Validate(); err != nil {
		t.Fatalf("as many short rows: %v", err)
	}
	if err := add.Check(); err != nil {
		t.Fatalf("as many short rows in an add: %v", err)
	}
}
