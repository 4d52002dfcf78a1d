package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/e2e/harness"
	"github.com/sellmigrate/sellmigrate/internal/ownerlink"
)

// run runs one command line of the lean binary (the one production ships) with Temporal
// pointed at a closed loopback port, so nothing here can reach a server; env adds config
// (key: value).
func run(t *testing.T, env harness.Settings, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	r := harness.Run(binaries(t).Lean, harness.Env(harness.Settings{"temporal.address": "127.0.0.1:1"}, env), args...)
	return r.Code, r.Stdout, r.Stderr
}

// wantOneLineError checks the failure contract: exit 1 and exactly one line,
// "error: <reason>", on stderr.
func wantOneLineError(t *testing.T, code int, stderr, contains string) {
	t.Helper()
	if code != 1 {
		t.Errorf("exit code %d, want 1 (stderr %q)", code, stderr)
	}
	if !strings.HasPrefix(stderr, "error: ") || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("stderr %q is not one line \"error: ...\"", stderr)
	}
	if !strings.Contains(stderr, contains) {
		t.Errorf("stderr %q does not contain %q", stderr, contains)
	}
}

func TestArgumentErrors(t *testing.T) {
	t.Parallel()
	// A campaign's bad flags are refused before any connection (port 1 answers nothing).
	wave := filepath.Join(t.TempDir(), "wave.csv")
	if err := os.WriteFile(wave, []byte("account_id,mode,subdomain,requested_by,owner_email\n1001,new,acme,admin@acme.test,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	campaignStart := func(extra ...string) []string {
		return append([]string{"campaign", "start", "--name", "wave-1", "--csv", wave, "--by", "ops@acme.test",
			"--temporal-address", "127.0.0.1:1"}, extra...)
	}
	cases := []struct {
		name     string
		args     []string
		contains string
	}{
		{"start without flags", []string{"start"}, "start needs --account"},
		{"start without mode", []string{"start", "--account", "1001", "--requested-by", "admin@acme.test"}, "start needs --mode"},
		{"start without requester", []string{"start", "--account", "1001", "--mode", "new"}, "start needs --requested-by"},
		{"start bad account", []string{"start", "--account", "acme", "--mode", "new", "--requested-by", "admin@acme.test"}, `Sell account ID "acme" must be digits only`},
		{"start bad mode", []string{"start", "--account", "1001", "--mode", "newish", "--requested-by", "admin@acme.test"}, `mode "newish" is not known`},
		{"start bad subdomain", []string{"start", "--account", "1001", "--mode", "new", "--subdomain", "Acme Inc", "--requested-by", "admin@acme.test"}, `subdomain "Acme Inc" is not valid`},
		{"start bad email", []string{"start", "--account", "1001", "--mode", "new", "--requested-by", "admin"}, `requested-by`},
		{"start positional", []string{"start", "1001"}, "takes no arguments besides flags"},
		{"start csv and account", []string{"start", "--csv", "x.csv", "--account", "1001"}, "--csv cannot be combined with --account"},
		{"start csv and wait", []string{"start", "--csv", "x.csv", "--wait"}, "--csv cannot be combined with --wait"},
		{"start csv missing", []string{"start", "--csv", filepath.Join(t.TempDir(), "none.csv")}, "open --csv file"},
		{"signal no args", []string{"signal"}, "needs the Sell account ID (or workflow ID) and the input name"},
		{"signal one arg", []string{"signal", "1001"}, "needs the Sell account ID"},
		{"signal unknown input", []string{"signal", "1001", "approve", "--by", "a@acme.test"}, `input "approve" is not known`},
		{"signal missing by", []string{"signal", "1001", "back"}, "back needs --by"},
		{"signal owner-login by email only", []string{"signal", "1002", "owner-login", "--user-email", "owner@globex.test"}, "owner-login needs --grant-id"},
		{"signal owner-login --as without password", []string{"signal", "1002", "owner-login", "--as", "owner@globex.test"}, "--as needs --password"},
		{"signal owner-login password without --as", []string{"signal", "1002", "owner-login", "--password", harness.DemoPassword}, "--password needs --as"},
		{"signal missing subdomain", []string{"signal", "1001", "choose-subdomain", "--by", "admin@acme.test"}, "choose-subdomain needs --subdomain"},
		{"signal flag not for input", []string{"signal", "1002", "owner-login", "--grant-id", "cred_0123456789abcdefghijklmnop", "--by", "admin@globex.test"}, "--by does not apply to owner-login"},
		{"signal version not for back", []string{"signal", "1001", "back", "--by", "admin@acme.test", "--version", "2024-01"}, "--version does not apply to back"},
		{"signal bad ref", []string{"signal", "acme", "back", "--by", "admin@acme.test"}, "neither a Sell account ID nor a migration workflow ID"},
		{"signal bad sha256", []string{"signal", "1001", "accept-disclaimers", "--by", "admin@acme.test", "--sha256", "c2854a52"}, `sha256 "c2854a52" is not a SHA-256`},
		{"disclaimers unknown version", []string{"disclaimers", "show", "--version", "1999-01"}, `disclaimer version "1999-01" has no text in this build; the versions are 2024-01`},
		{"signal bad email", []string{"signal", "1001", "back", "--by", "admin"}, `"admin" is not an email address`},
		{"signal bad subdomain", []string{"signal", "1001", "choose-subdomain", "--subdomain", "my_co", "--by", "admin@acme.test"}, "underscores are not allowed"},
		{"status no id", []string{"status"}, "status needs the Sell account ID or workflow ID"},
		{"status two ids", []string{"status", "1001", "1002"}, "takes the Sell account ID or workflow ID only"},
		{"status bad id", []string{"status", "acme"}, "neither a Sell account ID"},
		{"cancel no id", []string{"cancel"}, "cancel needs the Sell account ID"},
		{"cancel bad id", []string{"cancel", "sell-migration-x"}, "neither a Sell account ID"},
		{"campaign bad window", campaignStart("--window", "Mon-Fri 9-17"), "--window: "},
		{"campaign bad rate", campaignStart("--rate", "0/m"), `--rate "0/m" is not valid`},
		{"campaign rate per hour", campaignStart("--rate", "30/h"), `--rate "30/h" is not valid`},
		{"campaign no room", campaignStart("--max-active", "0"), "--max-active"},
		{"campaign bad name", campaignStart("--name", "Wave 1"), "--name"},
		{"campaign csv and json", campaignStart("--json", wave), "not both"},
		{"campaign no sender", campaignStart("--by", ""), "--by"},
		{"list bad status", []string{"list", "--status", "stuck"}, `status "stuck" is not known`},
		{"list positional", []string{"list", "running"}, "takes no arguments besides flags"},
		{"unknown flag", []string{"status", "1001", "--verbose"}, "unknown flag: --verbose"},
		{"unknown command", []string{"migrate"}, `unknown command "migrate"`},
		{"dev in the lean build", []string{"dev", "--data-dir", "x"}, "sellmigrate dev is not in this build: it was built with -tags lean"},
		{"bench in the lean build", []string{"bench", "--n", "4"}, "sellmigrate bench is not in this build"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := run(t, nil, tc.args...)
			wantOneLineError(t, code, stderr, tc.contains)
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
		})
	}
}

