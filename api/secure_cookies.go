package api

import "net/url"

// httpsURL says whether cookies set for this public URL must be Secure. url.Parse
// lowercases the scheme, so "HTTPS://host" counts as https, as browsers treat it; a
// case-sensitive prefix test would send session cookies without Secure.
func httpsURL(publicURL string) bool {
	u, err := url.Parse(publicURL)
	return err == nil && u.Scheme == "https"
}
