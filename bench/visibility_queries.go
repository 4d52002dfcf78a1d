package bench

import (
	"cmp"
	"context"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/grpc"
)

// VisibilityQuery is one shape of visibility read the server answered during a run:
// the same method and query with its literals blanked, split by first page and later
// pages. Times are the frontend's, from past its own interceptors (authorization,
// namespace checks, rate limits) to the answer, retries included, so they include the
// wait for SQLite's one connection: they rank the shapes by what they cost the run,
// not by SQLite's time alone.
type VisibilityQuery struct {
	Method string `json:"method"` // ListWorkflowExecutions or CountWorkflowExecutions
	Query  string `json:"query"`
	// LaterPage is true for the calls that carried a next-page token.
	LaterPage bool    `json:"later_page,omitempty"`
	Calls     int     `json:"calls"`
	TotalSec  float64 `json:"total_sec"`
	MeanMs    float64 `json:"mean_ms"`
	MaxMs     float64 `json:"max_ms"`
	// Rows is the executions the lists returned, or the counts' summed answers;
	// Errors the calls that failed (timed, with no rows).
	Rows   int64 `json:"rows"`
	Errors int   `json:"errors,omitempty"`
}

// visibilityTimer times every list and count the frontend serves, by query shape, and
// counts every call by method (Methods). The shapes answer which visibility read grows
// with the run, which the CPU profile cannot: the profile shows SQLite executing
// statements, not which caller sent them.
type visibilityTimer struct {
	mu     sync.Mutex
	shapes map[shapeKey]*VisibilityQuery
	// methods counts every frontend call by method, visibility or not: what the run
	// asked of the server, to divide by the migrations.
	methods map[string]*FrontendCalls
}

// FrontendCalls is one frontend method's calls during a run and the time the frontend
// took to answer them (waits for SQLite's connection included).
type FrontendCalls struct {
	Calls    int     `json:"calls"`
	TotalSec float64 `json:"total_sec"`
}

type shapeKey struct {
	method, query string
	laterPage     bool
}

func newVisibilityTimer() *visibilityTimer {
	return &visibilityTimer{shapes: map[shapeKey]*VisibilityQuery{}, methods: map[string]*FrontendCalls{}}
}

// Interceptor is the frontend's unary interceptor: it counts every call by method and
// times lists and counts by query shape.
func (v *visibilityTimer) Interceptor(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	began := time.Now()
	resp, err := handler(ctx, req)
	took := time.Since(began)
	v.count(path.Base(info.FullMethod), took)
	var key shapeKey
	switch r := req.(type) {
	case *workflowservice.ListWorkflowExecutionsRequest:
		key = shapeKey{method: "ListWorkflowExecutions", query: querySkeleton(r.GetQuery()), laterPage: len(r.GetNextPageToken()) > 0}
	case *workflowservice.CountWorkflowExecutionsRequest:
		key = shapeKey{method: "CountWorkflowExecutions", query: querySkeleton(r.GetQuery())}
	default:
		return resp, err
	}
	var rows int64
	switch r := resp.(type) {
	case *workflowservice.ListWorkflowExecutionsResponse:
		rows = int64(len(r.GetExecutions()))
	case *workflowservice.CountWorkflowExecutionsResponse:
		rows = r.GetCount()
	}
	v.record(key, took, rows, err != nil)
	return resp, err
}

func (v *visibilityTimer) record(key shapeKey, took time.Duration, rows int64, failed bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	q := v.shapes[key]
	if q == nil {
		q = &VisibilityQuery{Method: key.method, Query: key.query, LaterPage: key.laterPage}
		v.shapes[key] = q
	}
	ms := float64(took.Microseconds()) / 1000
	q.Calls++
	q.TotalSec += ms / 1000
	q.MaxMs = max(q.MaxMs, ms)
	q.Rows += rows
	if failed {
		q.Errors++
	}
}

func (v *visibilityTimer) count(method string, took time.Duration) {
	v.mu.Lock()
	defer v.mu.Unlock()
	m := v.methods[method]
	if m == nil {
		m = &FrontendCalls{}
		v.methods[method] = m
	}
	m.Calls++
	m.TotalSec += took.Seconds()
}

// Methods returns the calls by frontend method, times rounded for the report.
func (v *visibilityTimer) Methods() map[string]FrontendCalls {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make(map[string]FrontendCalls, len(v.methods))
	for name, m := range v.methods {
		out[name] = FrontendCalls{Calls: m.Calls, TotalSec: round(m.TotalSec)}
	}
	return out
}

// Top returns the n shapes that took the most time, longest first, rounded for the
// report.
func (v *visibilityTimer) Top(n int) []VisibilityQuery {
	v.mu.Lock()
	out := make([]VisibilityQuery, 0, len(v.shapes))
	for _, q := range v.shapes {
		out = append(out, *q)
	}
	v.mu.Unlock()
	slices.SortFunc(out, func(a, b VisibilityQuery) int {
		return cmp.Or(cmp.Compare(b.TotalSec, a.TotalSec), cmp.Compare(a.Method, b.Method), cmp.Compare(a.Query, b.Query),
			cmp.Compare(boolRank(a.LaterPage), boolRank(b.LaterPage)))
	})
	if len(out) > n {
		out = out[:n]
	}
	for i := range out {
		out[i].MeanMs = round(out[i].TotalSec * 1000 / float64(out[i].Calls))
		out[i].TotalSec, out[i].MaxMs = round(out[i].TotalSec), round(out[i].MaxMs)
	}
	return out
}

// boolRank orders false before true.
func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

var (
	quotedLiteral = regexp.MustCompile(`'(?:[^']|'')*'|"(?:[^"]|"")*"`)
	literalList   = regexp.MustCompile(`\?(?:\s*,\s*\?)+`)
)

// querySkeleton blanks a visibility query's quoted literals (IDs, times, statuses; the
// queries here have no bare numbers) and folds lists of them into one mark, so that
// each caller's query is one shape.
func querySkeleton(q string) string {
	q = quotedLiteral.ReplaceAllString(strings.TrimSpace(q), "?")
	return literalList.ReplaceAllString(q, "?…")
}
