package bench

import (
	"path/filepath"
	"strings"
)

// ownStackEnv is the worker child's environment without Temporal's client settings
// (TEMPORAL_* and the person's temporal.toml): the child dials bench's own plaintext
// stack on loopback, and TLS or an API key meant for another cluster would only break
// that. TEMPORAL_CONFIG_FILE names a file in the data dir that is never written, so
// envconfig reads no profile.
func ownStackEnv(environ []string, dataDir string) []string {
	out := make([]string, 0, len(environ)+1)
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "TEMPORAL_") {
			out = append(out, kv)
		}
	}
	return append(out, "TEMPORAL_CONFIG_FILE="+filepath.Join(dataDir, "no-temporal-profile.toml"))
}
