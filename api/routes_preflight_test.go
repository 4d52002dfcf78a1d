package api

import (
	"strings"
	"testing"
)

// TestPreflightRouteRoleAndBodies: only ops may run a preflight, and a body that holds
// no list is refused with what to send, before Temporal is asked (the test server has
// no Temporal client, so reaching it would panic).
func TestPreflightRouteRoleAndBodies(t *testing.T) {
	s := testServer(t)
	const row = `{"accountId":"1001","mode":"new","subdomain":"acme","requestedBy":"admin@acme.test"}`
	rec, m := call(t, s, "POST", "/api/v1/preflight", "Bearer tok-viewer", "application/json", `{"rows":[`+row+`]}`)
	if msg := wantError(t, rec, m, 403, "forbidden"); !strings.Contains(msg, "ops role") {
		t.Errorf("viewer preflight: %q should name the role needed", msg)
	}
	rec, m = call(t, s, "POST", "/api/v1/preflight", "", "application/json", `{"rows":[`+row+`]}`)
	wantError(t, rec, m, 401, "unauthorized")

	tooMany := "account_id,mode,subdomain,requested_by,owner_email\n" + strings.Repeat("1001,new,acme,admin@acme.test,\n", 2001)
	for _, tc := range []struct {
		name, contentType, path, body string
		status                        int
		code, want                    string
	}{
		{"empty rows", "application/json", "", `{"rows":[]}`, 422, "invalid_input", "rows is empty"},
		{"unknown field", "application/json", "", `{"rows":[` + row + `],"wave":1}`, 400, "bad_request", `unknown field "wave"`},
		{"bad name", "application/json", "", `{"name":"Wave 1","rows":[` + row + `]}`, 422, "invalid_input", "preflight name"},
		{"bad CSV name", "text/csv", "?name=Wave_1", "account_id,mode,subdomain,requested_by,owner_email\n1001,new,acme,admin@acme.test,\n", 422, "invalid_input", "preflight name"},
		{"CSV header", "text/csv", "", "account,mode\n1001,new\n", 422, "invalid_input", "unknown column"},
		{"too many rows", "text/csv", "", tooMany, 413, "payload_too_large", "2001 rows is more than 2000"},
		{"not a list", "text/plain", "", row, 415, "unsupported_media_type", "text/csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := s
			if tc.name == "too many rows" {
				s = bigBodyServer(t)
			}
			rec, m := call(t, s, "POST", "/api/v1/preflight"+tc.path, "Bearer tok-ops", tc.contentType, tc.body)
			if msg := wantError(t, rec, m, tc.status, tc.code); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q lacks %q", msg, tc.want)
			}
		})
	}
}

// bigBodyServer is testServer with room for a body of thousands of rows.
func bigBodyServer(t *testing.T) *Server {
	t.Helper()
	s := testServer(t)
	s.opts.MaxBodyBytes = 1 << 20 // the production default
	return s
}
