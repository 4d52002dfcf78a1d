package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"
	"google.golang.org/grpc"

	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/credstore"
	"github.com/sellmigrate/sellmigrate/internal/ownerlink"
	"github.com/sellmigrate/sellmigrate/keyring"
	"github.com/sellmigrate/sellmigrate/platform/sim"
	"github.com/sellmigrate/sellmigrate/worker"
)

// env is one benchmark's world: the embedded server and the simulator in this process,
// the workers in child processes (so their memory is measured on its own), a client, a
// credential store all processes share, and the HTTP API (api.go).
type env struct {
	dataDir    string
	ownDataDir bool
	stack      Server
	// creds holds the owners' grants and the tokens of accounts the migrations create;
	// credDSN and credKey are how the worker opens the same store.
	creds   *credstore.Store
	credDSN string
	credKey string
	// codecKey encrypts the run's payloads, as in production: the worker gets it too.
	codecKey string
	codec    *codec.Codec
	apiURL   string
	// links signs the owner-login links the responder opens, with a key made for the
	// run (the bench's API is in this process, so nothing else needs it).
	links   *ownerlink.Signer
	stopAPI context.CancelFunc
	apiDone chan error
	sim     *sim.Sim
	simURL  string
	stopSim context.CancelFunc
	simDone chan error
	zendesk zendeskSecrets
	client  client.Client
	workers []*workerProc
	log     *zap.Logger
	// visibility times the lists and counts the embedded server answers.
	visibility *visibilityTimer
}

// workerProc is one worker child process.
type workerProc struct {
	cmd        *exec.Cmd
	done       chan error
	metricsURL string
}

// firstAccountID is where the synthetic Sell accounts start, far above the demo ids.
const firstAccountID = 100000

func startEnv(ctx context.Context, o Options, accounts int) (*env, error) {
	// The server and the simulator log every linked account at info; only problems matter here.
	e := &env{dataDir: o.DataDir, log: o.Logger.WithOptions(zap.IncreaseLevel(zap.WarnLevel)), visibility: newVisibilityTimer()}
	if e.dataDir == "" {
		dir, err := os.MkdirTemp("", "sellmigrate-bench-")
		if err != nil {
			return nil, fmt.Errorf("bench: create a temporary data directory: %w", err)
		}
		e.dataDir, e.ownDataDir = dir, true
	} else if entries, err := os.ReadDir(e.dataDir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("bench: data directory %s is not empty; a benchmark needs a fresh one (or leave --data-dir out for a temporary one)", e.dataDir)
	}
	if err := e.start(ctx, o, accounts); err != nil {
		return nil, errors.Join(err, e.close())
	}
	return e, nil
}

func (e *env) start(ctx context.Context, o Options, accounts int) error {
	ports, err := freePorts(2 + o.Workers)
	if err != nil {
		return err
	}
	stack, err := o.StartServer(ctx, ServerOptions{
		DataDir: e.dataDir, FrontendPort: ports[0], Namespace: namespace,
		SQLiteSynchronous: o.SQLiteSynchronous, SQLiteMaxConns: o.SQLiteMaxConns, DynamicConfig: o.ServerConfig,
		Logger: e.log.Named("temporal"), FrontendInterceptors: []grpc.UnaryServerInterceptor{e.visibility.Interceptor},
	})
	if err != nil {
		return err
	}
	// Kept only once started: close stops what is set, and a failed start left nothing.
	e.stack = stack
	e.simURL = "http://127.0.0.1:" + strconv.Itoa(ports[1])
	if e.zendesk, err = newZendeskSecrets(); err != nil {
		return err
	}
	e.sim, err = sim.New(sim.Config{
		DBPath: filepath.Join(e.dataDir, "sim.db"), BaseURL: e.simURL, Logger: e.log,
		RateLimitPerMinute: o.SimSupportLimitPerMinute,
		PartnerToken:       e.zendesk.partnerToken, SellTokenTemplate: e.zendesk.sellTokenTemplate,
	})
	if err != nil {
		return fmt.Errorf("bench: start the simulator: %w", err)
	}
	if err := e.sim.AddBenchAccounts(ctx, sim.BenchAccounts{FirstID: firstAccountID, Count: accounts, UsersPerAccount: o.UsersPerAccount}); err != nil {
		return err
	}
	simCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	e.stopSim, e.simDone = stop, make(chan error, 1)
	go func() { e.simDone <- sim.Serve(simCtx, "127.0.0.1:"+strconv.Itoa(ports[1]), e.sim.Handler(), e.log) }()

	if err := e.makeCodec(); err != nil {
		return err
	}
	e.client, err = worker.Dial(ctx, worker.DialOptions{Address: e.stack.FrontendAddress(), Namespace: namespace, Logger: e.log, Connection: o.Connection,
		DataConverter: e.codec.DataConverter(), FailureConverter: e.codec.FailureConverter()})
	if err != nil {
		return err
	}
	if err := e.openCredentials(ctx); err != nil {
		return err
	}
	for i := range o.Workers {
		if err := e.startWorker(ctx, o, i+1, ports[2+i]); err != nil {
			return err
		}
	}
	return nil
}

