package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestAPITokensFromEnvAndFile(t *testing.T) {
	isolate(t)
	t.Setenv(EnvVar("api.ops_tokens"), " ops-1-0123456789abcdef0123456789abcdef, ops-2-0123456789abcdef0123456789abcdef ,,")
	t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
	file := writeFile(t, "api:\n  admin_tokens: [adm-1-0123456789abcdef0123456789abcdef, adm-2-0123456789abcdef0123456789abcdef]\n  viewer_tokens: view-1-0123456789abcdef0123456789abcdef\n")
	c, err := Load(Options{Role: RoleAPI, File: file})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ops-1-0123456789abcdef0123456789abcdef", "ops-2-0123456789abcdef0123456789abcdef"}; !reflect.DeepEqual(c.API.OpsTokens, want) {
		t.Errorf("ops tokens = %q, want %q", c.API.OpsTokens, want)
	}
	if want := []string{"adm-1-0123456789abcdef0123456789abcdef", "adm-2-0123456789abcdef0123456789abcdef"}; !reflect.DeepEqual(c.API.AdminTokens, want) {
		t.Errorf("admin tokens = %q, want %q", c.API.AdminTokens, want)
	}
	if want := []string{"view-1-0123456789abcdef0123456789abcdef"}; !reflect.DeepEqual(c.API.ViewerTokens, want) {
		t.Errorf("viewer tokens = %q, want %q", c.API.ViewerTokens, want)
	}
	if c.APIPublicURL() != "http://127.0.0.1:8080" || c.API.TemporalUIURL != DefaultTemporalUIURL || c.API.MaxBodyBytes != 1<<20 || c.API.OAuthClientID != "sellmigrate" {
		t.Errorf("api defaults = %+v (public %s)", c.API, c.APIPublicURL())
	}
	if c.API.RateLimitPerSecond != 50 || c.API.RateLimitBurst != 200 || c.API.MaxStreamsPerPrincipal != 8 || c.API.OwnerLoginRatePerMinute != 60 {
		t.Errorf("api limit defaults = %+v, want 50/s, bursts of 200, 8 streams, 60 owner-login visits a minute", c.API)
	}
}

func TestAPIDevDefaults(t *testing.T) {
	isolate(t)
	t.Setenv(EnvVar("dev.ui_port"), "9233")
	c, err := Load(Options{Role: RoleDev})
	if err != nil {
		t.Fatal(err)
	}
	if c.API.ViewerTokens[0] != DemoViewerToken || c.API.OpsTokens[0] != DemoOpsToken || c.API.AdminTokens[0] != DemoAdminToken {
		t.Errorf("dev tokens = %+v", c.API)
	}
	if c.API.OAuthClientSecret != DemoOAuthClientSecret || c.API.TemporalUIURL != "http://127.0.0.1:9233" {
		t.Errorf("dev api = %+v", c.API)
	}
	t.Setenv(EnvVar("dev.ui_port"), "-1")
	if c, err = Load(Options{Role: RoleDev}); err != nil || c.API.TemporalUIURL != "" {
		t.Errorf("dev without the UI: temporal_ui_url %q, err %v; want none", c.API.TemporalUIURL, err)
	}
}

// TestAPIValidationNamesKey: each bad API setting is refused with its key named and
// without the token's value in the message.
func TestAPIValidationNamesKey(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "api.viewer_tokens, api.ops_tokens and api.admin_tokens are all empty"},
		{map[string]string{"api.admin_tokens": "tok", "api.oauth_client_secret": ""}, "api.oauth_client_secret"},
		{map[string]string{"api.admin_tokens": "shared-secret", "api.viewer_tokens": "shared-secret"}, "a token must map to exactly one role"},
		{map[string]string{"api.public_url": "example.com"}, "api.public_url"},
		{map[string]string{"api.temporal_ui_url": "ftp://x"}, "api.temporal_ui_url"},
		{map[string]string{"api.oauth_client_id": "two words"}, "api.oauth_client_id"},
		{map[string]string{"api.oauth_authorize_url": "http://127.0.0.1:8081/zendesk"}, "api.oauth_authorize_url"},
		{map[string]string{"api.oauth_authorize_url": "ftp://{subdomain}.zendesk.com"}, "api.oauth_authorize_url"},
		{map[string]string{"api.oauth_authorize_url": "http://{subdomain}.zendesk.com?x=1"}, "api.oauth_authorize_url"},
		{map[string]string{"api.max_body_bytes": "10"}, "api.max_body_bytes"},
		{map[string]string{"api.max_body_bytes": "1MB"}, "api.max_body_bytes"},
		{map[string]string{"api.rate_limit_per_second": "0"}, "api.rate_limit_per_second 0 must be a number from 0.1"},
		{map[string]string{"api.rate_limit_per_second": "fast"}, "api.rate_limit_per_second"},
		{map[string]string{"api.rate_limit_burst": "0"}, "api.rate_limit_burst 0 must be a whole number from 1"},
		{map[string]string{"api.max_streams_per_principal": "0"}, "api.max_streams_per_principal 0 must be a whole number from 1"},
		{map[string]string{"api.owner_login_rate_per_minute": "-5"}, "api.owner_login_rate_per_minute -5 must be a whole number from 1"},
	}
	for _, tc := range cases {
		isolate(t)
		t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
		if len(tc.env) > 0 {
			t.Setenv(EnvVar("api.ops_tokens"), testOpsToken)
		}
		for k, v := range tc.env {
			t.Setenv(EnvVar(k), v)
		}
		_, err := Load(Options{Role: RoleAPI})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want one containing %q", tc.env, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "shared-secret") {
			t.Errorf("%v: the error echoes the token: %v", tc.env, err)
		}
	}
}

// TestAPIOAuthAuthorizeURL: the browser's sign-in URL is kept as given, apart from the
// server's zendesk.support_url, and stays empty (meaning zendesk.support_url) by default.
func TestAPIOAuthAuthorizeURL(t *testing.T) {
	isolate(t)
	t.Setenv(EnvVar("api.admin_tokens"), testAdminToken)
	t.Setenv(EnvVar("api.oauth_client_secret"), testOAuthSecret)
	c, err := Load(Options{Role: RoleAPI})
	if err != nil || c.API.OAuthAuthorizeURL != "" {
		t.Fatalf("default oauth_authorize_url %q, err %v; want empty", c.API.OAuthAuthorizeURL, err)
	}
	t.Setenv(EnvVar("zendesk.support_url"), "http://sim:8081/zendesk/{subdomain}")
	t.Setenv(EnvVar("api.oauth_authorize_url"), "http://127.0.0.1:8081/zendesk/{subdomain}")
	if c, err = Load(Options{Role: RoleAPI}); err != nil {
		t.Fatal(err)
	}
	if c.API.OAuthAuthorizeURL != "http://127.0.0.1:8081/zendesk/{subdomain}" || c.Zendesk.SupportURL != "http://sim:8081/zendesk/{subdomain}" {
		t.Errorf("oauth_authorize_url %q, support_url %q", c.API.OAuthAuthorizeURL, c.Zendesk.SupportURL)
	}
}
