package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/sellmigrate/sellmigrate/contract"
)

// APIToken is one named API token (api.tokens): who it belongs to, the role it
// grants, and the SHA-256 of the token, never the token itself.
type APIToken struct {
	Name   string
	Email  string
	Role   string // viewer | ops | admin
	SHA256 string // 64 lowercase hex digits
}

// APITokenRoles are the roles a named token may have, weakest first.
var APITokenRoles = []string{"viewer", "ops", "admin"}

// apiTokensKey is the key's name, for errors.
const apiTokensKey = "api.tokens"

// APITokenEnvForm is the compact form of one entry in the environment; entries are
// separated by commas.
const APITokenEnvForm = "NAME:EMAIL:ROLE:SHA256"

// apiTokenFields are an entry's fields, in the order of the compact form.
var apiTokenFields = []string{"name", "email", "role", "sha256"}

// maxTokenNameLen bounds a name: it is logged and stamped into every input.
const maxTokenNameLen = 64

// EnvForm is the entry as it is written in SELLMIGRATE_API_TOKENS.
func (t APIToken) EnvForm() string {
	return t.Name + ":" + t.Email + ":" + t.Role + ":" + t.SHA256
}

// YAML is the entry as a YAML list item under api.tokens.
func (t APIToken) YAML() string {
	return fmt.Sprintf("- {name: %q, email: %q, role: %s, sha256: %s}", t.Name, t.Email, t.Role, t.SHA256)
}

// HashToken is the hex SHA-256 of a token, as api.tokens lists it.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// decodeAPITokens reads api.tokens from a YAML list of maps or from the compact
// string of the environment (NAME:EMAIL:ROLE:SHA256 entries separated by commas). It
// reads the shape only; validateAPITokens checks the values.
func decodeAPITokens(p *[]APIToken, raw any) error {
	out := []APIToken{}
	switch v := raw.(type) {
	case nil:
	case string:
		for i, item := range strings.Split(v, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			parts := strings.Split(item, ":")
			if len(parts) != len(apiTokenFields) {
				return fmt.Errorf("config: %s entry %d has %d field(s) separated by colons; write each entry as %s, entries separated by commas, e.g. ci-bot:ci@example.test:ops:<64 hex digits> (sellmigrate token new prints one)",
					apiTokensKey, i+1, len(parts), APITokenEnvForm)
			}
			for j := range parts {
				parts[j] = strings.TrimSpace(parts[j])
			}
			out = append(out, APIToken{Name: parts[0], Email: parts[1], Role: parts[2], SHA256: parts[3]})
		}
	case []any:
		for i, item := range v {
			t, err := apiTokenFromMap(i+1, item)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
	case []APIToken:
		out = append(out, v...)
	default:
		return fmt.Errorf("config: %s must be a list of entries with name, email, role and sha256 (YAML) or a string of %s entries separated by commas (env), not %T", apiTokensKey, APITokenEnvForm, raw)
	}
	*p = out
	return nil
}

// apiTokenFromMap reads one YAML entry, refusing unknown or non-text fields.
func apiTokenFromMap(n int, item any) (APIToken, error) {
	m := map[string]any{}
	switch v := item.(type) {
	case map[string]any:
		m = v
	case map[any]any:
		for k, x := range v {
			m[fmt.Sprint(k)] = x
		}
	default:
		return APIToken{}, fmt.Errorf("config: %s entry %d must be a map with name, email, role and sha256, not %T", apiTokensKey, n, item)
	}
	var t APIToken
	dst := map[string]*string{"name": &t.Name, "email": &t.Email, "role": &t.Role, "sha256": &t.SHA256}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p, ok := dst[strings.ToLower(k)]
		if !ok {
			return APIToken{}, fmt.Errorf("config: %s entry %d has unknown field %q; an entry has name, email, role and sha256 (the SHA-256 of the token, never the token)", apiTokensKey, n, k)
		}
		s, ok := m[k].(string)
		if !ok {
			return APIToken{}, fmt.Errorf("config: %s entry %d field %s must be text, not %T", apiTokensKey, n, strings.ToLower(k), m[k])
		}
		*p = strings.TrimSpace(s)
	}
	return t, nil
}

