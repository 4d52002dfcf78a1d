package sim

import (
	"html/template"
	"net/http"

	"go.uber.org/zap"
)

// signInPage is the plain Zendesk sign-in the OAuth flow shows. Self-contained: inline
// style, no scripts, nothing loaded from elsewhere.
var signInPage = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to {{.AccountName}} - Zendesk</title>
<style>
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;background:#f8f9f9;color:#2f3941}
header{background:#03363d;color:#fff;padding:14px 24px;font-weight:600;letter-spacing:.02em}
main{max-width:380px;margin:48px auto;background:#fff;border:1px solid #d8dcde;border-radius:6px;padding:32px}
h1{font-size:22px;margin:0 0 6px}
p.sub{margin:0 0 24px;color:#68737d;font-size:14px}
label{display:block;font-size:14px;font-weight:600;margin:16px 0 6px}
input[type=email],input[type=password]{box-sizing:border-box;width:100%;padding:10px;border:1px solid #c2c8cc;border-radius:4px;font-size:14px}
.err{background:#fff0f1;border:1px solid #f5b5ba;color:#8c232c;padding:10px;border-radius:4px;font-size:14px;margin-bottom:8px}
.actions{margin-top:24px;display:flex;gap:12px;align-items:center}
button{font-size:14px;padding:10px 18px;border-radius:4px;cursor:pointer}
button.primary{background:#1f73b7;border:1px solid #1f73b7;color:#fff;font-weight:600}
button.secondary{background:#fff;border:1px solid #c2c8cc;color:#2f3941}
.grant{font-size:13px;color:#68737d;margin-top:20px}
</style>
</head>
<body>
<header>zendesk</header>
<main>
<h1>Sign in to {{.AccountName}}</h1>
<p class="sub">{{.Subdomain}}.zendesk.com</p>
{{if .Error}}<div class="err" role="alert">{{.Error}}</div>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="response_type" value="{{.ResponseType}}">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="state" value="{{.State}}">
{{if .CodeChallenge}}<input type="hidden" name="code_challenge" value="{{.CodeChallenge}}">
<input type="hidden" name="code_challenge_method" value="{{.CodeChallengeMethod}}">{{end}}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" value="{{.Email}}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions">
<button class="primary" type="submit">Sign in</button>
<button class="secondary" type="submit" name="cancel" value="1" formnovalidate>Cancel</button>
</div>
<p class="grant">Signing in allows <strong>{{.ClientID}}</strong> {{.Scope}} access to {{.Subdomain}} on your behalf.</p>
</form>
</main>
</body>
</html>
`))

// signInData fills signInPage.
type signInData struct {
	AccountName, Subdomain, Action, Email, Error string
	authorizeRequest
}

// oauthErrorPage is what Zendesk shows when an authorization request cannot be sent
// back to the client (unknown client, bad redirect_uri, unknown account).
var oauthErrorPage = template.Must(template.New("oauth-error").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}} - Zendesk</title>
<style>
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;background:#f8f9f9;color:#2f3941}
header{background:#03363d;color:#fff;padding:14px 24px;font-weight:600}
main{max-width:520px;margin:48px auto;background:#fff;border:1px solid #d8dcde;border-radius:6px;padding:32px}
h1{font-size:20px;margin:0 0 12px}
</style>
</head>
<body>
<header>zendesk</header>
<main>
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
</main>
</body>
</html>
`))

// writePage renders a sign-in or error page with headers that keep it from being
// framed (clickjacking a sign-in form) or cached.
func (s *Sim) writePage(w http.ResponseWriter, r *http.Request, status int, t *template.Template, data any) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	// Tells our CLI it is talking to the simulator before it posts a password here.
	h.Set(SimulatorHeader, "1")
	w.WriteHeader(status)
	if err := t.Execute(w, data); err != nil {
		s.log.Error("render OAuth page", zap.String("path", r.URL.Path), zap.Error(err))
	}
}

// oauthPageError answers with the error page.
func (s *Sim) oauthPageError(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	s.writePage(w, r, status, oauthErrorPage, struct{ Title, Message string }{title, message})
}
