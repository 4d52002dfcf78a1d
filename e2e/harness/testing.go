package harness

import (
	"testing"
)

// DevT starts `sellmigrate dev` for one test (on t.TempDir() unless DataDir is given)
// and stops it when the test ends, failing the test unless it stops cleanly (exit 0).
func DevT(t testing.TB, bins Binaries, o DevOptions) *Dev {
	t.Helper()
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	d, err := NewDev(bins, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Shutdown(); err != nil {
			t.Error(err)
		}
	})
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	return d
}

// WorkerT runs `sellmigrate worker` against the stack until the test ends; it must then
// stop cleanly, unless the test killed it. logDir receives name.log.
func WorkerT(t testing.TB, d *Dev, logDir, name string, extra Settings) *Proc {
	t.Helper()
	p, err := d.StartWorker(logDir, name, extra)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { StopT(t, p) })
	return p
}

// StopT stops a process cleanly unless it has already ended (killed by the test, say);
// a process that ended on its own with an error, or will not stop, is reported.
func StopT(t testing.TB, p *Proc) {
	t.Helper()
	if err := p.Stop(StopTimeout); err != nil {
		t.Error(err)
	}
}
