package contract

import (
	"strings"
	"testing"
	"time"
)

func TestParseWindowErrorsSayTheForm(t *testing.T) {
	for spec, want := range map[string]string{
		"":                                   "give days, a time range",
		"Mon-Fri":                            "give days, a time range",
		"Mon-Fri 09:00-17:00 Europe/Paris x": "give days, a time range",
		"Xyz 09:00-17:00":                    `"Xyz" is not a day`,
		"Mon-Xyz 09:00-17:00":                `"Xyz" is not a day`,
		"Mon 9:00-17:00":                     `"9:00" is not a clock time`,
		"Mon 09:00":                          "is not a time range",
		"Mon 09:60-17:00":                    "is not a clock time",
		"Mon 24:00-17:00":                    `"24:00" is not a clock time`,
		"Mon 09:00-24:30":                    "is not a clock time",
		"Mon 09:00-09:00":                    "at least a minute",
		"Mon 09:00-17:00 Mars/Olympus":       "is not known",
		"Mon 09:00-17:00 Local":              "is not an IANA zone",
	} {
		_, err := ParseWindow(spec)
		if err == nil {
			t.Errorf("ParseWindow(%q) accepted it", spec)
			continue
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "the form is DAYS HH:MM-HH:MM") {
			t.Errorf("ParseWindow(%q) = %q; want it to say %q and the form", spec, err, want)
		}
	}
}

func mustWindows(t *testing.T, specs ...string) Windows {
	t.Helper()
	ws, err := ParseWindows(specs)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWindowStateAndNextOpening(t *testing.T) {
	paris := mustWindows(t, "Mon-Fri 09:00-17:00 Europe/Paris")
	ny, err := LoadZone("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		ws   Windows
		at   string
		zone *time.Location
		open bool
		next string
	}{
		{"inside, winter (CET = UTC+1)", paris, "2026-12-01T15:00:00Z", nil, true, "2026-12-01T15:00:00Z"},
		{"closing time is outside", paris, "2026-12-01T16:00:00Z", nil, false, "2026-12-02T08:00:00Z"},
		{"Friday evening opens on Monday", paris, "2026-12-04T18:00:00Z", nil, false, "2026-12-07T08:00:00Z"},
		{"Saturday opens on Monday", paris, "2026-12-05T10:00:00Z", nil, false, "2026-12-07T08:00:00Z"},
		// DST begins in Paris on Sunday 29 March 2026: Monday's 09:00 is 07:00 UTC,
		// not the 08:00 of the Friday before.
		{"across the spring DST change", paris, "2026-03-27T17:00:00Z", nil, false, "2026-03-30T07:00:00Z"},
		{"across the autumn DST change", paris, "2026-10-23T16:00:00Z", nil, false, "2026-10-26T08:00:00Z"},
		// A tenant in New York: the same clock times, read in New York (UTC-5).
		{"tenant zone open when Paris is closed", paris, "2026-12-01T20:00:00Z", ny, true, "2026-12-01T20:00:00Z"},
		{"tenant zone closed when Paris is open", paris, "2026-12-01T08:30:00Z", ny, false, "2026-12-01T14:00:00Z"},
		{"overnight window, after midnight", mustWindows(t, "Sat 22:00-06:00"), "2026-12-06T03:00:00Z", nil, true, "2026-12-06T03:00:00Z"},
		{"overnight window, after it closed", mustWindows(t, "Sat 22:00-06:00"), "2026-12-06T06:00:00Z", nil, false, "2026-12-12T22:00:00Z"},
		{"two windows: the sooner opens", mustWindows(t, "Mon-Fri 09:00-12:00 UTC", "Sat,Sun 14:00-24:00 UTC"), "2026-12-05T13:00:00Z", nil, false, "2026-12-05T14:00:00Z"},
		{"a window to midnight", mustWindows(t, "Sat,Sun 14:00-24:00 UTC"), "2026-12-05T23:59:00Z", nil, true, "2026-12-05T23:59:00Z"},
		{"no windows: always open", nil, "2026-12-05T13:00:00Z", nil, true, "2026-12-05T13:00:00Z"},
	}
	for _, tc := range cases {
		open, next := tc.ws.State(utc(tc.at), tc.zone)
		if open != tc.open || !next.Equal(utc(tc.next)) {
			t.Errorf("%s: State(%s) = %v, %s; want %v, %s", tc.name, tc.at, open, next.UTC().Format(time.RFC3339), tc.open, tc.next)
		}
	}
}

func TestCampaignInputValidate(t *testing.T) {
	ok := CampaignInput{Name: "wave-1", MaxActive: 5, RatePerMinute: 10, Windows: []string{"Mon-Fri 09:00-17:00 Europe/Paris"}, Policy: DefaultPolicy()}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for field, mutate := range map[string]func(*CampaignInput){
		"name":          func(in *CampaignInput) { in.Name = "Wave 1" },
		"maxActive":     func(in *CampaignInput) { in.MaxActive = 0 },
		"ratePerMinute": func(in *CampaignInput) { in.RatePerMinute = MaxCampaignRate + 1 },
		"windows":       func(in *CampaignInput) { in.Windows = []string{"weekdays"} },
		"rows":          func(in *CampaignInput) { in.Rows = make([]CampaignRow, MaxCampaignAddRows+1) },
	} {
		in := ok
		mutate(&in)
		err := in.Validate()
		fe, isField := err.(*FieldError)
		if !isField || fe.Field != field {
			t.Errorf("%s: Validate() = %v; want a FieldError on %s", field, err, field)
		}
	}
	if got := CampaignWorkflowID("wave-1"); got != "campaign-wave-1" {
		t.Errorf("CampaignWorkflowID = %q", got)
	}
}

func TestCampaignRowStartInput(t *testing.T) {
	row := CampaignRow{AccountID: " 1001 ", Mode: "existing", Subdomain: "acme", RequestedBy: "admin@acme.test", OwnerEmail: "owner@acme.test", TimeZone: "Europe/Paris"}
	in, err := row.StartInput(DefaultPolicy(), "campaign-w")
	if err != nil || in.SellAccountID != "1001" || in.CampaignID != "campaign-w" || in.Mode != ModeExisting {
		t.Fatalf("StartInput = %+v, %v", in, err)
	}
	for field, mutate := range map[string]func(*CampaignRow){
		"accountId":   func(r *CampaignRow) { r.AccountID = "acme" },
		"mode":        func(r *CampaignRow) { r.Mode = "merge" },
		"subdomain":   func(r *CampaignRow) { r.Subdomain = "Acme Inc" },
		"requestedBy": func(r *CampaignRow) { r.RequestedBy = "" },
		"ownerEmail":  func(r *CampaignRow) { r.Mode = "new" },
		"timeZone":    func(r *CampaignRow) { r.TimeZone = "Paris" },
	} {
		r := row
		mutate(&r)
		_, err := r.StartInput(DefaultPolicy(), "campaign-w")
		fe, isField := err.(*FieldError)
		if !isField || fe.Field != field {
			t.Errorf("%s: StartInput() = %v; want a FieldError on %s", field, err, field)
		}
	}
}
