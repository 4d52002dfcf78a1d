package main

import (
	"fmt"
	"os"
	"regexp"
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

// composeVar matches $$ and ${VAR}, ${VAR-default}, ${VAR:-default}.
var composeVar = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?\}`)

// interpolate expands variables as Compose does, from lookup (the caller's environment,
// as Compose reads the shell's), so an override such as CREDENTIALS_KEYS applies to the
// local cluster exactly as it does to compose.
func interpolate(v string, lookup func(string) (string, bool)) string {
	return composeVar.ReplaceAllStringFunc(v, func(m string) string {
		if m == "$$" {
			return "$"
		}
		sub := composeVar.FindStringSubmatch(m)
		val, ok := lookup(sub[1])
		switch {
		case sub[2] == "":
			return val
		case strings.HasPrefix(sub[2], ":-") && (!ok || val == ""):
			return sub[3]
		case !ok:
			return sub[3]
		}
		return val
	})
}

// environment returns the service's environment, map or list form, interpolated.
func (s service) environment(lookup func(string) (string, bool)) (map[string]string, []string) {
	out := map[string]string{}
	var order []string
	add := func(k, v string) {
		if _, seen := out[k]; !seen {
			order = append(order, k)
		}
		out[k] = interpolate(v, lookup)
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
	return out, order
}

// imageTag returns the tag of a service's image ("" when it has none).
func (s service) imageTag() string {
	i := strings.LastIndex(s.Image, ":")
	if i < 0 || strings.Contains(s.Image[i:], "/") {
		return ""
	}
	return s.Image[i+1:]
}
