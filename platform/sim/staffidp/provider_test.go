package staffidp

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestForm: the sign-in form refuses a wrong password and an unknown sign-in, and
// discovery names the issuer the provider was given.
func TestForm(t *testing.T) {
	const issuer = "http://127.0.0.1:8081/_oidc"
	h, err := New(Options{Issuer: issuer, ClientID: "sellmigrate", RedirectURIs: []string{"http://127.0.0.1:8080/auth/callback"}, RoleClaim: "sellmigrate_role"})
	if err != nil {
		t.Fatal(err)
	}
	serve := func(r *http.Request) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	if rec := serve(httptest.NewRequest("GET", "/.well-known/openid-configuration", nil)); rec.Code != 200 ||
		!strings.Contains(rec.Body.String(), `"issuer":"`+issuer+`"`) || !strings.Contains(rec.Body.String(), `"S256"`) {
		t.Errorf("discovery: %d %s", rec.Code, rec.Body)
	}
	if rec := serve(httptest.NewRequest("GET", "/login?authRequestID=nope", nil)); rec.Code != 400 {
		t.Errorf("form of an unknown sign-in: %d", rec.Code)
	}
	for _, tc := range []struct{ email, password string }{
		{"ops@example.test", "wrong"}, {"nobody@example.test", DemoPassword}, {"ops@example.test", ""},
	} {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"authRequestID": {"x"}, "email": {tc.email}, "password": {tc.password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if rec := serve(req); rec.Code != 401 || !strings.Contains(rec.Body.String(), "Wrong email or password") {
			t.Errorf("%s / %q: %d", tc.email, tc.password, rec.Code)
		}
	}
	if _, err := New(Options{Issuer: issuer}); err == nil {
		t.Error("a provider without client, redirect or role claim was built")
	}
}
