package contract

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidateSubdomain(t *testing.T) {
	cases := []struct {
		in, rule, suggestion string
	}{
		{"acme", "", ""},
		{"acme-2024", "", ""},
		{"a1b", "", ""},
		{"", "it is empty", ""},
		{"Acme", "uppercase letters are not allowed", "acme"},
		{"acme corp", "spaces are not allowed", "acme-corp"},
		{"acme_corp", "underscores are not allowed", "acme-corp"},
		{"ab", "at least 3 characters", "abx"},
		{strings.Repeat("a", 64), "at most 63 characters", strings.Repeat("a", 63)},
		{"1acme", "must start with a letter", "acme"},
		{"-acme", "must start with a letter", "acme"},
		{"acme-", "must not end with a hyphen", "acme"},
		{"acme.co", `character '.' is not allowed`, "acme-co"},
		{"www", "reserved", "www-team"},
		{"support", "reserved", "support-team"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			err := ValidateSubdomain(c.in)
			if c.rule == "" {
				require.NoError(t, err)
				return
			}
			var se *SubdomainError
			require.True(t, errors.As(err, &se), "want a SubdomainError, got %v", err)
			require.Contains(t, se.Rule, c.rule)
			require.Equal(t, c.suggestion, se.Suggestion)
			if c.suggestion != "" {
				require.NoError(t, ValidateSubdomain(se.Suggestion), "the suggestion must itself be valid")
			}
		})
	}
}

func FuzzSuggestSubdomainIsValid(f *testing.F) {
	for _, seed := range []string{"Acme Corp", "acme_corp", "ab", "1234", "www", "ÄÖÜ", " -x- "} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if sug := SuggestSubdomain(s); sug != "" {
			if err := ValidateSubdomain(sug); err != nil {
				t.Fatalf("suggestion %q for %q is invalid: %v", sug, s, err)
			}
		}
		_ = ValidateSubdomain(s) // must not panic
	})
}

func TestValidateEmail(t *testing.T) {
	for _, ok := range []string{"admin@acme.test", "a.b+tag@sub.acme.test", "o'neil@x.io", "USER@ACME.TEST"} {
		if err := ValidateEmail(ok); err != nil {
			t.Errorf("ValidateEmail(%q) = %v, want ok", ok, err)
		}
	}
	for _, bad := range []string{"", "admin", "admin@", "@acme.test", "admin@acme", "a b@acme.test", "Ann <a@acme.test>", "a@@acme.test",
		"a@acme..test", ".a@acme.test", "a.@acme.test", "a@-acme.test", "a@acme.test.", "a,b@acme.test", `"a"@acme.test`, "a@acme_x.test"} {
		if err := ValidateEmail(bad); err == nil {
			t.Errorf("ValidateEmail(%q) = nil, want an error", bad)
		}
	}
}
