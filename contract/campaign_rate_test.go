package contract

import (
	"strings"
	"testing"
)

func TestParseCampaignRate(t *testing.T) {
	for in, want := range map[string]int{"30/m": 30, "30": 30, " 5/min": 5, "60000/m": 60000} {
		if got, err := ParseCampaignRate(in); err != nil || got != want {
			t.Errorf("ParseCampaignRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0/m", "-1", "fast", "30/h", "60001/m"} {
		if _, err := ParseCampaignRate(in); err == nil || !strings.HasPrefix(err.Error(), "rate ") || !strings.Contains(err.Error(), "30/m") {
			t.Errorf("ParseCampaignRate(%q) err = %v, want one beginning \"rate \" with an example", in, err)
		}
	}
}
