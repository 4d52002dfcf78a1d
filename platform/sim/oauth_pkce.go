package sim

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"regexp"
)

// PKCE (RFC 7636) as Zendesk documents it for the authorization code grant ("Using
// PKCE to make Zendesk OAuth access tokens more secure"): the authorization request
// carries code_challenge and code_challenge_method=S256, and the token request the
// code_verifier. Zendesk names only S256; that it refuses any other method, and a
// wrong or missing verifier with invalid_grant, is RFC 7636's rule, assumed here
// (docs/ZENDESK.md).

// challengeShape is an S256 challenge: 32 bytes in unpadded base64url.
var challengeShape = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// verifierShape is RFC 7636 §4.1's code_verifier: 43 to 128 unreserved characters.
var verifierShape = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// checkCodeChallenge validates an authorization request's PKCE parameters; neither
// given is a request without PKCE.
func checkCodeChallenge(challenge, method string) error {
	switch {
	case challenge == "" && method == "":
		return nil
	case challenge == "":
		return errors.New("code_challenge_method was given without code_challenge")
	case method != "S256":
		return errors.New("code_challenge_method must be S256")
	case !challengeShape.MatchString(challenge):
		return errors.New("code_challenge must be the unpadded base64url SHA-256 of the code_verifier (43 characters)")
	}
	return nil
}

// pkceVerified says whether a token request's verifier answers the code's challenge;
// a code issued without one needs none.
func pkceVerified(challenge, verifier string) bool {
	if challenge == "" {
		return true
	}
	if !verifierShape.MatchString(verifier) {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}
