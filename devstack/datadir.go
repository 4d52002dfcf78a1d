package devstack

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// dbFileName is the single SQLite file holding both Temporal persistence and visibility.
const dbFileName = "temporal.db"

// prepareDataDir creates dir if needed and proves it is writable, so a bad --data-dir
// fails here with its name instead of deep inside SQLite. It returns the absolute path
// of the database file.
func prepareDataDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("devstack: resolve data dir %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return "", fmt.Errorf("devstack: cannot create data dir %s: %w; choose another --data-dir", abs, err)
	}
	probe, err := os.CreateTemp(abs, ".write-probe-*")
	if err != nil {
		return "", fmt.Errorf("devstack: data dir %s is not writable: %w; fix its permissions or choose another --data-dir", abs, err)
	}
	name := probe.Name()
	closeErr := probe.Close()
	if err := errors.Join(closeErr, os.Remove(name)); err != nil {
		return "", fmt.Errorf("devstack: data dir %s is not usable: %w; fix its permissions or choose another --data-dir", abs, err)
	}
	dbPath := filepath.Join(abs, dbFileName)
	if err := checkDBFileWritable(dbPath); err != nil {
		return "", err
	}
	return dbPath, nil
}

// checkDBFileWritable rejects an existing database file this process cannot write;
// SQLite would otherwise open it read-only and fail on the first write.
func checkDBFileWritable(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("devstack: database %s is not writable: %w; fix its permissions or choose another --data-dir", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("devstack: close database probe %s: %w", path, err)
	}
	return nil
}