// TestOwnerLoginPrintsTheLink: the owner login is given on a page, so `signal ID
// owner-login` without flags prints the API's link for the owner to open, signed with
// api.owner_link_key and expiring after api.owner_link_ttl, and changes nothing (it
// needs no Temporal: this one has none). Without a key it says which one to set.
func TestOwnerLoginPrintsTheLink(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{5}, ownerlink.KeySize)
	code, stdout, stderr := run(t, harness.Settings{"api.public_url": "https://migrate.example.test",
		"api.owner_link_key": base64.StdEncoding.EncodeToString(key), "api.owner_link_ttl": "48h"}, "signal", "1002", "owner-login")
	if code != 0 || stderr != "" {
		t.Fatalf("signal 1002 owner-login: exit %d, stderr %q", code, stderr)
	}
	const prefix = "https://migrate.example.test/oauth/owner-login?"
	if !strings.Contains(stdout, prefix) || !strings.Contains(stdout, "--as OWNER_EMAIL --password PASSWORD") {
		t.Fatalf("stdout %q lacks the link or the simulator hint", stdout)
	}
	link := stdout[strings.Index(stdout, prefix):]
	link = link[:strings.IndexAny(link, " \n")]
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	links, _ := ownerlink.New(key, time.Hour)
	exp, err := links.Verify(contract.WorkflowID("1002"), u.Query(), time.Now())
	if err != nil || time.Until(exp) < 47*time.Hour || time.Until(exp) > 48*time.Hour {
		t.Errorf("printed link %s: expires %v, %v; want a valid link for 48h", link, exp, err)
	}

	code, _, stderr = run(t, harness.Settings{"dev.data_dir": t.TempDir()}, "signal", "1002", "owner-login")
	wantOneLineError(t, code, stderr, "api.owner_link_key is not set")
}

