package staffidp

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/op"
	"go.uber.org/zap"
)

// Options configures the provider.
type Options struct {
	// Issuer is the provider's URL as both the browser and the API reach it, e.g.
	// http://127.0.0.1:8081/_oidc; the handler serves the paths below it, with the
	// mount prefix stripped.
	Issuer string
	// ClientID is the dashboard's client; RedirectURIs are where it may be sent back
	// (the API's /auth/callback).
	ClientID     string
	RedirectURIs []string
	// RoleClaim is the claim that carries each user's role (api.oidc_role_claim).
	RoleClaim string
	// Users may sign in; nil means DemoUsers.
	Users  []User
	Logger *zap.Logger
}

// New builds the provider's handler: discovery, keys, /authorize, /oauth/token,
// /userinfo from op, and the sign-in form at /login.
func New(o Options) (http.Handler, error) {
	o.Issuer = strings.TrimRight(o.Issuer, "/")
	if o.Issuer == "" || o.ClientID == "" || len(o.RedirectURIs) == 0 || o.RoleClaim == "" {
		return nil, errors.New("staffidp: Issuer, ClientID, RedirectURIs and RoleClaim are required")
	}
	if o.Users == nil {
		o.Users = DemoUsers()
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("staffidp: make a signing key: %w", err)
	}
	st := &storage{
		client:    &client{id: o.ClientID, redirectURIs: o.RedirectURIs, loginURL: o.Issuer + "/login"},
		users:     map[string]User{},
		roleClaim: o.RoleClaim,
		key:       signingKey{id: randomID(), key: key},
		requests:  map[string]*authRequest{},
		codes:     map[string]string{},
	}
	byEmail := map[string]User{}
	for _, u := range o.Users {
		st.users[u.ID] = u
		byEmail[strings.ToLower(u.Email)] = u
	}
	cfg := &op.Config{CodeMethodS256: true, SupportedScopes: []string{"openid", "email", "profile"}}
	if _, err := rand.Read(cfg.CryptoKey[:]); err != nil {
		return nil, fmt.Errorf("staffidp: make a token key: %w", err)
	}
	// Insecure: dev serves plain http on loopback.
	p, err := op.NewProvider(cfg, st, op.StaticIssuer(o.Issuer), op.WithAllowInsecure())
	if err != nil {
		return nil, fmt.Errorf("staffidp: %w", err)
	}
	f := &form{st: st, byEmail: byEmail, callback: op.AuthCallbackURL(p), issuer: o.Issuer, log: o.Logger}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", f.show)
	mux.HandleFunc("POST /login", f.submit)
	mux.Handle("/", p)
	return mux, nil
}

// form is the plain sign-in page: email and password of a demo staff user.
type form struct {
	st       *storage
	byEmail  map[string]User
	callback func(context.Context, string) string
	issuer   string
	log      *zap.Logger
}

var page = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Staff sign-in - demo identity provider</title>
<style>
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;background:#f3f1ee;color:#23292f}
main{max-width:380px;margin:64px auto;background:#fff;border:1px solid #d8dcde;border-radius:6px;padding:28px 32px}
h1{font-size:20px;margin:0 0 8px}
label{display:block;margin:14px 0 4px;font-weight:600}
input{width:100%;box-sizing:border-box;padding:8px;font-size:15px}
button{margin-top:18px;width:100%;padding:10px;font-size:15px;background:#5a3d8a;color:#fff;border:0;border-radius:4px}
.error{background:#fdecea;border-left:4px solid #c62828;padding:8px 12px}
.hint{color:#68737d;font-size:13px}
</style>
</head>
<body>
<main>
<h1>Staff sign-in</h1>
<p class="hint">Demo identity provider of sellmigrate's simulator. Users: viewer@example.test, ops@example.test, admin@example.test; password demo-password.</p>
{{if .Error}}<p class="error" id="login-error">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="authRequestID" value="{{.ID}}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" value="{{.Email}}" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login-submit">Sign in</button>
</form>
</main>
</body>
</html>
`))

type pageData struct{ Action, ID, Email, Error string }

func (f *form) render(w http.ResponseWriter, status int, d pageData) {
	d.Action = f.issuer + "/login"
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// No form-action: browsers apply it to the redirects after the post too, and the
	// sign-in ends by redirecting to the dashboard's callback, on another origin.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(status)
	if err := page.Execute(w, d); err != nil {
		f.log.Warn("staffidp: render the sign-in form", zap.Error(err))
	}
}

func (f *form) show(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	if _, err := f.st.AuthRequestByID(r.Context(), id); err != nil {
		f.render(w, http.StatusBadRequest, pageData{Error: "This sign-in has expired or is unknown; start again from the dashboard."})
		return
	}
	f.render(w, http.StatusOK, pageData{ID: id})
}

// submit checks the password and finishes the sign-in, back through op's callback,
// which issues the code.
func (f *form) submit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		f.render(w, http.StatusBadRequest, pageData{Error: "The form could not be read."})
		return
	}
	id, email := r.PostForm.Get("authRequestID"), strings.TrimSpace(r.PostForm.Get("email"))
	u, known := f.byEmail[strings.ToLower(email)]
	// Compare even for an unknown user, so the answer time does not tell who exists.
	good := subtle.ConstantTimeCompare([]byte(r.PostForm.Get("password")), []byte(u.Password)) == 1 && known
	if !good {
		f.render(w, http.StatusUnauthorized, pageData{ID: id, Email: email, Error: "Wrong email or password."})
		return
	}
	if err := f.st.finish(id, u.ID); err != nil {
		f.render(w, http.StatusBadRequest, pageData{Error: "This sign-in has expired or is unknown; start again from the dashboard."})
		return
	}
	f.log.Info("demo staff signed in at the simulator's identity provider", zap.String("email", u.Email), zap.String("role", u.Role))
	http.Redirect(w, r, f.callback(op.ContextWithIssuer(r.Context(), f.issuer), id), http.StatusFound)
}
