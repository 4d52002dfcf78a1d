package sim

import "html/template"

// pageStyle is the look every simulated Zendesk browser page shares.
const pageStyle = `body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;background:#f8f9f9;color:#2f3941}
header{background:#03363d;color:#fff;padding:14px 24px;font-weight:600;letter-spacing:.02em}
main{max-width:380px;margin:48px auto;background:#fff;border:1px solid #d8dcde;border-radius:6px;padding:32px}
h1{font-size:22px;margin:0 0 6px}
p.sub{margin:0 0 24px;color:#68737d;font-size:14px}
label{display:block;font-size:14px;font-weight:600;margin:16px 0 6px}
input[type=email],input[type=password]{box-sizing:border-box;width:100%;padding:10px;border:1px solid #c2c8cc;border-radius:4px;font-size:14px}
.err{background:#fff0f1;border:1px solid #f5b5ba;color:#8c232c;padding:10px;border-radius:4px;font-size:14px;margin-bottom:8px}
button{margin-top:24px;font-size:14px;padding:10px 18px;border-radius:4px;cursor:pointer;background:#1f73b7;border:1px solid #1f73b7;color:#fff;font-weight:600}
dl{font-size:14px}dt{font-weight:600;margin-top:12px}dd{margin:4px 0 0}`

// accountSignInPage is the sign-in at an account's address. Self-contained: inline
// style, no scripts, nothing loaded from elsewhere.
var accountSignInPage = template.Must(template.New("account-signin").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to {{.AccountName}} - Zendesk</title>
<style>` + pageStyle + `</style>
</head>
<body>
<header>zendesk</header>
<main>
<h1>Sign in to {{.AccountName}}</h1>
<p class="sub">{{.Subdomain}}.zendesk.com</p>
{{if .Error}}<div class="err" role="alert">{{.Error}}</div>{{end}}
<form method="post" action="{{.Action}}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" value="{{.Email}}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
`))

type accountSignInData struct {
	AccountName, Subdomain, Action, Email, Error string
}

// accountSignedInPage is all the simulator shows after a sign-in: who, in what role.
var accountSignedInPage = template.Must(template.New("account-signed-in").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Signed in to {{.AccountName}} - Zendesk</title>
<style>` + pageStyle + `</style>
</head>
<body>
<header>zendesk</header>
<main>
<h1>Signed in to {{.AccountName}}</h1>
<p class="sub">{{.Subdomain}}.zendesk.com</p>
<dl>
<dt>User</dt><dd id="user">{{.UserName}} ({{.Email}})</dd>
<dt>Role</dt><dd id="role">{{.Role}}{{if .RoleDetail}} ({{.RoleDetail}}){{end}}{{if .Owner}}, account owner{{end}}</dd>
</dl>
</main>
</body>
</html>
`))

type accountSignedInData struct {
	AccountName, Subdomain, UserName, Email, Role, RoleDetail string
	Owner                                                     bool
}
