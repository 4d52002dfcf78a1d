//go:build !unix

package loopport

// lockAcrossProcesses has no cross-process lock here: ports are only probed.
func lockAcrossProcesses(int) bool { return true }