// makeCodec makes the run's payload key: the benchmark measures migrations with their
// payloads encrypted, as every deployment runs them.
func (e *env) makeCodec() error {
	key, err := keyring.NewKey()
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	e.codec, err = codec.Parse([]string{key}, "")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	e.codecKey = key
	return nil
}

// openCredentials makes the run's credential store: a SQLite file in the data directory
// under a key made for this run alone, so nothing outlives it or leaks between runs.
func (e *env) openCredentials(ctx context.Context) error {
	key, err := credstore.NewKey()
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	keys, err := credstore.ParseKeyring([]string{key}, "")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	e.credDSN, e.credKey = "sqlite:"+filepath.Join(e.dataDir, "credentials.db"), key
	e.creds, err = credstore.Open(ctx, e.credDSN, keys)
	if err != nil {
		return fmt.Errorf("bench: open the credential store in %s: %w", e.dataDir, err)
	}
	return nil
}

// startWorker runs worker n, the worker command in a child process pointed at this
// stack, with the floor workflow registered, and waits until its /readyz says it polls.
func (e *env) startWorker(ctx context.Context, o Options, n, metricsPort int) error {
	if len(o.WorkerCommand) == 0 {
		return errors.New("bench: Options.WorkerCommand is empty; give the command that runs a worker")
	}
	set := map[string]string{
		"temporal.address":            e.stack.FrontendAddress(),
		"temporal.namespace":          namespace,
		"zendesk.support_url":         e.simURL + "/zendesk/{subdomain}",
		"zendesk.sell_url":            e.simURL + "/sell",
		"zendesk.partner_token":       e.zendesk.partnerToken,
		"zendesk.sell_token_template": e.zendesk.sellTokenTemplate,
		"worker.metrics_listen":       "127.0.0.1:" + strconv.Itoa(metricsPort),
		"credentials.dsn":             e.credDSN,
		"credentials.keys":            e.credKey,
		// One key: an active_key from the environment would name one it does not have.
		"credentials.active_key":    "",
		"temporal.codec_keys":       e.codecKey,
		"temporal.codec_active_key": "",
	}
	// Its worker polls jobs as dev does, against a simulator of its own whose jobs take
	// sim.job_duration; the environment may still choose otherwise.
	for k, v := range map[string]string{
		"zendesk.job_poll_initial": config.DevJobPollInitial.String(),
		"zendesk.job_poll_max":     config.DevJobPollMax.String(),
	} {
		if os.Getenv(config.EnvVar(k)) == "" {
			set[k] = v
		}
	}
	environ := os.Environ()
	if o.TemporalAddress == "" {
		environ = ownStackEnv(environ, e.dataDir)
	}
	for k, v := range set {
		environ = append(environ, config.EnvVar(k)+"="+v)
	}
	if os.Getenv(config.EnvVar("log.level")) == "" {
		environ = append(environ, config.EnvVar("log.level")+"=warn")
	}
	cmd := exec.Command(o.WorkerCommand[0], o.WorkerCommand[1:]...)
	cmd.Env = environ
	cmd.Stdout = os.Stderr
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return fmt.Errorf("bench: worker output: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("bench: start the worker (%s): %w", strings.Join(o.WorkerCommand, " "), err)
	}
	w := &workerProc{cmd: cmd, done: make(chan error, 1), metricsURL: "http://127.0.0.1:" + strconv.Itoa(metricsPort)}
	e.workers = append(e.workers, w)
	go func() {
		// Forward the worker's log, so its warnings reach the operator.
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			fmt.Fprintf(os.Stderr, "worker-%d: %s\n", n, sc.Text())
		}
		w.done <- cmd.Wait()
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(w.metricsURL + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-w.done:
			w.done <- err
			return fmt.Errorf("bench: worker %d exited before it was ready: %v", n, err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("bench: worker %d was not ready within 60s (see its log above)", n)
		}
	}
}