// ValidateAPIToken checks one entry; n numbers it in errors (from 1).
func ValidateAPIToken(n int, t APIToken) error {
	at := fmt.Sprintf("config: %s entry %d", apiTokensKey, n)
	switch {
	case t.Name == "":
		return fmt.Errorf("%s: name is missing; give who or what uses the token, e.g. ci-bot or Ana Ops (expected %s)", at, APITokenEnvForm)
	case len(t.Name) > maxTokenNameLen || strings.ContainsAny(t.Name, ":,\r\n\t") || strings.TrimSpace(t.Name) != t.Name:
		return fmt.Errorf("%s: name %q must be at most %d characters without colons, commas, tabs or line breaks, e.g. ci-bot", at, t.Name, maxTokenNameLen)
	case t.Email == "":
		return fmt.Errorf("%s (%s): email is missing; give the email of the person answerable for the token, e.g. ana@example.test (expected %s)", at, t.Name, APITokenEnvForm)
	case !contract.IsEmail(t.Email):
		return fmt.Errorf("%s (%s): email %q is not an email address, e.g. ana@example.test", at, t.Name, t.Email)
	case !isTokenRole(t.Role):
		return fmt.Errorf("%s (%s): role %q is not one of %s", at, t.Name, t.Role, strings.Join(APITokenRoles, ", "))
	}
	if strings.Trim(t.SHA256, "0123456789abcdefABCDEF") != "" {
		return fmt.Errorf("%s (%s): sha256 is not hex; give the 64 hex digits of the token's SHA-256 (sellmigrate token new prints them; printf %%s TOKEN | sha256sum), never the token", at, t.Name)
	}
	if len(t.SHA256) != 2*sha256.Size {
		return fmt.Errorf("%s (%s): sha256 has %d hex digits, not 64; give the token's SHA-256 (sellmigrate token new prints it), never the token", at, t.Name, len(t.SHA256))
	}
	return nil
}

func isTokenRole(r string) bool {
	for _, x := range APITokenRoles {
		if r == x {
			return true
		}
	}
	return false
}

// validateAPITokens checks every entry, then that names and hashes are unique and
// that no token is also in a role list (api.viewer_tokens and the like). Errors name
// entries by number and name, never a token.
func (a API) validateAPITokens() error {
	names := map[string]int{}
	hashes := map[string]int{}
	for i, t := range a.Tokens {
		n := i + 1
		if err := ValidateAPIToken(n, t); err != nil {
			return err
		}
		if first, dup := names[strings.ToLower(t.Name)]; dup {
			return fmt.Errorf("config: %s entry %d has the name %q of entry %d; names must be unique", apiTokensKey, n, t.Name, first)
		}
		names[strings.ToLower(t.Name)] = n
		h := strings.ToLower(t.SHA256)
		if first, dup := hashes[h]; dup {
			return fmt.Errorf("config: %s entry %d (%s) has the sha256 of entry %d; one token belongs to one principal", apiTokensKey, n, t.Name, first)
		}
		hashes[h] = n
	}
	for _, l := range a.roleLists() {
		for i, tok := range l.tokens {
			if n, dup := hashes[HashToken(tok)]; dup {
				return fmt.Errorf("config: %s item %d is also %s entry %d (%s); list a token once, in %s or in a role list", l.name, i+1, apiTokensKey, n, a.Tokens[n-1].Name, apiTokensKey)
			}
		}
	}
	return nil
}

type roleList struct {
	name   string
	tokens []string
}

func (a API) roleLists() []roleList {
	return []roleList{{"api.viewer_tokens", a.ViewerTokens}, {"api.ops_tokens", a.OpsTokens}, {"api.admin_tokens", a.AdminTokens}}
}
