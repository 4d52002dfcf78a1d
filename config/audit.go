package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Audit says where the API keeps its audit trail besides its log.
type Audit struct {
	// File, when set, gets one JSON line per call that changes a migration (and per
	// such call refused with 401 or 403), appended; created 0600 when missing.
	// GET /api/v1/audit reads it. Empty means the info log line only.
	File string
}

// validate checks audit.file: a file path (not a directory), and for the roles that
// serve the API, in a directory that exists, so a typo stops the server at start
// rather than losing the trail.
func (a Audit) validate(r Role) error {
	if a.File == "" {
		return nil
	}
	const example = "/var/log/sellmigrate/audit.jsonl"
	if strings.ContainsFunc(a.File, func(c rune) bool { return c < ' ' || c == 0x7f }) {
		return fmt.Errorf("config: audit.file %q must be a file path without control characters, e.g. %s", a.File, example)
	}
	if strings.HasSuffix(a.File, "/") || strings.HasSuffix(a.File, string(filepath.Separator)) {
		return fmt.Errorf("config: audit.file %q names a directory; give a file in it, e.g. %s", a.File, example)
	}
	if info, err := os.Stat(a.File); err == nil && info.IsDir() {
		return fmt.Errorf("config: audit.file %q is a directory; give a file in it, e.g. %s", a.File, filepath.Join(a.File, "audit.jsonl"))
	}
	if r == RoleAPI || r == RoleDev {
		dir := filepath.Dir(a.File)
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return fmt.Errorf("config: audit.file %q: its directory %s does not exist; create it (the file is created 0600) or set audit.file elsewhere (env %s)", a.File, dir, EnvVar("audit.file"))
		}
	}
	return nil
}
