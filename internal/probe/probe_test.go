package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	if err := Check(context.Background(), srv.URL+"/healthz"); err != nil {
		t.Errorf("healthy endpoint: %v", err)
	}
	if err := Check(context.Background(), srv.URL+"/readyz"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("503: err = %v, want one naming the status", err)
	}
	if err := Check(context.Background(), "127.0.0.1:8080/healthz"); err == nil || !strings.Contains(err.Error(), "http(s) URL") {
		t.Errorf("no scheme: err = %v", err)
	}
	srv.Close()
	if err := Check(context.Background(), srv.URL+"/healthz"); err == nil {
		t.Error("a closed port must fail the probe")
	}
}
