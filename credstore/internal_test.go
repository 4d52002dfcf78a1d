package credstore

import (
	"strings"
	"testing"
)

func TestRebind(t *testing.T) {
	q := `SELECT a FROM t WHERE x = ? AND k IN (` + placeholders(3) + `)`
	if got := dialectSQLite.rebind(q); got != `SELECT a FROM t WHERE x = ? AND k IN (?, ?, ?)` {
		t.Errorf("sqlite rebind = %q", got)
	}
	if got := dialectPostgres.rebind(q); got != `SELECT a FROM t WHERE x = $1 AND k IN ($2, $3, $4)` {
		t.Errorf("postgres rebind = %q", got)
	}
}

func TestParseDSN(t *testing.T) {
	for dsn, want := range map[string]target{
		"sqlite:/var/lib/c.db":                    {dialect: dialectSQLite, path: "/var/lib/c.db"},
		"sqlite:///var/lib/c.db":                  {dialect: dialectSQLite, path: "/var/lib/c.db"},
		"sqlite:rel/c.db":                         {dialect: dialectSQLite, path: "rel/c.db"},
		"postgres://u:pw@db:5432/sm":              {dialect: dialectPostgres, dsn: "postgres://u:pw@db:5432/sm"},
		"postgresql://u:pw@db/sm?sslmode=require": {dialect: dialectPostgres, dsn: "postgresql://u:pw@db/sm?sslmode=require"},
	} {
		got, err := parseDSN(dsn)
		if err != nil || got.dialect != want.dialect || got.path != want.path || got.dsn != want.dsn {
			t.Errorf("parseDSN(%q) = %+v, %v; want %+v", dsn, got, err, want)
		}
		if strings.Contains(got.shown, "pw") {
			t.Errorf("parseDSN(%q) shows the password: %q", dsn, got.shown)
		}
	}
	for _, dsn := range []string{"", "sqlite:", "sqlite:/x.db?mode=ro", "mysql://u:hunter2@db/sm", "postgres://"} {
		_, err := parseDSN(dsn)
		if err == nil || !strings.Contains(err.Error(), "credentials.dsn") || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("parseDSN(%q) = %v; want an error naming credentials.dsn without the password", dsn, err)
		}
	}
}

func TestParseKeyringErrors(t *testing.T) {
	const good1 = "one:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	const good2 = "two:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
	for name, tc := range map[string]struct {
		keys   []string
		active string
		want   string
	}{
		"none":           {nil, "", "credentials.keys is empty"},
		"no colon":       {[]string{"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}, "", "credentials.keys item 1 must be ID:BASE64"},
		"short key":      {[]string{"k:c2hvcnQ="}, "", "credentials.keys key k must be 32 bytes"},
		"bad base64":     {[]string{"k:!!!"}, "", "credentials.keys key k must be 32 bytes"},
		"duplicate":      {[]string{good1, good1}, "one", "names key one twice"},
		"unknown active": {[]string{good1}, "three", "credentials.active_key \"three\" is not among credentials.keys (one)"},
		"ambiguous":      {[]string{good1, good2}, "", "credentials.active_key is empty but credentials.keys has 2 keys (one, two)"},
	} {
		_, err := ParseKeyring(tc.keys, tc.active)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ParseKeyring = %v; want %q", name, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "AAECAwQF") {
			t.Errorf("%s: the error shows key material: %v", name, err)
		}
	}
	k, err := ParseKeyring([]string{good1, " " + good2 + " "}, "two")
	if err != nil || k.ActiveID() != "two" || strings.Join(k.IDs(), ",") != "one,two" {
		t.Errorf("ParseKeyring(two keys, active two) = %v, %v", k.IDs(), err)
	}
}

func TestNewKey(t *testing.T) {
	a, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewKey()
	if a == b {
		t.Error("two NewKey calls gave the same key")
	}
	k, err := ParseKeyring([]string{a}, "")
	if err != nil {
		t.Fatalf("NewKey gave %s parts ParseKeyring refuses: %v", strings.SplitN(a, ":", 2)[0], err)
	}
	if id, _, _ := strings.Cut(a, ":"); k.ActiveID() != id {
		t.Errorf("active %q, want %q", k.ActiveID(), id)
	}
}
