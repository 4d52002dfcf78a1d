package platform

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fakeZendesk is a small in-memory Zendesk for the unit tests: one Support account
// "acme" (plus "taken" for availability) and Sell account 1001, answering in the
// documented shapes. The real simulator, platform/sim, is exercised by
// client_sim_test.go.
type fakeZendesk struct {
	mu          sync.Mutex
	accounts    map[string]bool // subdomains that exist
	idem        map[string][]byte
	creations   int
	users       []SupportUser // Support users of "acme"
	jobs        map[string]*fakeJob
	jobPolls    int
	jobFailures []int // statuses returned by the next job polls before the real answer
	sellUsers   []SellUser
	link        string
	linkIdem    map[string]string
}

type fakeJob struct {
	status  JobStatus
	pollsTo int // polls left until completed
}

var fakeSubdomain = regexp.MustCompile(`^[a-z][a-z0-9-]{1,61}[a-z0-9]$`)

func newFakeZendesk(supportUsers, sellUsers int) *fakeZendesk {
	f := &fakeZendesk{
		accounts: map[string]bool{"acme": true, "taken": true},
		idem:     map[string][]byte{},
		jobs:     map[string]*fakeJob{},
		linkIdem: map[string]string{},
	}
	created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := 1; i <= supportUsers; i++ {
		role := RoleEndUser
		if i%10 == 0 {
			role = RoleAgent
		}
		f.users = append(f.users, SupportUser{ID: int64(i), Name: fmt.Sprintf("User %d", i), Email: fmt.Sprintf("user%04d@acme.test", i),
			Role: role, Active: true, CreatedAt: created, UpdatedAt: created})
	}
	f.sellUsers = append(f.sellUsers, SellUser{ID: 1, Name: "Admin", Email: "admin@acme.test", Role: "admin", Status: "active", Confirmed: true})
	for i := 2; i <= sellUsers; i++ {
		f.sellUsers = append(f.sellUsers, SellUser{ID: int64(i), Name: fmt.Sprintf("Seller %d", i), Email: fmt.Sprintf("seller%04d@acme.test", i),
			Role: "user", Status: "active", Confirmed: true})
	}
	return f
}

func (f *fakeZendesk) handler() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /zendesk/{sub}/api/v2/accounts/available", f.available)
	m.HandleFunc("POST /zendesk/{sub}/api/v2/accounts", f.createAccount)
	m.HandleFunc("DELETE /zendesk/{sub}/api/v2/accounts/{name}", f.authed(f.release))
	m.HandleFunc("GET /zendesk/{sub}/api/v2/account", f.authed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"account": SupportAccount{Name: "Acme", Subdomain: "acme", URL: "https://acme.zendesk.com", OwnerID: 1}})
	}))
	m.HandleFunc("GET /zendesk/{sub}/api/v2/users/me", f.authed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"user": map[string]any{"id": 1, "email": testEmail, "role": "admin", "active": true}})
	}))
	m.HandleFunc("GET /zendesk/{sub}/api/v2/users", f.authed(f.listUsers))
	m.HandleFunc("GET /zendesk/{sub}/api/v2/users/search", f.authed(f.search))
	m.HandleFunc("GET /zendesk/{sub}/api/v2/custom_roles", f.authed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"custom_roles": []map[string]any{
			{"id": 11, "name": "Light agent", "role_type": 1, "description": "Can view"},
			{"id": 12, "name": "Contributor", "role_type": 3, "description": "Sell contributor"},
		}})
	}))
	m.HandleFunc("POST /zendesk/{sub}/api/v2/users/create_many", f.authed(f.createMany))
	m.HandleFunc("GET /zendesk/{sub}/api/v2/job_statuses/{id}", f.authed(f.jobStatus))
	m.HandleFunc("GET /sell/v2/accounts/self", f.sellAuthed(f.sellSelf))
	m.HandleFunc("GET /sell/v2/users", f.sellAuthed(f.sellUsersPage))
	m.HandleFunc("POST /sell/v2/accounts/self/zendesk_link", f.sellAuthed(f.sellLink))
	return m
}

// authed checks Support credentials and the account's existence, in Zendesk's order.
func (f *fakeZendesk) authed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		exists := f.accounts[r.PathValue("sub")]
		f.mu.Unlock()
		if !exists {
			writeJSON(w, 404, supportError("RecordNotFound", "Not found", nil))
			return
		}
		// Basic carries "{email}/token:{token}": user "{email}/token", password "{token}".
		user, pass, ok := r.BasicAuth()
		if !ok || user != testEmail+"/token" || pass != testToken {
			writeJSON(w, 401, map[string]string{"error": "Couldn't authenticate you"})
			return
		}
		next(w, r)
	}
}

