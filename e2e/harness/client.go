package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	sdklog "go.temporal.io/sdk/log"

	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/starter"
)

// sdk is a Dev's own SDK client and starter, dialed on first use and kept across the
// stack's restarts (gRPC reconnects by itself).
type sdk struct {
	mu      sync.Mutex
	client  client.Client
	starter *starter.Starter
	codec   *codec.Codec
}

// Codec is the payload codec of the stack: the key dev made in its data dir, which its
// worker, API and CLI (given dev.data_dir, see Env) use too.
func (d *Dev) Codec() (*codec.Codec, error) {
	d.sdk.mu.Lock()
	defer d.sdk.mu.Unlock()
	return d.codecLocked()
}

func (d *Dev) codecLocked() (*codec.Codec, error) {
	if d.sdk.codec != nil {
		return d.sdk.codec, nil
	}
	path := filepath.Join(d.Opts.DataDir, config.DevCodecKey)
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("harness: read dev's payload key (dev writes it on start; is %s running?): %w", d.Opts.Name, err)
	}
	c, err := codec.Parse([]string{strings.TrimSpace(string(raw))}, "")
	if err != nil {
		return nil, fmt.Errorf("harness: dev's payload key %s: %w", path, err)
	}
	d.sdk.codec = c
	return c, nil
}

// dial connects to the stack's frontend with the given codec (nil: the SDK's default
// converters, which read payloads as stored).
func (d *Dev) dial(pc *codec.Codec) (client.Client, error) {
	var dc converter.DataConverter
	var fc converter.FailureConverter
	if pc != nil {
		dc, fc = pc.DataConverter(), pc.FailureConverter()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts, err := d.connection()
	if err != nil {
		return nil, err
	}
	opts.Logger = sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	opts.DataConverter, opts.FailureConverter = dc, fc
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("dial Temporal at %s: %w", d.TemporalAddress, err)
	}
	return c, nil
}

// RawClient is an SDK client without the payload codec: it sees payloads as Temporal
// stores them, as anyone who reaches Temporal without the key would. The caller closes it.
func (d *Dev) RawClient() (client.Client, error) { return d.dial(nil) }

// Client is an SDK client of the stack, for what the CLI does not show or cannot do
// without a worker: histories, run IDs, raw signals, visibility queries, and cheap
// polling (a CLI status call costs about 0.2 s of CPU; on two cores that adds up).
func (d *Dev) Client() (client.Client, error) {
	d.sdk.mu.Lock()
	defer d.sdk.mu.Unlock()
	if d.sdk.client != nil {
		return d.sdk.client, nil
	}
	pc, err := d.codecLocked()
	if err != nil {
		return nil, err
	}
	c, err := d.dial(pc)
	if err != nil {
		return nil, err
	}
	d.sdk.client = c
	// The suite runs many stacks at once on a few cores: an update or a query may wait
	// for a busy worker longer than the defaults allow an operator's command.
	d.sdk.starter = starter.New(c, starter.Options{UpdateTimeout: 30 * time.Second, QueryTimeout: 30 * time.Second, DataConverter: pc.DataConverter()})
	return c, nil
}

// Starter is the starter package on the stack's SDK client: what the CLI and the API
// call, without a process per call.
func (d *Dev) Starter() (*starter.Starter, error) {
	if _, err := d.Client(); err != nil {
		return nil, err
	}
	d.sdk.mu.Lock()
	defer d.sdk.mu.Unlock()
	return d.sdk.starter, nil
}

// closeClient closes the SDK client, if one was dialed.
func (d *Dev) closeClient() {
	d.sdk.mu.Lock()
	defer d.sdk.mu.Unlock()
	if d.sdk.client != nil {
		d.sdk.client.Close()
		d.sdk.client, d.sdk.starter = nil, nil
	}
}

// statusNow is the migration's report as `status --json` prints it, read in process.
func (d *Dev) statusNow(ref string) (StatusJSON, error) {
	st, err := d.Starter()
	if err != nil {
		return StatusJSON{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := st.Status(ctx, ref)
	if err != nil {
		return StatusJSON{}, err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return StatusJSON{}, err
	}
	var s StatusJSON
	if err := json.Unmarshal(b, &s); err != nil {
		return StatusJSON{}, err
	}
	s.Raw = string(b)
	return s, nil
}
