package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// publishedDisclaimers pins the SHA-256 of every version's text. Migrations record the
// hash of what the admin accepted, so a published text must never change: new wording
// is a new version file, pinned here.
var publishedDisclaimers = map[string]string{
	"2024-01": "c2854a52a88c34a18c7e522cb57cffa33046d8645c0ad3e25bdace6e90334243",
}

func TestEveryDisclaimerVersionIsPinned(t *testing.T) {
	versions := DisclaimerVersions()
	require.NotEmpty(t, versions)
	for _, v := range versions {
		d, err := LookupDisclaimer(v)
		require.NoError(t, err)
		want, ok := publishedDisclaimers[v]
		require.Truef(t, ok, "disclaimers/%s.txt is not pinned: add its SHA-256 (%s) to publishedDisclaimers", v, d.SHA256)
		require.Equalf(t, want, d.SHA256, "the text of published disclaimer version %s changed; restore it and put new wording in a new version file", v)
		sum := sha256.Sum256([]byte(d.Text))
		require.Equal(t, hex.EncodeToString(sum[:]), d.SHA256, "the hash is of the text as served")
		require.Equal(t, v, d.Version)
	}
	for v := range publishedDisclaimers {
		require.Containsf(t, versions, v, "published disclaimer version %s lost its text; migrations that accepted it still name it", v)
	}
}

// The policy can only name a version with text, so the default must have one, and the
// text must say what the admin agrees to.
func TestDefaultPolicyVersionHasReadableText(t *testing.T) {
	d, err := LookupDisclaimer(DefaultPolicy().DisclaimerVersion)
	require.NoError(t, err)
	for _, point := range []string{"linked", "contributor", "Billing", "cannot be undone"} {
		require.Contains(t, d.Text, point)
	}
	require.NotContains(t, d.Text, "\r", "the text is embedded with LF line ends (.gitattributes), so its hash is the same on every checkout")
}

func TestUnknownDisclaimerVersionListsTheKnownOnes(t *testing.T) {
	_, err := LookupDisclaimer("1999-01")
	var unknown *UnknownDisclaimerError
	require.True(t, errors.As(err, &unknown))
	require.Equal(t, "1999-01", unknown.Version)
	require.ErrorContains(t, err, `disclaimer version "1999-01" has no text`)
	require.ErrorContains(t, err, "the versions are "+strings.Join(DisclaimerVersions(), ", "))
}

func TestPolicyRefusesDisclaimerVersionWithoutText(t *testing.T) {
	p := DefaultPolicy()
	p.DisclaimerVersion = "1999-01"
	err := p.Validate()
	require.ErrorContains(t, err, `migration.disclaimer_version "1999-01" has no disclaimer text`)
	require.ErrorContains(t, err, "use one of 2024-01")
	require.NoError(t, DefaultPolicy().Validate())
}

func TestAcceptDisclaimersChecksTheHashForm(t *testing.T) {
	sum := publishedDisclaimers["2024-01"]
	ok := AcceptDisclaimersInput{By: "admin@acme.test", Version: "2024-01", SHA256: sum}
	require.NoError(t, ok.Check())
	require.Equal(t, "accepted disclaimers version 2024-01 (sha256 "+sum[:12]+")", ok.Detail())
	require.NoError(t, AcceptDisclaimersInput{By: "admin@acme.test"}.Check(), "old clients send no hash")
	for _, bad := range []string{"abc", strings.ToUpper(sum), sum + "0", strings.Repeat("g", 64)} {
		err := AcceptDisclaimersInput{By: "admin@acme.test", SHA256: bad}.Check()
		var fe *FieldError
		require.True(t, errors.As(err, &fe), bad)
		require.Equal(t, "sha256", fe.Field)
		require.Contains(t, fe.Msg, "sellmigrate disclaimers show")
	}
}
