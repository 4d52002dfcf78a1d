package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ports are where the local cluster's parts listen, all on 127.0.0.1.
type ports struct {
	Postgres, Frontend, Sim, API, SMTP int
	// APIAdmin serves the API's /metrics and /readyz (api.admin_listen).
	APIAdmin int
}

// composeHost matches an address inside the compose network: one of its services' names
// as a host, or a container's every-interface address.
func composeHost(c compose) *regexp.Regexp {
	names := make([]string, 0, len(c.Services))
	for name := range c.Services {
		names = append(names, regexp.QuoteMeta(name))
	}
	sort.Strings(names)
	return regexp.MustCompile(`(^|[/@])(` + strings.Join(names, "|") + `)(:[0-9]+|/|$)|0\.0\.0\.0`)
}

// userinfo matches a URL's user:password@. It names no address, though a random
// password may read like one: postgres://temporal:7233…@ is user temporal, not the
// temporal service's port.
var userinfo = regexp.MustCompile(`://[^/@\s]*@`)

// outsideUserinfo applies f to the parts of v outside any URL's userinfo, which it
// keeps as it is.
func outsideUserinfo(v string, f func(string) string) string {
	var b strings.Builder
	last := 0
	for _, m := range userinfo.FindAllStringIndex(v, -1) {
		b.WriteString(f(v[last:m[0]]))
		b.WriteString(v[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(f(v[last:]))
	return b.String()
}

// roleEnv is one of our roles' environment on the local cluster: the compose service's,
// with each address inside the compose network replaced by the loopback port of the same
// part here. Anything that still names a compose host afterwards is an error, so a new
// address in docker-compose.yml cannot reach the local cluster unmapped.
func roleEnv(file, role string, p ports, simDataDir, metricsListen string, lookup func(string) (string, bool)) (map[string]string, error) {
	c, err := loadCompose(file)
	if err != nil {
		return nil, err
	}
	if role == "cli" {
		worker, err := roleEnv(file, "worker", p, simDataDir, metricsListen, lookup)
		if err != nil {
			return nil, err
		}
		api, err := roleEnv(file, "api", p, simDataDir, metricsListen, lookup)
		if err != nil {
			return nil, err
		}
		// The CLI dials as the worker does, with its payload key (it reads and writes
		// the same encrypted payloads), opens the workers' credential store (for
		// `sellmigrate credentials`), and finds the owner login page where the API's
		// public URL says; TEMPORAL_* serve the temporal CLI, if one is installed.
		return map[string]string{
			"SELLMIGRATE_CREDENTIALS_DSN":           worker["SELLMIGRATE_CREDENTIALS_DSN"],
			"SELLMIGRATE_CREDENTIALS_KEYS":          worker["SELLMIGRATE_CREDENTIALS_KEYS"],
			"SELLMIGRATE_CREDENTIALS_ACTIVE_KEY":    worker["SELLMIGRATE_CREDENTIALS_ACTIVE_KEY"],
			"SELLMIGRATE_TEMPORAL_CODEC_KEYS":       worker["SELLMIGRATE_TEMPORAL_CODEC_KEYS"],
			"SELLMIGRATE_TEMPORAL_CODEC_ACTIVE_KEY": worker["SELLMIGRATE_TEMPORAL_CODEC_ACTIVE_KEY"],
			"SELLMIGRATE_API_PUBLIC_URL":            api["SELLMIGRATE_API_PUBLIC_URL"],
			"SELLMIGRATE_API_OWNER_LINK_KEY":        api["SELLMIGRATE_API_OWNER_LINK_KEY"],
			"SELLMIGRATE_TEMPORAL_ADDRESS":          worker["SELLMIGRATE_TEMPORAL_ADDRESS"],
			"SELLMIGRATE_TEMPORAL_NAMESPACE":        worker["SELLMIGRATE_TEMPORAL_NAMESPACE"],
			"TEMPORAL_ADDRESS":                      worker["SELLMIGRATE_TEMPORAL_ADDRESS"],
			"TEMPORAL_NAMESPACE":                    worker["SELLMIGRATE_TEMPORAL_NAMESPACE"],
		}, nil
	}
	s, err := c.service(role)
	if err != nil {
		return nil, err
	}
	env, _, err := s.environment(lookup)
	if err != nil {
		return nil, fmt.Errorf("the %s service: %w", role, err)
	}
	loop := func(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }
	replacer := strings.NewReplacer(
		"postgresql:5432", loop(p.Postgres),
		"temporal:7233", loop(p.Frontend),
		"sim:8081", loop(p.Sim),
		"0.0.0.0:8081", loop(p.Sim),
		"127.0.0.1:8081", loop(p.Sim),
		"0.0.0.0:8080", loop(p.API),
		"127.0.0.1:8080", loop(p.API),
	)
	for k, v := range env {
		env[k] = outsideUserinfo(v, replacer.Replace)
	}
	// What differs on one machine: several processes share its address space and disk.
	local := map[string]string{}
	switch role {
	case "sim":
		local["SELLMIGRATE_SIM_DATA_DIR"] = simDataDir
		local["SELLMIGRATE_SIM_SMTP_LISTEN"] = loop(p.SMTP)
	case "worker":
		// Compose runs one worker per container, each on the default metrics port.
		local["SELLMIGRATE_WORKER_METRICS_LISTEN"] = metricsListen
	case "api":
		// The local cluster runs no Temporal Web UI; the dashboard's links then point at
		// the default address, where a UI may be.
		delete(env, "SELLMIGRATE_API_TEMPORAL_UI_URL")
		local["SELLMIGRATE_API_ADMIN_LISTEN"] = loop(p.APIAdmin)
	}
	hosts := composeHost(c)
	for k, v := range env {
		if _, ok := local[k]; ok {
			continue
		}
		if m := hosts.FindString(userinfo.ReplaceAllString(v, "://")); m != "" {
			return nil, fmt.Errorf("%s: %s of the %s service is %q, which names %q of the compose network; map it in deploy/local/clusterctl/env.go", file, k, role, v, m)
		}
	}
	for k, v := range local {
		env[k] = v
	}
	return env, nil
}

func envCmd(args []string) error {
	fs := flag.NewFlagSet("env", flag.ContinueOnError)
	file := fs.String("compose", "docker-compose.yml", "the compose file")
	role := fs.String("role", "cli", "worker, api, sim, or cli (what the sellmigrate CLI needs)")
	var p ports
	fs.IntVar(&p.Postgres, "postgres-port", 0, "PostgreSQL's port")
	fs.IntVar(&p.Frontend, "frontend-port", 0, "the Temporal frontend's port")
	fs.IntVar(&p.Sim, "sim-port", 0, "the simulator's port")
	fs.IntVar(&p.API, "api-port", 0, "the API's port")
	fs.IntVar(&p.SMTP, "smtp-port", 0, "the simulator's SMTP sink's port")
	fs.IntVar(&p.APIAdmin, "api-admin-port", 0, "the API's /metrics and /readyz port")
	simDir := fs.String("sim-data-dir", "", "the simulator's data directory")
	metrics := fs.String("metrics-listen", "", "the worker's metrics and health address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if p.Postgres == 0 || p.Frontend == 0 || p.Sim == 0 || p.API == 0 || p.SMTP == 0 || p.APIAdmin == 0 || *metrics == "" {
		return fmt.Errorf("env needs every port and -metrics-listen; deploy/local/cluster passes them")
	}
	if *role == "sim" && *simDir == "" {
		return fmt.Errorf("env -role sim needs -sim-data-dir")
	}
	env, err := roleEnv(*file, *role, p, *simDir, *metrics, os.LookupEnv)
	if err != nil {
		return err
	}
	printAssignments("export ", env)
	return nil
}
