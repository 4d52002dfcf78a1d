package api

import (
	"html/template"
	"net/http"

	"go.uber.org/zap"
)

// oauthPage is what a person sees when the owner login or the staff sign-in cannot go
// on: a title, the reason and what to do, and links (back to the migration or the
// dashboard, or to try again). It is self-contained: inline style, no scripts, nothing
// fetched from elsewhere.
var oauthPage = template.Must(template.New("oauth").Parse(`<!doctype html>
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
ul{padding:0;list-style:none;display:flex;gap:16px;margin:24px 0 0}
a{color:#1f73b7}
</style>
</head>
<body>
<header>sellmigrate · {{.Header}}</header>
<main>
<h1>{{.Title}}</h1>
{{if .Reason}}<p class="reason">{{.Reason}}</p>{{end}}
{{if .Advice}}<p>{{.Advice}}</p>{{end}}
<ul>{{range .Links}}<li><a href="{{.Href}}">{{.Text}}</a></li>{{end}}</ul>
</main>
</body>
</html>
`))

type pageLink struct{ Href, Text string }

// oauthPageData fills oauthPage.
type oauthPageData struct {
	// Header names the flow, "Zendesk owner login" when empty.
	Header string
	Title  string
	Reason string
	Advice string
	Links  []pageLink
}

// writeOAuthPage renders the page with headers that keep it unframed and uncached.
func (s *Server) writeOAuthPage(w http.ResponseWriter, r *http.Request, status int, d oauthPageData) {
	if len(d.Links) == 0 {
		d.Links = []pageLink{{Href: "/", Text: "Open the dashboard"}}
	}
	if d.Header == "" {
		d.Header = "Zendesk owner login"
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	if err := oauthPage.Execute(w, d); err != nil {
		s.log.Warn("render the owner-login page", zap.String("path", r.URL.Path), zap.Error(err))
	}
}
