package api

import (
	"net/http"
	"time"

	"github.com/sellmigrate/sellmigrate/starter"
)

// ownerLinkBody is GET /api/v1/migrations/{id}/owner-login-link's answer: a freshly
// signed owner-login link for the migration, for an admin to hand to the Zendesk
// account owner (the dashboard's Owner login action opens it).
type ownerLinkBody struct {
	// Link is absolute, on api.public_url (or the origin the request came to).
	Link string `json:"link"`
	// Path is the same link relative to this server, for its own pages.
	Path      string    `json:"path"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// ownerLoginLink signs a link without reading the migration: a link for a migration
// that is not waiting for its owner only ever shows the page that says nothing. A
// link lets its holder start the owner login, so who was given one is audited.
func (s *Server) ownerLoginLink(w http.ResponseWriter, r *http.Request, p principal) (err error) {
	defer func() { s.audit(r, p, "owner-login-link", r.PathValue("id"), err) }()
	id, err := ref(r)
	if err != nil {
		return err
	}
	links := s.opts.OAuth.Links
	if links == nil {
		return newPublicError(codeUnavailable, "owner-login links cannot be signed here: api.owner_link_key is not set; give the API the key the workers and CLI use, and restart it")
	}
	_, wf, err := starter.ParseRef(id)
	if err != nil {
		return err
	}
	path, exp := links.Link("", wf, time.Now())
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, ownerLinkBody{Link: s.publicBase(r) + path, Path: path, ExpiresAt: exp.UTC()})
	return nil
}

// publicBase is how browsers reach this server: api.public_url, else the origin the
// request came to.
func (s *Server) publicBase(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
