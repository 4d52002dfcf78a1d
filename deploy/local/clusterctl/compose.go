package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// compose is the part of docker-compose.yml the local cluster takes over.
type compose struct {
	Services map[string]service `yaml:"services"`
}

type service struct {
	Image       string    `yaml:"image"`
	Environment yaml.Node `yaml:"environment"`
	Volumes     []string  `yaml:"volumes"`
}

func loadCompose(path string) (compose, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return compose{}, fmt.Errorf("read the compose file (pass -compose with the path of docker-compose.yml): %w", err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		return compose{}, fmt.Errorf("%s does not parse as YAML: %w", path, err)
	}
	return c, nil
}

func (c compose) service(name string) (service, error) {
	s, ok := c.Services[name]
	if !ok {
		return service{}, fmt.Errorf("docker-compose.yml has no service %q, which the local cluster copies; update deploy/local/clusterctl with the compose file", name)
	}
	return s, nil
}

// composeVar matches $$ and ${VAR}, ${VAR-default}, ${VAR:-default}, ${VAR?error} and
// ${VAR:?error}.
var composeVar = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)((:?)([-?])([^}]*))?\}`)

// interpolate expands variables as Compose does, from lookup (the caller's environment,
// as Compose reads the shell's), so an override such as CREDENTIALS_KEYS applies to the
// local cluster exactly as it does to compose. A required variable (${VAR:?error}) that
// is unset (or empty, with the colon) is returned in missing, where Compose would stop.
func interpolate(v string, lookup func(string) (string, bool)) (out string, missing []string) {
	out = composeVar.ReplaceAllStringFunc(v, func(m string) string {
		if m == "$$" {
			return "$"
		}
		sub := composeVar.FindStringSubmatch(m)
		val, ok := lookup(sub[1])
		unset := !ok || (sub[3] == ":" && val == "")
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

// environment returns the service's environment, map or list form, interpolated; it
// fails, naming them, when variables the compose file requires are not set.
func (s service) environment(lookup func(string) (string, bool)) (map[string]string, []string, error) {
	out := map[string]string{}
	var order, missing []string
	add := func(k, v string) {
		if _, seen := out[k]; !seen {
			order = append(order, k)
		}
		val, m := interpolate(v, lookup)
		out[k] = val
		missing = append(missing, m...)
	}
	switch s.Environment.Kind {
	case yaml.MappingNode:
		n := s.Environment.Content
		for i := 0; i+1 < len(n); i += 2 {
			add(n[i].Value, n[i+1].Value)
		}
	case yaml.SequenceNode:
		for _, item := range s.Environment.Content {
			k, v, _ := strings.Cut(item.Value, "=")
			add(k, v)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, nil, fmt.Errorf("docker-compose.yml requires %s; set them in the environment (deploy/local/cluster makes them once in $CLUSTER_DIR/compose.env with deploy/compose/secrets)",
			strings.Join(slices.Compact(missing), ", "))
	}
	return out, order, nil
}

// imageTag returns the tag of a service's image ("" when it has none).
func (s service) imageTag() string {
	i := strings.LastIndex(s.Image, ":")
	if i < 0 || strings.Contains(s.Image[i:], "/") {
		return ""
	}
	return s.Image[i+1:]
}
