package platform

import (
	"strings"
	"testing"
	"time"
)

func TestNewFillsProductionDefaults(t *testing.T) {
	t.Parallel()
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.LoginURL("acme"); got != "https://acme.zendesk.com" {
		t.Errorf("LoginURL = %q", got)
	}
	if c.sellURL != DefaultSellURL || c.accountsSubdomain != "www" || c.timeout != DefaultTimeout || c.userAgent != DefaultUserAgent ||
		c.jobPollInitial != time.Second || c.jobPollMax != 10*time.Second {
		t.Errorf("defaults not applied: %+v", c)
	}
	if got := c.Accounts().ep.base; got != "https://www.zendesk.com" {
		t.Errorf("accounts base = %q", got)
	}
}

func TestLoginURLWithSimulatorTemplate(t *testing.T) {
	t.Parallel()
	c, err := New(Config{SupportURL: "http://127.0.0.1:8081/zendesk/{subdomain}/", SellURL: "http://127.0.0.1:8081/sell/"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.LoginURL("globex"); got != "http://127.0.0.1:8081/zendesk/globex" {
		t.Errorf("LoginURL = %q (trailing slash should be trimmed)", got)
	}
	if c.sellURL != "http://127.0.0.1:8081/sell" {
		t.Errorf("sellURL = %q", c.sellURL)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"not a URL", Config{SupportURL: "x"}, `platform: SupportURL "x" must be an http(s) URL containing {subdomain}`},
		{"no placeholder", Config{SupportURL: "https://acme.zendesk.com"}, `SupportURL "https://acme.zendesk.com" must be`},
		{"wrong scheme", Config{SupportURL: "ftp://{subdomain}.zendesk.com"}, `SupportURL "ftp://{subdomain}.zendesk.com"`},
		{"credentials in URL", Config{SupportURL: "https://u:p@{subdomain}.zendesk.com"}, `SupportURL`},
		{"query", Config{SupportURL: "https://{subdomain}.zendesk.com?x=1"}, `SupportURL`},
		{"sell no scheme", Config{SellURL: "api.getbase.com"}, `platform: SellURL "api.getbase.com" must be an http(s) URL`},
		{"accounts uppercase", Config{AccountsSubdomain: "WWW"}, `platform: AccountsSubdomain "WWW" must be one lowercase DNS label`},
		{"negative timeout", Config{Timeout: -time.Second}, `platform: Timeout -1s must be positive`},
		{"negative job poll", Config{JobPollInitial: -time.Second}, `platform: JobPollInitial -1s must be positive`},
		{"negative job wait", Config{JobWaitMax: -time.Minute}, `platform: JobWaitMax -1m0s must be positive (or 0 for the default 10m0s)`},
		{"job poll max below initial", Config{JobPollInitial: 2 * time.Second, JobPollMax: time.Second}, `JobPollMax 1s at least as long`},
		{"multi-line user agent", Config{UserAgent: "a\r\nX-Evil: 1"}, `platform: UserAgent`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}
