package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// isolateConfig keeps the machine's SELLMIGRATE_* settings out of a command run here.
func isolateConfig(t *testing.T) {
	t.Helper()
	t.Setenv(config.FileEnvVar, "")
	for _, name := range config.Keys() {
		t.Setenv(config.EnvVar(name), "")
	}
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = executeContext(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// The output names the version and hash, and from its fourth line is the text exactly
// as hashed, so a person can check the hash with sha256sum.
func TestDisclaimersShowPrintsTextAndHash(t *testing.T) {
	isolateConfig(t)
	want, err := contract.LookupDisclaimer(contract.DefaultPolicy().DisclaimerVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"disclaimers", "show"}, {"disclaimers", "show", "--version", want.Version}} {
		code, out, stderr := runCLI(t, args...)
		if code != 0 || stderr != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, stderr)
		}
		lines := strings.SplitN(out, "\n", 4)
		if len(lines) != 4 || lines[0] != "version "+want.Version || lines[1] != "sha256  "+want.SHA256 || lines[2] != "" {
			t.Fatalf("%v: output does not start with the version, the hash and a blank line:\n%s", args, out)
		}
		sum := sha256.Sum256([]byte(lines[3]))
		if lines[3] != want.Text || hex.EncodeToString(sum[:]) != want.SHA256 {
			t.Errorf("%v: the text printed is not the embedded text its hash names", args)
		}
	}
}

func TestDisclaimersShowFollowsTheConfiguredPolicy(t *testing.T) {
	isolateConfig(t)
	t.Setenv(config.EnvVar("migration.disclaimer_version"), "1999-01")
	code, out, stderr := runCLI(t, "disclaimers", "show")
	if code != 1 || out != "" || !strings.Contains(stderr, `migration.disclaimer_version "1999-01" has no disclaimer text`) {
		t.Errorf("a configured version without text: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestDisclaimersShowRefusesAnUnknownVersion(t *testing.T) {
	isolateConfig(t)
	code, out, stderr := runCLI(t, "disclaimers", "show", "--version", "1999-01")
	want := `error: disclaimer version "1999-01" has no text in this build; the versions are ` + strings.Join(contract.DisclaimerVersions(), ", ") + "; pick one with --version\n"
	if code != 1 || out != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, stderr, want)
	}
}

// status shows the disclaimers accepted with their hash, or which to read while waiting.
func TestStatusShowsDisclaimers(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		p    contract.Progress
		want string
	}{
		{contract.Progress{Status: contract.StatusCompleted, DisclaimerVersion: "2024-01", DisclaimerSHA256: sum},
			"Disclaimers version 2024-01 accepted, sha256 " + sum},
		{contract.Progress{Status: contract.StatusAwaitingDisclaimers, RequiredDisclaimerVersion: "2024-01"},
			"Disclaimers version 2024-01 to accept; read it with: sellmigrate disclaimers show --version 2024-01"},
		{contract.Progress{Status: contract.StatusNeedsSubdomain, RequiredDisclaimerVersion: "2024-01"}, ""},
	} {
		var out bytes.Buffer
		printReport(&out, starter.Report{Progress: tc.p})
		got := ""
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(line, "Disclaimers") {
				got = strings.Join(strings.Fields(line), " ") // the column width depends on the other labels
			}
		}
		if got != tc.want {
			t.Errorf("status of %s: disclaimers line %q, want %q\n%s", tc.p.Status, got, tc.want, out.String())
		}
	}
}
