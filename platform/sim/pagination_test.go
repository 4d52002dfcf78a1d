package sim_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// sellUserItems is one page of GET /v2/users.
type sellUserItems struct {
	Items []struct {
		Data struct {
			ID     int64  `json:"id"`
			Name   string `json:"name"`
			Email  string `json:"email"`
			Role   string `json:"role"`
			Status string `json:"status"`
		} `json:"data"`
		Meta struct {
			Type string `json:"type"`
		} `json:"meta"`
	} `json:"items"`
	Meta struct {
		Type  string            `json:"type"`
		Count int               `json:"count"`
		Links map[string]string `json:"links"`
	} `json:"meta"`
}

// walkSell pages through Hooli's Sell users by links.next_page and returns their emails.
func walkSell(t *testing.T, e *env) []string {
	t.Helper()
	var emails []string
	page := e.do(http.MethodGet, "/sell/v2/users?page=1&per_page=100", nil, sellAuth(1005)...)
	for pages := 0; ; pages++ {
		if pages > 30 {
			t.Fatal("Sell pagination does not end")
		}
		p := decode[sellUserItems](t, page.expect(t, http.StatusOK))
		if p.Meta.Type != "collection" || p.Meta.Count != len(p.Items) {
			t.Fatalf("page meta %+v with %d items", p.Meta, len(p.Items))
		}
		for _, it := range p.Items {
			emails = append(emails, it.Data.Email)
		}
		next, ok := p.Meta.Links["next_page"]
		if !ok {
			return emails
		}
		page = e.getURL(next, sellAuth(1005)...)
	}
}

// userPage covers both Support pagination styles.
type userPage struct {
	Users []user `json:"users"`
	Meta  struct {
		HasMore      bool    `json:"has_more"`
		AfterCursor  *string `json:"after_cursor"`
		BeforeCursor *string `json:"before_cursor"`
	} `json:"meta"`
	Links struct {
		Next *string `json:"next"`
		Prev *string `json:"prev"`
	} `json:"links"`
	NextPage     *string `json:"next_page"`
	PreviousPage *string `json:"previous_page"`
	Count        int     `json:"count"`
}

func noDuplicates(t *testing.T, what string, emails []string, want int) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range emails {
		if seen[e] {
			t.Fatalf("%s: %s seen twice", what, e)
		}
		seen[e] = true
	}
	if len(seen) != want {
		t.Fatalf("%s: %d distinct users, want %d", what, len(seen), want)
	}
}

