package api

import (
	"net/http"

	"github.com/sellmigrate/sellmigrate/contract"
)

// disclaimer serves the text of one disclaimer version with its SHA-256, from the
// texts embedded in the binary: what the dashboard shows before the admin accepts,
// and the hash it sends with the acceptance. Temporal is not asked.
func (s *Server) disclaimer(w http.ResponseWriter, r *http.Request, _ principal) error {
	d, err := contract.LookupDisclaimer(r.PathValue("version"))
	if err != nil {
		// The only failure is a version without text; the message lists those there are.
		return newError(codeNotFound, err.Error()+"; a migration waiting for disclaimers names its version in requiredDisclaimerVersion")
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
