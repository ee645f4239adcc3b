package transform

import (
	"fmt"
	"math"
	"time"

	"github.com/fitexport/fitexport/dates"
)

const (
	msPerSecond = int64(1000)
	msPerDay    = 86400 * msPerSecond
)

// span is one stretch of constant UTC offset, [from, to) in Unix ms.
type span struct {
	from, to int64
	off      int64 // ms east of UTC
}

// DayClock converts wall-clock readings around one local day into instants,
// in the order the readings are given (see the package doc for the rules at
// DST changes). Wall times are "wall milliseconds": the wall clock read as if
// it were UTC, in Unix milliseconds (what a *_local column stores). A
// DayClock is cheap to build (one per day or per session) and not safe for
// concurrent use.
type DayClock struct {
	loc   *time.Location
	base  int64 // the day's local midnight, in wall ms
	spans []span

	started  bool
	late     bool // the second pass of a repeated hour has begun
	prevWall int64
	prevUTC  int64
}

// NewDayClock returns a clock for local day d in loc. It knows the zone's
// offsets from two days before d to two days after, enough for any sleep
// session filed under d.
func NewDayClock(loc *time.Location, d dates.Date) *DayClock {
	if loc == nil {
		loc = time.UTC
	}
	base := d.UTC().UnixMilli()
	c := &DayClock{loc: loc, base: base}
	lo := base - 2*msPerDay - 15*3600*msPerSecond
	hi := base + 3*msPerDay + 15*3600*msPerSecond
	t := time.UnixMilli(lo).In(loc)
	for range 64 {
		start, end := t.ZoneBounds()
		_, off := t.Zone()
		s := span{from: math.MinInt64, to: math.MaxInt64, off: int64(off) * msPerSecond}
		if !start.IsZero() {
			s.from = start.UnixMilli()
		}
		if !end.IsZero() {
			s.to = end.UnixMilli()
		}
		c.spans = append(c.spans, s)
		if end.IsZero() || s.to > hi {
			break
		}
		t = end
	}
	return c
}

// Base returns local midnight of the clock's day in wall ms; add the
// milliseconds of a time of day to get a wall time.
func (c *DayClock) Base() int64 { return c.base }

// Clock converts an "HH:mm:ss" time of the clock's day; it returns the
// instant and the wall time, both in Unix ms.
func (c *DayClock) Clock(hms string) (utc, wall int64, err error) {
	ms, ok := ParseClock(hms)
	if !ok {
		return 0, 0, fmt.Errorf("invalid time %q: want HH:mm:ss", hms)
	}
	wall = c.base + ms
	return c.At(wall), wall, nil
}

// At returns the instant (Unix ms) of wall time w, taking the readings given
// before into account.
func (c *DayClock) At(w int64) int64 {
	var utc int64
	if len(c.spans) == 1 {
		utc = w - c.spans[0].off
	} else {
		utc = c.resolve(w)
	}
	if c.started && w >= c.prevWall && utc < c.prevUTC {
		utc = c.prevUTC // a spring-forward gap: never go backwards
	}
	c.started, c.prevWall, c.prevUTC = true, w, utc
	return utc
}

func (c *DayClock) resolve(w int64) int64 {
	var cand [2]int64
	n := 0
	for _, s := range c.spans {
		u := w - s.off
		if u >= s.from && u < s.to {
			if n < len(cand) {
				cand[n] = u
			}
			n++
		}
	}
	switch {
	case n == 1:
		return cand[0]
	case n >= 2: // the repeated hour: first pass until the clock goes back
		if !c.late && c.started && w < c.prevWall {
			c.late = true
		}
		if c.late {
			return cand[1]
		}
		return cand[0]
	}
	// A wall time that does not exist (or lies outside the known window):
	// read it as time.Date does.
	t := time.UnixMilli(w).UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.loc).UnixMilli()
}

// ParseClock parses "HH:mm:ss" (00:00:00–23:59:59) into milliseconds since
// midnight, by hand (no allocation).
func ParseClock(s string) (int64, bool) {
	if len(s) != 8 || s[2] != ':' || s[5] != ':' {
		return 0, false
	}
	h, ok1 := two(s[0], s[1])
	m, ok2 := two(s[3], s[4])
	sec, ok3 := two(s[6], s[7])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 59 {
		return 0, false
	}
	return (int64(h)*3600 + int64(m)*60 + int64(sec)) * msPerSecond, true
}

func two(a, b byte) (int, bool) {
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return 0, false
	}
	return int(a-'0')*10 + int(b-'0'), true
}

// WallLayout is the layout of Fitbit's sleep times (fractional seconds
// optional when parsing).
const WallLayout = "2006-01-02T15:04:05.000"

// ParseWall parses "yyyy-MM-ddTHH:mm:ss[.SSS]" into wall ms.
func ParseWall(s string) (int64, error) {
	t, err := time.Parse("2006-01-02T15:04:05", s)
	if err != nil {
		return 0, fmt.Errorf("invalid time %q: want yyyy-MM-ddTHH:mm:ss.SSS", s)
	}
	return t.UnixMilli(), nil
}

// WallDate returns the calendar day of wall time w.
func WallDate(w int64) dates.Date { return dates.Of(time.UnixMilli(w).UTC()) }

// SessionStart resolves the start of a session given as wall time w in loc
// and returns its instant and the UTC offset in force then (ms). Fitbit
// appears to write every time of a sleep session at the offset in force
// when it started, so a later time t of the session is the instant t−offset.
// A start inside a repeated hour resolves to its first occurrence.
func SessionStart(loc *time.Location, w int64) (utc, offset int64) {
	utc = NewDayClock(loc, WallDate(w)).At(w)
	return utc, w - utc
}
