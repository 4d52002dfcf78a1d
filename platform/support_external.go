package platform

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ShowManyUsersByExternalIDs returns the account's users whose external_id is one of ids
// (GET /api/v2/users/show_many?external_ids=a,b; up to 100, compared without case).
// Ids no user has are simply absent from the result, in no promised order. One call
// finds every user of a batch that an earlier run created, however large the account.
func (s *Support) ShowManyUsersByExternalIDs(ctx context.Context, ids []string) ([]SupportUser, error) {
	if len(ids) == 0 || len(ids) > MaxPageSize {
		return nil, fmt.Errorf("platform: ShowManyUsersByExternalIDs takes 1 to %d external ids per call, got %d; split the list into batches",
			MaxPageSize, len(ids))
	}
	for _, id := range ids {
		// The ids travel as one comma-separated value.
		if strings.TrimSpace(id) == "" || strings.Contains(id, ",") {
			return nil, fmt.Errorf("platform: external id %q cannot be looked up with show_many: it is blank or contains a comma", id)
		}
	}
	var out struct {
		Users []SupportUser `json:"users"`
	}
	err := s.ep.do(ctx, request{
		method: http.MethodGet,
		path:   "/api/v2/users/show_many",
		query:  url.Values{"external_ids": {strings.Join(ids, ",")}},
		out:    &out,
	})
	return out.Users, err
}
