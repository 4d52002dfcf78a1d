package starter

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/sellmigrate/sellmigrate/contract"
)

// offlineStarter has a lazy client aimed at a closed loopback port: any call that
// reached Temporal would fail with a connection error, so an *InputError proves the
// input was refused before any call.
func offlineStarter(t *testing.T) *Starter {
	t.Helper()
	c, err := client.NewLazyClient(client.Options{
		HostPort: "127.0.0.1:1",
		Logger:   sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return New(c, Options{})
}

func wantInputError(t *testing.T, err error, field string) {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v (%T), want *InputError for %s", err, err, field)
	}
	if ie.Field != field {
		t.Fatalf("InputError field = %q, want %q (%v)", ie.Field, field, err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %q spans lines", err)
	}
}

func TestStartRequestInput(t *testing.T) {
	good := []StartRequest{
		{AccountID: "1001", Mode: "new", Subdomain: "acme", RequestedBy: "admin@acme.test"},
		{AccountID: " 1005 ", Mode: "NEW", RequestedBy: "admin@hooli.test"},
		{AccountID: "1002", Mode: "existing", Subdomain: "globex", RequestedBy: "admin@globex.test", OwnerEmail: "owner@globex.test"},
	}
	for _, r := range good {
		in, err := r.Input(contract.DefaultPolicy())
		if err != nil {
			t.Errorf("%+v: %v", r, err)
			continue
		}
		if in.SellAccountID != strings.TrimSpace(r.AccountID) || in.Policy != contract.DefaultPolicy() {
			t.Errorf("%+v -> %+v", r, in)
		}
	}
	base := StartRequest{AccountID: "1001", Mode: "new", Subdomain: "acme", RequestedBy: "admin@acme.test"}
	bad := []struct {
		field string
		edit  func(*StartRequest)
	}{
		{"accountId", func(r *StartRequest) { r.AccountID = "" }},
		{"accountId", func(r *StartRequest) { r.AccountID = "10a1" }},
		{"accountId", func(r *StartRequest) { r.AccountID = "-1001" }},
		{"accountId", func(r *StartRequest) { r.AccountID = strings.Repeat("9", 20) }},
		{"mode", func(r *StartRequest) { r.Mode = "merge" }},
		{"mode", func(r *StartRequest) { r.Mode = "" }},
		{"subdomain", func(r *StartRequest) { r.Subdomain = "Acme" }},
		{"subdomain", func(r *StartRequest) { r.Subdomain = "acme_inc" }},
		{"subdomain", func(r *StartRequest) { r.Subdomain = "www" }},
		{"requestedBy", func(r *StartRequest) { r.RequestedBy = "" }},
		{"requestedBy", func(r *StartRequest) { r.RequestedBy = "admin" }},
		{"requestedBy", func(r *StartRequest) { r.RequestedBy = "admin@localhost" }},
		{"requestedBy", func(r *StartRequest) { r.RequestedBy = "Admin <admin@acme.test>" }},
		{"ownerEmail", func(r *StartRequest) { r.Mode = "existing"; r.OwnerEmail = "owner at globex" }},
		{"ownerEmail", func(r *StartRequest) { r.OwnerEmail = "owner@acme.test" }}, // new mode
	}
	for _, tc := range bad {
		r := base
		tc.edit(&r)
		_, err := r.Input(contract.DefaultPolicy())
		wantInputError(t, err, tc.field)
	}
	_, err := base.Input(contract.Policy{})
	wantInputError(t, err, "policy")
}

func TestValidationBeforeAnyCall(t *testing.T) {
	s := offlineStarter(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	began := time.Now()

	_, err := s.Start(ctx, StartRequest{AccountID: "abc", Mode: "new", RequestedBy: "admin@acme.test"})
	wantInputError(t, err, "accountId")

	for _, ref := range []string{"", "acme", "sell-migration-", "sell-migration-x1", "workflow-1001"} {
		_, err = s.Status(ctx, ref)
		wantInputError(t, err, "ref")
		_, err = s.Headline(ctx, ref)
		wantInputError(t, err, "ref")
		wantInputError(t, s.Cancel(ctx, ref), "ref")
		_, err = s.Wait(ctx, ref)
		wantInputError(t, err, "ref")
		_, err = s.Send(ctx, ref, contract.BackName, contract.BackInput{By: "admin@acme.test"})
		wantInputError(t, err, "ref")
	}

	sends := []struct {
		name    string
		payload any
		field   string
	}{
		{"approve", contract.BackInput{By: "admin@acme.test"}, "input"},
		{contract.BackName, contract.LicenseAssignedInput{By: "admin@acme.test"}, "input"},
		{contract.BackName, (*contract.BackInput)(nil), "input"},
		{contract.BackName, contract.BackInput{}, "by"},
		{contract.LicenseAssignedName, &contract.LicenseAssignedInput{By: "nobody"}, "by"},
		{contract.OwnerLoginName, contract.OwnerLoginInput{}, "grantId"},
		{contract.OwnerLoginName, contract.OwnerLoginInput{UserEmail: "owner@globex.test"}, "grantId"},
		{contract.OwnerLoginName, contract.OwnerLoginInput{GrantID: "owner@globex.test"}, "grantId"},
		{contract.OwnerLoginName, contract.OwnerLoginInput{GrantID: "cred_abc", UserEmail: "owner@@globex.test"}, "userEmail"},
		{contract.ChooseSubdomainName, contract.ChooseSubdomainInput{Subdomain: "acme", By: ""}, "by"},
		{contract.ChooseSubdomainName, contract.ChooseSubdomainInput{Subdomain: "My Company", By: "admin@acme.test"}, "subdomain"},
		{contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: "admin@acme.test", Version: "2024 01"}, "version"},
		{contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{}, "by"},
	}
	for _, tc := range sends {
		_, err := s.Send(ctx, "1001", tc.name, tc.payload)
		wantInputError(t, err, tc.field)
	}

	_, err = s.List(ctx, ListFilter{Status: "stuck"})
	wantInputError(t, err, "status")
	_, err = s.List(ctx, ListFilter{Limit: -1})
	wantInputError(t, err, "limit")
	_, err = s.List(ctx, ListFilter{Campaign: "wave'1"})
	wantInputError(t, err, "campaign")

	if d := time.Since(began); d > 2*time.Second {
		t.Fatalf("validation took %s; something waited on the network", d)
	}
}

func TestParseRef(t *testing.T) {
	for ref, want := range map[string]string{"1001": "1001", " 1002 ": "1002", "sell-migration-1003": "1003"} {
		id, wf, err := ParseRef(ref)
		if err != nil || id != want || wf != contract.WorkflowID(want) {
			t.Errorf("ParseRef(%q) = %q %q %v", ref, id, wf, err)
		}
	}
}

func TestCheckInputPassesPayloadThrough(t *testing.T) {
	in := &contract.AcceptDisclaimersInput{By: "admin@acme.test"}
	got, err := CheckInput(contract.AcceptDisclaimersName, in)
	if err != nil {
		t.Fatal(err)
	}
	if got != (contract.AcceptDisclaimersInput{By: "admin@acme.test"}) {
		t.Fatalf("payload = %#v, want the dereferenced input", got)
	}
}

func TestErrorMessages(t *testing.T) {
	cases := map[string]error{
		`migration for Sell account 1001 is already running (workflow sell-migration-1001); see "sellmigrate status 1001"`: &AlreadyStartedError{AccountID: "1001", WorkflowID: "sell-migration-1001", Running: true},
		`migration for Sell account 1004 already completed (workflow sell-migration-1004); see "sellmigrate status 1004"`:  &AlreadyStartedError{AccountID: "1004", WorkflowID: "sell-migration-1004"},
	}
	for want, err := range cases {
		if err.Error() != want {
			t.Errorf("got  %q\nwant %q", err.Error(), want)
		}
	}
}

// TestListQueryByCampaign: a campaign's name filters on the CampaignID search
// attribute, which holds the campaign's workflow ID.
func TestListQueryByCampaign(t *testing.T) {
	q, err := ListFilter{Campaign: "wave-1", Mode: "new"}.Query()
	if err != nil || !strings.Contains(q, "CampaignID = 'campaign-wave-1'") || !strings.Contains(q, "MigrationMode = 'new'") {
		t.Errorf("query %q, %v", q, err)
	}
}
