package starter

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/contract"
)

func TestParseCampaignCSVTimeZone(t *testing.T) {
	in := "account_id,mode,subdomain,requested_by,owner_email,time_zone\n" +
		"1001,new,acme,admin@acme.test,,Europe/Paris\n" +
		"1002,existing,beta,admin@beta.test,owner@beta.test,\n" +
		"bad,new,,nobody,,\n"
	rows, err := ParseCampaignCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("rows = %d, want 3", len(rows))
	}
	if rows[0].Line != 2 || rows[0].Row.TimeZone != "Europe/Paris" || rows[0].Row.AccountID != "1001" {
		t.Errorf("row 1 = %+v", rows[0])
	}
	if rows[1].Row.OwnerEmail != "owner@beta.test" || rows[1].Row.TimeZone != "" {
		t.Errorf("row 2 = %+v", rows[1])
	}
	// An invalid row is carried: the campaign reports it on its row.
	if rows[2].Row.AccountID != "bad" || rows[2].Line != 4 {
		t.Errorf("row 3 = %+v", rows[2])
	}
}

func TestParseCampaignCSVWithoutTimeZone(t *testing.T) {
	rows, err := ParseCampaignCSV(strings.NewReader("account_id,mode,subdomain,requested_by,owner_email\n1001,new,acme,admin@acme.test,\n"))
	if err != nil || len(rows) != 1 || rows[0].Row.TimeZone != "" {
		t.Fatalf("rows = %+v, err = %v", rows, err)
	}
}

