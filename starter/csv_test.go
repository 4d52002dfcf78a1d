package starter

import (
	"context"
	"strings"
	"testing"
)

func TestParseCSVGoodRows(t *testing.T) {
	// A byte-order mark, reordered and padded columns, quoting and a blank line.
	file := "\ufeffmode, account_id,subdomain,requested_by,OWNER_EMAIL\n" +
		"new,1001,acme,admin@acme.test,\n" +
		"\n" +
		"existing,1002,\"globex\",admin@globex.test,owner@globex.test\n" +
		" new , 1005 ,,admin@hooli.test,\n"
	rows, err := ParseCSV(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("rows = %+v", rows)
	}
	want := []CSVRow{
		{Line: 2, Request: StartRequest{AccountID: "1001", Mode: "new", Subdomain: "acme", RequestedBy: "admin@acme.test"}},
		{Line: 4, Request: StartRequest{AccountID: "1002", Mode: "existing", Subdomain: "globex", RequestedBy: "admin@globex.test", OwnerEmail: "owner@globex.test"}},
		{Line: 5, Request: StartRequest{AccountID: "1005", Mode: "new", RequestedBy: "admin@hooli.test"}},
	}
	for i, w := range want {
		if rows[i].Err != nil || rows[i].Line != w.Line || rows[i].Request != w.Request {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], w)
		}
	}
}

func TestParseCSVBadRowsDoNotStopOthers(t *testing.T) {
	file := strings.Join([]string{
		"account_id,mode,subdomain,requested_by,owner_email",
		"1001,new,acme,admin@acme.test,",           // 2 ok
		"10x1,new,acme2,admin@acme.test,",          // 3 bad account
		"1002,sideways,globex,admin@globex.test,",  // 4 bad mode
		"1003,existing,initech,admin@initech.test", // 5 too few fields
		"1001,new,acme,admin@acme.test,",           // 6 repeated account
		`1006,new,"un"closed,admin@x.test,`,        // 7 malformed quote
		"1005,new,Hooli,admin@hooli.test,",         // 8 bad subdomain
		"1007,new,,admin@hooli.test,",              // 9 ok
	}, "\n") + "\n"
	rows, err := ParseCSV(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	wantErr := map[int]string{
		3: "digits only",
		4: "mode",
		5: "has 4 fields",
		6: "already appears on line 2",
		7: "malformed CSV",
		8: "uppercase",
	}
	lines := map[int]bool{}
	for _, r := range rows {
		lines[r.Line] = true
		want, bad := wantErr[r.Line]
		switch {
		case bad && (r.Err == nil || !strings.Contains(r.Err.Error(), want)):
			t.Errorf("line %d: err = %v, want one containing %q", r.Line, r.Err, want)
		case !bad && r.Err != nil:
			t.Errorf("line %d: unexpected error %v", r.Line, r.Err)
		}
	}
	for _, l := range []int{2, 3, 4, 5, 6, 7, 8, 9} {
		if !lines[l] {
			t.Errorf("line %d missing from results %+v", l, rows)
		}
	}
}

func TestParseCSVHeaderErrors(t *testing.T) {
	cases := map[string]string{
		"": "CSV is empty",
		"account_id,mode,requested_by\n1001,new,a@b.test\n":          "lacks column(s) subdomain, owner_email",
		"account_id,mode,subdomain,requested_by,owner_email,notes\n": `unknown column "notes"`,
		"account_id,mode,mode,subdomain,requested_by,owner_email\n":  `repeats column "mode"`,
		"account_id,mode,subdomain,requested_by,owner_email\n":       "no rows",
	}
	for file, want := range cases {
		_, err := ParseCSV(strings.NewReader(file))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("file %q: err = %v, want one containing %q", file, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error %q spans lines", err)
		}
	}
}

func TestStartCSVReportsEveryRow(t *testing.T) {
	s := offlineStarter(t)
	file := "account_id,mode,subdomain,requested_by,owner_email\n" +
		"x,new,acme,admin@acme.test,\n" +
		"1002,new,globex,not-an-email,\n"
	results, err := s.StartCSV(context.Background(), strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || results[0].Line != 2 || results[1].Line != 3 || results[0].OK() || results[1].OK() {
		t.Fatalf("results = %+v", results)
	}
	wantInputError(t, results[0].Err, "accountId")
	wantInputError(t, results[1].Err, "requestedBy")
}
