// Package loopport picks loopback ports for servers that must be told their port before
// they bind: the embedded Temporal's internal services, and the processes the end-to-end
// harness starts.
//
// Asking the kernel for port 0 and closing the listener is not enough on a busy machine:
// the port comes from the ephemeral range, and any outgoing connection made before the
// server binds (the Temporal services dial each other while they start) may take it as
// its source port. Ports here come from below the ephemeral range, where the kernel
// never assigns a source port, and are probed by binding them.
//
// That range is split in two. Pick hands out ports from the lower half, for servers
// another process will start (the end-to-end harness tells each child its addresses);
// PickOwn hands out ports from the upper half, for servers the calling process starts
// itself (the dev stack's internal Temporal services). Several processes pick at once
// during the end-to-end tests, and a port one of them probed is free again until its
// child binds it: without the split, a dev stack starting meanwhile could take the
// harness's port for an internal service.
//
// Two dev stacks starting at once still draw from the same upper half, and a port one
// probed is free again until its Temporal service binds it seconds later. So every port
// handed out is also claimed across processes, with a lock file held until the process
// exits (claim_unix.go): another process's probe skips a port it cannot lock.
package loopport

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
)

// span is how many ports below the ephemeral range's start are candidates.
const span = 12000

// handedOut remembers the ports this process gave out, so two callers in one process
// never get the same one although both probes succeed. Other processes are kept off
// them by lockAcrossProcesses.
var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// Pick returns n distinct loopback ports for servers another process will start: free
// when probed, never handed out before by this process, and never returned by PickOwn
// in any process.
func Pick(n int) ([]int, error) {
	lo, hi := candidates()
	return pick(n, lo, (lo+hi)/2)
}

// PickOwn returns n distinct loopback ports for servers the calling process binds
// itself, from the half of the range Pick never uses.
func PickOwn(n int) ([]int, error) {
	lo, hi := candidates()
	return pick(n, (lo+hi)/2+1, hi)
}

func pick(n, lo, hi int) ([]int, error) {
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for tries := 0; len(ports) < n; tries++ {
		if tries >= 200*n {
			return nil, fmt.Errorf("loopport: no free loopback port in %d-%d after %d tries; stop servers that hold many ports there, or other sellmigrate processes of this user that picked them", lo, hi, tries)
		}
		port := lo + rand.IntN(hi-lo+1)
		release, ok := claim(port)
		if !ok {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			release() // in use by someone else: its lock goes, but it stays claimed here so it is not probed again
			continue
		}
		listeners = append(listeners, l)
		ports = append(ports, port)
	}
	return ports, nil
}

// One returns a single port from Pick.
func One() (int, error) {
	ports, err := Pick(1)
	if err != nil {
		return 0, err
	}
	return ports[0], nil
}

// claim reserves port for this process, or says another caller (here or in another
// process) already holds it. A port once tried stays reserved here either way, so it is
// not probed again.
func claim(port int) (release func(), ok bool) {
	handedOut.Lock()
	defer handedOut.Unlock()
	if handedOut.ports[port] {
		return nil, false
	}
	handedOut.ports[port] = true
	return lockAcrossProcesses(port)
}

// candidates is the range below the kernel's ephemeral ports: Linux says where they
// start in /proc; elsewhere the IANA range (49152 and up) is assumed.
func candidates() (lo, hi int) {
	start := 49152
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if v, err := strconv.Atoi(f[0]); err == nil && v > 2048 {
				start = v
			}
		}
	}
	hi = start - 1
	lo = max(1024, hi-span)
	return lo, hi
}
