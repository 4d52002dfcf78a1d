package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/config"
)

// These tests keep deploy/local/cluster in step with docker-compose.yml: the cluster
// takes its version, shards, dynamic config, namespace and our roles' environment from
// the compose file through this program, so what they check is that the compose file
// still says all of it and that what comes out would start our roles.

const composeFile = "../../../docker-compose.yml"

var testPorts = ports{Postgres: 15432, Frontend: 17233, Sim: 18081, API: 18080, SMTP: 12525, APIAdmin: 18091}

func noEnv(string) (string, bool) { return "", false }

// dbPassword is the environment deploy/local/cluster gives `clusterctl settings`: its
// own PostgreSQL's password, which the compose file requires.
func dbPassword(k string) (string, bool) {
	if k == "TEMPORAL_DB_PASSWORD" {
		return "cluster-db-password", true
	}
	return "", false
}

func TestSettingsNameTheServerGoModPins(t *testing.T) {
	s, err := settings(composeFile, dbPassword)
	if err != nil {
		t.Fatal(err)
	}
	if got := s["COMPOSE_DB_PASSWORD"]; got != "cluster-db-password" {
		t.Errorf("COMPOSE_DB_PASSWORD = %q, want the TEMPORAL_DB_PASSWORD the cluster gives", got)
	}
	gomod, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*go\.temporal\.io/server v(\S+)`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod does not require go.temporal.io/server")
	}
	// The cluster builds the server go.mod pins; compose pulls the images it names.
	if got, want := s["COMPOSE_TEMPORAL_VERSION"], string(m[1]); got != want {
		t.Errorf("docker-compose.yml runs Temporal %s, go.mod pins %s: the local cluster and compose would differ; make them one version", got, want)
	}
	if got := s["COMPOSE_HISTORY_SHARDS"]; got != "4" {
		t.Errorf("compose's NUM_HISTORY_SHARDS is %q; the cluster's default is the issue's 4, change both together", got)
	}
	if _, err := os.Stat(filepath.Join("../../..", s["COMPOSE_DYNAMIC_CONFIG"])); err != nil {
		t.Errorf("the dynamic config file compose mounts is not there: %v", err)
	}
	if s["COMPOSE_NAMESPACE"] != "default" || s["COMPOSE_SQL_PLUGIN"] != "postgres12" {
		t.Errorf("namespace %q, SQL plugin %q; the cluster script applies the postgres12 schemas", s["COMPOSE_NAMESPACE"], s["COMPOSE_SQL_PLUGIN"])
	}
}

// TestRoleEnvStartsEachRole gives config.Load each role's environment, as the role would
// see it on the local cluster: a value it would refuse at start fails here.
func TestRoleEnvStartsEachRole(t *testing.T) {
	roles := map[string]config.Role{"worker": config.RoleWorker, "api": config.RoleAPI, "sim": config.RoleSim}
	for name, role := range roles {
		t.Run(name, func(t *testing.T) {
			env, err := roleEnv(composeFile, name, testPorts, t.TempDir(), "127.0.0.1:19090", clusterSecrets(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Setenv(config.FileEnvVar, "")
			for _, k := range config.Keys() {
				t.Setenv(config.EnvVar(k), "")
			}
			for k, v := range env {
				t.Setenv(k, v)
			}
			cfg, err := config.Load(config.Options{Role: role})
			if err != nil {
				t.Fatalf("%s would not start on the local cluster: %v", name, err)
			}
			if name == "sim" {
				return
			}
			// A port of its own: compose's is inside the api's container, here it would
			// meet a dev stack's on the same machine.
			if name == "api" && cfg.API.AdminListen != "127.0.0.1:18091" {
				t.Errorf("api serves /metrics and /readyz on %q, not the cluster's 127.0.0.1:18091", cfg.API.AdminListen)
			}
			if cfg.Temporal.Address != "127.0.0.1:17233" {
				t.Errorf("%s dials %s, not the cluster's frontend", name, cfg.Temporal.Address)
			}
			// The owner's grant the API stores is the one the worker acts with.
			if !strings.Contains(cfg.Credentials.DSN, "@127.0.0.1:15432/") {
				t.Errorf("%s's credential store is %q, not the cluster's PostgreSQL", name, cfg.Credentials.DSN)
			}
		})
	}
}

// TestCLIEnvOpensTheWorkersStores: `sellmigrate credentials add` run with `cluster env
// cli` stores the token where the workers read it, and the CLI seals payloads as they do.
func TestCLIEnvOpensTheWorkersStores(t *testing.T) {
	secrets := clusterSecrets(t)
	worker, err := roleEnv(composeFile, "worker", testPorts, "", "127.0.0.1:19090", secrets)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := roleEnv(composeFile, "cli", testPorts, "", "127.0.0.1:19090", secrets)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"SELLMIGRATE_CREDENTIALS_DSN", "SELLMIGRATE_CREDENTIALS_KEYS", "SELLMIGRATE_TEMPORAL_CODEC_KEYS", "SELLMIGRATE_TEMPORAL_ADDRESS"} {
		if cli[k] == "" || cli[k] != worker[k] {
			t.Errorf("cli %s = %q, want the worker's %q", k, cli[k], worker[k])
		}
	}
}

func TestRoleEnvTakesOverridesAsComposeDoes(t *testing.T) {
	secrets := clusterSecrets(t)
	lookup := func(k string) (string, bool) {
		if k == "CREDENTIALS_KEYS" {
			return "k1:c2VjcmV0", true
		}
		return secrets(k)
	}
	env, err := roleEnv(composeFile, "worker", testPorts, "", "127.0.0.1:19090", lookup)
	if err != nil {
		t.Fatal(err)
	}
	if got := env["SELLMIGRATE_CREDENTIALS_KEYS"]; got != "k1:c2VjcmV0" {
		t.Errorf("SELLMIGRATE_CREDENTIALS_KEYS = %q, want the CREDENTIALS_KEYS override (the cluster's own key)", got)
	}
}

func TestRoleEnvRefusesAnUnmappedComposeAddress(t *testing.T) {
	file := filepath.Join(t.TempDir(), "docker-compose.yml")
	compose := `services:
  mailer: {image: "x:1"}
  worker:
    environment:
      SELLMIGRATE_NOTIFY_SMTP_HOST: "mailer:25"
`
	if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := roleEnv(file, "worker", testPorts, "", "127.0.0.1:19090", noEnv)
	if err == nil || !strings.Contains(err.Error(), "SELLMIGRATE_NOTIFY_SMTP_HOST") || !strings.Contains(err.Error(), "mailer") {
		t.Fatalf("an address of a compose service the cluster does not map passed: %v", err)
	}
}

// TestScriptAppliesTheSchemasAsCompose: the cluster script and compose's schema job run
// the same temporal-sql-tool steps on the same databases.
func TestScriptAppliesTheSchemasAsCompose(t *testing.T) {
	job, err := os.ReadFile("../../temporal/scripts/setup-schema.sh")
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("../cluster")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"setup-schema -v 0.0", "update-schema -d", "for db in temporal temporal_visibility", "/visibility/versioned", "postgresql/v12"} {
		if !strings.Contains(string(job), step) {
			t.Errorf("deploy/temporal/scripts/setup-schema.sh no longer has %q; update deploy/local/cluster's setup_schema with it, then this test", step)
		}
		if !strings.Contains(string(script), step) {
			t.Errorf("deploy/local/cluster's setup_schema lacks %q, which compose's schema job runs", step)
		}
	}
}
