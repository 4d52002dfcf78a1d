//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly || illumos

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
var held = struct {
	sync.Mutex
	files map[int]*os.File
}{files: map[int]*os.File{}}

// lockAcrossProcesses takes an exclusive flock on a file named for the port and keeps
// it open until this process exits or calls release (when its probe finds the port
// taken); the kernel drops the lock at exit, even on SIGKILL, so a killed stack never
// leaves a port reserved. It answers false only when another process holds the lock.
// When the lock directory cannot be used (or is not this user's own) the answer is
// true: probing alone is what this package did before, and a picker must not fail
// over it.
func lockAcrossProcesses(port int) (release func(), ok bool) {
	dir, usable := lockDir()
	if !usable {
		return func() {}, true
	}
	f, err := os.OpenFile(filepath.Join(dir, strconv.Itoa(port)), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return func() {}, true
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		return func() {}, err != syscall.EWOULDBLOCK
	}
	held.Lock()
	held.files[port] = f // kept open (and referenced) for the process's life
	held.Unlock()
	return func() {
		held.Lock()
		defer held.Unlock()
		if held.files[port] == f {
			delete(held.files, port)
			_ = f.Close()
		}
	}, true
}

// lockDir is per user, made on first use, and used only while it is a directory this
// user owns that no one else may write: a folder someone else made under the shared
// temporary directory could otherwise hold every lock.
func lockDir() (string, bool) {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("sellmigrate-loopport-%d", os.Getuid()))
	if err := os.Mkdir(dir, 0o700); err != nil && !os.IsExist(err) {
		return "", false
	}
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm()&0o022 != 0 {
		return "", false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) != os.Getuid() {
		return "", false
	}
	return dir, true
}
