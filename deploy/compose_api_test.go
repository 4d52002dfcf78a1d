package deploy_test

import (
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sellmigrate/sellmigrate/config"
)

// published returns a service's published ports as "hostIP:hostPort" -> container port.
func published(n yaml.Node) map[string]string {
	out := map[string]string{}
	for _, p := range n.Content {
		parts := strings.Split(strings.TrimSuffix(p.Value, "/tcp"), ":")
		if len(parts) == 3 {
			out[parts[0]+":"+parts[1]] = parts[2]
		}
	}
	return out
}

// browserURL checks that a URL a browser on the host opens names loopback and a port
// service publishes there, mapped to containerPort (any when empty).
func browserURL(t *testing.T, f composeFile, key, raw, service, containerPort string) {
	t.Helper()
	u, err := url.Parse(strings.ReplaceAll(raw, "{subdomain}", "globex"))
	if err != nil || u.Host == "" {
		t.Errorf("api %s = %q; want an absolute URL", config.EnvVar(key), raw)
		return
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" {
		t.Errorf("api %s = %q: a browser on the host cannot reach %s; want 127.0.0.1 and the port %s publishes", config.EnvVar(key), raw, h, service)
		return
	}
	ports := published(f.Services[service].Ports)
	target, ok := ports["127.0.0.1:"+u.Port()]
	if !ok || (containerPort != "" && target != containerPort) {
		t.Errorf("api %s = %q: service %s publishes %v, not 127.0.0.1:%s -> %s", config.EnvVar(key), raw, service, ports, u.Port(), containerPort)
	}
}

// TestComposeAPI holds the api service to the deployment: it listens where its
// published port leads, reaches Temporal and the simulator inside the network, sends
// browsers to addresses the host can open, shares the simulator's OAuth client, and
// starts only once the worker has registered the search attributes.
func TestComposeAPI(t *testing.T) {
	f := loadCompose(t)
	a, ok := f.Services["api"]
	if !ok {
		t.Fatal("no api service")
	}
	vars := env(t, "api", a.Environment)
	worker := env(t, "worker", f.Services["worker"].Environment)
	sim := env(t, "sim", f.Services["sim"].Environment)
	v := func(key string) string { return vars[config.EnvVar(key)] }

	listen := v("api.listen")
	host, port, err := net.SplitHostPort(listen)
	if err != nil || host != "0.0.0.0" {
		t.Fatalf("api %s = %q; want 0.0.0.0:PORT so the published port reaches it", config.EnvVar("api.listen"), listen)
	}
	if got := published(a.Ports); got["127.0.0.1:"+port] != port {
		t.Errorf("api publishes %v; want \"127.0.0.1:%s:%s\"", got, port, port)
	}
	// The admin endpoints (/metrics, /readyz) are for tools inside; nothing publishes them.
	adminHost, adminPort, err := net.SplitHostPort(v("api.admin_listen"))
	if err != nil || adminHost != "127.0.0.1" {
		t.Errorf("api %s = %q; want 127.0.0.1:PORT, inside the container", config.EnvVar("api.admin_listen"), v("api.admin_listen"))
	}
	for host, target := range published(a.Ports) {
		if target == adminPort {
			t.Errorf("api publishes %s -> %s, its /metrics and /readyz (api.admin_listen)", host, target)
		}
	}
	if hc := strings.Join(command(healthcheckTest(t, "api")), " "); !strings.Contains(hc, "http://127.0.0.1:"+port+"/healthz") {
		t.Errorf("api's healthcheck runs %q; want one on http://127.0.0.1:%s/healthz", hc, port)
	}

	for _, key := range []string{"temporal.address", "temporal.namespace"} {
		if v(key) == "" || v(key) != worker[config.EnvVar(key)] {
			t.Errorf("api %s = %q, worker's %q; want the same Temporal", config.EnvVar(key), v(key), worker[config.EnvVar(key)])
		}
	}
	if s := v("zendesk.support_url"); s != worker[config.EnvVar("zendesk.support_url")] || !strings.HasPrefix(s, "http://sim:8081/") {
		t.Errorf("api %s = %q; want the worker's, the simulator at http://sim:8081/", config.EnvVar("zendesk.support_url"), s)
	}

	_, simPort, _ := net.SplitHostPort(sim[config.EnvVar("sim.listen")])
	authorize := v("api.oauth_authorize_url")
	if !strings.Contains(authorize, "{subdomain}") || !strings.HasSuffix(authorize, strings.TrimPrefix(v("zendesk.support_url"), "http://sim:8081")) {
		t.Errorf("api %s = %q; want the simulator's Support URL %q as the host reaches it", config.EnvVar("api.oauth_authorize_url"), authorize, v("zendesk.support_url"))
	}
	browserURL(t, f, "api.oauth_authorize_url", authorize, "sim", simPort)
	browserURL(t, f, "api.public_url", v("api.public_url"), "api", port)
	uiPort := ""
	for _, p := range published(f.Services["temporal-ui"].Ports) {
		uiPort = p
	}
	browserURL(t, f, "api.temporal_ui_url", v("api.temporal_ui_url"), "temporal-ui", uiPort)

	for _, key := range []string{"api.oauth_client_id", "api.oauth_client_secret"} {
		if v(key) == "" || v(key) != sim[config.EnvVar(key)] {
			t.Errorf("api and sim must set the same %s, or the simulator refuses the owner login's code exchange", config.EnvVar(key))
		}
	}
	var tokens int
	for _, key := range []string{"api.viewer_tokens", "api.ops_tokens", "api.admin_tokens"} {
		if v(key) != "" {
			tokens++
		}
	}
	if tokens == 0 {
		t.Error("api sets no token, so it would refuse to start")
	}
	if v("log.format") != "json" {
		t.Errorf("api %s = %q; want json like the other services", config.EnvVar("log.format"), v("log.format"))
	}

	deps := dependencies(a.DependsOn)
	for dep, cond := range map[string]string{
		"temporal":           "service_healthy",
		"temporal-namespace": "service_completed_successfully",
		// The api refuses to start without the search attributes the worker registers.
		"worker": "service_healthy",
	} {
		if deps[dep] != cond {
			t.Errorf("api depends on %s with %q; want condition %s", dep, deps[dep], cond)
		}
	}
	if !slices.Contains(command(a.Command), "api") {
		t.Errorf("api runs %q", command(a.Command))
	}
}

