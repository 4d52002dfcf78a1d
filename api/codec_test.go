package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/keyring"
	"github.com/sellmigrate/sellmigrate/starter"
)

const uiOrigin = "http://127.0.0.1:8233"

func codecServer(t *testing.T) (*Server, *codec.Codec) {
	t.Helper()
	key, err := keyring.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	pc, err := codec.Parse([]string{key}, "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(Options{
		Starter:   starter.New(nil, starter.Options{}),
		Tokens:    Tokens{Viewer: []string{"tok-viewer"}, Admin: []string{"tok-admin"}},
		PublicURL: "http://127.0.0.1:8080",
		Codec:     CodecOptions{Codec: pc, CORSOrigin: uiOrigin + "/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, pc
}

// encryptedBody is a decode request for one payload holding a demo email, encrypted.
func encryptedBody(t *testing.T, pc *codec.Codec) string {
	t.Helper()
	plain, _ := converter.GetDefaultDataConverter().ToPayload("owner@globex.test")
	enc, err := pc.Encode([]*commonpb.Payload{plain})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := protojson.Marshal(&commonpb.Payloads{Payloads: enc})
	if strings.Contains(string(b), "globex") {
		t.Fatal("the encrypted request body holds the email in clear")
	}
	return string(b)
}

func codecCall(s *Server, method, path, origin, auth, body string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if origin != "" {
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "same-site")
	}
	return serve(s, req, auth, cookies...)
}

func TestCodecEndpointNeedsAPrincipal(t *testing.T) {
	s, pc := codecServer(t)
	body := encryptedBody(t, pc)
	for name, auth := range map[string]string{"none": "", "wrong token": "Bearer nope"} {
		rec := codecCall(s, "POST", "/codec/decode", "", auth, body)
		if rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), "globex") {
			t.Errorf("%s: %d %s, want 401 and no payload", name, rec.Code, rec.Body)
		}
	}
}

func TestCodecEndpointDecodesForAViewer(t *testing.T) {
	s, pc := codecServer(t)
	body := encryptedBody(t, pc)
	decoded := func(rec *httptest.ResponseRecorder) string {
		var out commonpb.Payloads
		if err := protojson.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Payloads) != 1 {
			t.Fatalf("answer %d %s: %v", rec.Code, rec.Body, err)
		}
		var email string
		if err := converter.GetDefaultDataConverter().FromPayload(out.Payloads[0], &email); err != nil {
			t.Fatal(err)
		}
		return email
	}
	rec := codecCall(s, "POST", "/codec/decode", "", "Bearer tok-viewer", body)
	if rec.Code != 200 || decoded(rec) != "owner@globex.test" {
		t.Fatalf("viewer token: %d %s", rec.Code, rec.Body)
	}

	// The Web UI's call: the dashboard's session cookie, from the UI's origin.
	rec, _ = call(t, s, "POST", "/api/v1/session", "", "application/json", `{"token":"tok-viewer"}`)
	cookies := rec.Result().Cookies()
	rec = codecCall(s, "POST", "/codec/decode", uiOrigin, "", body, cookies...)
	if rec.Code != 200 || decoded(rec) != "owner@globex.test" {
		t.Fatalf("session cookie from the Web UI: %d %s", rec.Code, rec.Body)
	}
	if rec.Header().Get("Access-Control-Allow-Origin") != uiOrigin || rec.Header().Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("CORS headers for the UI's origin: %v", rec.Header())
	}

	// Encode then decode gives the payload back.
	plain, _ := converter.GetDefaultDataConverter().ToPayload("admin@globex.test")
	pb, _ := protojson.Marshal(&commonpb.Payloads{Payloads: []*commonpb.Payload{plain}})
	rec = codecCall(s, "POST", "/codec/encode", "", "Bearer tok-admin", string(pb))
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "admin@globex.test") || !strings.Contains(rec.Body.String(), "encryption-key-id") {
		t.Fatalf("encode: %d %s", rec.Code, rec.Body)
	}
	if rec = codecCall(s, "POST", "/codec/decode", "", "Bearer tok-viewer", rec.Body.String()); decoded(rec) != "admin@globex.test" {
		t.Errorf("decode of encode: %s", rec.Body)
	}
}

func TestCodecCORSOnlyForTheUIOrigin(t *testing.T) {
	s, pc := codecServer(t)
	body := encryptedBody(t, pc)
	for _, tc := range []struct {
		origin string
		allow  bool
	}{{uiOrigin, true}, {"http://evil.test", false}, {"http://127.0.0.1:8080", false}, {"", false}} {
		pre := httptest.NewRequest("OPTIONS", "/codec/decode", nil)
		if tc.origin != "" {
			pre.Header.Set("Origin", tc.origin)
		}
		pre.Header.Set("Access-Control-Request-Method", "POST")
		pre.Header.Set("Access-Control-Request-Headers", "content-type,x-namespace")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, pre)
		got := rec.Header().Get("Access-Control-Allow-Origin")
		if rec.Code != http.StatusNoContent || (got != "") != tc.allow || (tc.allow && got != tc.origin) {
			t.Errorf("preflight from %q: %d, Allow-Origin %q; allowed=%v", tc.origin, rec.Code, got, tc.allow)
		}
		if tc.allow && (!strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "X-Namespace") || !strings.Contains(rec.Header().Get("Access-Control-Allow-Methods"), "POST")) {
			t.Errorf("preflight from the UI lacks its headers or method: %v", rec.Header())
		}
		post := codecCall(s, "POST", "/codec/decode", tc.origin, "Bearer tok-viewer", body)
		if got := post.Header().Get("Access-Control-Allow-Origin"); (got != "") != tc.allow {
			t.Errorf("POST from %q: Allow-Origin %q; allowed=%v", tc.origin, got, tc.allow)
		}
		// A refused call still tells the UI why, but only the allowed origin may read it.
		unauth := codecCall(s, "POST", "/codec/decode", tc.origin, "", body)
		if unauth.Code != 401 || (unauth.Header().Get("Access-Control-Allow-Origin") != "") != tc.allow {
			t.Errorf("401 from %q: %d, Allow-Origin %q", tc.origin, unauth.Code, unauth.Header().Get("Access-Control-Allow-Origin"))
		}
	}
}

func TestCodecKeylessRefusesEncrypted(t *testing.T) {
	s := testServer(t) // no codec configured
	_, pc := codecServer(t)
	rec := codecCall(s, "POST", "/codec/decode", "", "Bearer tok-viewer", encryptedBody(t, pc))
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), codec.KeysSetting) {
		t.Errorf("keyless decode of an encrypted payload: %d %s; want 400 naming %s", rec.Code, rec.Body, codec.KeysSetting)
	}
}
