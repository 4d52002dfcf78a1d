package contract

import (
	"fmt"
	"regexp"
	"strings"
)

// The rules for what people type: subdomains, emails and Sell account IDs. Everything
// that checks one of them (the workflow's validators, the starter, the API, the CLI,
// config and the OpenAPI document) calls these.

// Subdomain rules: 3–63 characters of lowercase letters, digits and inner hyphens,
// starting with a letter. Zendesk's availability check refuses underscores and spaces,
// and the login address <subdomain>.zendesk.com is all lowercase.
const (
	SubdomainMinLen = 3
	SubdomainMaxLen = 63
)

// SubdomainPattern is the subdomain format as a regular expression, for the OpenAPI
// document; reserved names are refused on top of it.
const SubdomainPattern = `^[a-z][a-z0-9-]{1,61}[a-z0-9]$`

var subdomainRE = regexp.MustCompile(SubdomainPattern)

// reservedSubdomains are names Zendesk keeps for itself.
var reservedSubdomains = map[string]bool{
	"www": true, "api": true, "admin": true, "support": true, "help": true, "mail": true,
	"status": true, "app": true, "apps": true, "login": true, "billing": true, "zendesk": true,
	"ftp": true, "smtp": true, "static": true, "assets": true, "dev": true, "test": true,
}

// SubdomainError says which rule a subdomain broke and suggests the nearest valid name.
type SubdomainError struct {
	Subdomain  string
	Rule       string
	Suggestion string
}

func (e *SubdomainError) Error() string {
	msg := fmt.Sprintf("subdomain %q is not valid: %s", e.Subdomain, e.Rule)
	if e.Suggestion != "" && e.Suggestion != e.Subdomain {
		msg += fmt.Sprintf("; try %q", e.Suggestion)
	}
	return msg
}

// ValidateSubdomain checks a subdomain a migration may use. It does not ask Zendesk
// whether the name is free.
func ValidateSubdomain(s string) error {
	fail := func(rule string) error {
		return &SubdomainError{Subdomain: s, Rule: rule, Suggestion: SuggestSubdomain(s)}
	}
	switch {
	case s == "":
		return &SubdomainError{Subdomain: s, Rule: "it is empty; give 3 to 63 lowercase letters, digits or hyphens"}
	case strings.ContainsAny(s, " \t\r\n"):
		return fail("spaces are not allowed")
	case strings.Contains(s, "_"):
		return fail("underscores are not allowed; use a hyphen")
	case strings.ToLower(s) != s:
		return fail("uppercase letters are not allowed")
	case len(s) < SubdomainMinLen:
		return fail(fmt.Sprintf("it must be at least %d characters", SubdomainMinLen))
	case len(s) > SubdomainMaxLen:
		return fail(fmt.Sprintf("it must be at most %d characters", SubdomainMaxLen))
	case s[0] < 'a' || s[0] > 'z':
		return fail("it must start with a letter")
	case s[len(s)-1] == '-':
		return fail("it must not end with a hyphen")
	}
	for _, r := range s {
		if !isLabelRune(r) {
			return fail(fmt.Sprintf("character %q is not allowed; use lowercase letters, digits and hyphens", r))
		}
	}
	if reservedSubdomains[s] {
		return &SubdomainError{Subdomain: s, Rule: "it is reserved by Zendesk", Suggestion: s + "-team"}
	}
	if !subdomainRE.MatchString(s) {
		// Unreachable while the checks above and SubdomainPattern agree; a test keeps them so.
		return fail("it does not match " + SubdomainPattern)
	}
	return nil
}

// SuggestSubdomain turns a name into the nearest valid subdomain: lowercase, spaces and
// underscores to hyphens, other characters dropped, a leading letter, 3–63 characters.
func SuggestSubdomain(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == '_' || r == ' ' || r == '.':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	out := strings.TrimLeft(b.String(), "0123456789-")
	if len(out) > SubdomainMaxLen {
		out = out[:SubdomainMaxLen]
	}
	out = strings.TrimRight(out, "-")
	if out == "" {
		return ""
	}
	for len(out) < SubdomainMinLen {
		out += "x"
	}
	if reservedSubdomains[out] {
		out += "-team"
	}
	return out
}

// IsLabel accepts a DNS label as Zendesk names hosts: 1–63 lowercase letters, digits
// and hyphens, not starting or ending with a hyphen. Unlike ValidateSubdomain it takes
// reserved and short names, for filters and Zendesk's own endpoints (www).
func IsLabel(s string) bool {
	if s == "" || len(s) > SubdomainMaxLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !isLabelRune(r) {
			return false
		}
	}
	return true
}

func isLabelRune(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' }

// ValidateEmail accepts a bare address (no display name, no spaces, no quotes) whose
// domain has a dot, e.g. admin@acme.test. It is written out rather than built on
// net/mail so the workflow's validators can call it: workflowcheck cannot prove
// net/mail deterministic.
func ValidateEmail(s string) error {
	if s == "" {
		return fmt.Errorf("the email address is empty; give one, e.g. admin@acme.test")
	}
	bad := fmt.Errorf("%q is not an email address, e.g. admin@acme.test", s)
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || len(local) > 64 || len(s) > 254 || !strings.Contains(domain, ".") {
		return bad
	}
	for _, part := range [][]string{strings.Split(local, "."), strings.Split(domain, ".")} {
		for _, atom := range part {
			if atom == "" {
				return bad
			}
		}
	}
	for _, r := range local {
		if !isAtext(r) && r != '.' {
			return bad
		}
	}
	for _, label := range strings.Split(domain, ".") {
		if label[0] == '-' || label[len(label)-1] == '-' {
			return bad
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return bad
			}
		}
	}
	return nil
}

// isAtext is a character RFC 5322 allows unquoted in the local part of an address.
func isAtext(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+/=?^_`{|}~-", r)
}

// IsEmail reports whether ValidateEmail accepts s.
func IsEmail(s string) bool { return ValidateEmail(s) == nil }

// MaxAccountIDLen is the most digits a Sell account ID has (an int64).
const MaxAccountIDLen = 19

// AccountIDPattern is the Sell account ID as a regular expression, for the OpenAPI document.
const AccountIDPattern = `^[0-9]{1,19}$`

// ValidateAccountID accepts the numeric Sell account ID.
func ValidateAccountID(id string) error {
	if id == "" {
		return fmt.Errorf("the Sell account ID is missing; give the numeric ID, e.g. 1001")
	}
	if len(id) > MaxAccountIDLen || strings.Trim(id, "0123456789") != "" {
		return fmt.Errorf("the Sell account ID %q must be digits only, e.g. 1001", id)
	}
	return nil
}

// credentialID is what the credential store's opaque IDs look like: "cred_" and up to
// 64 letters, digits, "_" or "-". Workflows carry only these, never a secret.
var credentialID = regexp.MustCompile(`^cred_[A-Za-z0-9_-]{1,64}$`)

// IsCredentialID says whether s has the form of a credential store ID.
func IsCredentialID(s string) bool { return credentialID.MatchString(s) }
