package platform

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Accounts makes the partner calls that exist before any account does: checking that a
// subdomain is free and creating an account. They carry the partner credential
// (Config.PartnerToken), no user's, and are sent under Config.AccountsSubdomain.
type Accounts struct {
	ep endpoint
}

// Available reports whether subdomain can be used for a new account
// (GET /api/v2/accounts/available?subdomain=X). Zendesk answers false both for a taken
// name and for a malformed one, so validate the form first to tell the two apart.
func (a *Accounts) Available(ctx context.Context, subdomain string) (bool, error) {
	var out struct {
		Success bool `json:"success"`
	}
	err := a.ep.do(ctx, request{
		method: http.MethodGet,
		path:   "/api/v2/accounts/available",
		query:  url.Values{"subdomain": {subdomain}},
		out:    &out,
	})
	if err != nil {
		return false, err
	}
	return out.Success, nil
}

// CreatedAccount is what account creation answers: the account and an OAuth access
// token of its owner on it (scope "read write"; our assumption of the partner answer),
// to pass as Credentials.BearerToken. The token is a secret: store it as one. OwnerToken
// is empty when the answer carries no bearer token; the owner's credential must then
// come from their own OAuth sign-in.
type CreatedAccount struct {
	Account    SupportAccount
	OwnerToken string
}

// Create creates a Zendesk account whose owner becomes its admin (POST /api/v2/accounts).
// With a non-empty idempotencyKey, repeating the call with the same key returns the first
// result, owner token included, instead of creating a second account; pass a key derived
// from the migration so a retried activity is safe. A taken subdomain is a 422 whose
// FieldCode("subdomain") is "DuplicateValue"; a malformed one "InvalidValue".
func (a *Accounts) Create(ctx context.Context, na NewAccount, idempotencyKey string) (CreatedAccount, error) {
	if na.Subdomain == "" || na.OwnerEmail == "" {
		return CreatedAccount{}, fmt.Errorf("platform: creating an account needs a subdomain and an owner email (got subdomain %q, owner email %q)",
			na.Subdomain, na.OwnerEmail)
	}
	type owner struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	type account struct {
		Name      string `json:"name"`
		Subdomain string `json:"subdomain"`
	}
	body := struct {
		Account account `json:"account"`
		Owner   owner   `json:"owner"`
	}{account{na.Name, na.Subdomain}, owner{na.OwnerName, na.OwnerEmail}}
	var out struct {
		Account    SupportAccount `json:"account"`
		OwnerToken OAuthToken     `json:"owner_token"`
	}
	err := a.ep.do(ctx, request{
		method:         http.MethodPost,
		path:           "/api/v2/accounts",
		body:           body,
		idempotencyKey: idempotencyKey,
		out:            &out,
	})
	if err != nil {
		return CreatedAccount{}, err
	}
	created := CreatedAccount{Account: out.Account}
	// Only a bearer token can be sent as one; anything else is as good as none.
	if strings.EqualFold(out.OwnerToken.TokenType, "bearer") {
		created.OwnerToken = out.OwnerToken.AccessToken
	}
	return created, nil
}
