package transform

import (
	"fmt"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dates"
)

func load(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("zone %s: %v", name, err)
	}
	return loc
}

// feed runs HH:mm:ss times through a fresh clock and returns RFC 3339 UTC.
func feed(t *testing.T, zone, day string, times ...string) []string {
	t.Helper()
	c := NewDayClock(load(t, zone), dates.MustParse(day))
	var out []string
	for _, s := range times {
		u, w, err := c.Clock(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := time.UnixMilli(w).UTC().Format("15:04:05"); got != s {
			t.Fatalf("wall of %s = %s", s, got)
		}
		out = append(out, time.UnixMilli(u).UTC().Format(time.RFC3339))
	}
	return out
}

func same(t *testing.T, got, want []string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestDayClockFallBack(t *testing.T) {
	// Europe/Berlin 2026-10-25: 03:00 CEST becomes 02:00 CET (01:00Z).
	same(t, feed(t, "Europe/Berlin", "2026-10-25",
		"01:59:00", "02:00:00", "02:30:00", "02:30:00", "02:59:59", "02:00:00", "02:30:00", "02:30:00", "02:59:59", "03:00:00"),
		[]string{"2026-10-24T23:59:00Z", "2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-25T00:59:59Z",
			"2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T01:59:59Z", "2026-10-25T02:00:00Z"})
	// No sample in the first pass: the second pass reads as the first
	// occurrence (documented limitation).
	same(t, feed(t, "Europe/Berlin", "2026-10-25", "01:59:00", "02:10:00", "03:00:00"),
		[]string{"2026-10-24T23:59:00Z", "2026-10-25T00:10:00Z", "2026-10-25T02:00:00Z"})
	// America/New_York 2026-11-01: 02:00 EDT becomes 01:00 EST (06:00Z).
	same(t, feed(t, "America/New_York", "2026-11-01", "00:59:00", "01:00:00", "01:59:00", "01:00:00", "01:59:00", "02:00:00"),
		[]string{"2026-11-01T04:59:00Z", "2026-11-01T05:00:00Z", "2026-11-01T05:59:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:59:00Z", "2026-11-01T07:00:00Z"})
	// Australia/Lord_Howe 2026-04-05: a 30-minute fall-back at 02:00 (+11)
	// to 01:30 (+10:30).
	same(t, feed(t, "Australia/Lord_Howe", "2026-04-05", "01:29:00", "01:45:00", "01:59:00", "01:35:00", "01:59:00", "02:00:00"),
		[]string{"2026-04-04T14:29:00Z", "2026-04-04T14:45:00Z", "2026-04-04T14:59:00Z", "2026-04-04T15:05:00Z", "2026-04-04T15:29:00Z", "2026-04-04T15:30:00Z"})
}

func TestDayClockSpringForward(t *testing.T) {
	// Europe/Berlin 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00Z); the
	// API lists no 02:xx times.
	same(t, feed(t, "Europe/Berlin", "2026-03-29", "00:00:00", "01:59:00", "03:00:00", "23:59:00"),
		[]string{"2026-03-28T23:00:00Z", "2026-03-29T00:59:00Z", "2026-03-29T01:00:00Z", "2026-03-29T21:59:00Z"})
	// A time inside the gap is read as time.Date reads it (moved forward);
	// the next times never go before it.
	loc := load(t, "Europe/Berlin")
	goTime := time.Date(2026, 3, 29, 2, 30, 0, 0, loc).UTC().Format(time.RFC3339)
	got := feed(t, "Europe/Berlin", "2026-03-29", "01:59:00", "02:30:00", "03:00:00", "03:45:00")
	same(t, got, []string{"2026-03-29T00:59:00Z", goTime, goTime, "2026-03-29T01:45:00Z"})
	if goTime != "2026-03-29T01:30:00Z" {
		t.Errorf("Go normalises 02:30 to %s", goTime)
	}
	// West of UTC Go moves a gap time backwards (02:30 → 01:30 EST); the
	// clock keeps it from going before the previous instant.
	same(t, feed(t, "America/New_York", "2026-03-08", "01:59:00", "02:30:00", "03:00:00"),
		[]string{"2026-03-08T06:59:00Z", "2026-03-08T06:59:00Z", "2026-03-08T07:00:00Z"})
}

func TestDayClockMidnightGap(t *testing.T) {
	// America/Santiago skips local midnight when DST starts (2026-09-06:
	// 24:00 -04 becomes 01:00 -03).
	loc := load(t, "America/Santiago")
	d := dates.MustParse("2026-09-06")
	if d.Time(loc).Hour() == 0 {
		t.Skip("tzdata: no midnight gap on 2026-09-06 in America/Santiago")
	}
	same(t, feed(t, "America/Santiago", "2026-09-06", "01:00:00", "12:00:00"),
		[]string{"2026-09-06T04:00:00Z", "2026-09-06T15:00:00Z"})
}

func TestDayClockIncreasingOverFullDays(t *testing.T) {
	for _, tc := range []struct{ zone, day string }{
		{"Europe/Berlin", "2026-10-25"}, {"Europe/Berlin", "2026-03-29"},
		{"America/New_York", "2026-11-01"}, {"America/New_York", "2026-03-08"}, {"UTC", "2026-06-01"},
	} {
		loc := load(t, tc.zone)
		d := dates.MustParse(tc.day)
		start, end := d.Time(loc), d.AddDays(1).Time(loc)
		c := NewDayClock(loc, d)
		prev := int64(-1 << 62)
		n := 0
		// Every minute of the local day as the API lists it: wall clock of
		// each instant, the repeated hour twice.
		for at := start; at.Before(end); at = at.Add(time.Minute) {
			u, _, err := c.Clock(at.In(loc).Format("15:04:05"))
			if err != nil {
				t.Fatal(err)
			}
			if u != at.UnixMilli() || u <= prev {
				t.Fatalf("%s %s: %s → %s", tc.zone, tc.day, at.In(loc).Format("15:04"), time.UnixMilli(u).UTC())
			}
			prev = u
			n++
		}
		if want := int(end.Sub(start) / time.Minute); n != want {
			t.Errorf("%s: %d minutes", tc.day, n)
		}
	}
}

func TestParseClock(t *testing.T) {
	for s, want := range map[string]int64{"00:00:00": 0, "23:59:59": 86399000, "12:34:56": 45296000} {
		if got, ok := ParseClock(s); !ok || got != want {
			t.Errorf("ParseClock(%q) = %d, %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "24:00:00", "1:00:00", "12:60:00", "12:00:60", "12:00:0a", "12-00-00", "12:00:00Z", "12:00"} {
		if _, ok := ParseClock(s); ok {
			t.Errorf("ParseClock(%q) accepted", s)
		}
	}
	c := NewDayClock(time.UTC, dates.MustParse("2026-01-01"))
	if _, _, err := c.Clock("25:00:00"); err == nil {
		t.Error("Clock accepted 25:00:00")
	}
}

func TestParseWall(t *testing.T) {
	for s, want := range map[string]string{
		"2026-11-20T01:46:30.000": "2026-11-20T01:46:30Z",
		"2026-11-20T01:46:30.250": "2026-11-20T01:46:30.25Z",
		"2026-11-20T01:46:30":     "2026-11-20T01:46:30Z",
	} {
		w, err := ParseWall(s)
		if err != nil || time.UnixMilli(w).UTC().Format(time.RFC3339Nano) != want {
			t.Errorf("ParseWall(%q) = %v, %v", s, time.UnixMilli(w).UTC(), err)
		}
	}
	for _, s := range []string{"", "2026-11-20", "2026-11-20 01:46:30.000", "2026-02-30T01:00:00.000", "2026-11-20T01:46:30+01:00"} {
		if _, err := ParseWall(s); err == nil {
			t.Errorf("ParseWall(%q) accepted", s)
		}
	}
	if WallDate(mustWall(t, "2026-11-19T23:12:30.000")) != dates.MustParse("2026-11-19") {
		t.Error("WallDate")
	}
}

func mustWall(t *testing.T, s string) int64 {
	w, err := ParseWall(s)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestSessionStart(t *testing.T) {
	loc := load(t, "Europe/Berlin")
	for s, want := range map[string]struct {
		utc string
		off time.Duration
	}{
		"2026-10-24T23:30:00.000": {"2026-10-24T21:30:00Z", 2 * time.Hour},
		"2026-10-25T02:30:00.000": {"2026-10-25T00:30:00Z", 2 * time.Hour}, // ambiguous: first occurrence
		"2026-11-19T23:12:30.000": {"2026-11-19T22:12:30Z", time.Hour},
	} {
		u, off := SessionStart(loc, mustWall(t, s))
		if time.UnixMilli(u).UTC().Format(time.RFC3339) != want.utc || time.Duration(off)*time.Millisecond != want.off {
			t.Errorf("SessionStart(%s) = %s %v", s, time.UnixMilli(u).UTC(), time.Duration(off)*time.Millisecond)
		}
	}
}

// BenchmarkDayClock1sec converts a day of 1-second samples (a year of
// 1sec heart rate is ~365 of these).
func BenchmarkDayClock1sec(b *testing.B) {
	loc := load(b, "Europe/Berlin")
	times := make([]string, 0, 86400)
	for s := 0; s < 86400; s++ {
		times = append(times, fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60))
	}
	b.ReportAllocs()
	for b.Loop() {
		c := NewDayClock(loc, dates.MustParse("2026-10-25"))
		for _, s := range times {
			if _, _, err := c.Clock(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}
