package sim

import (
	"fmt"
	"net/http"
	"strings"
)

// parseScope checks a space-separated OAuth scope as Zendesk defines it: "read" (GET
// endpoints), "write" (POST, PUT, DELETE), "impersonate", or a resource-scoped
// "<resource>:read" / "<resource>:write" such as "users:read". It returns the scope
// normalised (single spaces, duplicates dropped).
func parseScope(raw string) (string, error) {
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return "", fmt.Errorf("scope is missing; ask for read, write or a resource scope such as users:read")
	}
	seen := map[string]bool{}
	var out []string
	for _, f := range fields {
		if !validScopeToken(f) {
			return "", fmt.Errorf("scope %q is not known; use read, write, impersonate or <resource>:read|write", f)
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return strings.Join(out, " "), nil
}

func validScopeToken(t string) bool {
	switch t {
	case "read", "write", "impersonate":
		return true
	}
	resource, access, ok := strings.Cut(t, ":")
	if !ok || (access != "read" && access != "write") || resource == "" {
		return false
	}
	return strings.Trim(resource, "abcdefghijklmnopqrstuvwxyz_") == ""
}

// scopeAllows reports whether a token with this scope may make the request: reads
// (GET, HEAD) need a read scope, anything else a write scope. A resource scope counts
// for the whole Support API here; the simulator does not split its endpoints by resource.
func scopeAllows(scope string, method string) bool {
	need := "write"
	if method == http.MethodGet || method == http.MethodHead {
		need = "read"
	}
	for _, t := range strings.Fields(scope) {
		if t == need || strings.HasSuffix(t, ":"+need) {
			return true
		}
	}
	return false
}
