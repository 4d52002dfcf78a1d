package api

import (
	"net/http"

	"github.com/sellmigrate/sellmigrate/contract"
)

// actionPath is the route of one human input.
func actionPath(name string) string { return "/api/v1/migrations/{id}/actions/" + name }

// actionRoutes gives every human input in the registry its own route, with the role
// the registry names, so a new input is served (and documented) without a change here.
func (s *Server) actionRoutes() []route {
	var out []route
	for _, in := range contract.Inputs() {
		out = append(out, route{"POST", actionPath(in.Name), roleFor(in.Role), s.action(in)})
	}
	return out
}

// roleFor maps the contract's roles onto the API's.
func roleFor(r contract.Role) Role {
	switch r {
	case contract.RoleAdmin:
		return RoleAdmin
	case contract.RoleOps:
		return RoleOps
	}
	return RoleViewer
}

// action sends a person's input to the migration as a Temporal update and answers with
// the progress after the workflow took it. The body is the input's own payload type,
// decoded strictly; a bad or out-of-order input is refused by the registry's rules or
// the workflow's validator before anything is recorded: 422, with the reason. The
// caller's principal is stamped on it (see stampInput): a "by" that is not the named
// token's email is a 403, and nothing is sent.
func (s *Server) action(in contract.Input) func(w http.ResponseWriter, r *http.Request, p principal) error {
	return func(w http.ResponseWriter, r *http.Request, p principal) (err error) {
		migration := r.PathValue("id")
		defer func() { s.audit(r, p, in.Name, migration, err) }()
		id, err := ref(r)
		if err != nil {
			return err
		}
		payload := in.New()
		if err := s.decodeJSON(w, r, payload); err != nil {
			return err
		}
		if err := stampInput(p, payload); err != nil {
			return err
		}
		progress, err := s.starter.Send(r.Context(), id, in.Name, payload)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, progress)
		return nil
	}
}

// inputSpec is one registry entry as the dashboard reads it, so it offers every input
// with its fields without a copy of the registry of its own.
type inputSpec struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Doc   string `json:"doc"`
	Role  string `json:"role"`
	Mode  string `json:"mode,omitempty"`
	Page  string `json:"page,omitempty"`
	// PageLink is the API call ({id}: the workflow ID) that signs a link to Page for
	// one migration: the page takes only signed links (the owner login, the one input
	// given on a page; see internal/ownerlink).
	PageLink string      `json:"pageLink,omitempty"`
	Path     string      `json:"path"`
	Fields   []fieldSpec `json:"fields"`
}

type fieldSpec struct {
	Name     string `json:"name"`
	Flag     string `json:"flag"`
	Required bool   `json:"required"`
	Format   string `json:"format"`
	Doc      string `json:"doc"`
	Example  string `json:"example,omitempty"`
}

// inputs lists the human inputs of the registry; which of them a migration takes now
// is in its progress (allowedInputs).
func (s *Server) inputs(w http.ResponseWriter, _ *http.Request, _ principal) error {
	out := []inputSpec{}
	for _, in := range contract.Inputs() {
		spec := inputSpec{Name: in.Name, Title: in.Title, Doc: in.Doc, Role: roleFor(in.Role).String(), Mode: string(in.Mode),
			Page: in.Page, Path: actionPath(in.Name), Fields: []fieldSpec{}}
		if in.Page != "" {
			spec.PageLink = "/api/v1/migrations/{id}/owner-login-link"
		}
		for _, f := range in.Fields {
			spec.Fields = append(spec.Fields, fieldSpec{Name: f.JSON, Flag: f.Flag, Required: f.Required, Format: string(f.Format), Doc: f.Doc, Example: f.Example})
		}
		out = append(out, spec)
	}
	writeJSON(w, http.StatusOK, map[string]any{"inputs": out})
	return nil
}
