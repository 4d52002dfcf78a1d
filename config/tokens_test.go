package config

import (
	"reflect"
	"strings"
	"testing"
)

var (
	hashA = HashToken("token-a")
	hashB = HashToken("token-b")
)

// TestAPITokensFromEnvAndYAML: both forms of api.tokens give the same entries.
func TestAPITokensFromEnvAndYAML(t *testing.T) {
	want := []APIToken{
		{Name: "ci-bot", Email: "ci@example.test", Role: "ops", SHA256: hashA},
		{Name: "Ana Ops", Email: "ana@example.test", Role: "admin", SHA256: hashB},
	}
	cases := []struct {
		name string
		env  string
		yaml string
	}{
		{name: "env", env: " ci-bot:ci@example.test:ops:" + hashA + " , Ana Ops : ana@example.test:admin:" + hashB + ",,"},
		{name: "yaml", yaml: "api:\n  tokens:\n    - {name: ci-bot, email: ci@example.test, role: ops, sha256: " + hashA + "}\n" +
			"    - name: Ana Ops\n      email: ana@example.test\n      role: admin\n      sha256: " + hashB + "\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
			o := Options{Role: RoleAPI}
			if tc.env != "" {
				t.Setenv(EnvVar("api.tokens"), tc.env)
			}
			if tc.yaml != "" {
				o.File = writeFile(t, tc.yaml)
			}
			c, err := Load(o)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.API.Tokens, want) {
				t.Errorf("tokens = %+v, want %+v", c.API.Tokens, want)
			}
		})
	}
}

// TestAPITokensAloneSatisfyAPIRole: named tokens are enough for `sellmigrate api`, and
// dev keeps its demo role tokens beside them.
func TestAPITokensAloneSatisfyAPIRole(t *testing.T) {
	isolate(t)
	t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
	t.Setenv(EnvVar("api.tokens"), "ci-bot:ci@example.test:ops:"+hashA)
	if _, err := Load(Options{Role: RoleAPI}); err != nil {
		t.Fatalf("api with only api.tokens: %v", err)
	}
	c, err := Load(Options{Role: RoleDev})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.API.Tokens) != 1 || c.API.AdminTokens[0] != DemoAdminToken {
		t.Errorf("dev api = %+v", c.API)
	}
}

