package bench

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Chart draws an SVG of end-to-end results as N grows: throughput (migrations/s and
// floor/s) on the left, migration latency (p50/p95/p99, seconds) on the right. N is
// spaced evenly (100, 1000, 10000 are a log scale's decades). Parked results are
// skipped; results with the same N keep the last.
func Chart(results []Result) (string, error) {
	byN := map[int]Result{}
	for _, r := range results {
		if r.Mode == "end_to_end" && r.N > 0 {
			byN[r.N] = r
		}
	}
	if len(byN) == 0 {
		return "", fmt.Errorf("bench: no end-to-end results to chart; give the JSON files of runs with --n")
	}
	var rs []Result
	for _, r := range byN {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].N < rs[j].N })

	const w, h = 920, 380
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	thr := panel{x: 60, y: 40, w: 360, h: 260, title: "Throughput (workflows/s)", ns: rs}
	thr.draw(&b, []series{
		{name: "migrations/s", color: "#1f77b4", value: func(r Result) float64 { return r.MigrationsPerSec }},
		{name: "floor/s", color: "#7f7f7f", dashed: true, value: func(r Result) float64 { return r.FloorPerSec }},
	})
	lat := panel{x: 520, y: 40, w: 360, h: 260, title: "Migration start-to-done latency (s)", ns: rs}
	lat.draw(&b, []series{
		{name: "p50", color: "#2ca02c", value: func(r Result) float64 { return r.P50ms / 1000 }},
		{name: "p95", color: "#ff7f0e", value: func(r Result) float64 { return r.P95ms / 1000 }},
		{name: "p99", color: "#d62728", value: func(r Result) float64 { return r.P99ms / 1000 }},
	})
	var notes []string
	for _, r := range rs {
		notes = append(notes, fmt.Sprintf("N=%d: ratio %.2f", r.N, r.Ratio))
	}
	fmt.Fprintf(&b, `<text x="60" y="%d" fill="#333">sellmigrate bench, embedded Temporal on SQLite, %d CPUs. %s</text>`+"\n",
		h-22, rs[len(rs)-1].Setup.CPUs, esc(strings.Join(notes, "; ")))
	b.WriteString("</svg>\n")
	return b.String(), nil
}

type series struct {
	name   string
	color  string
	dashed bool
	value  func(Result) float64
}

type panel struct {
	x, y, w, h float64
	title      string
	ns         []Result
}

func (p panel) draw(b *strings.Builder, ss []series) {
	top := 0.0
	for _, s := range ss {
		for _, r := range p.ns {
			top = math.Max(top, s.value(r))
		}
	}
	top = niceCeil(top)
	fmt.Fprintf(b, `<text x="%.0f" y="%.0f" font-size="14" font-weight="bold">%s</text>`+"\n", p.x, p.y-14, esc(p.title))
	fmt.Fprintf(b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#999"/>`+"\n", p.x, p.y, p.w, p.h)
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		y := p.y + p.h - p.h*float64(i)/4
		fmt.Fprintf(b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#eee"/>`, p.x, y, p.x+p.w, y)
		fmt.Fprintf(b, `<text x="%.0f" y="%.1f" text-anchor="end" fill="#555">%s</text>`+"\n", p.x-6, y+4, fmtNum(v))
	}
	xs := make([]float64, len(p.ns))
	for i, r := range p.ns {
		xs[i] = p.x + p.w*(float64(i)+0.5)/float64(len(p.ns))
		fmt.Fprintf(b, `<text x="%.1f" y="%.0f" text-anchor="middle" fill="#555">N=%d</text>`+"\n", xs[i], p.y+p.h+16, r.N)
	}
	for si, s := range ss {
		var pts []string
		for i, r := range p.ns {
			y := p.y + p.h - p.h*s.value(r)/top
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", xs[i], y))
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s N=%d: %s</title></circle>`+"\n", xs[i], y, s.color, esc(s.name), r.N, fmtNum(s.value(r)))
		}
		dash := ""
		if s.dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), s.color, dash)
		lx := p.x + 10 + float64(si)*110
		fmt.Fprintf(b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s" stroke-width="2"%s/>`, lx, p.y+p.h+34, lx+22, p.y+p.h+34, s.color, dash)
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f">%s</text>`+"\n", lx+27, p.y+p.h+38, esc(s.name))
	}
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func fmtNum(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
