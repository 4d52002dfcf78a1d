package platform

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// OAuth is a Zendesk account's OAuth token endpoint (POST /oauth/tokens), which is
// called with the client's own credentials in the body rather than as a user.
type OAuth struct {
	ep        endpoint
	subdomain string
}

// OAuth returns the OAuth endpoints of one account: tokens are per account.
func (c *Client) OAuth(subdomain string) *OAuth {
	return &OAuth{ep: endpoint{c: c, service: ServiceSupport, base: c.LoginURL(subdomain)}, subdomain: subdomain}
}

// CodeExchange is what the authorization-code grant sends (RFC 6749 §4.1.3).
type CodeExchange struct {
	Code         string
	ClientID     string
	ClientSecret string
	RedirectURI  string
	Scope        string
	// CodeVerifier is PKCE's code_verifier, sent when the authorization request
	// carried its code_challenge; empty sends none.
	CodeVerifier string
}

// OAuthToken is what Zendesk hands back for a code.
type OAuthToken struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
	// ExpiresIn is the token's lifetime in seconds, when Zendesk sets one; 0 means it
	// lasts until revoked.
	ExpiresIn int64 `json:"expires_in,omitempty"`
}

// ExchangeCode trades an authorization code for an access token scoped to this account.
// A refused code is an *APIError whose Code is Zendesk's OAuth error (invalid_grant,
// invalid_client, ...); the code and the client secret never appear in errors.
func (o *OAuth) ExchangeCode(ctx context.Context, x CodeExchange) (OAuthToken, error) {
	ep := o.ep
	ep.secrets = []string{x.Code, x.ClientSecret}
	body := map[string]string{
		"grant_type": "authorization_code", "code": x.Code,
		"client_id": x.ClientID, "client_secret": x.ClientSecret,
		"redirect_uri": x.RedirectURI, "scope": x.Scope,
	}
	if x.CodeVerifier != "" {
		ep.secrets = append(ep.secrets, x.CodeVerifier)
		body["code_verifier"] = x.CodeVerifier
	}
	var tok OAuthToken
	err := ep.do(ctx, request{method: http.MethodPost, path: "/oauth/tokens", body: body, out: &tok})
	if err != nil {
		return OAuthToken{}, err
	}
	if tok.AccessToken == "" || !strings.EqualFold(tok.TokenType, "bearer") {
		return OAuthToken{}, fmt.Errorf("zendesk support POST /oauth/tokens of %s answered without a bearer token (token_type %q)", o.subdomain, tok.TokenType)
	}
	return tok, nil
}
