package sim_test

import (
	"context"
	"encoding/base64"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestServeLogsWithoutTokensAndShutsDown runs the real Serve on loopback, checks the
// debug request log names requests but never credentials, and stops it by cancelling.
func TestServeLogsWithoutTokensAndShutsDown(t *testing.T) {
	t.Parallel()
	core, logs := observer.New(zapcore.DebugLevel)
	logger := zap.New(core)
	s, err := sim.New(sim.Config{DBPath: filepath.Join(t.TempDir(), "sim.db"), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- sim.Serve(ctx, addr, s.Handler(), logger) }()

	base := "http://" + addr
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(base + "/_sim/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("simulator did not come up: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, auth := range []string{
		"Basic " + base64.StdEncoding.EncodeToString([]byte("owner@globex.test/token:"+sim.DemoAPIToken("globex"))),
		"Bearer " + sim.DemoSellToken(1002),
	} {
		path := "/zendesk/globex/api/v2/users/me"
		if strings.HasPrefix(auth, "Bearer") {
			path = "/sell/v2/accounts/self"
		}
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v after cancel, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not stop after cancel")
	}

	requests := logs.FilterMessage("request").All()
	if len(requests) < 3 {
		t.Fatalf("%d request log entries, want at least 3", len(requests))
	}
	for _, entry := range logs.All() {
		for k, v := range entry.ContextMap() {
			text := strings.ToLower(k + "=" + toString(v) + " " + entry.Message)
			if strings.Contains(text, "demo-api-token") || strings.Contains(text, "sell-demo-") || strings.Contains(text, "basic ") {
				t.Fatalf("log entry leaks a credential: %s %v", entry.Message, entry.ContextMap())
			}
		}
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	if err := sim.Serve(t.Context(), busy.Addr().String(), s.Handler(), logger); err == nil {
		t.Fatal("Serve on a port in use succeeded")
	}
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}
