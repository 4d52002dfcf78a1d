package harness

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sellmigrate/sellmigrate/config"
)

// Timeouts of the stack's life.
const (
	// DevReadyTimeout bounds a `sellmigrate dev` start; it takes about a second here,
	// much longer when every test starts at once on two cores.
	DevReadyTimeout = 2 * time.Minute
	// StopTimeout bounds a clean stop (the worker drains, then the server stops).
	StopTimeout = time.Minute
)

// DevOptions configures one `sellmigrate dev`.
type DevOptions struct {
	// DataDir holds the state; starting again on it resumes every migration.
	DataDir string
	// LogDir receives <Name>.log; default DataDir.
	LogDir string
	// Name names the process in logs and errors; default "dev".
	Name string
	// NoWorker runs the stack without a worker (`--no-worker`): workers are separate.
	NoWorker bool
	// UI serves the Temporal Web UI on a free port; off (`--ui-port -1`) by default.
	UI bool
	// TLS runs `dev --tls`: the frontend requires mTLS, and every command and client
	// of the harness uses the environment dev prints (see ClientEnv).
	TLS bool
	// Settings are config for dev and for every command run against the stack, on top
	// of the test defaults (quiet logs, short retries).
	Settings Settings
}

// Dev is `sellmigrate dev` in a child process, on free loopback ports that stay the
// same across restarts.
type Dev struct {
	// Bins: dev runs the full build; the worker, the api and every command run against
	// the stack run the lean one, as in production.
	Bins Binaries
	Opts DevOptions
	// TemporalAddress is the frontend host:port; SimURL, APIURL and UIURL are base URLs
	// (UIURL is empty without the UI); SMTPAddr is the simulator's SMTP sink.
	TemporalAddress, SimURL, APIURL, UIURL, SMTPAddr string
	// MetricsURL serves the worker's /metrics, /healthz and /readyz; APIAdminURL the
	// API's /metrics and /readyz (api.admin_listen).
	MetricsURL, APIAdminURL string
	ports                   devPorts
	secrets                 Settings
	proc                    *Proc
	clientEnv               []string // what dev --tls printed for clients
	sdk                     sdk
}

type devPorts struct{ temporal, sim, smtp, api, apiAdmin, ui, metrics int }

// NewDev picks the ports; Start runs it.
func NewDev(bins Binaries, o DevOptions) (*Dev, error) {
	if o.DataDir == "" {
		return nil, errors.New("harness: DevOptions.DataDir is required")
	}
	if o.LogDir == "" {
		o.LogDir = o.DataDir
	}
	if o.Name == "" {
		o.Name = "dev"
	}
	var p devPorts
	for _, port := range []*int{&p.temporal, &p.sim, &p.smtp, &p.api, &p.apiAdmin, &p.metrics} {
		n, err := FreePort()
		if err != nil {
			return nil, err
		}
		*port = n
	}
	p.ui = -1
	secrets, err := newStackSecrets()
	if err != nil {
		return nil, err
	}
	d := &Dev{Bins: bins, Opts: o, ports: p, secrets: secrets,
		TemporalAddress: Addr(p.temporal),
		SimURL:          "http://" + Addr(p.sim),
		APIURL:          "http://" + Addr(p.api),
		SMTPAddr:        Addr(p.smtp),
		MetricsURL:      "http://" + Addr(p.metrics),
		APIAdminURL:     "http://" + Addr(p.apiAdmin),
	}
	if o.UI {
		n, err := FreePort()
		if err != nil {
			return nil, err
		}
		d.ports.ui, d.UIURL = n, "http://"+Addr(n)
	}
	return d, nil
}

// StartDev picks the ports and starts the stack.
func StartDev(bins Binaries, o DevOptions) (*Dev, error) {
	d, err := NewDev(bins, o)
	if err != nil {
		return nil, err
	}
	return d, d.Start()
}

// Start runs `sellmigrate dev` (again, after Stop or Kill) and waits until it says it
// is running and its simulator answers.
func (d *Dev) Start() error {
	if d.proc != nil && !d.proc.Exited() {
		return fmt.Errorf("%s is already running", d.Opts.Name)
	}
	args := []string{"dev", "--data-dir", d.Opts.DataDir,
		"--temporal-port", strconv.Itoa(d.ports.temporal), "--ui-port", strconv.Itoa(d.ports.ui),
		"--sim-listen", Addr(d.ports.sim), "--sim-smtp-listen", Addr(d.ports.smtp), "--api-listen", Addr(d.ports.api)}
	if d.Opts.NoWorker {
		args = append(args, "--no-worker")
	}
	if d.Opts.TLS {
		args = append(args, "--tls")
	}
	before := 0
	if d.proc != nil {
		before = len(d.proc.LogText()) // the log file is appended to across restarts
	}
	p, err := StartProc(d.Bins.Full, d.Opts.LogDir, d.Opts.Name, args, d.Env(Settings{"worker.metrics_listen": Addr(d.ports.metrics), "api.admin_listen": Addr(d.ports.apiAdmin)}))
	if err != nil {
		return err
	}
	d.proc = p
	err = p.waitFor("sellmigrate dev is running", DevReadyTimeout, func() bool {
		log := p.LogText()
		// Under TLS the client environment follows the banner, in one write.
		return len(log) > before && strings.Contains(log[before:], "sellmigrate dev is running") && httpOK(d.SimURL+"/_sim/healthz") &&
			(!d.Opts.TLS || strings.Contains(log[before:], "export TEMPORAL_TLS_CLIENT_CERT_PATH="))
	})
	if err == nil && d.Opts.TLS {
		d.clientEnv = printedClientEnv(p.LogText()[before:])
	}
	return err
}

