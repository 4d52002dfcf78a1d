package contract

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	// The binary carries the zone database, so a worker loads a window's zone even where
	// the host has none (a scratch image).
	_ "time/tzdata"
)

// WindowForm is the expected form of a window spec, for error messages and help.
const WindowForm = `DAYS HH:MM-HH:MM [ZONE], e.g. "Mon-Fri 09:00-17:00 Europe/Paris" (DAYS: Mon..Sun, a range Mon-Fri or a list Mon,Wed,Sat; ZONE: an IANA time zone, UTC when left out)`

// Window is a weekly time window in which a campaign starts migrations: on the given
// days, from Start to End (minutes since midnight). End at or before Start means the
// window runs past midnight into the next day. The clock times are read in Zone,
// unless a row gives its tenant's zone, which then applies instead.
type Window struct {
	Spec  string
	Days  [7]bool // indexed by time.Weekday
	Start int     // minutes since midnight
	End   int     // minutes since midnight; 1440 for 24:00
	Zone  *time.Location
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseWindow reads a spec such as "Mon-Fri 09:00-17:00 Europe/Paris".
func ParseWindow(spec string) (Window, error) {
	w := Window{Spec: strings.TrimSpace(spec), Zone: time.UTC}
	bad := func(why string, args ...any) (Window, error) {
		return Window{}, fmt.Errorf("window %q: %s; the form is %s", spec, fmt.Sprintf(why, args...), WindowForm)
	}
	parts := strings.Fields(spec)
	if len(parts) < 2 || len(parts) > 3 {
		return bad("give days, a time range and optionally a zone")
	}
	for _, item := range strings.Split(parts[0], ",") {
		from, to, isRange := strings.Cut(item, "-")
		a, ok := weekdays[strings.ToLower(from)]
		if !ok {
			return bad("%q is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun", from)
		}
		if !isRange {
			w.Days[a] = true
			continue
		}
		b, ok := weekdays[strings.ToLower(to)]
		if !ok {
			return bad("%q is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun", to)
		}
		for d := a; ; d = (d + 1) % 7 {
			w.Days[d] = true
			if d == b {
				break
			}
		}
	}
	from, to, ok := strings.Cut(parts[1], "-")
	if !ok {
		return bad("%q is not a time range such as 09:00-17:00", parts[1])
	}
	var err error
	if w.Start, err = clockMinutes(from, false); err != nil {
		return bad("%v", err)
	}
	if w.End, err = clockMinutes(to, true); err != nil {
		return bad("%v", err)
	}
	if w.Start == w.End {
		return bad("the window opens and closes at %s; give a range of at least a minute", from)
	}
	if len(parts) == 3 {
		loc, err := LoadZone(parts[2])
		if err != nil {
			return bad("%v", err)
		}
		w.Zone = loc
	}
	return w, nil
}

// LoadZone loads an IANA time zone such as Europe/Paris; "Local" is refused, since the
// workers' own zone may differ from one to the next.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("time zone %q is not an IANA zone such as Europe/Paris or UTC", name)
	}
	// The zone database is embedded (time/tzdata) for hosts without one; Go prefers the
	// host's where there is one, so a campaign's workers should share an image.
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q is not known; give an IANA zone such as Europe/Paris or America/New_York", name)
	}
	return loc, nil
}

func clockMinutes(s string, end bool) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || len(h) != 2 || len(m) != 2 || err1 != nil || err2 != nil || mm < 0 || mm > 59 || hh < 0 || hh > 24 || (hh == 24 && (mm != 0 || !end)) {
		return 0, fmt.Errorf("%q is not a clock time HH:MM (00:00 to 23:59, or 24:00 to end a window at midnight)", s)
	}
	return hh*60 + mm, nil
}

// ParseWindows reads several specs; a campaign starts when any of them is open.
func ParseWindows(specs []string) (Windows, error) {
	out := make(Windows, 0, len(specs))
	for _, s := range specs {
		w, err := ParseWindow(s)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// Windows are a campaign's windows; none means always open.
type Windows []Window

// maxWindowSearch bounds the search for the next opening: every weekly window opens
// within eight days, whatever the DST shifts.
const maxWindowSearch = 9

// State says whether the windows are open at t, and when they next open (t itself
// when open; the zero time when there are no windows, as they never close). zone, when
// not nil, is the row's tenant zone: the windows' clock times apply in it instead.
func (ws Windows) State(t time.Time, zone *time.Location) (open bool, next time.Time) {
	if len(ws) == 0 {
		return true, t
	}
	for _, w := range ws {
		if w.open(t, zone) {
			return true, t
		}
	}
	for _, w := range ws {
		if n := w.nextOpen(t, zone); !n.IsZero() && (next.IsZero() || n.Before(next)) {
			next = n
		}
	}
	return false, next
}

func (w Window) loc(zone *time.Location) *time.Location {
	if zone != nil {
		return zone
	}
	return w.Zone
}

// open checks today's window and yesterday's, which may run past midnight.
func (w Window) open(t time.Time, zone *time.Location) bool {
	lt := t.In(w.loc(zone))
	for back := 0; back <= 1; back++ {
		day := time.Date(lt.Year(), lt.Month(), lt.Day()-back, 0, 0, 0, 0, lt.Location())
		from, to := w.span(day)
		if w.Days[day.Weekday()] && !t.Before(from) && t.Before(to) {
			return true
		}
	}
	return false
}

// span is the window's opening and closing on day (a local midnight). Clock times are
// built with time.Date, so on a DST day a time that does not exist (02:30 in spring)
// is read as Go normalizes it, an hour later.
func (w Window) span(day time.Time) (time.Time, time.Time) {
	from := time.Date(day.Year(), day.Month(), day.Day(), w.Start/60, w.Start%60, 0, 0, day.Location())
	endDay := day.Day()
	if w.End <= w.Start {
		endDay++
	}
	to := time.Date(day.Year(), day.Month(), endDay, w.End/60, w.End%60, 0, 0, day.Location())
	return from, to
}

func (w Window) nextOpen(t time.Time, zone *time.Location) time.Time {
	lt := t.In(w.loc(zone))
	for ahead := 0; ahead < maxWindowSearch; ahead++ {
		day := time.Date(lt.Year(), lt.Month(), lt.Day()+ahead, 0, 0, 0, 0, lt.Location())
		if !w.Days[day.Weekday()] {
			continue
		}
		if from, _ := w.span(day); from.After(t) {
			return from
		}
	}
	return time.Time{}
}