func (f *fakeZendesk) sellAuthed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testSellToken {
			writeJSON(w, 401, sellError(401, "unauthorized", "Invalid or missing token", ""))
			return
		}
		next(w, r)
	}
}

func (f *fakeZendesk) available(w http.ResponseWriter, r *http.Request) {
	sub := r.URL.Query().Get("subdomain")
	f.mu.Lock()
	free := fakeSubdomain.MatchString(sub) && !f.accounts[sub]
	f.mu.Unlock()
	writeJSON(w, 200, map[string]bool{"success": free})
}

func (f *fakeZendesk) createAccount(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Account struct{ Name, Subdomain string } `json:"account"`
		Owner   struct{ Name, Email string }     `json:"owner"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, 400, supportError("InvalidJSON", err.Error(), nil))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	key := r.Header.Get("Idempotency-Key")
	if b, ok := f.idem[key]; ok && key != "" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		_, _ = w.Write(b)
		return
	}
	sub := in.Account.Subdomain
	detail := func(desc, code string) map[string][]map[string]string {
		return map[string][]map[string]string{"subdomain": {{"description": desc, "error": code}}}
	}
	switch {
	case !fakeSubdomain.MatchString(sub):
		writeJSON(w, 422, supportError("RecordInvalid", "Record validation errors", detail("Subdomain is invalid", "InvalidValue")))
		return
	case f.accounts[sub]:
		writeJSON(w, 422, supportError("RecordInvalid", "Record validation errors", detail("Subdomain has already been taken", "DuplicateValue")))
		return
	}
	f.accounts[sub] = true
	f.creations++
	b, _ := json.Marshal(map[string]any{"account": SupportAccount{Name: in.Account.Name, Subdomain: sub, URL: "https://" + sub + ".zendesk.com", OwnerID: 900 + int64(f.creations)}})
	if key != "" {
		f.idem[key] = b
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(201)
	_, _ = w.Write(b)
}

func (f *fakeZendesk) release(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case name == f.link:
		writeJSON(w, 409, supportError("AccountLinked", "The account is linked to Sell account 1001; unlink it first", nil))
	case !f.accounts[name]:
		writeJSON(w, 404, supportError("RecordNotFound", "Not found", nil))
	default:
		delete(f.accounts, name)
		w.WriteHeader(204)
	}
}

// listUsers pages by cursor; the cursor is the last ID served, as an opaque string.
func (f *fakeZendesk) listUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size, err := strconv.Atoi(q.Get("page[size]"))
	if err != nil || size < 1 || size > 100 {
		writeJSON(w, 400, supportError("InvalidPaginationParameter", "page[size] must be 1..100", nil))
		return
	}
	roles := q["role[]"]
	if v := q.Get("role"); v != "" {
		roles = append(roles, v)
	}
	after := int64(0)
	if c := q.Get("page[after]"); c != "" {
		after, _ = strconv.ParseInt(strings.TrimPrefix(c, "cur-"), 10, 64)
	}
	var page []SupportUser
	more := false
	f.mu.Lock()
	for _, u := range f.users {
		if u.ID <= after || (len(roles) > 0 && !slices.Contains(roles, u.Role)) {
			continue
		}
		if len(page) == size {
			more = true
			break
		}
		page = append(page, u)
	}
	f.mu.Unlock()
	meta := map[string]any{"has_more": more, "after_cursor": nil, "before_cursor": nil}
	links := map[string]any{"next": nil, "prev": nil}
	if len(page) > 0 {
		meta["after_cursor"] = fmt.Sprintf("cur-%d", page[len(page)-1].ID)
		meta["before_cursor"] = fmt.Sprintf("cur-%d", page[0].ID)
		if more {
			links["next"] = "http://example.invalid/api/v2/users?page[after]=" + meta["after_cursor"].(string)
		}
	}
	if page == nil {
		page = []SupportUser{}
	}
	writeJSON(w, 200, map[string]any{"users": page, "meta": meta, "links": links})
}

func (f *fakeZendesk) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimPrefix(r.URL.Query().Get("query"), "email:")
	out := []SupportUser{}
	f.mu.Lock()
	for _, u := range f.users {
		if strings.Contains(u.Email, strings.ToLower(q)) {
			out = append(out, u)
		}
	}
	f.mu.Unlock()
	writeJSON(w, 200, map[string]any{"users": out, "next_page": nil, "previous_page": nil, "count": len(out)})
}

func (f *fakeZendesk) createMany(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Users []NewSupportUser `json:"users"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, 400, supportError("InvalidJSON", err.Error(), nil))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id := fmt.Sprintf("job%d", len(f.jobs)+1)
	var results []JobResult
	for i, nu := range in.Users {
		res := JobResult{Index: i, Email: nu.Email}
		if f.hasEmail(nu.Email) {
			res.Status, res.Error, res.Details = "Failed", "EmailAlreadyTaken", "Email "+nu.Email+" is already being used by another user"
		} else {
			u := SupportUser{ID: int64(len(f.users) + 1), Name: nu.Name, Email: nu.Email, Role: nu.Role, CustomRoleID: nu.CustomRoleID}
			f.users = append(f.users, u)
			res.ID, res.Status = u.ID, "Created"
		}
		results = append(results, res)
	}
	status := "completed"
	if len(in.Users) == 1 && in.Users[0].Email == "doomed@acme.test" {
		status = "failed"
	}
	f.jobs[id] = &fakeJob{
		status:  JobStatus{ID: id, URL: "http://example.invalid/api/v2/job_statuses/" + id, Status: status, Total: len(in.Users), Progress: len(in.Users), Results: results, Message: "Completed at " + time.Now().UTC().Format(time.RFC3339)},
		pollsTo: 2,
	}
	writeJSON(w, 200, map[string]any{"job_status": JobStatus{ID: id, URL: f.jobs[id].status.URL, Status: JobQueued, Total: len(in.Users)}})
}