// Env is the environment of a command run against this stack: the test defaults, the
// stack's secrets and settings, its Temporal and API addresses, then extra.
func (d *Dev) Env(extra ...Settings) []string {
	// api.listen: `signal ID owner-login` opens the stack's owner login page.
	// dev.data_dir: every role finds dev's payload key there (config.DevCodecKey), and
	// its owner-login link key (config.DevOwnerLinkKey).
	// Under TLS, Temporal's address and certificates come only from what dev printed.
	stack := Settings{"temporal.address": d.TemporalAddress, "api.listen": Addr(d.ports.api), "dev.data_dir": d.Opts.DataDir}
	if d.Opts.TLS {
		delete(stack, "temporal.address")
	}
	base := []Settings{testDefaults, d.secrets, d.Opts.Settings, stack}
	return append(childEnv(append(base, extra...)...), d.clientEnv...)
}

// Stop stops the stack cleanly (SIGTERM); it must exit 0.
func (d *Dev) Stop() error {
	if d.proc == nil {
		return nil
	}
	return d.proc.Stop(StopTimeout)
}

// Shutdown stops the stack cleanly (it must exit 0) and closes the SDK client.
func (d *Dev) Shutdown() error {
	d.closeClient()
	return d.Stop()
}

// Kill crashes the stack (SIGKILL): no clean-up, no WAL checkpoint.
func (d *Dev) Kill() {
	if d.proc != nil {
		d.proc.Kill()
	}
}

// Proc is the running dev process.
func (d *Dev) Proc() *Proc { return d.proc }

// Banner is what dev printed (its whole log, banner included).
func (d *Dev) Banner() string {
	if d.proc == nil {
		return ""
	}
	return d.proc.LogText()
}

// WorkerSettings point a `sellmigrate worker` at this stack's simulator and at dev's
// credential store (the worker acts in Zendesk only with stored credentials: the owner
// grants the API stored, the tokens of accounts the stack created), and give it a
// metrics port of its own (two may run side by side). The stack's partner token and
// Sell token template come with Env. Dev writes its key on start, so this is called
// once the stack is running.
func (d *Dev) WorkerSettings() (Settings, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	dsn, key, err := d.CredentialStore()
	if err != nil {
		return nil, err
	}
	return Settings{
		"zendesk.support_url":   d.SimURL + "/zendesk/{subdomain}",
		"zendesk.sell_url":      d.SimURL + "/sell",
		"credentials.dsn":       dsn,
		"credentials.keys":      key,
		"worker.metrics_listen": Addr(port),
	}, nil
}

// CredentialStore is dev's credential store: its DSN and the key dev made for it.
func (d *Dev) CredentialStore() (dsn, key string, err error) {
	keyFile := filepath.Join(d.Opts.DataDir, config.DevCredentialsKey)
	raw, err := os.ReadFile(keyFile)
	if err != nil {
		return "", "", fmt.Errorf("harness: read dev's credentials key (dev writes it on start; is %s running?): %w", d.Opts.Name, err)
	}
	return "sqlite:" + filepath.Join(d.Opts.DataDir, config.DevCredentialsDB), strings.TrimSpace(string(raw)), nil
}

// SpawnWorker runs `sellmigrate worker` (the lean build) against this stack, logging to
// logDir/name.log, without waiting for it to poll: a supervisor's restart while the
// stack is down may exit at once. It returns the worker's /readyz URL, which answers
// 200 once the worker polls.
func (d *Dev) SpawnWorker(logDir, name string, extra Settings) (*Proc, string, error) {
	p, ws, err := d.spawnWorker(logDir, name, extra)
	if err != nil {
		return nil, "", err
	}
	return p, readyURL(ws), nil
}

// readyURL is the /readyz of a worker started with these settings.
func readyURL(ws Settings) string { return "http://" + ws["worker.metrics_listen"] + "/readyz" }

// Ready reports whether url answers 200 now.
func Ready(url string) bool { return httpOK(url) }

func (d *Dev) spawnWorker(logDir, name string, extra Settings) (*Proc, Settings, error) {
	ws, err := d.WorkerSettings()
	if err != nil {
		return nil, nil, err
	}
	p, err := StartProc(d.Bins.Lean, logDir, name, []string{"worker"}, d.Env(ws, extra))
	return p, ws, err
}

// StartWorker runs `sellmigrate worker` against this stack, logging to logDir/name.log,
// and waits until its /readyz says it polls.
func (d *Dev) StartWorker(logDir, name string, extra Settings) (*Proc, error) {
	p, ws, err := d.spawnWorker(logDir, name, extra)
	if err != nil {
		return nil, err
	}
	ready := readyURL(ws)
	if err := p.waitFor("the worker is ready ("+ready+")", DevReadyTimeout, func() bool { return httpOK(ready) }); err != nil {
		p.Kill()
		return nil, err
	}
	return p, nil
}

func httpOK(url string) bool {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
