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
// the workflow's validator before anything is recorded: 422, with the reason.
func (s *Server) action(in contract.Input) func(w http.ResponseWriter, r *http.Request, _ principal) error {
	return func(w http.ResponseWriter, r *http.Request, _ principal) error {
		id, err := ref(r)
		if err != nil {
			return err
		}
		payload := in.New()
		if err := s.decodeJSON(w, r, payload); err != nil {
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
