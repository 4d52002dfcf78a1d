package credstore_test

import (
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/credstore"
)

// TestPostgresLive runs the store against a real PostgreSQL when
// SELLMIGRATE_TEST_POSTGRES_DSN names one (a database the test may create a table in).
func TestPostgresLive(t *testing.T) {
	dsn := os.Getenv("SELLMIGRATE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("set SELLMIGRATE_TEST_POSTGRES_DSN=postgres://... to run against PostgreSQL")
	}
	s, err := credstore.Open(ctx, dsn, keyring(t, "", keyA))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sub := "pgtest" + strings.ToLower(time.Now().Format("150405999"))
	c := put(t, s, operatorToken(sub, "pg-secret"))
	if again := put(t, s, c); again.ID != c.ID {
		t.Errorf("retried Put gave %s, want %s", again.ID, c.ID)
	}
	got, err := s.ActiveFor(ctx, sub, time.Now())
	if err != nil || got.Secret != "pg-secret" {
		t.Fatalf("ActiveFor = %q, %v", got.Secret, err)
	}
	if _, err := s.Revoke(ctx, c.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if infos, err := s.List(ctx, sub); err != nil || len(infos) != 1 || infos[0].RevokedAt.IsZero() {
		t.Errorf("List after revoke = %+v, %v", infos, err)
	}
}

// TestPostgresRolesStartTogether: several roles opening one fresh database at once (two
// workers and the API, as a cluster starts them) all prepare the table without a
// collision. Each run uses a schema of its own, so the table is new.
func TestPostgresRolesStartTogether(t *testing.T) {
	dsn := os.Getenv("SELLMIGRATE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("set SELLMIGRATE_TEST_POSTGRES_DSN=postgres://... to run against PostgreSQL")
	}
	schema := "race" + strings.ToLower(time.Now().Format("150405999999"))
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE") }()
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	inSchema := dsn + sep + "search_path=" + schema
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			s, err := credstore.Open(ctx, inSchema, keyring(t, "", keyA))
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
