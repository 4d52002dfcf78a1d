package starter

import (
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/contract"
)

// FuzzParseCSV feeds arbitrary files to ParseCSV: it never panics; a file it accepts
// yields at least one row; every row has a line number past the header and either
// parses into a valid request or says why not; a Sell account is ready at most once.
// Seeds: f.Add below and testdata/fuzz/FuzzParseCSV.
func FuzzParseCSV(f *testing.F) {
	header := strings.Join(CSVColumns, ",") + "\n"
	for _, seed := range []string{
		"",
		header,
		header + "1001,new,acme,admin@acme.test,\n",
		header + "1001,new,acme,admin@acme.test,\n1001,new,acme,admin@acme.test,\n",
		"\ufeffmode, account_id,subdomain,requested_by,OWNER_EMAIL\nnew,1001,acme,admin@acme.test,\n",
		header + "\"1001,new,acme,admin@acme.test,\n",
		header + "1001,new\n",
		header + "1001,new,Acme Corp,admin@acme.test,,extra\n",
		header + "1002,existing,globex,admin@globex.test,owner@globex.test\r\n1003,existing,initech,admin@initech.test,\n",
		"account_id,mode\n1001,new\n",
		header + "a\"b,new,acme,admin@acme.test,\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, file string) {
		rows, err := ParseCSV(strings.NewReader(file))
		if err != nil {
			if err.Error() == "" || rows != nil {
				t.Fatalf("ParseCSV error %q with rows %v", err, rows)
			}
			return
		}
		if len(rows) == 0 {
			t.Fatalf("ParseCSV accepted %q with no rows", file)
		}
		ready := map[string]bool{}
		for _, r := range rows {
			if r.Line < 2 {
				t.Fatalf("row %+v has no line number past the header", r)
			}
			if r.Err != nil {
				if r.Err.Error() == "" {
					t.Fatalf("row on line %d has an empty error", r.Line)
				}
				continue
			}
			if _, err := r.Request.Input(contract.DefaultPolicy()); err != nil {
				t.Fatalf("row on line %d is marked ready but invalid: %v", r.Line, err)
			}
			if ready[r.Request.AccountID] {
				t.Fatalf("Sell account %s is ready twice", r.Request.AccountID)
			}
			ready[r.Request.AccountID] = true
		}
	})
}