// TestAPITokensValidation: every bad entry is refused naming the key, the entry's
// number and what is expected, and never the hash of another entry or a token.
func TestAPITokensValidation(t *testing.T) {
	entry := func(name, email, role, hash string) string { return name + ":" + email + ":" + role + ":" + hash }
	good := entry("ci-bot", "ci@example.test", "ops", hashA)
	cases := []struct {
		name  string
		env   map[string]string
		yaml  string
		wants []string
	}{
		{"too few fields", map[string]string{"api.tokens": good + ",ana:ana@example.test:admin"}, "",
			[]string{"api.tokens entry 2", "3 field(s)", APITokenEnvForm}},
		{"too many fields", map[string]string{"api.tokens": "a:b:c:d:e"}, "",
			[]string{"api.tokens entry 1", "5 field(s)", APITokenEnvForm}},
		{"missing name", map[string]string{"api.tokens": entry("", "ci@example.test", "ops", hashA)}, "",
			[]string{"api.tokens entry 1", "name is missing"}},
		{"missing email", map[string]string{"api.tokens": entry("ci-bot", "", "ops", hashA)}, "",
			[]string{"api.tokens entry 1 (ci-bot)", "email is missing"}},
		{"bad email", map[string]string{"api.tokens": good + "," + entry("ana", "ana-at-example", "admin", hashB)}, "",
			[]string{"api.tokens entry 2 (ana)", `email "ana-at-example" is not an email address`}},
		{"unknown role", map[string]string{"api.tokens": entry("ci-bot", "ci@example.test", "root", hashA)}, "",
			[]string{"api.tokens entry 1 (ci-bot)", `role "root" is not one of viewer, ops, admin`}},
		{"bad hex", map[string]string{"api.tokens": entry("ci-bot", "ci@example.test", "ops", strings.Repeat("z", 64))}, "",
			[]string{"api.tokens entry 1 (ci-bot)", "sha256 is not hex", "never the token"}},
		{"wrong length", map[string]string{"api.tokens": entry("ci-bot", "ci@example.test", "ops", hashA[:40])}, "",
			[]string{"api.tokens entry 1 (ci-bot)", "sha256 has 40 hex digits, not 64"}},
		{"token instead of hash", map[string]string{"api.tokens": entry("ci-bot", "ci@example.test", "ops", "demo-ops")}, "",
			[]string{"api.tokens entry 1 (ci-bot)", "sha256 is not hex"}},
		{"duplicate name", map[string]string{"api.tokens": good + "," + entry("CI-BOT", "ana@example.test", "admin", hashB)}, "",
			[]string{"api.tokens entry 2", `name "CI-BOT" of entry 1`}},
		{"duplicate hash", map[string]string{"api.tokens": good + "," + entry("ana", "ana@example.test", "admin", strings.ToUpper(hashA))}, "",
			[]string{"api.tokens entry 2 (ana)", "sha256 of entry 1"}},
		{"listed both ways", map[string]string{"api.tokens": good, "api.admin_tokens": "x,token-a"}, "",
			[]string{"api.admin_tokens item 2 is also api.tokens entry 1 (ci-bot)"}},
		{"yaml unknown field", nil, "api:\n  tokens:\n    - {name: ci-bot, email: ci@example.test, role: ops, token: token-a}\n",
			[]string{"api.tokens entry 1 has unknown field \"token\""}},
		{"yaml not a map", nil, "api:\n  tokens:\n    - ci-bot\n",
			[]string{"api.tokens entry 1 must be a map"}},
		{"yaml field not text", nil, "api:\n  tokens:\n    - {name: ci-bot, email: ci@example.test, role: [ops], sha256: " + hashA + "}\n",
			[]string{"api.tokens entry 1 field role must be text"}},
		{"yaml missing sha256", nil, "api:\n  tokens:\n    - {name: ci-bot, email: ci@example.test, role: ops}\n",
			[]string{"api.tokens entry 1 (ci-bot)", "sha256 has 0 hex digits"}},
		{"yaml not a list", nil, "api:\n  tokens: 42\n",
			[]string{"api.tokens must be a list"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
			for k, v := range tc.env {
				t.Setenv(EnvVar(k), v)
			}
			o := Options{Role: RoleAPI}
			if tc.yaml != "" {
				o.File = writeFile(t, tc.yaml)
			}
			_, err := Load(o)
			if err == nil {
				t.Fatal("loaded; want an error")
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "token-a") {
				t.Errorf("error %q shows a token", err)
			}
		})
	}
}

// TestAPITokenForms: an entry's env and YAML forms read back as the same entry.
func TestAPITokenForms(t *testing.T) {
	tok := APIToken{Name: "Ana Ops", Email: "ana@example.test", Role: "admin", SHA256: hashA}
	for name, load := range map[string]func(t *testing.T) Options{
		"env": func(t *testing.T) Options {
			t.Setenv(EnvVar("api.tokens"), tok.EnvForm())
			return Options{Role: RoleAPI}
		},
		"yaml": func(t *testing.T) Options {
			return Options{Role: RoleAPI, File: writeFile(t, "api:\n  tokens:\n    "+tok.YAML()+"\n")}
		},
	} {
		t.Run(name, func(t *testing.T) {
			isolate(t)
			t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
			c, err := Load(load(t))
			if err != nil {
				t.Fatal(err)
			}
			if want := []APIToken{tok}; !reflect.DeepEqual(c.API.Tokens, want) {
				t.Errorf("tokens = %+v, want %+v", c.API.Tokens, want)
			}
		})
	}
}
