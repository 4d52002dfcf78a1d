package deploy_test

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sellmigrate/sellmigrate/config"
)

// The compose deployment cannot be started here (no Docker engine in tests), so these
// tests read docker-compose.yml and the Dockerfile and hold them to the contract the
// binary and the config package define.

const (
	composePath    = "../docker-compose.yml"
	dockerfilePath = "../Dockerfile"
	repoRoot       = ".."
)

// composeFile is the part of the Compose format these tests read. Fields that Compose
// accepts in several shapes (list or map, string or map) stay yaml.Nodes.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]yaml.Node      `yaml:"volumes"`
}

type composeService struct {
	Image       string     `yaml:"image"`
	Build       yaml.Node  `yaml:"build"`
	Command     yaml.Node  `yaml:"command"`
	Environment yaml.Node  `yaml:"environment"`
	DependsOn   yaml.Node  `yaml:"depends_on"`
	Ports       yaml.Node  `yaml:"ports"`
	Volumes     []string   `yaml:"volumes"`
	Healthcheck *yaml.Node `yaml:"healthcheck"`
}

// ours reports whether the service runs our image, i.e. is built from the Dockerfile.
func (s composeService) ours() bool { return !s.Build.IsZero() }

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	b, err := os.ReadFile(composePath)
	if err != nil {
		t.Fatalf("read %s: %v", composePath, err)
	}
	var f composeFile
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s does not parse as YAML: %v", composePath, err)
	}
	if len(f.Services) == 0 {
		t.Fatalf("%s defines no services", composePath)
	}
	return f
}

// env returns a service's environment, written as a map or as a list of NAME=value,
// interpolated as Compose does with the host's environment holding just what
// deploy/compose/secrets writes to .env (see interpolate).
func env(t *testing.T, name string, n yaml.Node) map[string]string {
	t.Helper()
	lookup := composeSecrets(t)
	out := map[string]string{}
	add := func(k, v string) {
		val, missing := interpolate(v, lookup)
		if len(missing) > 0 {
			t.Errorf("service %s: %s requires %s, which deploy/compose/secrets does not write", name, k, strings.Join(missing, ", "))
		}
		out[k] = val
	}
	switch n.Kind {
	case 0:
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			add(n.Content[i].Value, n.Content[i+1].Value)
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			k, v, _ := strings.Cut(item.Value, "=")
			add(k, v)
		}
	default:
		t.Fatalf("service %s: environment must be a map or a list, line %d", name, n.Line)
	}
	return out
}

