package contract

import (
	"fmt"
	"strconv"
	"strings"
)

// Defaults of a campaign's pace when a person gives none (the CLI's flags, the API's
// absent fields).
const (
	DefaultCampaignMaxActive = 20
	DefaultCampaignRate      = 30
)

// ParseCampaignRate reads a campaign's rate as people write it: "30/m", "30/min" or
// "30", starts a minute.
func ParseCampaignRate(s string) (int, error) {
	n := strings.TrimSpace(s)
	for _, suffix := range []string{"/min", "/m"} {
		n = strings.TrimSuffix(n, suffix)
	}
	r, err := strconv.Atoi(n)
	if err != nil || r < 1 || r > MaxCampaignRate {
		return 0, fmt.Errorf("rate %q is not valid: give 1 to %d starts a minute as R/m or R, e.g. 30/m", s, MaxCampaignRate)
	}
	return r, nil
}