func (f *fakeZendesk) hasEmail(email string) bool {
	for _, u := range f.users {
		if strings.EqualFold(u.Email, email) {
			return true
		}
	}
	return false
}

// jobStatus answers queued, then working, then the final status; jobFailures, if set,
// are answered first, one per poll.
func (f *fakeZendesk) jobStatus(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobPolls++
	if len(f.jobFailures) > 0 {
		status := f.jobFailures[0]
		f.jobFailures = f.jobFailures[1:]
		if status == 429 {
			w.Header().Set("Retry-After", "1")
		}
		writeJSON(w, status, supportError(http.StatusText(status), "try again", nil))
		return
	}
	j, ok := f.jobs[r.PathValue("id")]
	if !ok {
		writeJSON(w, 404, supportError("RecordNotFound", "Not found", nil))
		return
	}
	if j.pollsTo > 0 {
		j.pollsTo--
		st := JobStatus{ID: j.status.ID, URL: j.status.URL, Status: JobWorking, Total: j.status.Total, Progress: j.status.Total / 2}
		writeJSON(w, 200, map[string]any{"job_status": st})
		return
	}
	writeJSON(w, 200, map[string]any{"job_status": j.status})
}

func (f *fakeZendesk) sellSelf(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	var sub any
	if f.link != "" {
		sub = f.link
	}
	f.mu.Unlock()
	writeJSON(w, 200, map[string]any{
		"data": map[string]any{"id": 1001, "name": "Acme", "subdomain": sub, "currency": "USD", "time_zone": "UTC"},
		"meta": map[string]any{"type": "account"},
	})
}

func (f *fakeZendesk) sellUsersPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	per, _ := strconv.Atoi(q.Get("per_page"))
	if page < 1 || per < 1 || per > 100 {
		writeJSON(w, 422, sellError(422, "invalid", "page and per_page out of range", "per_page"))
		return
	}
	var match []SellUser
	f.mu.Lock()
	for _, u := range f.sellUsers {
		if e := q.Get("email"); e == "" || strings.EqualFold(e, u.Email) {
			match = append(match, u)
		}
	}
	f.mu.Unlock()
	items := []any{}
	start := (page - 1) * per
	for i := start; i < len(match) && i < start+per; i++ {
		items = append(items, map[string]any{"data": match[i], "meta": map[string]any{"type": "user"}})
	}
	links := map[string]any{"self": fmt.Sprintf("http://example.invalid/v2/users?page=%d&per_page=%d", page, per)}
	if start+per < len(match) {
		links["next_page"] = fmt.Sprintf("http://example.invalid/v2/users?page=%d&per_page=%d", page+1, per)
	}
	writeJSON(w, 200, map[string]any{"items": items, "meta": map[string]any{"type": "collection", "count": len(items), "links": links}})
}

func (f *fakeZendesk) sellLink(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Data struct{ Subdomain string } `json:"data"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, 400, sellError(400, "bad_request", err.Error(), ""))
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	sub := in.Data.Subdomain
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		if prev, ok := f.linkIdem[key]; ok {
			sub = prev
		} else {
			f.linkIdem[key] = sub
		}
	}
	switch {
	case !f.accounts[sub]:
		writeJSON(w, 422, sellError(422, "unknown_subdomain", "No Zendesk account has the subdomain "+sub, "subdomain"))
		return
	case f.link != "" && f.link != sub:
		writeJSON(w, 422, sellError(422, "already_linked", "The account is already linked to "+f.link, "subdomain"))
		return
	}
	f.link = sub
	writeJSON(w, 200, map[string]any{
		"data": map[string]any{"sell_account_id": 1001, "subdomain": sub, "linked_at": "2025-03-01T12:00:00Z"},
		"meta": map[string]any{"type": "zendesk_link"},
	})
}
