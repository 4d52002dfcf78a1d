package devstack

import (
	"fmt"
	"net"
	"strconv"
)

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
