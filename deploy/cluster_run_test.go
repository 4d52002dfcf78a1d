//go:build cluster

package deploy_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// cluster drives deploy/local/cluster as a person would: the test runs the script and
// reads nothing of its internals but the pid files `stop` works from.
type cluster struct {
	dir  string
	env  []string
	base int               // the frontend's port; the other ports are offsets from it
	cli  map[string]string // `cluster env cli`, once read
}

// Offsets of each port from the frontend's: history +1, matching +2, worker +6 and
// membership 300 below each (the script's layout), then ours.
const (
	offPostgres = 20
	offSim      = 21
	offAPI      = 22
	offSMTP     = 23
	offMetrics  = 24 // and +25 for the second worker
	offAPIAdmin = 26
)

var clusterPortOffsets = []int{0, 1, 2, 6, -300, -299, -298, -294, offPostgres, offSim, offAPI, offSMTP, offMetrics, offMetrics + 1, offAPIAdmin}

// newCluster picks a base port whose every port is free and a data dir the postgres
// user can enter (PostgreSQL refuses to run as root, so the script runs it as postgres).
func newCluster(t *testing.T) *cluster {
	t.Helper()
	dir, err := os.MkdirTemp("", "sellmigrate-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !t.Failed() {
			_ = os.RemoveAll(dir)
		} else {
			t.Logf("the cluster's data dir and logs are kept in %s", dir)
		}
	})
	base := 0
	for try := 0; try < 50 && base == 0; try++ {
		// Temporal keeps the services' ports in a smallint column: all stay below 32768.
		b := 21000 + rand.N(11000)
		if portsFree(b) {
			base = b
		}
	}
	if base == 0 {
		t.Fatal("found no free range of ports on 127.0.0.1 for the cluster in 50 tries")
	}
	c := &cluster{dir: dir, base: base}
	c.env = append(os.Environ(),
		"CLUSTER_DIR="+dir,
		"CLUSTER_FRONTEND_PORT="+strconv.Itoa(base),
		"CLUSTER_PG_PORT="+strconv.Itoa(base+offPostgres),
		"CLUSTER_SIM_PORT="+strconv.Itoa(base+offSim),
		"CLUSTER_API_PORT="+strconv.Itoa(base+offAPI),
		"CLUSTER_SMTP_PORT="+strconv.Itoa(base+offSMTP),
		"CLUSTER_METRICS_PORT="+strconv.Itoa(base+offMetrics),
		"CLUSTER_API_ADMIN_PORT="+strconv.Itoa(base+offAPIAdmin),
	)
	// Binaries built once per machine, when the run names a place for them.
	if cache := os.Getenv("SELLMIGRATE_CLUSTER_BIN"); cache != "" {
		if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"temporal-server", "temporal-sql-tool"} {
			if _, err := os.Stat(filepath.Join(cache, name)); err == nil {
				if err := os.Symlink(filepath.Join(cache, name), filepath.Join(dir, "bin", name)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return c
}

func portsFree(base int) bool {
	for _, off := range clusterPortOffsets {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(base+off)))
		if err != nil {
			return false
		}
		_ = l.Close()
	}
	return true
}

func (c *cluster) addr(off int) string { return "127.0.0.1:" + strconv.Itoa(c.base+off) }
func (c *cluster) frontend() string    { return c.addr(0) }
func (c *cluster) simURL() string      { return "http://" + c.addr(offSim) }
func (c *cluster) apiURL() string      { return "http://" + c.addr(offAPI) }

// adminToken is the api's admin token: the first of API_ADMIN_TOKENS in the secrets
// the script made for this cluster (CLUSTER_DIR/compose.env) on its first `up`.
func (c *cluster) adminToken(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, "compose.env"))
	if err != nil {
		t.Fatalf("read the cluster's secrets (made by up): %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "API_ADMIN_TOKENS="); ok {
			tok, _, _ := strings.Cut(strings.TrimSpace(v), ",")
			return tok
		}
	}
	t.Fatalf("%s/compose.env has no API_ADMIN_TOKENS", c.dir)
	return ""
}

// run runs the script with args, bounded by timeout, and returns its output.
func (c *cluster) run(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "local/cluster", args...)
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("deploy/local/cluster %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// up starts what is not running; later ups keep the binaries the first one built.
func (c *cluster) up(t *testing.T, timeout time.Duration) {
	t.Helper()
	if _, err := c.run(timeout, "up"); err != nil {
		t.Fatal(err)
	}
	if !contains(c.env, "CLUSTER_KEEP_BINARIES=1") {
		c.env = append(c.env, "CLUSTER_KEEP_BINARIES=1")
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// pid reads the pid file of one of the script's parts (0 when there is none).
func (c *cluster) pid(name string) int {
	b, err := os.ReadFile(filepath.Join(c.dir, "run", name+".pid"))
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

// down stops everything and checks the script's processes are gone.
func (c *cluster) down(t *testing.T) {
	t.Helper()
	pids := map[string]int{}
	for _, name := range []string{"api", "worker-1", "worker-2", "sim", "temporal-frontend", "temporal-history", "temporal-matching", "temporal-worker"} {
		pids[name] = c.pid(name)
	}
	if _, err := c.run(3*time.Minute, "down"); err != nil {
		t.Error(err)
	}
	for name, pid := range pids {
		if pid != 0 && processAlive(pid) {
			t.Errorf("%s (pid %d) still runs after down", name, pid)
		}
	}
	if out, err := c.run(time.Minute, "status"); err == nil {
		t.Errorf("status says something still runs after down:\n%s", out)
	}
}

func processAlive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// A zombie has exited; only its parent's wait is missing.
	fields := strings.Fields(string(b))
	return len(fields) > 2 && fields[2] != "Z"
}

func (c *cluster) logTail(name string) string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "log", name+".log"))
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// cliEnv is what `cluster env cli` exports: the settings the sellmigrate CLI needs.
func (c *cluster) cliEnv(t *testing.T) map[string]string {
	t.Helper()
	out, err := c.run(time.Minute, "env", "cli")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		name, value, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "export "), "=")
		if ok {
			env[name] = strings.Trim(value, `'"`)
		}
	}
	return env
}

// codec is the payload codec of the cluster's CLI: the keys `cluster env cli` exports.
func (c *cluster) codec(t *testing.T) *codec.Codec {
	t.Helper()
	env := c.cliEnv(t)
	if env["SELLMIGRATE_TEMPORAL_CODEC_KEYS"] == "" {
		t.Fatalf("cluster env cli exports no SELLMIGRATE_TEMPORAL_CODEC_KEYS: %v", env)
	}
	pc, err := codec.Parse(strings.Split(env["SELLMIGRATE_TEMPORAL_CODEC_KEYS"], ","), env["SELLMIGRATE_TEMPORAL_CODEC_ACTIVE_KEY"])
	if err != nil {
		t.Fatal(err)
	}
	return pc
}

// addOperatorToken stores the simulator's API token of subdomain's admin email as an
// operator would: `sellmigrate credentials add` with the settings `cluster env cli`
// exports, the token on standard input.
func (c *cluster) addOperatorToken(t *testing.T, subdomain, email string) {
	t.Helper()
	if c.cli == nil {
		c.cli = c.cliEnv(t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(c.dir, "bin", "sellmigrate"), "credentials", "add",
		"--subdomain", subdomain, "--email", email, "--token-file", "-")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + c.dir}
	for k, v := range c.cli {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = strings.NewReader(sim.DemoAPIToken(subdomain) + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("store an operator token for %s: %v\n%s", subdomain, err, out)
	}
}
