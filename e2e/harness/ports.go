package harness

import (
	"fmt"

	"github.com/sellmigrate/sellmigrate/internal/loopport"
)

// FreePort returns a loopback port nobody listens on and this process has not handed
// out, from below the kernel's ephemeral range so no outgoing connection can take it
// before the child process binds it.
func FreePort() (int, error) { return loopport.One() }

// Addr is 127.0.0.1:port.
func Addr(port int) string { return fmt.Sprintf("127.0.0.1:%d", port) }
