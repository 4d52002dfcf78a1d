package sim

import "fmt"

// reservedSubdomains are names Zendesk keeps for itself; it refuses to create them.
var reservedSubdomains = map[string]bool{
	"www": true, "api": true, "admin": true, "support": true, "help": true, "mail": true,
	"status": true, "app": true, "apps": true, "login": true, "billing": true, "zendesk": true,
	"ftp": true, "smtp": true, "static": true, "assets": true, "dev": true, "test": true,
}

// subdomainProblem applies Zendesk's subdomain rules (3–63 lowercase letters, digits and
// inner hyphens, starting with a letter, not reserved) and returns what is wrong, or "".
func subdomainProblem(s string) string {
	if len(s) < 3 || len(s) > 63 {
		return "Subdomain must be between 3 and 63 characters"
	}
	if s[0] < 'a' || s[0] > 'z' {
		return "Subdomain must start with a lowercase letter"
	}
	if s[len(s)-1] == '-' {
		return "Subdomain must not end with a hyphen"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Sprintf("Subdomain may only contain lowercase letters, digits and hyphens; %q is not allowed", r)
		}
	}
	if reservedSubdomains[s] {
		return fmt.Sprintf("Subdomain %q is reserved", s)
	}
	return ""
}
