package devstack

import (
	"fmt"
	"net"
	"strconv"
)

// loopback is where the internal services (history, matching, worker) listen: nothing
// outside this process needs them.
const loopback = "127.0.0.1"

// checkPortFree fails with an actionable message when host:port cannot be bound. The
// server and the UI library both exit the process on a bind failure, so every port they
// will bind is probed here first.
func checkPortFree(host string, port int, what, flag, key string) error {
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("devstack: %s port %s is not available (%w); stop whatever uses it or change %s (config %s)",
			what, addr, err, flag, key)
	}
	if err := l.Close(); err != nil {
		return fmt.Errorf("devstack: release probe listener on %s: %w", addr, err)
	}
	return nil
}

// freeLoopbackPorts asks the kernel for n distinct free loopback ports. All listeners
// stay open until every port is chosen so the kernel cannot hand out one port twice.
func freeLoopbackPorts(n int) ([]int, error) {
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", net.JoinHostPort(loopback, "0"))
		if err != nil {
			return nil, fmt.Errorf("devstack: pick a free loopback port for an internal Temporal service: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
