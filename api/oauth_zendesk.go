package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// zendeskOAuth talks to one Zendesk account's OAuth token endpoint and Support API on
// behalf of the owner login. Codes and tokens never appear in its errors.
type zendeskOAuth struct {
	http         *http.Client
	base         string // Support base of the subdomain, e.g. https://globex.zendesk.com
	clientID     string
	clientSecret string
}

// errCodeRefused is Zendesk's invalid_grant: the code was used already, expired, or
// does not belong to this client and redirect_uri.
var errCodeRefused = errors.New("zendesk refused the sign-in code")

// maxZendeskBody bounds what is read from Zendesk.
const maxZendeskBody = 1 << 20

// exchange trades an authorization code for an access token (POST /oauth/tokens).
func (z zendeskOAuth) exchange(ctx context.Context, code, redirectURI string) (string, error) {
	body, err := json.Marshal(map[string]string{
		"grant_type": "authorization_code", "code": code,
		"client_id": z.clientID, "client_secret": z.clientSecret,
		"redirect_uri": redirectURI, "scope": "read",
	})
	if err != nil {
		return "", fmt.Errorf("encode the token request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, z.base+"/oauth/tokens", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("build the token request for %s: %w", z.base, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	var ok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	var fail struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	status, err := z.do(req, &ok, &fail)
	if err != nil {
		return "", err
	}
	switch {
	case status == http.StatusOK && ok.AccessToken != "" && strings.EqualFold(ok.TokenType, "bearer"):
		return ok.AccessToken, nil
	case fail.Error == "invalid_grant":
		return "", errCodeRefused
	case fail.Error == "invalid_client":
		return "", fmt.Errorf("zendesk at %s does not know this OAuth client (%s); check api.oauth_client_id and api.oauth_client_secret against the OAuth client registered in Zendesk", z.base, z.clientID)
	case fail.Error != "":
		return "", fmt.Errorf("zendesk at %s refused the token request: %s: %s", z.base, fail.Error, fail.Description)
	}
	return "", fmt.Errorf("zendesk at %s answered the token request with HTTP %d and no bearer token", z.base, status)
}

// me reads the signed-in user (GET /api/v2/users/me) with the access token.
func (z zendeskOAuth) me(ctx context.Context, token string) (email string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, z.base+"/api/v2/users/me", nil)
	if err != nil {
		return "", fmt.Errorf("build the users/me request for %s: %w", z.base, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	var ok struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
	}
	var fail struct {
		Error       any    `json:"error"`
		Description string `json:"description"`
	}
	status, err := z.do(req, &ok, &fail)
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("zendesk at %s answered users/me with HTTP %d %v %s", z.base, status, fail.Error, fail.Description)
	}
	if ok.User.Email == "" {
		return "", fmt.Errorf("zendesk at %s returned a user without an email from users/me", z.base)
	}
	return ok.User.Email, nil
}

// do sends req and decodes a JSON body into ok (2xx) or fail (otherwise).
func (z zendeskOAuth) do(req *http.Request, ok, fail any) (int, error) {
	resp, err := z.http.Do(req)
	if err != nil {
		// The URL holds no secret (codes and tokens travel in bodies and headers).
		return 0, fmt.Errorf("reach zendesk at %s: %w", z.base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxZendeskBody))
	if err != nil {
		return 0, fmt.Errorf("read the answer of %s %s: %w", req.Method, req.URL.Path, err)
	}
	target := fail
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		target = ok
	}
	if err := json.Unmarshal(b, target); err != nil {
		if target == ok {
			return 0, fmt.Errorf("zendesk answered %s %s with HTTP %d but not JSON", req.Method, req.URL.Path, resp.StatusCode)
		}
		// An error page that is not JSON: the status says enough.
		return resp.StatusCode, nil
	}
	return resp.StatusCode, nil
}
