//go:build unix

package loopport

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
)

// held keeps the lock files of claimed ports open, so their locks last as long as the
// process.
var held struct {
	sync.Mutex
	files []*os.File
}

// lockAcrossProcesses takes an exclusive flock on a file named for the port and keeps
// it open until this process exits; the kernel drops the lock then, even on SIGKILL, so
// a killed stack never leaves a port reserved. It answers false only when another
// process holds the lock. When the lock directory cannot be used the answer is true:
// probing alone is what this package did before, and a picker must not fail over it.
func lockAcrossProcesses(port int) bool {
	dir := lockDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return true
	}
	f, err := os.OpenFile(filepath.Join(dir, strconv.Itoa(port)), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return true
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		return err != syscall.EWOULDBLOCK
	}
	held.Lock()
	defer held.Unlock()
	held.files = append(held.files, f) // kept open (and referenced) for the process's life
	return true
}

// lockDir is per user, so one user's stale directory never stops another's locks.
func lockDir() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("sellmigrate-loopport-%d", os.Getuid()))
}