// composeVar matches $$ and ${VAR}, ${VAR-default}, ${VAR:-default}, ${VAR?error} and
// ${VAR:?error}.
var composeVar = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)((:?)([-?])([^}]*))?\}`)

// interpolate expands Compose variables as `docker compose up` does with the host
// environment lookup: ${VAR:-default} gives the default when VAR is unset or empty
// (${VAR-default}: unset), ${VAR} VAR or nothing, $$ a literal $, and ${VAR:?error}
// VAR, or, when it is unset or empty (${VAR?error}: unset), nothing and VAR in missing,
// where Compose stops with the error.
func interpolate(v string, lookup map[string]string) (out string, missing []string) {
	out = composeVar.ReplaceAllStringFunc(v, func(m string) string {
		if m == "$$" {
			return "$"
		}
		sub := composeVar.FindStringSubmatch(m)
		val, set := lookup[sub[1]]
		unset := !set || (sub[3] == ":" && val == "")
		switch {
		case sub[2] == "":
			return val
		case sub[4] == "-" && unset:
			return sub[5]
		case sub[4] == "?" && unset:
			missing = append(missing, sub[1])
			return ""
		}
		return val
	})
	return out, missing
}

// command returns a service's command as words.
func command(n yaml.Node) []string {
	switch n.Kind {
	case yaml.ScalarNode:
		return strings.Fields(n.Value)
	case yaml.SequenceNode:
		words := make([]string, len(n.Content))
		for i, c := range n.Content {
			words[i] = c.Value
		}
		return words
	}
	return nil
}

// dependencies returns each depends_on entry with its condition ("" in the list form).
func dependencies(n yaml.Node) map[string]string {
	out := map[string]string{}
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			out[c.Value] = ""
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			var opts struct {
				Condition string `yaml:"condition"`
			}
			_ = n.Content[i+1].Decode(&opts)
			out[n.Content[i].Value] = opts.Condition
		}
	}
	return out
}

func knownEnvVars() map[string]bool {
	known := map[string]bool{config.FileEnvVar: true}
	for _, k := range config.Keys() {
		known[config.EnvVar(k)] = true
	}
	return known
}

func TestComposeParsesAndHasTheRoles(t *testing.T) {
	f := loadCompose(t)
	for _, want := range []string{"postgresql", "temporal", "temporal-ui", "worker", "sim", "api"} {
		if _, ok := f.Services[want]; !ok {
			t.Errorf("service %q is missing from %s", want, composePath)
		}
	}
	for _, role := range []string{"worker", "sim", "api"} {
		s, ok := f.Services[role]
		if !ok {
			continue
		}
		if !s.ours() {
			t.Errorf("service %s must be built from the Dockerfile (build:)", role)
		}
		if got := command(s.Command); len(got) == 0 || got[0] != role {
			t.Errorf("service %s runs %q; want `sellmigrate %s` (command: [%q])", role, got, role, role)
		}
	}
}

func TestComposeOwnServicesBuildTheDockerfile(t *testing.T) {
	for name, s := range loadCompose(t).Services {
		if !s.ours() {
			continue
		}
		context, dockerfile := ".", "Dockerfile"
		switch s.Build.Kind {
		case yaml.ScalarNode:
			context = s.Build.Value
		case yaml.MappingNode:
			var b struct {
				Context    string `yaml:"context"`
				Dockerfile string `yaml:"dockerfile"`
			}
			if err := s.Build.Decode(&b); err != nil {
				t.Fatalf("service %s: build: %v", name, err)
			}
			context = b.Context
			if b.Dockerfile != "" {
				dockerfile = b.Dockerfile
			}
		}
		if filepath.Clean(context) != "." || dockerfile != "Dockerfile" {
			t.Errorf("service %s builds %s in %q; want the repository's Dockerfile in \".\"", name, dockerfile, context)
		}
	}
}

func TestComposeEnvNamesRealConfigKeys(t *testing.T) {
	known := knownEnvVars()
	for name, s := range loadCompose(t).Services {
		if !s.ours() {
			continue
		}
		var unknown []string
		for k := range env(t, name, s.Environment) {
			if strings.HasPrefix(k, "SELLMIGRATE_") && !known[k] {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			slices.Sort(unknown)
			t.Errorf("service %s sets unknown config variables %s; each must be SELLMIGRATE_ and a key of config.example.yaml in upper case",
				name, strings.Join(unknown, ", "))
		}
	}
}

// TestComposeEnvLoads feeds each of our services' environment to config.Load for the
// service's role, so a value the binary would refuse at start fails here instead.
func TestComposeEnvLoads(t *testing.T) {
	roles := map[string]config.Role{"worker": config.RoleWorker, "sim": config.RoleSim, "api": config.RoleAPI}
	for name, s := range loadCompose(t).Services {
		words := command(s.Command)
		if !s.ours() || len(words) == 0 {
			continue
		}
		role, ok := roles[words[0]]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Setenv(config.FileEnvVar, "")
			for _, k := range config.Keys() {
				t.Setenv(config.EnvVar(k), "")
			}
			for k, v := range env(t, name, s.Environment) {
				if strings.HasPrefix(k, "SELLMIGRATE_") {
					t.Setenv(k, v)
				}
			}
			if _, err := config.Load(config.Options{Role: role}); err != nil {
				t.Errorf("service %s (%s) would not start: %v", name, words[0], err)
			}
		})
	}
}

func TestComposeWorkerReachesTemporalAndSim(t *testing.T) {
	f := loadCompose(t)
	w, ok := f.Services["worker"]
	if !ok {
		t.Fatal("no worker service")
	}
	vars := env(t, "worker", w.Environment)

	addr := vars[config.EnvVar("temporal.address")]
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("worker %s = %q, want host:port of the temporal service", config.EnvVar("temporal.address"), addr)
	}
	srv, ok := f.Services[host]
	if !ok {
		t.Fatalf("worker's Temporal address %q names no service", addr)
	}
	if !strings.HasPrefix(srv.Image, "temporalio/server:") && !strings.HasPrefix(srv.Image, "temporalio/auto-setup:") {
		t.Errorf("worker's Temporal address %q names service %s, image %q, not a Temporal server", addr, host, srv.Image)
	}
	if port != "7233" {
		t.Errorf("worker's Temporal address %q: the frontend listens on 7233 inside the network", addr)
	}

	for _, key := range []string{"zendesk.support_url", "zendesk.sell_url"} {
		v := vars[config.EnvVar(key)]
		if !strings.HasPrefix(v, "http://sim:8081/") {
			t.Errorf("worker %s = %q; want the simulator at http://sim:8081/", config.EnvVar(key), v)
		}
	}
	sim := env(t, "sim", f.Services["sim"].Environment)
	listen := sim[config.EnvVar("sim.listen")]
	if h, p, err := net.SplitHostPort(listen); err != nil || h != "0.0.0.0" || p != "8081" {
		t.Errorf("sim %s = %q; want 0.0.0.0:8081 so other containers reach it", config.EnvVar("sim.listen"), listen)
	}
}

func TestComposeDependsOnDefinedServices(t *testing.T) {
	f := loadCompose(t)
	conditions := []string{"", "service_started", "service_healthy", "service_completed_successfully"}
	for name, s := range f.Services {
		for dep, cond := range dependencies(s.DependsOn) {
			target, ok := f.Services[dep]
			if !ok {
				t.Errorf("service %s depends on %q, which is not defined", name, dep)
				continue
			}
			if !slices.Contains(conditions, cond) {
				t.Errorf("service %s depends on %s with unknown condition %q", name, dep, cond)
			}
			if cond == "service_healthy" && target.Healthcheck == nil {
				t.Errorf("service %s waits for %s to be healthy, but %s has no healthcheck", name, dep, dep)
			}
		}
	}
}

var portMapping = regexp.MustCompile(`^(\d{1,3}(\.\d{1,3}){3}:)?\d{1,5}:\d{1,5}(/(tcp|udp))?$`)

func TestComposePortsAreQuotedHostContainer(t *testing.T) {
	for name, s := range loadCompose(t).Services {
		if s.Ports.Kind == 0 {
			continue
		}
		if s.Ports.Kind != yaml.SequenceNode {
			t.Errorf("service %s: ports must be a list, line %d", name, s.Ports.Line)
			continue
		}
		for _, p := range s.Ports.Content {
			quoted := p.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
			if p.Kind != yaml.ScalarNode || !quoted || !portMapping.MatchString(p.Value) {
				t.Errorf("service %s: port %q (line %d) must be a quoted \"host:container\" string", name, p.Value, p.Line)
			}
		}
	}
}

// TestComposeMountsExist checks that every bind mount's source and every named volume
// resolve, since a missing ./deploy file only shows when the stack starts.
func TestComposeMountsExist(t *testing.T) {
	f := loadCompose(t)
	for name, s := range f.Services {
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			switch {
			case strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../"):
				if _, err := os.Stat(filepath.Join(repoRoot, src)); err != nil {
					t.Errorf("service %s mounts %s: %v", name, src, err)
				}
			case !strings.HasPrefix(src, "/") && strings.Contains(v, ":"):
				if _, ok := f.Volumes[src]; !ok {
					t.Errorf("service %s mounts volume %q, which is not declared under volumes:", name, src)
				}
			}
		}
	}
}

// dockerInstruction is one Dockerfile instruction with its continuation lines joined.
type dockerInstruction struct {
	op, args string
	line     int
}

func parseDockerfile(t *testing.T) []dockerInstruction {
	t.Helper()
	b, err := os.ReadFile(dockerfilePath)
	if err != nil {
		t.Fatalf("read %s: %v", dockerfilePath, err)
	}
	var out []dockerInstruction
	var cur strings.Builder
	start := 0
	for i, raw := range strings.Split(string(b), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		cont := strings.HasSuffix(line, "\\")
		cur.WriteString(strings.TrimSuffix(line, "\\"))
		cur.WriteString(" ")
		if cont {
			continue
		}
		op, args, _ := strings.Cut(strings.TrimSpace(cur.String()), " ")
		out = append(out, dockerInstruction{op: strings.ToUpper(op), args: strings.TrimSpace(args), line: start})
		cur.Reset()
	}
	if cur.Len() > 0 {
		t.Fatalf("%s ends inside a continued line", dockerfilePath)
	}
	return out
}

func TestComposeDockerfileBuildsTheBinaryItRuns(t *testing.T) {
	instrs := parseDockerfile(t)

	// The build: a static ./cmd/sellmigrate, and where it is written.
	goBuild := regexp.MustCompile(`go build .*-o (\S+) .*\./cmd/sellmigrate\b`)
	var output string
	for _, in := range instrs {
		if m := goBuild.FindStringSubmatch(in.args); in.op == "RUN" && m != nil {
			output = m[1]
			if !strings.Contains(in.args, "CGO_ENABLED=0") {
				t.Errorf("line %d builds without CGO_ENABLED=0; the runtime image expects a static binary", in.line)
			}
		}
	}
	if output == "" {
		t.Fatalf("%s has no RUN ... go build -o OUT ./cmd/sellmigrate", dockerfilePath)
	}

	// The final stage: its ENTRYPOINT runs the binary copied from the build output.
	lastFrom := -1
	for i, in := range instrs {
		if in.op == "FROM" {
			lastFrom = i
		}
	}
	if lastFrom < 0 {
		t.Fatalf("%s has no FROM", dockerfilePath)
	}
	final := instrs[lastFrom:]
	var entry []string
	for _, in := range final {
		if in.op == "ENTRYPOINT" {
			if err := json.Unmarshal([]byte(in.args), &entry); err != nil || len(entry) == 0 {
				t.Fatalf("line %d: ENTRYPOINT must be the exec form [\"/path\", ...], got %s", in.line, in.args)
			}
		}
	}
	if entry == nil {
		t.Fatalf("the final stage of %s has no ENTRYPOINT", dockerfilePath)
	}
	copied := false
	for _, in := range final {
		if in.op != "COPY" {
			continue
		}
		f := strings.Fields(in.args)
		if len(f) >= 2 && strings.HasPrefix(f[0], "--from=") && f[len(f)-2] == output && f[len(f)-1] == entry[0] {
			copied = true
		}
	}
	if !copied {
		t.Errorf("ENTRYPOINT runs %s, but the final stage copies no build output %s there", entry[0], output)
	}
}
