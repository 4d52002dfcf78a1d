package api

import (
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"go.uber.org/zap"
)

// route is one API endpoint: its mux pattern, the least role it needs, and a handler
// whose error becomes the JSON error body.
type route struct {
	method, path string
	role         Role
	handler      func(w http.ResponseWriter, r *http.Request, p principal) error
}

func (rt route) pattern() string { return rt.method + " " + rt.path }

// apiRoutes lists every API route; the OpenAPI document describes the same set (a
// test holds them together).
func (s *Server) apiRoutes() []route {
	routes := []route{
		{"GET", "/healthz", rolePublic, s.healthz},
		{"GET", "/openapi.json", rolePublic, s.openAPI},
		{"GET", "/api/v1/session", rolePublic, s.sessionOptions},
		{"POST", "/api/v1/session", rolePublic, s.createSession},
		{"DELETE", "/api/v1/session", rolePublic, s.deleteSession},
		{"GET", "/api/v1/me", RoleViewer, s.me},
		{"GET", "/api/v1/inputs", RoleViewer, s.inputs},
		{"GET", "/api/v1/disclaimers/{version}", RoleViewer, s.disclaimer},
		{"GET", "/api/v1/migrations", RoleViewer, s.listMigrations},
		{"POST", "/api/v1/migrations", RoleOps, s.startMigration},
		{"GET", "/api/v1/migrations/counts", RoleViewer, s.countMigrations},
		{"POST", "/api/v1/migrations/bulk", RoleOps, s.bulkStart},
		{"POST", "/api/v1/preflight", RoleOps, s.preflight},
		{"GET", "/api/v1/migrations/{id}", RoleViewer, s.getMigration},
		{"GET", "/api/v1/migrations/{id}/timeline", RoleViewer, s.timeline},
		{"GET", "/api/v1/migrations/{id}/owner-login-link", RoleAdmin, s.ownerLoginLink},
		{"POST", "/api/v1/migrations/{id}/cancel", RoleOps, s.cancel},
		{"GET", "/api/v1/migrations/{id}/events", RoleViewer, s.migrationEvents},
		{"GET", "/api/v1/events", RoleViewer, s.listEvents},
		{"GET", "/api/v1/audit", RoleAdmin, s.auditLog},
	}
	routes = append(routes, s.campaignRoutes()...)
	return append(routes, s.actionRoutes()...)
}

// handle registers a route behind authentication and authorization.
func (s *Server) handle(rt route) {
	s.routes[rt.pattern()] = rt
	s.mux.HandleFunc(rt.pattern(), func(w http.ResponseWriter, r *http.Request) {
		var p principal
		// The liveness probe is never limited: a limited probe would restart a busy
		// server. Everything else is, before any work (a failed sign-in counts too,
		// against the caller's address, so tokens cannot be guessed at speed).
		limited := rt.path != "/healthz"
		if rt.role != rolePublic {
			var err error
			if p, err = s.auth.authenticate(r); err != nil {
				if s.admitAPIRequest(w, r, principal{}) {
					s.auditRefusal(r, rt, principal{}, auditUnauthenticated, toAPIError(err).status())
					s.writeError(w, r, err)
				}
				return
			}
			if !s.admitAPIRequest(w, r, p) {
				return
			}
			if p.role < rt.role {
				s.auditRefusal(r, rt, p, auditForbidden, http.StatusForbidden)
				s.writeError(w, r, newError(codeForbidden, fmt.Sprintf("%s %s needs the %s role; this token has the %s role", rt.method, rt.path, rt.role, p.role)))
				return
			}
			if p.viaCookie && r.Method != http.MethodGet && r.Method != http.MethodHead && !sameOrigin(r, s.publicHost) {
				s.auditRefusal(r, rt, p, auditForbidden, http.StatusForbidden)
				s.writeError(w, r, newError(codeForbidden, "a signed-in browser session may change migrations only from this server's own pages; use a bearer token from elsewhere"))
				return
			}
		} else if limited && !s.admitAPIRequest(w, r, p) {
			return
		}
		if err := rt.handler(w, r, p); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// serveHTTP is the outer handler: it logs each request, turns a panic into a 500, and
// answers unknown API routes and wrong methods with the JSON error body rather than
// the mux's plain text.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("handler panicked", zap.String("requestId", requestID(r)), zap.Any("panic", v), zap.ByteString("stack", debug.Stack()))
			if rec.status == 0 {
				s.writeError(rec, r, errors.New("the server hit an unexpected error; retry, and report it if it persists"))
			}
		}
		// The query string is left out: it holds nothing secret today, but page tokens
		// are long and a future parameter might.
		s.log.Debug("request", zap.String("requestId", requestID(r)), zap.String("method", r.Method), zap.String("path", r.URL.Path),
			zap.Int("status", rec.status), zap.Duration("took", time.Since(start)))
	}()
	if _, pattern := s.mux.Handler(r); pattern == "" || (isAPIPath(r.URL.Path) && !s.isRoute(pattern)) {
		s.noRoute(rec, r)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

func isAPIPath(p string) bool { return p == "/api" || strings.HasPrefix(p, "/api/") }

func (s *Server) isRoute(pattern string) bool {
	_, ok := s.routes[pattern]
	return ok
}

// noRoute answers 405 with Allow when the path exists under other methods, else 404.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := s.mux.Handler(probe); p != "" && (!isAPIPath(r.URL.Path) || s.isRoute(p)) {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		s.writeError(w, r, newError(codeMethodNotAllowed, fmt.Sprintf("%s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allowed, " or "))))
		return
	}
	s.writeError(w, r, newError(codeNotFound, fmt.Sprintf("there is no route %s %s; /openapi.json lists every route", r.Method, r.URL.Path)))
}

// statusRecorder remembers the status for the log. Unwrap lets http.ResponseController
// reach the connection underneath (flushing and deadlines for live streams).
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
