package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/sellmigrate/sellmigrate/platform"
)

// zendeskLogin makes the owner login's two Zendesk calls through platform, under its
// rate limits and error handling: the code exchange at the account's OAuth endpoint
// and users/me with the token it returns. Codes and tokens never appear in its errors.
type zendeskLogin struct {
	z            *platform.Client
	subdomain    string
	clientID     string
	clientSecret string
}

// errCodeRefused is Zendesk's invalid_grant: the code was used already, expired, or
// does not belong to this client and redirect_uri.
var errCodeRefused = errors.New("zendesk refused the sign-in code")

// exchange trades an authorization code for an access token scoped to the account,
// presenting the PKCE verifier the authorization request's challenge was made from.
func (l zendeskLogin) exchange(ctx context.Context, code, redirectURI, verifier string) (platform.OAuthToken, error) {
	tok, err := l.z.OAuth(l.subdomain).ExchangeCode(ctx, platform.CodeExchange{
		Code: code, ClientID: l.clientID, ClientSecret: l.clientSecret, RedirectURI: redirectURI, Scope: grantScope,
		CodeVerifier: verifier,
	})
	var apiErr *platform.APIError
	switch {
	case err == nil:
		return tok, nil
	case errors.As(err, &apiErr) && apiErr.Code == "invalid_grant":
		return tok, errCodeRefused
	case errors.As(err, &apiErr) && apiErr.Code == "invalid_client":
		return tok, fmt.Errorf("zendesk account %s does not know this OAuth client (%s); check api.oauth_client_id and api.oauth_client_secret against the OAuth client registered in Zendesk", l.subdomain, l.clientID)
	}
	return tok, fmt.Errorf("exchange the sign-in code with zendesk account %s: %w", l.subdomain, err)
}

// me reads the signed-in user's email with the access token.
func (l zendeskLogin) me(ctx context.Context, token string) (string, error) {
	u, err := l.z.Support(l.subdomain, platform.Credentials{BearerToken: token}).Me(ctx)
	if err != nil {
		return "", fmt.Errorf("read the signed-in user of zendesk account %s: %w", l.subdomain, err)
	}
	if u.Email == "" {
		return "", fmt.Errorf("zendesk account %s returned a user without an email from users/me", l.subdomain)
	}
	return u.Email, nil
}
