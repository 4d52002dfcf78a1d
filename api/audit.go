package api

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
)

// Outcomes of a call refused before its handler ran; a call that ran has "ok" or the
// error code it answered with.
const (
	auditOK              = "ok"
	auditUnauthenticated = "unauthenticated"
	auditForbidden       = "forbidden"
	// anonymous is the principal of a call without a valid token or session.
	anonymous = "anonymous"
)

// Actions besides the routes' (auditAction): sign-ins (a token for a session, or staff
// through OIDC) and sign-outs, so the trail says who held a session when.
const (
	auditSignIn  = "sign-in"
	auditSignOut = "sign-out"
)

// Bounds of GET /api/v1/audit's limit.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
)

// AuditRecord is one line of the audit trail: who (principal, its email when it has
// one, role), what (action, migration), the outcome (ok, or the error code and the
// HTTP status sent back) and the request's ID and client IP. Never a token, never a
// body. The info log line "audit" has the same fields; audit.file holds one JSON
// object per line.
type AuditRecord struct {
	Time           time.Time `json:"time"`
	Principal      string    `json:"principal"`
	PrincipalEmail string    `json:"principalEmail,omitempty"`
	Role           string    `json:"role"`
	Action         string    `json:"action"`
	Migration      string    `json:"migration"`
	Outcome        string    `json:"outcome"`
	Status         int       `json:"status,omitempty"`
	RequestID      string    `json:"requestId"`
	ClientIP       string    `json:"clientIp"`
}

// auditFile appends audit records to a file, one JSON object per line. Each write
// opens the file in append mode and closes it, under a mutex so lines from concurrent
// requests never interleave; a file moved away by log rotation is simply created
// again (0600).
type auditFile struct {
	mu   sync.Mutex
	path string
}

// openAuditFile checks that the file can be appended to, creating it (0600) when
// missing, so a wrong path stops the server at start rather than losing lines.
func openAuditFile(path string, log *zap.Logger) (*auditFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	info, statErr := f.Stat()
	if err := f.Close(); err != nil {
		return nil, err
	}
	if statErr == nil && info.Mode().Perm()&0o077 != 0 {
		log.Warn("the audit file can be read by others than its owner; chmod 600 it", zap.String("file", path), zap.String("mode", info.Mode().Perm().String()))
	}
	return &auditFile{path: path}, nil
}

func (a *auditFile) append(rec AuditRecord) error {
	line, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	a.mu.Lock()
	defer a.mu.Unlock()
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write(line)
	cerr := f.Close()
	return errors.Join(werr, cerr)
}

// audit records a call that changes a migration, once its handler has run: the
// outcome is ok, or the error code sent back.
func (s *Server) audit(r *http.Request, p principal, action, migration string, err error) {
	outcome, status := auditOK, 0
	if err != nil {
		ae := toAPIError(err)
		outcome, status = ae.Code, ae.status()
	}
	s.writeAudit(r, p, action, migration, outcome, status)
}

// auditRefusal records a call to a route that changes migrations, refused before its
// handler ran: unauthenticated (401) or forbidden (403).
func (s *Server) auditRefusal(r *http.Request, rt route, p principal, outcome string, status int) {
	action := auditAction(rt)
	if action == "" {
		return
	}
	target := r.PathValue("id")
	if name := r.PathValue("name"); name != "" {
		target = contract.CampaignWorkflowID(name)
	}
	s.writeAudit(r, p, action, target, outcome, status)
}

// writeAudit writes the info line "audit" and, with audit.file set, appends the same
// record to it. A failed append is logged as an error: the call has already happened
// and cannot be undone.
func (s *Server) writeAudit(r *http.Request, p principal, action, migration, outcome string, status int) {
	rec := AuditRecord{
		Time:           time.Now().UTC(),
		Principal:      p.name,
		PrincipalEmail: p.email,
		Role:           p.role.String(),
		Action:         action,
		Migration:      migration,
		Outcome:        outcome,
		Status:         status,
		RequestID:      requestID(r),
		ClientIP:       clientIP(r),
	}
	if p.role == rolePublic {
		rec.Principal, rec.Role = anonymous, "none"
	}
	fields := []zap.Field{
		zap.String("principal", rec.Principal),
		zap.String("role", rec.Role),
		zap.String("action", rec.Action),
		zap.String("migration", rec.Migration),
		zap.String("outcome", rec.Outcome),
		zap.String("requestId", rec.RequestID),
		zap.String("clientIp", rec.ClientIP),
	}
	if rec.PrincipalEmail != "" {
		fields = append(fields, zap.String("principalEmail", rec.PrincipalEmail))
	}
	if rec.Status != 0 {
		fields = append(fields, zap.Int("status", rec.Status))
	}
	s.log.Info("audit", fields...)
	if s.auditFile != nil {
		if err := s.auditFile.append(rec); err != nil {
			s.log.Error("audit line not written to audit.file", zap.String("file", s.auditFile.path), zap.String("requestId", rec.RequestID), zap.Error(err))
		}
	}
}

