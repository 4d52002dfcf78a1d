package staffidp

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// TestCodeExpiresWithItsSignIn: an issued but unused code is refused once its sign-in
// is older than requestTTL, and the sweep a later sign-in runs drops it with its
// request, so codes do not pile up.
func TestCodeExpiresWithItsSignIn(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	s := &storage{requests: map[string]*authRequest{}, codes: map[string]string{}, now: func() time.Time { return now }}
	ctx := context.Background()
	a, err := s.CreateAuthRequest(ctx, &oidc.AuthRequest{ClientID: "sellmigrate"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAuthCode(ctx, a.GetID(), "code-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AuthRequestByCode(ctx, "code-1"); err != nil {
		t.Fatalf("a fresh code: %v", err)
	}
	now = now.Add(requestTTL + time.Second)
	if _, err := s.AuthRequestByCode(ctx, "code-1"); !errors.Is(err, errNotFound) {
		t.Errorf("a code past its sign-in's age: err = %v, want refused", err)
	}
	if len(s.codes) != 0 || len(s.requests) != 0 {
		t.Errorf("after refusing it: %d codes, %d requests held", len(s.codes), len(s.requests))
	}

	// Unredeemed: a later sign-in's sweep drops the expired request and its code.
	b, _ := s.CreateAuthRequest(ctx, &oidc.AuthRequest{ClientID: "sellmigrate"}, "")
	_ = s.SaveAuthCode(ctx, b.GetID(), "code-2")
	now = now.Add(requestTTL + time.Second)
	if _, err := s.CreateAuthRequest(ctx, &oidc.AuthRequest{ClientID: "sellmigrate"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.codes["code-2"]; ok || len(s.requests) != 1 {
		t.Errorf("after the sweep: codes %v, %d requests; want code-2 gone and one request", s.codes, len(s.requests))
	}
}
