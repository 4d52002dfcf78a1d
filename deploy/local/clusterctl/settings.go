package main

import (
	"flag"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
)

// settingsCmd prints, as shell assignments, what the local cluster takes from the compose
// file: the Temporal version of the images, the history shards, the dynamic config file,
// the namespace and its retention, and the database user and password.
func settingsCmd(args []string) error {
	fs := flag.NewFlagSet("settings", flag.ContinueOnError)
	file := fs.String("compose", "docker-compose.yml", "the compose file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := settings(*file, os.LookupEnv)
	if err != nil {
		return err
	}
	printAssignments("", s)
	return nil
}

// printAssignments prints vars as shell assignments (each after prefix, e.g. "export "),
// sorted by name, their values quoted for the shell.
func printAssignments(prefix string, vars map[string]string) {
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Printf("%s%s=%s\n", prefix, k, shellQuote(vars[k]))
	}
}

func settings(file string, lookup func(string) (string, bool)) (map[string]string, error) {
	c, err := loadCompose(file)
	if err != nil {
		return nil, err
	}
	server, err := c.service("temporal")
	if err != nil {
		return nil, err
	}
	tools, err := c.service("temporal-schema")
	if err != nil {
		return nil, err
	}
	ns, err := c.service("temporal-namespace")
	if err != nil {
		return nil, err
	}
	if server.imageTag() == "" || server.imageTag() != tools.imageTag() {
		return nil, fmt.Errorf("%s: the temporal service's image %q and temporal-schema's %q must name one version", file, server.Image, tools.Image)
	}
	senv, _, err := server.environment(lookup)
	if err != nil {
		return nil, fmt.Errorf("the temporal service: %w", err)
	}
	nsenv, _, err := ns.environment(lookup)
	if err != nil {
		return nil, fmt.Errorf("the temporal-namespace service: %w", err)
	}
	out := map[string]string{
		"COMPOSE_TEMPORAL_VERSION":    server.imageTag(),
		"COMPOSE_HISTORY_SHARDS":      senv["NUM_HISTORY_SHARDS"],
		"COMPOSE_DB_USER":             senv["POSTGRES_USER"],
		"COMPOSE_DB_PASSWORD":         senv["POSTGRES_PWD"],
		"COMPOSE_NAMESPACE":           nsenv["NAMESPACE"],
		"COMPOSE_NAMESPACE_RETENTION": nsenv["NAMESPACE_RETENTION"],
		"COMPOSE_DYNAMIC_CONFIG":      "",
		"COMPOSE_SQL_PLUGIN":          senv["DB"],
	}
	// The dynamic config file is the host side of the volume mounted over the directory
	// of DYNAMIC_CONFIG_FILE_PATH.
	dir := path.Dir(senv["DYNAMIC_CONFIG_FILE_PATH"])
	for _, v := range server.Volumes {
		host, rest, ok := strings.Cut(v, ":")
		target, _, _ := strings.Cut(rest, ":")
		if ok && target == dir {
			out["COMPOSE_DYNAMIC_CONFIG"] = path.Join(host, path.Base(senv["DYNAMIC_CONFIG_FILE_PATH"]))
		}
	}
	for k, v := range out {
		if v == "" {
			return nil, fmt.Errorf("%s: found no value for %s; the local cluster reads it from the temporal, temporal-schema and temporal-namespace services", file, k)
		}
	}
	return out, nil
}

// shellQuote quotes v for a POSIX shell.
func shellQuote(v string) string {
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
