package credstore

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// idPattern bounds IDs a caller chooses: printable, short, no spaces.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,128}$`)

// Put stores c, encrypting Secret under the active key. An empty ID gets a new random
// opaque one; an empty Scheme the kind's usual one (operator tokens: api_token; OAuth
// kinds: bearer); a zero CreatedAt now. Putting an ID again with the same content (an
// activity retried) returns the stored credential unchanged; with other content it is
// an error, since an ID names one secret for good.
func (s *Store) Put(ctx context.Context, c Credential) (Credential, error) {
	if c.Scheme == "" {
		c.Scheme = defaultScheme(c.Kind)
	}
	if err := checkNew(c); err != nil {
		return Credential{}, err
	}
	if c.ID == "" {
		id, err := newID()
		if err != nil {
			return Credential{}, err
		}
		c.ID = id
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	c.CreatedAt, c.ExpiresAt, c.RevokedAt = utc(c.CreatedAt), utc(c.ExpiresAt), utc(c.RevokedAt)
	keyID, sealed, err := s.keys.seal(c.Secret, bindingOf(c))
	if err != nil {
		return Credential{}, err
	}
	c.KeyID = keyID
	// ON CONFLICT DO NOTHING (SQLite and PostgreSQL alike) makes two racing Puts of one
	// ID safe: the loser reads the winner's row and compares.
	res, err := s.exec(ctx, `INSERT INTO credentials (`+columns+`) VALUES (`+placeholders(11)+`) ON CONFLICT (id) DO NOTHING`,
		c.ID, string(c.Kind), string(c.Scheme), c.Subdomain, c.Email, c.WorkflowID,
		toNanos(c.CreatedAt), toNanos(c.ExpiresAt), toNanos(c.RevokedAt), keyID, sealed)
	if err != nil {
		return Credential{}, s.dbErr("store credential "+c.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return Credential{}, s.dbErr("store credential "+c.ID, err)
	} else if n == 1 {
		return c, nil
	}
	stored, err := s.Get(ctx, c.ID)
	if err != nil {
		return Credential{}, err
	}
	if diff := differs(stored, c); diff != "" {
		return Credential{}, fmt.Errorf("credentials: credential %s already exists with a different %s; an ID names one secret for good: put the new one under a new ID (or none, for a fresh one)", c.ID, diff)
	}
	return stored, nil
}

// differs names the first field in which a retried Put differs from the stored row
// (never showing either secret), or "".
func differs(stored, c Credential) string {
	switch {
	case stored.Kind != c.Kind:
		return "kind"
	case stored.Scheme != c.Scheme:
		return "scheme"
	case stored.Subdomain != c.Subdomain:
		return "subdomain"
	case stored.Email != c.Email:
		return "email"
	case stored.WorkflowID != c.WorkflowID:
		return "workflow ID"
	case !stored.ExpiresAt.Equal(c.ExpiresAt):
		return "expiry"
	case stored.Secret != c.Secret:
		return "secret"
	}
	return ""
}

// checkNew refuses a credential no Zendesk call could use.
func checkNew(c Credential) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("credentials: "+format, args...)
	}
	switch {
	case c.ID != "" && !idPattern.MatchString(c.ID):
		return bad("ID %q must be 1 to 128 letters, digits, '.', '_' or '-' (or empty for a new one)", c.ID)
	case !knownKind(c.Kind):
		return bad("kind %q must be %s, %s or %s", c.Kind, KindOwnerGrant, KindCreatedAccount, KindOperatorToken)
	case c.Scheme != SchemeBearer && c.Scheme != SchemeAPIToken:
		return bad("scheme %q must be %s or %s", c.Scheme, SchemeBearer, SchemeAPIToken)
	case c.Subdomain == "" || strings.ContainsAny(c.Subdomain, " \t\r\n/"):
		return bad("subdomain %q must be a Zendesk subdomain, e.g. acme", c.Subdomain)
	case c.Scheme == SchemeAPIToken && c.Email == "":
		return bad("an API token needs the email of the Zendesk user it acts as")
	case c.Kind == KindOwnerGrant && c.WorkflowID == "":
		return bad("an owner grant needs the workflow ID of the migration it was issued for")
	case c.Kind != KindOwnerGrant && c.WorkflowID != "":
		return bad("only owner grants are bound to a workflow; a %s must have no workflow ID", c.Kind)
	case strings.TrimSpace(c.Secret) == "":
		return bad("the secret is empty; give the token itself")
	}
	return nil
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return fromNanos(t.UnixNano())
}

// notFound wraps ErrNotFound with what was looked for.
func notFound(format string, args ...any) error {
	return fmt.Errorf("credentials: %s: %w", fmt.Sprintf(format, args...), ErrNotFound)
}
