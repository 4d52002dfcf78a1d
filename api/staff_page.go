package api

import (
	"html/template"
	"net/http"

	"go.uber.org/zap"
)

// staffPage is what a person sees when the staff sign-in cannot go on: what happened
// and what to do, with a way back. Self-contained: inline style, no script.
var staffPage = template.Must(template.New("staff").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} - sellmigrate</title>
<style>
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;background:#f6f7f8;color:#23292f}
header{background:#17494d;color:#fff;padding:14px 24px;font-weight:600}
main{max-width:560px;margin:48px auto;background:#fff;border:1px solid #d8dcde;border-radius:6px;padding:28px 32px}
h1{font-size:20px;margin:0 0 12px}
p{line-height:1.5}
.reason{background:#fff4e5;border-left:4px solid #e38b00;padding:10px 14px}
a{color:#1f73b7}
</style>
</head>
<body>
<header>sellmigrate · staff sign-in</header>
<main id="signin-refused">
<h1>{{.Title}}</h1>
{{if .Reason}}<p class="reason">{{.Reason}}</p>{{end}}
{{if .Advice}}<p>{{.Advice}}</p>{{end}}
<p><a href="/">Back to the dashboard</a></p>
</main>
</body>
</html>
`))

func (st *staffSignIn) page(w http.ResponseWriter, r *http.Request, status int, title, reason, advice string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	if err := staffPage.Execute(w, struct{ Title, Reason, Advice string }{title, reason, advice}); err != nil {
		st.s.log.Warn("render the staff sign-in page", zap.String("path", r.URL.Path), zap.Error(err))
	}
}
