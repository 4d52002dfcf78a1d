package api

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

// ui holds the dashboard: one HTML page, its stylesheet and its ES modules. It is
// embedded so the binary serves it offline, with no CDN, font service or build step.
//
//go:embed ui
var ui embed.FS

// dashboardCSP lets the page load only its own files and talk only to this server,
// so no third-party script could ever read what the session shows. Inline styles and
// scripts are refused too: the page sets styles through the CSSOM only.
const dashboardCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// registerDashboard serves the dashboard's static files. They need no API token:
// the page signs in itself, through POST /api/v1/session.
func (s *Server) registerDashboard(mux *http.ServeMux) {
	root, err := fs.Sub(ui, "ui")
	if err != nil {
		// The embed directive guarantees the directory; a failure is a build defect.
		panic("dashboard: embedded ui directory missing: " + err.Error())
	}
	files := http.FileServerFS(root)
	mux.HandleFunc("GET /assets/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			// No directory listings: only the files the page asks for.
			http.NotFound(w, r)
			return
		}
		setDashboardHeaders(w)
		files.ServeHTTP(w, r)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		setDashboardHeaders(w)
		http.ServeFileFS(w, r, root, "index.html")
	})
}

// setDashboardHeaders: the page cannot be framed or sniffed, and is revalidated on
// each load so an upgraded binary's page is never mixed with an old cached script.
func setDashboardHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", dashboardCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
}
