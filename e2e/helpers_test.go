package e2e

import (
	"strconv"
	"testing"

	"github.com/sellmigrate/sellmigrate/e2e/harness"
)

// freePort is a free loopback port, as a flag value.
func freePort(t *testing.T) string {
	t.Helper()
	p, err := harness.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(p)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
