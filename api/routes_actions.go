package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/sellmigrate/sellmigrate/workflows"
)

// actionPayloads makes the body type of each action: the workflow's own input types,
// so the API accepts exactly what the workflow does.
var actionPayloads = map[string]func() any{
	workflows.ChooseSubdomainName:   func() any { return &workflows.ChooseSubdomainInput{} },
	workflows.OwnerLoginName:        func() any { return &workflows.OwnerLoginInput{} },
	workflows.LicenseAssignedName:   func() any { return &workflows.LicenseAssignedInput{} },
	workflows.BackName:              func() any { return &workflows.BackInput{} },
	workflows.AcceptDisclaimersName: func() any { return &workflows.AcceptDisclaimersInput{} },
}

// action sends a person's input to the migration as a Temporal update and answers with
// the progress after the workflow took it. A bad or out-of-order input is refused by
// the workflow's validator before anything is recorded: 422 rejected, with its reason.
func (s *Server) action(w http.ResponseWriter, r *http.Request, _ principal) error {
	id, err := ref(r)
	if err != nil {
		return err
	}
	name := r.PathValue("action")
	mk, ok := actionPayloads[name]
	if !ok {
		return newError(codeNotFound, fmt.Sprintf("action %q is not known; use one of %s", name, strings.Join(workflows.InputNames, ", ")))
	}
	payload := mk()
	if err := s.decodeJSON(w, r, payload); err != nil {
		return err
	}
	progress, err := s.starter.Send(r.Context(), id, name, payload)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, progress)
	return nil
}