func TestParseCampaignCSVErrors(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"empty":     {"", "CSV is empty"},
		"unknown":   {"account_id,mode,subdomain,requested_by,owner_email,zone\n", `unknown column "zone"`},
		"missing":   {"account_id,mode,subdomain,requested_by\n", "lacks column(s) owner_email"},
		"no rows":   {"account_id,mode,subdomain,requested_by,owner_email\n", "no rows"},
		"width":     {"account_id,mode,subdomain,requested_by,owner_email\n1001,new,acme,admin@acme.test,\n1002,new\n", "line 3 has 2 fields"},
		"malformed": {"account_id,mode,subdomain,requested_by,owner_email\n1001,new,\"acme,admin@acme.test,\n", "malformed CSV"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseCampaignCSV(strings.NewReader(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestParseCampaignJSON(t *testing.T) {
	rows, err := ParseCampaignJSON(strings.NewReader(`[{"accountId":"1001","mode":"new","requestedBy":"a@b.test","timeZone":"Asia/Tokyo","line":9}]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Row.TimeZone != "Asia/Tokyo" || rows[0].Row.Line != 0 || rows[0].Line != 1 {
		t.Fatalf("rows = %+v", rows)
	}
	if _, err := ParseCampaignJSON(strings.NewReader(`[{"account":"1001"}]`)); err == nil {
		t.Fatal("an unknown field was accepted")
	}
	if _, err := ParseCampaignJSON(strings.NewReader(`[]`)); err == nil {
		t.Fatal("an empty list was accepted")
	}
}

func TestCampaignPreflightRows(t *testing.T) {
	rows := []CampaignCSVRow{
		{Line: 2, Row: contract.CampaignRow{AccountID: "1001", Mode: "new", RequestedBy: "a@acme.test", TimeZone: "Mars/Olympus"}},
		{Line: 3, Row: contract.CampaignRow{AccountID: "1002", Mode: "new", RequestedBy: "a@acme.test", TimeZone: "Europe/Paris"}},
		{Line: 4, Row: contract.CampaignRow{AccountID: "1002", Mode: "new", RequestedBy: "a@acme.test"}},
	}
	got := CampaignPreflightRows(rows)
	if got[0].Line != 2 || got[0].Err == nil || !strings.Contains(got[0].Err.Error(), "time_zone") {
		t.Errorf("row with a bad zone: %+v", got[0])
	}
	if got[1].Err != nil || got[1].Line != 3 {
		t.Errorf("good row: %+v", got[1])
	}
	var dup *DuplicateRowError
	if !errors.As(got[2].Err, &dup) {
		t.Errorf("repeated account: %v", got[2].Err)
	}
}

func TestChunkRows(t *testing.T) {
	rows := make([]contract.CampaignRow, 7)
	got := chunkRows(rows, 3, contract.MaxCampaignQueuedBytes)
	if len(got) != 3 || len(got[0]) != 3 || len(got[2]) != 1 {
		t.Fatalf("chunks = %d %v", len(got), got)
	}
	if len(chunkRows(rows[:3], 3, contract.MaxCampaignQueuedBytes)) != 1 {
		t.Fatal("an exact batch was split")
	}
}

// Long rows are batched by the size the campaign can hold, not only by count; a row
// too large alone still goes, in a batch of its own, for the campaign to refuse.
func TestChunkRowsBySize(t *testing.T) {
	row := contract.CampaignRow{AccountID: "1001", Mode: "new", RequestedBy: strings.Repeat("a", 80) + "@acme.test"}
	size := contract.RowBytes(row)
	rows := make([]contract.CampaignRow, 10)
	for i := range rows {
		rows[i] = row
	}
	got := chunkRows(rows, 100, 3*size+size/2)
	if len(got) != 4 || len(got[0]) != 3 || len(got[3]) != 1 {
		t.Fatalf("batches of %d bytes each at most: got %d batches %v", 3*size+size/2, len(got), got)
	}
	alone := chunkRows(rows[:2], 100, size/2)
	if len(alone) != 2 {
		t.Fatalf("rows larger than the budget: got %d batches, want one each", len(alone))
	}
	total := 0
	for _, b := range alone {
		total += len(b)
	}
	if total != 2 {
		t.Fatalf("rows lost in batching: %d of 2", total)
	}
}

// Bad input is refused before any call to Temporal: the starter has no client here,
// so a call would panic.
func TestStartCampaignRefusesBadInput(t *testing.T) {
	s := New(nil, Options{})
	row := contract.CampaignRow{AccountID: "1001", Mode: "new", RequestedBy: "a@acme.test"}
	good := CampaignRequest{Name: "wave-1", Rows: []contract.CampaignRow{row}, MaxActive: 2, RatePerMinute: 10, By: "ops@acme.test"}
	cases := map[string]struct {
		mut   func(*CampaignRequest)
		field string
		want  string
	}{
		"window":  {func(r *CampaignRequest) { r.Windows = []string{"Mon-Fri 9-17"} }, "windows", "DAYS HH:MM-HH:MM"},
		"name":    {func(r *CampaignRequest) { r.Name = "Wave 1" }, "name", "lowercase"},
		"active":  {func(r *CampaignRequest) { r.MaxActive = 0 }, "maxActive", "at least 1"},
		"rate":    {func(r *CampaignRequest) { r.RatePerMinute = 0 }, "ratePerMinute", "starts a minute"},
		"by":      {func(r *CampaignRequest) { r.By = "ops" }, "by", "email"},
		"no rows": {func(r *CampaignRequest) { r.Rows = nil }, "rows", "no rows"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			req := good
			c.mut(&req)
			_, err := s.StartCampaign(context.Background(), req)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != c.field || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %#v, want an *InputError on %s containing %q", err, c.field, c.want)
			}
		})
	}
}

func TestCampaignControlsRefuseBadInput(t *testing.T) {
	s := New(nil, Options{})
	ctx := context.Background()
	var ie *InputError
	if err := s.PauseCampaign(ctx, "Wave", "ops@acme.test"); !errors.As(err, &ie) || ie.Field != "name" {
		t.Errorf("pause with a bad name: %v", err)
	}
	if err := s.ResumeCampaign(ctx, "wave", ""); !errors.As(err, &ie) || ie.Field != "by" {
		t.Errorf("resume without by: %v", err)
	}
	if err := s.CancelCampaign(ctx, "wave", "nobody", true); !errors.As(err, &ie) || ie.Field != "by" {
		t.Errorf("cancel with a bad by: %v", err)
	}
	if _, err := s.AddCampaignRows(ctx, "wave", "ops@acme.test", nil); !errors.As(err, &ie) || ie.Field != "rows" {
		t.Errorf("add without rows: %v", err)
	}
	if _, err := s.CampaignProgress(ctx, "-wave"); !errors.As(err, &ie) {
		t.Errorf("progress with a bad name: %v", err)
	}
}

func TestWriteCampaignReportCSV(t *testing.T) {
	var b bytes.Buffer
	err := WriteCampaignReportCSV(&b, []contract.CampaignRowReport{
		{Line: 1, AccountID: "1001", Outcome: "completed", Subdomain: "acme", UsersConverted: 12, NeedsReactivation: 2},
		{Line: 2, AccountID: "1002", Outcome: contract.OutcomeInvalid, Error: "mode: bad, really"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "line,account_id,outcome,subdomain,users_converted,needs_reactivation,error\n" +
		"1,1001,completed,acme,12,2,\n" +
		"2,1002,invalid,,0,0,\"mode: bad, really\"\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}
