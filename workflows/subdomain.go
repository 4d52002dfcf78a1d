package workflows

import (
	"fmt"
	"strings"
)

// Subdomain rules: 3–63 characters of lowercase letters, digits and inner hyphens,
// starting with a letter. Zendesk's availability check refuses underscores and spaces,
// and the login address <subdomain>.zendesk.com is all lowercase.
const (
	subdomainMinLen = 3
	subdomainMaxLen = 63
)

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

// ValidateSubdomain checks the format rules. It does not ask Zendesk whether the name is free.
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
	case len(s) < subdomainMinLen:
		return fail(fmt.Sprintf("it must be at least %d characters", subdomainMinLen))
	case len(s) > subdomainMaxLen:
		return fail(fmt.Sprintf("it must be at most %d characters", subdomainMaxLen))
	case s[0] < 'a' || s[0] > 'z':
		return fail("it must start with a letter")
	case s[len(s)-1] == '-':
		return fail("it must not end with a hyphen")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return fail(fmt.Sprintf("character %q is not allowed; use lowercase letters, digits and hyphens", r))
		}
	}
	if reservedSubdomains[s] {
		return &SubdomainError{Subdomain: s, Rule: "it is reserved by Zendesk", Suggestion: s + "-team"}
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
	if len(out) > subdomainMaxLen {
		out = out[:subdomainMaxLen]
	}
	out = strings.TrimRight(out, "-")
	if out == "" {
		return ""
	}
	for len(out) < subdomainMinLen {
		out += "x"
	}
	if reservedSubdomains[out] {
		out += "-team"
	}
	return out
}
