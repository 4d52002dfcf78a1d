package api

import (
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/contract"
)

func TestDisclaimerRoute(t *testing.T) {
	s := testServer(t)
	want, err := contract.LookupDisclaimer(contract.DefaultPolicy().DisclaimerVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{"tok-viewer", "tok-ops", "tok-admin"} {
		rec, m := call(t, s, "GET", "/api/v1/disclaimers/"+want.Version, "Bearer "+token, "", "")
		if rec.Code != 200 || m["version"] != want.Version || m["text"] != want.Text || m["sha256"] != want.SHA256 {
			t.Errorf("%s: %d %s, want the embedded text of %s", token, rec.Code, rec.Body, want.Version)
		}
	}

	rec, m := call(t, s, "GET", "/api/v1/disclaimers/"+want.Version, "", "", "")
	wantError(t, rec, m, 401, "unauthorized")

	rec, m = call(t, s, "GET", "/api/v1/disclaimers/1999-01", "Bearer tok-viewer", "", "")
	msg := wantError(t, rec, m, 404, "not_found")
	for _, part := range []string{`"1999-01"`, "the versions are " + strings.Join(contract.DisclaimerVersions(), ", "), "requiredDisclaimerVersion"} {
		if !strings.Contains(msg, part) {
			t.Errorf("unknown version: message %q lacks %q", msg, part)
		}
	}

	rec, m = call(t, s, "POST", "/api/v1/disclaimers/"+want.Version, "Bearer tok-admin", "application/json", "{}")
	wantError(t, rec, m, 405, "method_not_allowed")
}
