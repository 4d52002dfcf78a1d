package sim

import (
	"context"
	"path/filepath"
	"testing"
)

// TestOldStateFileGainsDemoAPITokens opens a state file seeded before API tokens were
// per account: its demo accounts get their DemoAPIToken, an account a migration created
// gets none.
func TestOldStateFileGainsDemoAPITokens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := New(Config{DBPath: path})
	if err != nil {
		t.Fatal(err)
	}
	late, err := insertAccount(ctx, s.store.db, "lateco", "Lateco", "Late Owner", "owner@lateco.test", "2025-02-02T00:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.db.ExecContext(ctx, `DROP TABLE support_api_tokens`); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = New(Config{DBPath: path})
	if err != nil {
		t.Fatalf("open an old state file: %v", err)
	}
	defer s.Close()
	for _, a := range demoSupportAccounts {
		acct, err := accountBySubdomain(ctx, s.store.db, a.subdomain)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := apiTokenValid(ctx, s.store.db, acct.ID, DemoAPIToken(a.subdomain)); !ok || err != nil {
			t.Errorf("demo account %s lacks its demo API token: %v, %v", a.subdomain, ok, err)
		}
	}
	if ok, err := apiTokenValid(ctx, s.store.db, late.ID, DemoAPIToken("lateco")); ok || err != nil {
		t.Errorf("an account not made by the seed got a demo API token: %v, %v", ok, err)
	}
}