// healthcheckTest returns the test of a service's healthcheck, as written.
func healthcheckTest(t *testing.T, service string) yaml.Node {
	t.Helper()
	b, err := os.ReadFile(composePath)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Services map[string]struct {
			Healthcheck struct {
				Test yaml.Node `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Services[service].Healthcheck.Test
}

func TestComposeInterpolation(t *testing.T) {
	host := map[string]string{"SET": "v", "EMPTY": ""}
	for in, want := range map[string]string{
		"${API_ADMIN_TOKENS:-demo-admin}": "demo-admin",
		"${EMPTY:-d}":                     "d",
		"${EMPTY-d}":                      "",
		"${SET:-d}":                       "v",
		"${X-a,b}":                        "a,b",
		"${X}":                            "",
		"${SET:?set SET in .env}":         "v",
		"postgres://temporal:${SET:?set SET; see the README (compose)}@postgresql:5432/db": "postgres://temporal:v@postgresql:5432/db",
		"pa$$word":                            "pa$word",
		"http://sim:8081/zendesk/{subdomain}": "http://sim:8081/zendesk/{subdomain}",
	} {
		if got, missing := interpolate(in, host); got != want || len(missing) > 0 {
			t.Errorf("interpolate(%q) = %q (missing %q), want %q", in, got, missing, want)
		}
	}
	for in, want := range map[string]string{"${X:?set X}": "X", "${EMPTY:?set it}": "EMPTY", "a ${X?set X} b": "X",
		"postgres://temporal:${X:?set X in .env; an old volume keeps its password (see the README)}@postgresql:5432/db": "X"} {
		if _, missing := interpolate(in, host); len(missing) != 1 || missing[0] != want {
			t.Errorf("interpolate(%q) reports missing %q, want [%s]", in, missing, want)
		}
	}
	if _, missing := interpolate("${EMPTY?set it}", host); len(missing) > 0 {
		t.Errorf("${EMPTY?...} is set (empty); got missing %q", missing)
	}
}
