package api

// staffSignInPaths documents the OIDC staff sign-in's browser routes.
func staffSignInPaths() map[string]any {
	return map[string]any{
		staffLoginPath: map[string]any{"get": op("staffLogin", "session",
			"Begin the staff sign-in: to the OIDC provider with a state, a nonce and a PKCE challenge (authorization code flow)", "",
			map[string]any{
				"302": map[string]any{"description": "to the provider's authorization endpoint; Set-Cookie " + staffStateCookie + " binds the state to this browser"},
				"404": html("staff sign-in is not configured (api.oidc_issuer is empty)"),
				"503": html("the provider's discovery document could not be read, or too many sign-ins are in progress"),
			})},
		staffCallback: map[string]any{"get": with(op("staffCallback", "session",
			"The provider's redirect back: check the state, exchange the code with the PKCE verifier, verify the ID token and nonce, read email, name and role, and make the session", "",
			map[string]any{
				"303": map[string]any{"description": "signed in: to the dashboard; Set-Cookie " + SessionCookie + " carries the session"},
				"400": html("a state this browser did not begin, or one expired or used already"),
				"401": html("the provider refused, or its ID token did not verify"),
				"403": html("the person has no email, or no viewer, ops or admin role in the role claim (api.oidc_role_claim)"),
				"404": html("staff sign-in is not configured"),
				"502": html("the provider did not accept the code"),
			}),
			"parameters", []any{
				queryParam("code", "authorization code", schema{"type": "string"}),
				map[string]any{"name": "state", "in": "query", "required": true, "description": "the state sent to the provider", "schema": schema{"type": "string"}},
				queryParam("error", "set by the provider when the sign-in was refused", schema{"type": "string"}),
			})},
	}
}
