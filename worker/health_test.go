package worker

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
)

func TestHealthEndpoints(t *testing.T) {
	m := NewMetrics(zap.NewNop())
	defer func() { _ = m.Close() }()
	m.Handler.WithTags(map[string]string{"status": "completed"}).Counter("sellmigrate_migration_status_entered").Inc(2)
	ready := errors.New("the worker is not polling task queue sell-migrations (starting or stopping)")
	h := HealthHandler(m, func(context.Context) error { return ready })
	ln, err := ListenHealth("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeHealth(ctx, ln, h, zap.NewNop()) }()
	base := "http://" + ln.Addr().String()

	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || !strings.Contains(body, `"ok":true`) {
		t.Errorf("/healthz = %d %s", code, body)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "not polling") {
		t.Errorf("/readyz while not ready = %d %s", code, body)
	}
	ready = nil
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("/readyz when ready = %d", code)
	}
	// tally reports once a second.
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, body := get("/metrics")
		if strings.Contains(body, `sellmigrate_migration_status_entered_total{status="completed"} 2`) && strings.Contains(body, "go_goroutines") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks the counter:\n%s", body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("ServeHealth: %v", err)
	}
	if _, err := ListenHealth(ln.Addr().String()); err != nil {
		t.Errorf("address not released after shutdown: %v", err)
	}
}

func TestListenHealthNamesTheSetting(t *testing.T) {
	ln, err := ListenHealth("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = ListenHealth(ln.Addr().String())
	if err == nil || !strings.Contains(err.Error(), "worker.metrics_listen") {
		t.Errorf("taken port: %v", err)
	}
}
