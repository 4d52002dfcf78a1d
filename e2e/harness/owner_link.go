package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// OwnerLoginLink asks the stack's API (with an admin token, as the dashboard does) for a
// signed owner-login link to the migration ref, and returns it on apiURL. A dev stack's
// admin token is config.DemoAdminToken; a production api role's is one of its own.
func OwnerLoginLink(ctx context.Context, apiURL, adminToken, ref string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, apiURL+"/api/v1/migrations/"+url.PathEscape(ref)+"/owner-login-link", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("harness: ask the API for %s's owner-login link: %w", ref, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	var out struct {
		Path string `json:"path"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil || !strings.HasPrefix(out.Path, "/oauth/owner-login?") {
		return "", fmt.Errorf("harness: %s's owner-login link: %d %s", ref, resp.StatusCode, body)
	}
	return strings.TrimRight(apiURL, "/") + out.Path, nil
}
