package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cast"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

const envPrefix = "SELLMIGRATE"

// FileEnvVar names the YAML file to read when --config is not given.
const FileEnvVar = envPrefix + "_CONFIG"

var envReplacer = strings.NewReplacer(".", "_")

func upper(s string) string { return strings.ToUpper(s) }

// Role is the part the process plays; it picks role-specific defaults and which
// settings must be present.
type Role int

const (
	// RoleClient is a short command a person runs: start, signal, status, list, cancel.
	RoleClient Role = iota
	// RoleDev is `sellmigrate dev`: embedded Temporal, simulator and worker together.
	RoleDev
	// RoleWorker runs migrations against the configured Temporal and Zendesk.
	RoleWorker
	// RoleSim serves the simulator alone.
	RoleSim
	// RoleAPI serves the HTTP API.
	RoleAPI
)

// Options says where to read settings from besides defaults and the environment.
type Options struct {
	Role Role
	// File is the YAML file from --config; empty falls back to $SELLMIGRATE_CONFIG.
	File string
	// Flags maps a key to the command-line flag that overrides it. Only flags the user
	// set count, so a flag's own default never hides a file or env value.
	Flags map[string]*pflag.Flag
}

// Load reads, decodes and validates the settings for a role.
func Load(o Options) (Config, error) {
	v := viper.New()
	v.SetEnvPrefix(envPrefix)
	v.SetEnvKeyReplacer(envReplacer)
	for _, k := range keys {
		v.SetDefault(k.name, k.def)
		// Binding each key explicitly makes env vars work without a file mentioning them.
		if err := v.BindEnv(k.name); err != nil {
			return Config{}, fmt.Errorf("config: bind %s to the environment: %w", k.name, err)
		}
	}

	file := o.File
	if file == "" {
		file = os.Getenv(FileEnvVar)
	}
	if file != "" {
		if err := readFile(v, file); err != nil {
			return Config{}, err
		}
	}

	for name, f := range o.Flags {
		if !known(name) {
			return Config{}, fmt.Errorf("config: flag --%s is bound to unknown key %q", f.Name, name)
		}
		if err := v.BindPFlag(name, f); err != nil {
			return Config{}, fmt.Errorf("config: bind flag --%s to %s: %w", f.Name, name, err)
		}
	}

	c := Config{File: file}
	for _, k := range keys {
		if err := decode(k.field(&c), k.name, v.Get(k.name)); err != nil {
			return Config{}, err
		}
	}
	deriveRoleValues(&c, o.Role)
	if err := c.Temporal.resolveClient(o.Role); err != nil {
		return Config{}, err
	}
	if err := c.validate(o.Role); err != nil {
		return Config{}, err
	}
	if err := c.Temporal.insecureTemporal(o.Role); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Production Zendesk endpoints and the demo credentials the simulator accepts.
const (
	ProductionSupportURL = "https://{subdomain}.zendesk.com"
	ProductionSellURL    = "https://api.getbase.com"
	// DemoPartnerToken is the simulator's partner credential (sim.DefaultPartnerToken),
	// which dev sends on the partner calls; a test keeps the two equal.
	DemoPartnerToken      = "demo-partner-token"
	DemoSellTokenTemplate = "sell-demo-{account_id}"
)

// Zendesk job polling, when zendesk.job_poll_* are empty. Production polls a job first
// after 1s and backs off to 10s: few calls against the account's rate limit for jobs
// that take seconds. dev polls its own simulator, whose jobs take sim.job_duration
// (200ms by default), and no one's rate limit: a first poll at 250ms finds most jobs
// done, so the demo's 25-page conversion waits ~6s on jobs instead of ~25s. Pointing dev
// at a real Zendesk? Set them to 1s and 10s.
const (
	ProductionJobPollInitial = time.Second
	ProductionJobPollMax     = 10 * time.Second
	DevJobPollInitial        = 250 * time.Millisecond
	DevJobPollMax            = 2 * time.Second
)

// defaultLogFormat is console where a person watches the terminal (dev and the short
// client commands) and JSON for long-running services whose logs are shipped.
func defaultLogFormat(r Role) string {
	if r == RoleDev || r == RoleClient {
		return "console"
	}
	return "json"
}

// deriveRoleValues fills settings left empty with the role's defaults: dev points at the
// simulator it runs with the demo credentials; every other role at production Zendesk.
// Empty means "default" so one file can serve dev and production roles alike.
func deriveRoleValues(c *Config, r Role) {
	fill := func(p *string, def string) {
		if *p == "" {
			*p = def
		}
	}
	fill(&c.Log.Format, defaultLogFormat(r))
	deriveAPIValues(c, r)
	deriveOIDCValues(c, r)
	deriveNotifyValues(c, r)
	deriveJobPoll(&c.Zendesk, r)
	c.Temporal.useDevCodecKey(c.Dev.DataDir, r == RoleDev)
	c.API.OwnerLink.useDevKey(c.Dev.DataDir, r == RoleDev)
	if r == RoleDev {
		c.Credentials.UseDevDefaults(c.Dev.DataDir)
		fill(&c.Zendesk.SupportURL, c.SimBaseURL()+"/zendesk/{subdomain}")
		fill(&c.Zendesk.SellURL, c.SimBaseURL()+"/sell")
		fill(&c.Zendesk.PartnerToken, DemoPartnerToken)
		fill(&c.Zendesk.SellTokenTemplate, DemoSellTokenTemplate)
		return
	}
	fill(&c.Zendesk.SupportURL, ProductionSupportURL)
	fill(&c.Zendesk.SellURL, ProductionSellURL)
}

// deriveJobPoll fills empty zendesk.job_poll_* with the role's defaults. A max left
// empty under a longer initial wait becomes the initial wait, so setting only
// job_poll_initial (say to 30s) is not refused for a max the person never chose.
func deriveJobPoll(z *Zendesk, r Role) {
	initial, maxWait := ProductionJobPollInitial, ProductionJobPollMax
	if r == RoleDev {
		initial, maxWait = DevJobPollInitial, DevJobPollMax
	}
	if z.JobPollInitial == 0 {
		z.JobPollInitial = initial
	}
	if z.JobPollMax == 0 {
		z.JobPollMax = max(maxWait, z.JobPollInitial)
	}
}

// SimBaseURL is the simulator's own base URL, as clients on this machine reach it.
func (c Config) SimBaseURL() string { return "http://" + dialable(c.Sim.Listen) }

// APIBaseURL is how a person reaches the API: api.public_url, else its listen address.
func (c Config) APIBaseURL() string {
	if c.API.PublicURL != "" {
		return strings.TrimRight(c.API.PublicURL, "/")
	}
	return c.API.scheme() + "://" + dialable(c.API.Listen)
}

// dialable turns a listen address with an unspecified host into one a client can dial.
func dialable(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

func readFile(v *viper.Viper, file string) error {
	// A separate reader sees only the file, so a misspelt key is reported instead of
	// silently ignored.
	if _, err := os.Stat(file); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("config: file %s does not exist; fix --config or %s", file, FileEnvVar)
		}
		return fmt.Errorf("config: cannot read %s: %w", file, err)
	}
	fv := viper.New()
	fv.SetConfigFile(file)
	fv.SetConfigType("yaml")
	if err := fv.ReadInConfig(); err != nil {
		return fmt.Errorf("config: cannot read %s as YAML: %w", file, err)
	}
	var unknown []string
	for _, name := range fv.AllKeys() {
		if !known(name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("config: %s has unknown key(s) %s; config.example.yaml lists every key", file, strings.Join(unknown, ", "))
	}
	v.SetConfigFile(file)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return fmt.Errorf("config: cannot read %s as YAML: %w", file, err)
	}
	return nil
}

