package platform

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// TestBulkImportsEnabled reads the setting where the simulator serves it (on for
// globex, off for stark) and says "unknown", not "off", when the answer has no field.
func TestBulkImportsEnabled(t *testing.T) {
	t.Parallel()
	read := func(c *Client, sub, email string) *bool {
		t.Helper()
		on, err := c.Support(sub, Credentials{Email: email, APIToken: sim.DemoAPIToken(sub)}).BulkImportsEnabled(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", sub, err)
		}
		return on
	}
	c, _ := newSimClient(t)
	if on := read(c, "globex", "owner@globex.test"); on == nil || !*on {
		t.Errorf("globex: %v, want on", on)
	}
	if on := read(c, "stark", "owner@stark.test"); on == nil || *on {
		t.Errorf("stark: %v, want off", on)
	}
	silent, _ := newSimClient(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/api/v2/account/settings") {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"settings":{"active_features":{"sell":false}}}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	if on := read(silent, "globex", "owner@globex.test"); on != nil {
		t.Errorf("an answer without the field: %v, want unknown (nil)", *on)
	}
}
