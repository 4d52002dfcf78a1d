package credstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/sellmigrate/sellmigrate/credstore"
)

var ctx = context.Background()

func TestRoundTrip(t *testing.T) {
	s := open(t, dbPath(t), keyring(t, "", keyA))
	exp := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	in := credstore.Credential{Kind: credstore.KindOwnerGrant, Subdomain: "globex", Email: "owner@globex.test",
		WorkflowID: "sell-migration-1002", Secret: "oauth-secret-1", ExpiresAt: exp}
	stored := put(t, s, in)
	if !regexp.MustCompile(`^cred_[a-z2-7]{26}$`).MatchString(stored.ID) {
		t.Errorf("ID %q is not cred_ + 26 base32 characters", stored.ID)
	}
	if stored.KeyID != "a" || stored.CreatedAt.IsZero() || stored.Scheme != credstore.SchemeBearer {
		t.Errorf("stored = %+v; want key a, a creation time and the bearer scheme", stored.Info())
	}
	got, err := s.Get(ctx, stored.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got != stored {
		t.Errorf("Get = %+v, want %+v", got.Info(), stored.Info())
	}
	if got.Secret != "oauth-secret-1" || !got.ExpiresAt.Equal(exp) {
		t.Errorf("Get lost the secret or the expiry: %+v", got.Info())
	}
	if _, err := s.Get(ctx, "cred_nope"); !errors.Is(err, credstore.ErrNotFound) || !strings.Contains(err.Error(), "cred_nope") {
		t.Errorf("Get(unknown) = %v; want ErrNotFound naming the ID", err)
	}
}

func TestSecretIsNotInTheFile(t *testing.T) {
	path := dbPath(t)
	s := open(t, path, keyring(t, "", keyA))
	const secret = "very-distinctive-token-0123456789"
	put(t, s, operatorToken("acme", secret))
	if err := s.Close(); err != nil { // checkpoints the WAL into the file
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the secret in clear", f)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
}

func TestTamperedOrSwappedCiphertextFails(t *testing.T) {
	path := dbPath(t)
	s := open(t, path, keyring(t, "", keyA))
	one := put(t, s, operatorToken("acme", "secret-one"))
	two := put(t, s, operatorToken("globex", "secret-two"))

	db := rawDB(t, path)
	// Row two gets row one's sealed secret: the AAD binds it to row one.
	if _, err := db.Exec(`UPDATE credentials SET sealed = (SELECT sealed FROM credentials WHERE id = ?) WHERE id = ?`, one.ID, two.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, two.ID); err == nil || strings.Contains(err.Error(), "secret-one") {
		t.Errorf("Get of a row holding another row's ciphertext = %v; want a failure that shows no secret", err)
	}
	// Moving row one to another subdomain breaks it too.
	if _, err := db.Exec(`UPDATE credentials SET subdomain = 'evil' WHERE id = ?`, one.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, one.ID); err == nil {
		t.Error("Get of a row moved to another subdomain succeeded")
	}
	// A flipped byte in the ciphertext.
	three := put(t, s, operatorToken("initech", "secret-three"))
	var sealed string
	if err := db.QueryRow(`SELECT sealed FROM credentials WHERE id = ?`, three.ID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	b := []byte(sealed)
	b[len(b)/2] ^= 'A' ^ 'B'
	if b[len(b)/2] == sealed[len(b)/2] {
		t.Fatal("test did not change the ciphertext")
	}
	if _, err := db.Exec(`UPDATE credentials SET sealed = ? WHERE id = ?`, string(b), three.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, three.ID); err == nil {
		t.Error("Get of tampered ciphertext succeeded")
	}
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestUnknownKeyID(t *testing.T) {
	path := dbPath(t)
	c := put(t, open(t, path, keyring(t, "", keyA)), operatorToken("acme", "s"))
	_, err := open(t, path, keyring(t, "", keyB)).Get(ctx, c.ID)
	if err == nil || !strings.Contains(err.Error(), `"a"`) || !strings.Contains(err.Error(), "credentials.keys") {
		t.Errorf("Get under a keyring without key a = %v; want an error naming key a and credentials.keys", err)
	}
}

func TestRotation(t *testing.T) {
	path := dbPath(t)
	old := put(t, open(t, path, keyring(t, "", keyA)), operatorToken("acme", "old-secret"))

	both := open(t, path, keyring(t, "b", keyA, keyB))
	got, err := both.Get(ctx, old.ID)
	if err != nil || got.Secret != "old-secret" || got.KeyID != "a" {
		t.Fatalf("old row under keyring a+b (b active) = %+v, %v", got.Info(), err)
	}
	fresh := put(t, both, operatorToken("acme", "new-secret"))
	if fresh.KeyID != "b" {
		t.Errorf("new row sealed under %q, want the active key b", fresh.KeyID)
	}
	n, err := both.Rekey(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Rekey = %d, %v; want 1 row changed", n, err)
	}
	if n, err := both.Rekey(ctx); err != nil || n != 0 {
		t.Errorf("second Rekey = %d, %v; want 0", n, err)
	}

	onlyB := open(t, path, keyring(t, "", keyB))
	secrets, err := onlyB.Secrets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(secrets, ",") != "old-secret,new-secret" {
		t.Errorf("Secrets under key b alone = %q", secrets)
	}
	for _, i := range mustList(t, onlyB, "") {
		if i.KeyID != "b" {
			t.Errorf("%s still under key %s after Rekey", i.ID, i.KeyID)
		}
	}
}

func TestPutIdempotencyAndConflict(t *testing.T) {
	s := open(t, dbPath(t), keyring(t, "", keyA))
	c := operatorToken("acme", "tok")
	c.ID = "cred_fixed"
	first := put(t, s, c)
	again := put(t, s, c) // an activity retried
	if again != first {
		t.Errorf("retried Put = %+v, want the stored %+v", again.Info(), first.Info())
	}
	if n := len(mustList(t, s, "")); n != 1 {
		t.Errorf("%d rows after a retried Put, want 1", n)
	}
	other := c
	other.Secret = "another-token"
	_, err := s.Put(ctx, other)
	if err == nil || !strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "another-token") || strings.Contains(err.Error(), "tok\"") {
		t.Errorf("Put of another secret under the same ID = %v; want a conflict naming the field, not the secret", err)
	}
	moved := c
	moved.Subdomain = "globex"
	if _, err := s.Put(ctx, moved); err == nil || !strings.Contains(err.Error(), "subdomain") {
		t.Errorf("Put of another subdomain under the same ID = %v; want a conflict", err)
	}
}

func TestPutRefusesUnusable(t *testing.T) {
	s := open(t, dbPath(t), keyring(t, "", keyA))
	for name, c := range map[string]credstore.Credential{
		"empty secret":           operatorToken("acme", "  "),
		"grant without workflow": {Kind: credstore.KindOwnerGrant, Subdomain: "acme", Email: "o@acme.test", Secret: "x"},
		"api token no email":     {Kind: credstore.KindOperatorToken, Subdomain: "acme", Secret: "x"},
		"unknown kind":           {Kind: "other", Subdomain: "acme", Email: "o@acme.test", Secret: "x"},
		"no subdomain":           {Kind: credstore.KindCreatedAccount, Email: "o@acme.test", Secret: "x"},
	} {
		if _, err := s.Put(ctx, c); err == nil {
			t.Errorf("%s: Put succeeded", name)
		}
	}
}

func TestRevokeIsIdempotent(t *testing.T) {
	s := open(t, dbPath(t), keyring(t, "", keyA))
	c := put(t, s, operatorToken("acme", "tok"))
	t1 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	info, err := s.Revoke(ctx, c.ID, t1)
	if err != nil || !info.RevokedAt.Equal(t1) {
		t.Fatalf("Revoke = %+v, %v", info, err)
	}
	info, err = s.Revoke(ctx, c.ID, t1.Add(time.Hour))
	if err != nil || !info.RevokedAt.Equal(t1) {
		t.Errorf("second Revoke = %v, %v; want the first time %v kept", info.RevokedAt, err, t1)
	}
	got, _ := s.Get(ctx, c.ID)
	if err := got.Usable(t1.Add(time.Minute)); err == nil || !strings.Contains(err.Error(), "revoked at") {
		t.Errorf("Usable after revocation = %v", err)
	}
	if _, err := s.Revoke(ctx, "cred_unknown", t1); !errors.Is(err, credstore.ErrNotFound) || !strings.Contains(err.Error(), "cred_unknown") {
		t.Errorf("Revoke(unknown) = %v; want ErrNotFound naming the ID", err)
	}
}

func TestActiveFor(t *testing.T) {
	s := open(t, dbPath(t), keyring(t, "", keyA))
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return now.Add(d) }
	with := func(c credstore.Credential, created time.Time) credstore.Credential { c.CreatedAt = created; return c }

	usable := put(t, s, with(operatorToken("acme", "usable"), at(-4*time.Hour)))
	revoked := put(t, s, with(operatorToken("acme", "revoked"), at(-3*time.Hour)))
	if _, err := s.Revoke(ctx, revoked.ID, at(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	expired := with(operatorToken("acme", "expired"), at(-2*time.Hour))
	expired.ExpiresAt = at(-time.Second)
	put(t, s, expired)
	put(t, s, with(credstore.Credential{Kind: credstore.KindOwnerGrant, Subdomain: "acme", Email: "owner@acme.test",
		WorkflowID: "sell-migration-1001", Secret: "grant"}, at(-time.Hour)))
	put(t, s, with(operatorToken("globex", "other-subdomain"), at(-time.Minute)))

	got, err := s.ActiveFor(ctx, "acme", now)
	if err != nil || got.ID != usable.ID || got.Secret != "usable" {
		t.Errorf("ActiveFor(acme) = %q, %v; want the usable operator token", got.Secret, err)
	}
	grant, err := s.ActiveFor(ctx, "acme", now, credstore.KindOwnerGrant)
	if err != nil || grant.Secret != "grant" {
		t.Errorf("ActiveFor(acme, owner_grant) = %q, %v", grant.Secret, err)
	}
	// Revocation and expiry count from their time: just before both, the newest
	// operator token was the one to use.
	if got, err := s.ActiveFor(ctx, "acme", at(-2*time.Minute)); err != nil || got.Secret != "expired" {
		t.Errorf("ActiveFor before expiry = %q, %v; want the then-usable newest token", got.Secret, err)
	}
	if _, err := s.ActiveFor(ctx, "initech", now); !errors.Is(err, credstore.ErrNotFound) || !strings.Contains(err.Error(), "initech") {
		t.Errorf("ActiveFor(initech) = %v; want ErrNotFound naming the subdomain", err)
	}
}

func TestListShowsNoSecret(t *testing.T) {
	s := open(t, dbPath(t), keyring(t, "", keyA))
	older := put(t, s, credstore.Credential{Kind: credstore.KindOperatorToken, Subdomain: "acme", Email: "a@acme.test",
		Secret: "list-secret-1", CreatedAt: time.Now().Add(-time.Hour)})
	newer := put(t, s, operatorToken("acme", "list-secret-2"))
	put(t, s, operatorToken("globex", "list-secret-3"))

	infos := mustList(t, s, "acme")
	if len(infos) != 2 || infos[0].ID != newer.ID || infos[1].ID != older.ID {
		t.Errorf("List(acme) = %+v; want the newer then the older acme credential", infos)
	}
	if n := len(mustList(t, s, "")); n != 3 {
		t.Errorf("List(all) has %d rows, want 3", n)
	}
	// Every field of every Info, as %+v prints them, and a Credential printed by mistake.
	printed := fmt.Sprintf("%+v %+v %v %+v", infos, mustList(t, s, ""), newer, newer)
	if strings.Contains(printed, "list-secret") {
		t.Errorf("a listing or a printed credential shows a secret: %s", printed)
	}
}

func mustList(t *testing.T, s *credstore.Store, sub string) []credstore.Info {
	t.Helper()
	infos, err := s.List(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	return infos
}

func TestTwoStoresShareOneFile(t *testing.T) {
	path := dbPath(t)
	k := keyring(t, "", keyA)
	stores := []*credstore.Store{open(t, path, k), open(t, path, k)}
	const each = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				c := operatorToken("acme", "tok")
				// Even turns share IDs, as when two processes retry one activity; odd ones
				// add new credentials.
				if j%2 == 0 {
					c.ID = fmt.Sprintf("cred_shared_%d", j)
				} else {
					c.Secret = fmt.Sprintf("tok-%d-%d", i, j)
				}
				if _, err := s.Put(ctx, c); err != nil {
					errs <- err
					return
				}
				if _, err := s.List(ctx, "acme"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(mustList(t, stores[0], "")); n != each/2+2*(each/2) {
		t.Errorf("%d rows, want %d", n, each/2+2*(each/2))
	}
}