// auditAction names what a route does for the audit trail; "" for routes that change
// no migration or campaign (reads, the session, preflight), which are not audited.
func auditAction(rt route) string {
	if rt.method != http.MethodPost {
		return ""
	}
	switch rt.path {
	case "/api/v1/migrations":
		return "start"
	case "/api/v1/migrations/bulk":
		return "bulk-start"
	case "/api/v1/migrations/{id}/cancel":
		return "cancel"
	}
	if name, ok := strings.CutPrefix(rt.path, actionPath("")); ok {
		return name
	}
	return campaignControls[rt.path]
}

// auditFilter is GET /api/v1/audit's query.
type auditFilter struct {
	principal, action, migration, outcome string
	since                                 time.Time
	limit                                 int
}

var auditParams = []string{"principal", "action", "migration", "outcome", "since", "limit"}

func parseAuditFilter(r *http.Request) (auditFilter, error) {
	q, err := queryParams(r, auditParams...)
	if err != nil {
		ae := toAPIError(err)
		return auditFilter{}, &apiError{Code: codeBadRequest, Field: ae.Field, Message: ae.Message}
	}
	f := auditFilter{principal: q["principal"], action: q["action"], migration: q["migration"], outcome: q["outcome"], limit: defaultAuditLimit}
	if v := q["since"]; v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return f, &apiError{Code: codeBadRequest, Field: "since", Message: fmt.Sprintf("since %q must be an RFC 3339 time, e.g. 2026-12-01T06:00:00Z", v)}
		}
		f.since = t
	}
	if v := q["limit"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAuditLimit {
			return f, &apiError{Code: codeBadRequest, Field: "limit", Message: fmt.Sprintf("limit %q must be a whole number from 1 to %d (default %d)", v, maxAuditLimit, defaultAuditLimit)}
		}
		f.limit = n
	}
	return f, nil
}

func (f auditFilter) match(rec AuditRecord) bool {
	switch {
	case f.principal != "" && !strings.EqualFold(f.principal, rec.Principal) && !strings.EqualFold(f.principal, rec.PrincipalEmail):
		return false
	case f.action != "" && f.action != rec.Action:
		return false
	case f.migration != "" && contract.AccountIDFromRef(f.migration) != contract.AccountIDFromRef(rec.Migration):
		return false
	case f.outcome != "" && f.outcome != rec.Outcome:
		return false
	case !f.since.IsZero() && rec.Time.Before(f.since):
		return false
	}
	return true
}

// auditPage is GET /api/v1/audit's answer: the newest matching records first, and
// whether older ones matched beyond the limit.
type auditPage struct {
	Entries []AuditRecord `json:"entries"`
	More    bool          `json:"more"`
}

// auditLog serves GET /api/v1/audit: the records of audit.file, newest first,
// filtered. Lines that are not records (a line cut short by a crash) are skipped.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, _ principal) error {
	if s.auditFile == nil {
		return newError(codeNotFound, "the audit trail is only in the server's log: set audit.file (env SELLMIGRATE_AUDIT_FILE) to a file path to keep it in a file this endpoint can read")
	}
	f, err := parseAuditFilter(r)
	if err != nil {
		return err
	}
	page, err := s.auditFile.read(f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// read scans the file oldest first and keeps the last f.limit matches.
func (a *auditFile) read(f auditFilter) (auditPage, error) {
	file, err := os.Open(a.path)
	if errors.Is(err, os.ErrNotExist) {
		return auditPage{Entries: []AuditRecord{}}, nil
	}
	if err != nil {
		return auditPage{}, fmt.Errorf("open audit.file %s: %w", a.path, err)
	}
	defer func() { _ = file.Close() }()
	var (
		kept []AuditRecord
		more bool
	)
	br := bufio.NewReader(file)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			var rec AuditRecord
			if json.Unmarshal(line, &rec) == nil && rec.Action != "" && f.match(rec) {
				kept = append(kept, rec)
				if len(kept) > 2*f.limit {
					kept = append(kept[:0], kept[len(kept)-f.limit:]...)
					more = true
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return auditPage{}, fmt.Errorf("read audit.file %s: %w", a.path, err)
		}
	}
	if len(kept) > f.limit {
		kept, more = kept[len(kept)-f.limit:], true
	}
	out := make([]AuditRecord, len(kept))
	for i, rec := range kept {
		out[len(kept)-1-i] = rec
	}
	return auditPage{Entries: out, More: more}, nil
}
