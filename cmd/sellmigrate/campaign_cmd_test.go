package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseRate(t *testing.T) {
	for in, want := range map[string]int{"30/m": 30, "30": 30, " 5/min": 5, "60000/m": 60000} {
		if got, err := parseRate(in); err != nil || got != want {
			t.Errorf("parseRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0/m", "-1", "fast", "30/h", "60001/m"} {
		if _, err := parseRate(in); err == nil || !strings.Contains(err.Error(), "--rate") {
			t.Errorf("parseRate(%q) err = %v, want one naming --rate", in, err)
		}
	}
}

// Bad input is refused before connecting: these run with no Temporal server.
func TestCampaignStartRefusesBadInput(t *testing.T) {
	list := filepath.Join(t.TempDir(), "wave.csv")
	if err := os.WriteFile(list, []byte("account_id,mode,subdomain,requested_by,owner_email\n1001,new,acme,admin@acme.test,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		args []string
		want string
	}{
		"window": {[]string{"--window", "Mon-Fri 9-17"}, "--window: "},
		"rate":   {[]string{"--rate", "0/m"}, "--rate"},
		"active": {[]string{"--max-active", "0"}, "--max-active"},
		"name":   {[]string{"--name", "Wave 1"}, "--name"},
		"both":   {[]string{"--json", list}, "not both"},
		"no by":  {[]string{"--by", ""}, "--by"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"campaign", "start", "--name", "wave-1", "--csv", list, "--by", "ops@acme.test",
				"--temporal-address", "127.0.0.1:1"}, c.args...)
			var out, errOut bytes.Buffer
			if rc := execute(args, &out, &errOut); rc == 0 || !strings.Contains(errOut.String(), c.want) {
				t.Fatalf("rc = %d, stderr = %q; want a failure naming %q", rc, errOut.String(), c.want)
			}
		})
	}
}