func known(name string) bool {
	for _, k := range keys {
		if k.name == name {
			return true
		}
	}
	return false
}

// decode converts a raw value (a default, YAML scalar, env string or flag string) into
// the field's type. Text is parsed rather than cast so "1" is not read as 1ns and a bad
// value yields an error naming the key.
func decode(field any, name string, raw any) error {
	if d, ok := raw.(time.Duration); ok {
		raw = d.String()
	}
	if p, ok := field.(*[]string); ok {
		return decodeList(p, name, raw)
	}
	if p, ok := field.(*[]APIToken); ok {
		return decodeAPITokens(p, raw)
	}
	s, err := cast.ToStringE(raw)
	if err != nil {
		return fmt.Errorf("config: %s must be a single value, not %T", name, raw)
	}
	s = strings.TrimSpace(s)
	switch p := field.(type) {
	case *string:
		*p = s
	case *time.Duration:
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("config: %s %q must be a duration with a unit, e.g. 30s, 15m or 24h", name, s)
		}
		*p = d
	case *int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("config: %s %q must be a whole number", name, s)
		}
		*p = n
	case *int32:
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return fmt.Errorf("config: %s %q must be a whole number up to %d", name, s, int32(1<<31-1))
		}
		*p = int32(n)
	case *float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("config: %s %q must be a number, e.g. 0.5", name, s)
		}
		*p = f
	case *bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("config: %s %q must be true or false", name, s)
		}
		*p = b
	default:
		return fmt.Errorf("config: %s has unsupported field type %T", name, field)
	}
	return nil
}