// TestPaginationWalksAllHooliUsers walks Hooli's 2,500 Sell users with Sell's page/
// per_page, copies them into a new Support account with create_many, then walks the
// Support users with cursor and with offset pagination: each walk sees every user once.
func TestPaginationWalksAllHooliUsers(t *testing.T) {
	t.Parallel()
	e := start(t, sim.Config{})
	sellEmails := walkSell(t, e)
	noDuplicates(t, "sell walk", sellEmails, 2500)
	if sellEmails[0] != "admin@hooli.test" || sellEmails[2499] != "user2499@hooli.test" {
		t.Fatalf("sell walk order: first %s last %s", sellEmails[0], sellEmails[2499])
	}
	e.do(http.MethodGet, "/sell/v2/users?per_page=101", nil, sellAuth(1005)...).expect(t, http.StatusUnprocessableEntity)
	admins := decode[sellUserItems](t, e.do(http.MethodGet, "/sell/v2/users?role=admin&email=ADMIN@hooli.test", nil, sellAuth(1005)...).
		expect(t, http.StatusOK))
	if len(admins.Items) != 1 || admins.Items[0].Data.Email != "admin@hooli.test" {
		t.Fatalf("admin filter: %+v", admins.Items)
	}

	e.createAccount("Hooli", "hooli", "admin@hooli.test", "")
	roleID := e.contributorRoleID("hooli", "admin@hooli.test")
	for start := 0; start < len(sellEmails); start += 100 {
		batch := []map[string]any{}
		for _, email := range sellEmails[start:min(start+100, len(sellEmails))] {
			batch = append(batch, map[string]any{"name": email, "email": email, "role": "agent", "custom_role_id": roleID, "verified": true})
		}
		job := e.runJob(http.MethodPost, "/zendesk/hooli/api/v2/users/create_many", "admin@hooli.test", map[string]any{"users": batch})
		for _, r := range job.Results {
			// A Failed row names its index, not its email: the owner is the only one taken.
			if r.Status != "Created" && !(batch[r.Index]["email"] == "admin@hooli.test" && r.Error == "EmailAlreadyTaken") {
				t.Fatalf("create_many row %+v", r)
			}
		}
	}
	auth := supportAuth("admin@hooli.test")

	// Cursor pagination, following links.next while meta.has_more.
	var cursorEmails []string
	page := e.do(http.MethodGet, "/zendesk/hooli/api/v2/users?page[size]=100", nil, auth...)
	for {
		p := decode[userPage](t, page.expect(t, http.StatusOK))
		for _, u := range p.Users {
			cursorEmails = append(cursorEmails, u.Email)
		}
		if page.header.Get("X-Rate-Limit-Remaining") == "" {
			t.Fatal("cursor page without X-Rate-Limit-Remaining")
		}
		if !p.Meta.HasMore {
			if p.Links.Next != nil {
				t.Fatalf("last page has links.next %s", *p.Links.Next)
			}
			break
		}
		page = e.getURL(*p.Links.Next, auth...)
	}
	noDuplicates(t, "support cursor walk", cursorEmails, 2500)

	// The same walk by page[after]=after_cursor with an uneven page size.
	var afterEmails []string
	after := ""
	for {
		p := decode[userPage](t, e.do(http.MethodGet, "/zendesk/hooli/api/v2/users.json?page[size]=77&page[after]="+after, nil, auth...).
			expect(t, http.StatusOK))
		for _, u := range p.Users {
			afterEmails = append(afterEmails, u.Email)
		}
		if !p.Meta.HasMore {
			break
		}
		after = *p.Meta.AfterCursor
	}
	noDuplicates(t, "support after_cursor walk", afterEmails, 2500)

	// Offset pagination, following next_page.
	var offsetEmails []string
	page = e.do(http.MethodGet, "/zendesk/hooli/api/v2/users", nil, auth...)
	for {
		p := decode[userPage](t, page.expect(t, http.StatusOK))
		if p.Count != 2500 {
			t.Fatalf("offset count %d, want 2500", p.Count)
		}
		for _, u := range p.Users {
			offsetEmails = append(offsetEmails, u.Email)
		}
		if p.NextPage == nil {
			break
		}
		page = e.getURL(*p.NextPage, auth...)
	}
	noDuplicates(t, "support offset walk", offsetEmails, 2500)

	// Role filters, a backwards cursor page, and the page[size] limit.
	agents := decode[userPage](t, e.do(http.MethodGet, "/zendesk/hooli/api/v2/users?role=agent&per_page=1", nil, auth...).expect(t, http.StatusOK))
	both := decode[userPage](t, e.do(http.MethodGet, "/zendesk/hooli/api/v2/users?role[]=agent&role[]=admin&per_page=1", nil, auth...).expect(t, http.StatusOK))
	if agents.Count != 2499 || both.Count != 2500 || agents.Users[0].RoleType == nil || *agents.Users[0].RoleType != 3 {
		t.Fatalf("role filters: agents %d (first %+v), agents+admins %d", agents.Count, agents.Users, both.Count)
	}
	second := decode[userPage](t, e.do(http.MethodGet, "/zendesk/hooli/api/v2/users?page[size]=10", nil, auth...).expect(t, http.StatusOK))
	second = decode[userPage](t, e.getURL(*second.Links.Next, auth...).expect(t, http.StatusOK))
	back := decode[userPage](t, e.getURL(*second.Links.Prev, auth...).expect(t, http.StatusOK))
	if len(back.Users) != 10 || back.Users[0].Email != cursorEmails[0] || back.Meta.HasMore {
		t.Fatalf("page[before] from page 2 = %d users starting %v, has_more %v", len(back.Users), back.Users, back.Meta.HasMore)
	}
	for _, bad := range []string{"page[size]=101", "page[size]=0", "page[after]=not-a-cursor", "page=0"} {
		r := e.do(http.MethodGet, "/zendesk/hooli/api/v2/users?"+bad, nil, auth...).expect(t, http.StatusBadRequest)
		if got := decode[map[string]any](t, r)["error"]; got != "InvalidPaginationParameter" {
			t.Errorf("%s: error %v", bad, got)
		}
	}
	if got := fmt.Sprint(e.ledgerCounts()["user_converted"]); got != "2499" {
		t.Errorf("user_converted = %s, want 2499", got)
	}
}
