package contract

import (
	"errors"
	"regexp"
	"testing"
)

// subdomainRule is the contract's rule as one regular expression: 3–63 characters of
// lowercase letters, digits and hyphens, starting with a letter, not ending with a
// hyphen. Reserved names are refused on top of it.
var subdomainRule = regexp.MustCompile(`^[a-z][a-z0-9-]{1,61}[a-z0-9]$`)

// FuzzValidateSubdomainMatchesRules checks that ValidateSubdomain accepts exactly what
// the rule accepts, that every refusal is a *SubdomainError naming a rule, and that a
// suggestion, when there is one, is itself valid. Seeds: f.Add below and
// testdata/fuzz/FuzzValidateSubdomainMatchesRules.
func FuzzValidateSubdomainMatchesRules(f *testing.F) {
	for _, seed := range []string{"", "acme", "Acme", "acme corp", "acme_corp", "ab", "abc", "a-b", "a--b", "acme-",
		"-acme", "1acme", "www", "www-team", "support", "acme.co", "ÄÖÜ", "acme\n", "a\x00b",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateSubdomain(s)
		want := subdomainRule.MatchString(s) && !reservedSubdomains[s]
		if (err == nil) != want {
			t.Fatalf("ValidateSubdomain(%q) = %v; the rule says valid=%v", s, err, want)
		}
		if err == nil {
			return
		}
		var se *SubdomainError
		if !errors.As(err, &se) || se.Rule == "" || se.Subdomain != s {
			t.Fatalf("ValidateSubdomain(%q) = %#v, want a *SubdomainError naming the rule", s, err)
		}
		if se.Suggestion != "" {
			if sugErr := ValidateSubdomain(se.Suggestion); sugErr != nil {
				t.Fatalf("suggestion %q for %q is invalid: %v", se.Suggestion, s, sugErr)
			}
		}
	})
}
