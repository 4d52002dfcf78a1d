//go:build !lean

package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startCPUProfile profiles this process into path until the returned stop is called:
// for bench, where the embedded server's CPU is what a change means to cut.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create the CPU profile %s (--cpu-profile): %w", path, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("start the CPU profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}