func TestConfigErrorsAreOneLine(t *testing.T) {
	t.Parallel()
	code, _, stderr := run(t, harness.Settings{"temporal.address": "nowhere"},
		"start", "--account", "1001", "--mode", "new", "--requested-by", "admin@acme.test")
	wantOneLineError(t, code, stderr, `config: temporal.address "nowhere" must be host:port`)

	code, _, stderr = run(t, nil, "status", "1001", "--temporal-address", "x")
	wantOneLineError(t, code, stderr, `config: temporal.address "x"`)

	code, _, stderr = run(t, nil, "worker")
	wantOneLineError(t, code, stderr, "config: credentials.dsn must be set for the worker")

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("temporal:\n  adress: 127.0.0.1:7233\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, nil, "--config", bad, "list")
	wantOneLineError(t, code, stderr, "unknown key(s) temporal.adress")
}

func TestUnreachableTemporalIsOneLine(t *testing.T) {
	t.Parallel()
	binaries(t) // built before the clock starts
	began := time.Now()
	code, _, stderr := run(t, nil, "status", "1001")
	wantOneLineError(t, code, stderr, `cannot reach Temporal at 127.0.0.1:1`)
	if !strings.Contains(stderr, `start it with "sellmigrate dev" or set temporal.address`) {
		t.Errorf("stderr %q does not say what to do", stderr)
	}
	if d := time.Since(began); d > 15*time.Second {
		t.Errorf("took %s to report an unreachable server", d)
	}
}

func TestBulkCSVWithOnlyBadRowsNeedsNoServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "accounts.csv")
	body := "account_id,mode,subdomain,requested_by,owner_email\n" +
		"10x1,new,acme,admin@acme.test,\n" +
		"1002,existing,globex,admin@globex.test\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, nil, "start", "--csv", file)
	wantOneLineError(t, code, stderr, "2 of 2 rows were not started (lines 2, 3)")
	for _, want := range []string{"digits only", "has 4 fields", "started 0 of 2 rows"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}

	header := filepath.Join(dir, "header.csv")
	if err := os.WriteFile(header, []byte("account,mode\n1001,new\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, nil, "start", "--csv", header)
	wantOneLineError(t, code, stderr, `unknown column "account"`)
}

func TestHelpSucceeds(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"signal", "--help"}, {"start", "--help"}} {
		code, stdout, stderr := run(t, nil, args...)
		if code != 0 || stdout == "" || stderr != "" {
			t.Errorf("%v: code %d stdout %d bytes stderr %q", args, code, len(stdout), stderr)
		}
	}
}

// disclaimerSHA256 is the hash this checkout's text of a disclaimer version has.
func disclaimerSHA256(t *testing.T, version string) string {
	t.Helper()
	d, err := contract.LookupDisclaimer(version)
	if err != nil {
		t.Fatal(err)
	}
	return d.SHA256
}

// TestDisclaimersShow reads the disclaimers as a person would before accepting them:
// no server is needed (the texts are in the binary); the version and hash come first,
// then, from the fourth line, the text exactly as hashed, so sha256sum gives the same
// hash. Without --version it shows the configured policy's version, and a configured
// version with no text is refused, naming the key.
func TestDisclaimersShow(t *testing.T) {
	t.Parallel()
	want, err := contract.LookupDisclaimer(contract.DefaultPolicy().DisclaimerVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"disclaimers", "show"}, {"disclaimers", "show", "--version", want.Version}} {
		code, out, stderr := run(t, nil, args...)
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
	code, _, stderr := run(t, harness.Settings{"migration.disclaimer_version": "1999-01"}, "disclaimers", "show")
	wantOneLineError(t, code, stderr, `migration.disclaimer_version "1999-01" has no disclaimer text`)
}