// workerRSS reads the workers' current and peak resident memory, in MiB, summed over
// the workers (each one's peak, so the sum may exceed what they held at any one time).
func (e *env) workerRSS() (now, peak float64) {
	for _, w := range e.workers {
		n, p := procRSS(fmt.Sprintf("/proc/%d/status", w.cmd.Process.Pid))
		now, peak = now+n, peak+p
	}
	return now, peak
}

// procRSS reads VmRSS and VmHWM (the peak) from a /proc status file, in MiB.
func procRSS(path string) (now, peak float64) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		kb, err := strconv.ParseFloat(fields[1], 64)
		if err != nil {
			continue
		}
		switch fields[0] {
		case "VmRSS:":
			now = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return now, peak
}

// close stops the worker (SIGINT: a graceful stop), the simulator and the server, and
// removes a temporary data directory.
func (e *env) close() error {
	var errs []error
	if e.stopAPI != nil {
		e.stopAPI()
		if err := <-e.apiDone; err != nil {
			errs = append(errs, err)
		}
	}
	for _, w := range e.workers {
		_ = w.cmd.Process.Signal(syscall.SIGINT)
	}
	for _, w := range e.workers {
		select {
		case <-w.done:
		case <-time.After(30 * time.Second):
			_ = w.cmd.Process.Kill()
			<-w.done
		}
	}
	if e.client != nil {
		e.client.Close()
	}
	if e.stopSim != nil {
		e.stopSim()
		if err := <-e.simDone; err != nil {
			errs = append(errs, err)
		}
	}
	if e.sim != nil {
		errs = append(errs, e.sim.Close())
	}
	if e.creds != nil {
		errs = append(errs, e.creds.Close())
	}
	if e.stack != nil {
		errs = append(errs, e.stack.Stop())
	}
	if e.ownDataDir {
		errs = append(errs, os.RemoveAll(e.dataDir))
	}
	return errors.Join(errs...)
}

// freePorts reserves n loopback ports and releases them for the caller to bind.
func freePorts(n int) ([]int, error) {
	var out []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("bench: find a free loopback port: %w", err)
		}
		lns = append(lns, ln)
		out = append(out, ln.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}

// cpuSeconds is the user+system CPU time of this process and of the workers so far.
func (e *env) cpuSeconds() (server, worker float64) {
	server = procCPU("/proc/self/stat")
	for _, w := range e.workers {
		worker += procCPU(fmt.Sprintf("/proc/%d/stat", w.cmd.Process.Pid))
	}
	return server, worker
}

// procCPU reads utime+stime from a /proc stat file, in seconds (USER_HZ is 100 on
// Linux); 0 if unreadable.
func procCPU(path string) float64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; the fields after its ")" are fixed.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return (u + st) / 100
}
