package credstore

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// dialect is the SQL database behind a Store. The SQL is written once with ? for
// parameters; rebind rewrites it for databases that number them.
type dialect int

const (
	dialectSQLite dialect = iota
	dialectPostgres
)

func (d dialect) String() string {
	if d == dialectPostgres {
		return "PostgreSQL"
	}
	return "SQLite"
}

// rebind turns each ? into $1, $2, ... for PostgreSQL. Our SQL has no ? inside string
// literals, so a plain scan is enough.
func (d dialect) rebind(q string) string {
	if d != dialectPostgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// placeholders is "?, ?, ?" for n parameters (before rebind).
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// target is what a DSN names: the dialect, and what to hand its driver.
type target struct {
	dialect dialect
	path    string // SQLite file
	dsn     string // PostgreSQL connection string
	shown   string // the DSN with any password hidden, for errors
}

const dsnForm = `sqlite:/path/to/credentials.db or postgres://user:password@host:5432/dbname`

// parseDSN reads credentials.dsn.
func parseDSN(dsn string) (target, error) {
	dsn = strings.TrimSpace(dsn)
	switch {
	case dsn == "":
		return target{}, fmt.Errorf("credentials.dsn is empty; set it to %s", dsnForm)
	case strings.HasPrefix(dsn, "sqlite:"):
		p := strings.TrimPrefix(dsn, "sqlite:")
		// sqlite:///abs/path is the URL spelling of sqlite:/abs/path.
		if strings.HasPrefix(p, "///") {
			p = p[2:]
		}
		if p == "" || strings.ContainsAny(p, "?#") {
			return target{}, fmt.Errorf("credentials.dsn %q must name a SQLite file without options, e.g. sqlite:/var/lib/sellmigrate/credentials.db", dsn)
		}
		return target{dialect: dialectSQLite, path: p, shown: dsn}, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		u, err := url.Parse(dsn)
		if err != nil || u.Host == "" {
			return target{}, fmt.Errorf("credentials.dsn is not a valid PostgreSQL URL; use %s", dsnForm)
		}
		return target{dialect: dialectPostgres, dsn: dsn, shown: u.Redacted()}, nil
	default:
		shown := dsn
		if u, err := url.Parse(dsn); err == nil {
			shown = u.Redacted()
		}
		return target{}, fmt.Errorf("credentials.dsn %q must start with sqlite: or postgres://, e.g. %s", shown, dsnForm)
	}
}

// CheckDSN says whether dsn names a database Open can use, without connecting; config
// calls it at load so a misspelt credentials.dsn is reported before any command runs.
func CheckDSN(dsn string) error {
	_, err := parseDSN(dsn)
	return err
}
