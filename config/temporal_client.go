package config

import (
	"fmt"
	"net"
	"strings"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
)

// Where the Temporal client's address and namespace come from when temporal.address and
// temporal.namespace are empty and neither the environment (TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE) nor the temporal.toml profile gives one.
const (
	DefaultTemporalAddress   = "127.0.0.1:7233"
	DefaultTemporalNamespace = "default"
)

// TemporalConnection is how every client of this process reaches Temporal beyond the
// address and namespace (which Temporal.Address and Temporal.Namespace hold): TLS,
// mTLS, API key, gRPC metadata and authority, as Temporal's own envconfig resolves them
// from the temporal.toml profile and the TEMPORAL_* environment. Using envconfig means
// an operator configures sellmigrate exactly as the temporal CLI and every SDK.
type TemporalConnection struct {
	// Options carries the connection settings; its HostPort and Namespace are empty.
	Options client.Options
	// Source says where they came from, for errors and logs.
	Source string
}

// Plaintext reports whether the connection sends gRPC without TLS.
func (t TemporalConnection) Plaintext() bool { return t.Options.ConnectionOptions.TLS == nil }

// HostUnverified reports whether the connection uses TLS but accepts any server
// certificate (envconfig's TEMPORAL_TLS_DISABLE_HOST_VERIFICATION or a profile's
// tls.disable_host_verification): anyone on the path can answer in Temporal's place and
// read every payload and signal, so the gate treats it as plaintext.
func (t TemporalConnection) HostUnverified() bool {
	tc := t.Options.ConnectionOptions.TLS
	return tc != nil && tc.InsecureSkipVerify
}

// resolveTemporalClient loads the envconfig profile and fills the address and namespace.
// Precedence, highest first: temporal.address / temporal.namespace (file,
// SELLMIGRATE_* or flag) > TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE > the profile in
// temporal.toml > DefaultTemporalAddress / DefaultTemporalNamespace. Our own explicit
// keys win because they are what a sellmigrate deployment sets on purpose, while the
// TEMPORAL_* environment and profile may be a person's defaults for the temporal CLI.
// TLS and the API key come only from envconfig.
//
// dev dials its own embedded server and sets its connection itself, so it reads no
// profile: a person's TEMPORAL_* environment for another cluster must not redirect it.
func (t *Temporal) resolveClient(r Role) error {
	if r == RoleDev || r == RoleSim {
		fillEmpty(&t.Address, DefaultTemporalAddress)
		fillEmpty(&t.Namespace, DefaultTemporalNamespace)
		t.Connection = TemporalConnection{Source: "sellmigrate dev"}
		return nil
	}
	source := "TEMPORAL_* environment and " + profileSource(t.ConfigFile, t.Profile)
	prof, err := envconfig.LoadClientConfigProfile(envconfig.LoadClientConfigProfileOptions{
		ConfigFilePath:    t.ConfigFile,
		ConfigFileProfile: t.Profile,
	})
	if err != nil {
		return fmt.Errorf("config: cannot load the Temporal client settings from %s: %w; fix temporal.config_file / temporal.profile (or TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE) or the file", source, err)
	}
	fillEmpty(&t.Address, prof.Address)
	fillEmpty(&t.Address, DefaultTemporalAddress)
	fillEmpty(&t.Namespace, prof.Namespace)
	fillEmpty(&t.Namespace, DefaultTemporalNamespace)
	// The profile's codec (a remote codec server) is not used: this process encrypts
	// payloads itself with temporal.codec_keys.
	opts, err := prof.ToClientOptions(envconfig.ToClientOptionsRequest{})
	if err != nil {
		return fmt.Errorf("config: Temporal TLS settings from %s: %w; give both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or the profile's tls.client_cert_path and tls.client_key_path) as readable PEM files", source, err)
	}
	opts.HostPort, opts.Namespace = "", ""
	t.Connection = TemporalConnection{Options: opts, Source: source}
	return nil
}

// profileSource names the temporal.toml file and profile envconfig reads.
func profileSource(file, profile string) string {
	if file == "" {
		file = "$TEMPORAL_CONFIG_FILE or " + envconfig.DefaultConfigFilePath()
	}
	if profile == "" {
		profile = "$TEMPORAL_PROFILE or \"default\""
	}
	return fmt.Sprintf("profile %s of %s", profile, file)
}

// insecureTemporal is the gate's Temporal rule: the long-running roles refuse to send
// gRPC in plaintext, with every workflow's payloads and its signals, to anything but
// loopback unless the operator says the network is trusted. TLS that accepts any
// certificate protects nothing against someone on the path, so it counts as plaintext.
func (t Temporal) insecureTemporal(r Role) error {
	if r != RoleAPI && r != RoleWorker {
		return nil
	}
	if t.AllowInsecure || isLoopback(t.Address) {
		return nil
	}
	if t.Connection.HostUnverified() {
		return fmt.Errorf("config: Temporal at %s would be reached over TLS without checking its certificate (TEMPORAL_TLS_DISABLE_HOST_VERIFICATION, or tls.disable_host_verification in %s), so anyone on the path could read every payload; "+
			"turn that off and give the CA that signed the server's certificate (TEMPORAL_TLS_SERVER_CA_CERT_PATH, or the profile's tls.server_ca_cert_path) or the name on it (TEMPORAL_TLS_SERVER_NAME, or tls.server_name), "+
			"or set temporal.allow_insecure: true (env %s) if the network to it is trusted", t.Address, t.Connection.Source, EnvVar("temporal.allow_insecure"))
	}
	if !t.Connection.Plaintext() {
		return nil
	}
	return fmt.Errorf("config: Temporal at %s would be reached in plaintext; give TLS through Temporal's client settings "+
		"(env TEMPORAL_TLS=true, TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH, TEMPORAL_TLS_SERVER_CA_CERT_PATH or TEMPORAL_API_KEY; "+
		"or a temporal.toml profile named by temporal.profile / temporal.config_file), "+
		"or set temporal.allow_insecure: true (env %s) if the network to it is trusted", t.Address, EnvVar("temporal.allow_insecure"))
}

// isLoopback reports whether host:port names this machine: a loopback IP or localhost.
func isLoopback(hostPort string) bool {
	host, _, err := net.SplitHostPort(hostPort)
	if err != nil {
		host = hostPort
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func fillEmpty(p *string, def string) {
	if *p == "" {
		*p = def
	}
}
