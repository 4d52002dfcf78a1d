package platform_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/sellmigrate/sellmigrate/platform"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// partnerClient is a client of env's simulator sending partnerToken on the partner
// calls, logging at debug level into log.
func partnerClient(t *testing.T, env simEnv, partnerToken string, log *bytes.Buffer) *platform.Client {
	t.Helper()
	srv := httptest.NewServer(env.sim.Handler())
	t.Cleanup(srv.Close)
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewDevelopmentEncoderConfig()), zapcore.AddSync(log), zap.DebugLevel)
	c, err := platform.New(platform.Config{
		SupportURL: srv.URL + "/zendesk/{subdomain}", SellURL: srv.URL + "/sell",
		Timeout: 10 * time.Second, PartnerToken: partnerToken, Logger: zap.New(core),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSimPartnerCallsNeedThePartnerToken: without the partner token or with a wrong one
// both partner calls are 401 and create nothing; the token never shows in an error or
// a log line.
func TestSimPartnerCallsNeedThePartnerToken(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t)
	ctx := context.Background()
	na := platform.NewAccount{Name: "Acme", Subdomain: "acme", OwnerName: "Acme Admin", OwnerEmail: "admin@acme.test"}
	const wrong = "wrong-partner-s3cret"
	var log bytes.Buffer
	for _, token := range []string{"", wrong} {
		c := partnerClient(t, env, token, &log)
		_, err := c.Accounts().Available(ctx, "acme")
		if !platform.IsStatus(err, 401) {
			t.Errorf("Available with partner token %q: %v, want 401", token, err)
		}
		_, err = c.Accounts().Create(ctx, na, "k")
		if !platform.IsStatus(err, 401) {
			t.Fatalf("Create with partner token %q: %v, want 401", token, err)
		}
		if token != "" && strings.Contains(err.Error(), token) {
			t.Errorf("error leaks the partner token: %v", err)
		}
	}
	if n := env.ledgerCount(t, sim.LedgerAccountCreated, ""); n != 0 {
		t.Fatalf("%d accounts created without the partner token", n)
	}
	c := partnerClient(t, env, sim.DefaultPartnerToken, &log)
	if ok, err := c.Accounts().Available(ctx, "acme"); err != nil || !ok {
		t.Fatalf("Available with the partner token: %v, %v", ok, err)
	}
	if _, err := c.Accounts().Create(ctx, na, "k"); err != nil {
		t.Fatalf("Create with the partner token: %v", err)
	}
	if log.Len() == 0 {
		t.Fatal("no debug log written; the leak check below would pass vacuously")
	}
	for _, secret := range []string{wrong, sim.DefaultPartnerToken} {
		if strings.Contains(log.String(), secret) {
			t.Errorf("the log holds partner token %q", secret)
		}
	}
	if _, err := platform.New(platform.Config{PartnerToken: "two words"}); err == nil || !strings.Contains(err.Error(), "PartnerToken") {
		t.Errorf("a partner token with a space: %v, want an error naming PartnerToken", err)
	}
}

// TestSimRevokeCurrentToken: the owner token account creation hands out is revoked by
// RevokeCurrentToken and refused from then on; an API token has nothing to revoke.
func TestSimRevokeCurrentToken(t *testing.T) {
	t.Parallel()
	env := newSimEnv(t)
	ctx := context.Background()
	created, err := env.client.Accounts().Create(ctx, platform.NewAccount{Name: "Acme", Subdomain: "acme", OwnerName: "Acme Admin", OwnerEmail: "admin@acme.test"}, "")
	if err != nil {
		t.Fatal(err)
	}
	owner := env.owner("acme", created)
	if _, err := owner.Me(ctx); err != nil {
		t.Fatalf("owner token before revocation: %v", err)
	}
	if err := owner.RevokeCurrentToken(ctx); err != nil {
		t.Fatalf("RevokeCurrentToken: %v", err)
	}
	if _, err := owner.Me(ctx); !platform.IsStatus(err, 401) {
		t.Errorf("owner token after revocation: %v, want 401", err)
	}
	if err := owner.RevokeCurrentToken(ctx); !platform.IsStatus(err, 401) {
		t.Errorf("revoking twice: %v, want 401", err)
	}
	if err := env.support("globex", "owner@globex.test").RevokeCurrentToken(ctx); !platform.IsStatus(err, 404) {
		t.Errorf("revoking with an API token: %v, want 404", err)
	}
	if _, err := env.support("globex", "owner@globex.test").Me(ctx); err != nil {
		t.Errorf("the API token after a refused revocation: %v", err)
	}
}
