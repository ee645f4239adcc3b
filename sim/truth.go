package sim

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// HeartSample is one heart-rate reading.
type HeartSample struct {
	Time time.Time // instant, UTC
	BPM  int
}

// Point is one intraday entry exactly as served.
type Point struct {
	Time  time.Time // instant (UTC) the interval or sample starts
	Local time.Time // the same instant on the user's wall clock (in the user's zone)
	// Value as served: bpm, steps, floors, kcal, km or m (metric; the
	// renderer converts to miles and feet for Accept-Language en_US).
	Value float64
	// Level (0 sedentary … 3 very active) and METs (tenths of a MET, as
	// Fitbit serves them) are set for calories only.
	Level int
	METs  float64
}

// Zone is one heart-rate zone of a day; a minute counts in the zone when its
// rounded mean bpm is in [Min, Max).
type Zone struct {
	Name        string
	Min, Max    int
	Minutes     int
	CaloriesOut float64
}

// DailyTotals are a day's activity summary values.
type DailyTotals struct {
	Steps                int
	Calories             int // kcal, including BMR
	CaloriesBMR          int
	DistanceKm           float64
	Floors               int
	ElevationM           float64
	MinutesSedentary     int // level 0 minutes not asleep (not-worn time included)
	MinutesLightlyActive int
	MinutesFairlyActive  int
	MinutesVeryActive    int
	ActivityCalories     int // Calories − CaloriesBMR
}

// Stage is one entry of a sleep log's levels.data (Short false) or
// levels.shortData (Short true).
type Stage struct {
	Start   time.Time // instant, UTC
	Level   string    // deep light rem wake, or asleep restless awake
	Seconds int
	Short   bool
}

// LevelSummary is one entry of levels.summary.
type LevelSummary struct {
	Count   int
	Minutes int
	// ThirtyDayAvgMinutes is set for stages logs only (synthetic).
	ThirtyDayAvgMinutes *int
}

// SleepLog is one sleep session.
type SleepLog struct {
	LogID       int64
	DateOfSleep dates.Date
	Start, End  time.Time // instants, UTC
	// Offset is the UTC offset (seconds) in force at Start; startTime,
	// endTime and the levels' dateTime are wall clock at this offset.
	Offset              int
	IsMainSleep         bool
	Type                string // stages or classic
	LogType             string // auto_detected
	InfoCode            int
	Duration            int64 // ms
	Efficiency          int
	MinutesAsleep       int
	MinutesAwake        int
	MinutesToFallAsleep int
	MinutesAfterWakeup  int
	TimeInBed           int
	Stages              []Stage // data entries in order, then shortData entries in order
	Levels              map[string]LevelSummary
}

// Day is the ground truth of one local day, as served now (the sync
// cutoff applied).
type Day struct {
	Date       dates.Date
	Start, End time.Time // the local midnights that bound the day
	// NoData is set for days the tracker recorded nothing (not worn all
	// day, or before MemberSince).
	NoData       bool
	HeartSamples []HeartSample
	RestingHR    *int // nil when the day has no served heart samples
	Zones        []Zone
	Totals       DailyTotals
	Sleep        []SleepLog // logs whose dateOfSleep is this day, in start order
}

// Truth is the ground truth of one user.
type Truth struct {
	s *Server
	u *userState
}

// Zone returns the user's time zone.
func (t *Truth) Zone() *time.Location { return t.u.loc }

// SyncedUntil returns the instant before which data is served now.
func (t *Truth) SyncedUntil() time.Time { return t.s.syncCutoff(t.u) }

// Day returns the facts of local day d.
func (t *Truth) Day(d dates.Date) *Day {
	cut := t.s.syncCutoff(t.u)
	dd := t.s.cache.day(t.u, d)
	sp := t.s.span(t.u, dd.start, dd.end, cut)
	sum := t.s.summary(t.u, d, cut, false)
	day := &Day{
		Date: d, Start: dd.start, End: dd.end, NoData: dd.pre || dd.noData,
		HeartSamples: append([]HeartSample(nil), sp.heart...), RestingHR: sum.rhr, Zones: sum.zones, Totals: sum.totals,
	}
	for _, lg := range t.s.sleeps(t.u, d, cut) {
		day.Sleep = append(day.Sleep, *lg)
	}
	return day
}

// Heart returns the intraday heart-rate entries of local day d at detail
// 1sec, 1min, 5min or 15min, exactly as served (it panics on another detail).
func (t *Truth) Heart(d dates.Date, detail string) []Point {
	return t.heart(d, detail, false)
}

// HeartUTC is Heart for the UTC day d (?timezone=UTC).
func (t *Truth) HeartUTC(d dates.Date, detail string) []Point {
	return t.heart(d, detail, true)
}

func (t *Truth) heart(d dates.Date, detail string, utc bool) []Point {
	n, ok := detailMinutes(detail, true)
	if !ok {
		panic("sim: unknown heart detail " + detail)
	}
	from, to := t.s.dayBounds(t.u, d, utc)
	return heartPoints(t.s.span(t.u, from, to, t.s.syncCutoff(t.u)), n, t.u.loc)
}

// Activity returns the intraday entries of resource (steps calories
// distance floors elevation) of local day d at detail 1min, 5min or 15min,
// exactly as served (it panics on another resource or detail).
func (t *Truth) Activity(d dates.Date, resource, detail string) []Point {
	return t.activity(d, resource, detail, false)
}

// ActivityUTC is Activity for the UTC day d (?timezone=UTC).
func (t *Truth) ActivityUTC(d dates.Date, resource, detail string) []Point {
	return t.activity(d, resource, detail, true)
}

func (t *Truth) activity(d dates.Date, resource, detail string, utc bool) []Point {
	n, ok := detailMinutes(detail, false)
	if !ok || !intradayResources[resource] {
		panic(fmt.Sprintf("sim: unknown activity resource/detail %s/%s", resource, detail))
	}
	from, to := t.s.dayBounds(t.u, d, utc)
	return activityPoints(t.s.span(t.u, from, to, t.s.syncCutoff(t.u)), resource, n, t.u.loc)
}

var intradayResources = map[string]bool{"steps": true, "calories": true, "distance": true, "floors": true, "elevation": true}

// detailMinutes maps a detail level to minutes (0 = 1sec).
func detailMinutes(detail string, heart bool) (int, bool) {
	switch detail {
	case "1sec":
		return 0, heart
	case "1min":
		return 1, true
	case "5min":
		return 5, true
	case "15min":
		return 15, true
	}
	return 0, false
}

// dayBounds returns the instants bounding day d, local or UTC.
func (s *Server) dayBounds(u *userState, d dates.Date, utc bool) (time.Time, time.Time) {
	if utc {
		return d.UTC(), d.AddDays(1).UTC()
	}
	return d.Time(u.loc), d.AddDays(1).Time(u.loc)
}

// span is the served data between two instants.
type span struct {
	from, to time.Time
	mins     []spanMin
	heart    []HeartSample
	bmrMin   float64
}

type spanMin struct {
	t      time.Time
	served bool // recorded and synced
	minute
}

// span assembles the served minutes and heart samples in [from, to) from the
// local days covering it, applying the sync cutoff.
func (s *Server) span(u *userState, from, to, cut time.Time) *span {
	n := int(to.Sub(from) / time.Minute)
	sp := &span{from: from, to: to, bmrMin: u.bmr / 1440, mins: make([]spanMin, 0, n)}
	last := to
	if cut.Before(last) {
		last = cut
	}
	for d := dates.In(from, u.loc); d.Time(u.loc).Before(to); d = d.AddDays(1) {
		dd := s.cache.day(u, d)
		for i, m := range dd.mins {
			t := dd.start.Add(time.Duration(i) * time.Minute)
			if t.Before(from) || !t.Before(to) {
				continue
			}
			sm := spanMin{t: t}
			if !dd.pre && t.Before(cut) {
				sm.served, sm.minute = true, m
			}
			sp.mins = append(sp.mins, sm)
		}
		// samples are in time order: binary-search the served slice
		lo := sort.Search(len(dd.heart), func(i int) bool { return !dd.heart[i].Time.Before(from) })
		hi := sort.Search(len(dd.heart), func(i int) bool { return !dd.heart[i].Time.Before(last) })
		if lo < hi {
			// the first piece is shared (capacity capped so appends copy)
			if sp.heart == nil {
				sp.heart = dd.heart[lo:hi:hi]
			} else {
				sp.heart = append(sp.heart, dd.heart[lo:hi]...)
			}
		}
	}
	return sp
}

// totals sums a span into daily totals.
func (sp *span) totals() DailyTotals {
	var t DailyTotals
	var cal, bmr, dist float64
	for _, m := range sp.mins {
		if !m.served {
			continue
		}
		t.Steps += m.steps
		t.Floors += m.floors
		cal += m.cal
		dist += m.dist
		bmr += sp.bmrMin
		if m.asleep {
			continue
		}
		switch m.level {
		case 0:
			t.MinutesSedentary++
		case 1:
			t.MinutesLightlyActive++
		case 2:
			t.MinutesFairlyActive++
		default:
			t.MinutesVeryActive++
		}
	}
	t.Calories = int(math.Round(cal))
	t.CaloriesBMR = int(math.Round(bmr))
	t.ActivityCalories = max(0, t.Calories-t.CaloriesBMR)
	t.DistanceKm = round(dist, 5)
	t.ElevationM = round(float64(t.Floors)*3.048, 3)
	return t
}

// minuteBPM returns the rounded mean bpm of each minute of the span (0 =
// no samples).
func (sp *span) minuteBPM() []int {
	sum := make([]int, len(sp.mins))
	cnt := make([]int, len(sp.mins))
	for _, h := range sp.heart {
		i := int(h.Time.Sub(sp.from) / time.Minute)
		if i >= 0 && i < len(sum) {
			sum[i] += h.BPM
			cnt[i]++
		}
	}
	out := make([]int, len(sum))
	for i := range sum {
		if cnt[i] > 0 {
			out[i] = roundMean(sum[i], cnt[i])
		}
	}
	return out
}

func roundMean(sum, n int) int { return int(math.Round(float64(sum) / float64(n))) }

// zones computes the heart-rate zones of a span.
func (u *userState) zones(sp *span) []Zone {
	b := u.zoneB
	zs := []Zone{
		{Name: "Out of Range", Min: 30, Max: b[0]},
		{Name: "Fat Burn", Min: b[0], Max: b[1]},
		{Name: "Cardio", Min: b[1], Max: b[2]},
		{Name: "Peak", Min: b[2], Max: 220},
	}
	cal := make([]float64, 4)
	for i, v := range sp.minuteBPM() {
		if v == 0 {
			continue
		}
		z := 0
		for z < 3 && v >= zs[z+1].Min {
			z++
		}
		zs[z].Minutes++
		cal[z] += sp.mins[i].cal
	}
	for i := range zs {
		zs[i].CaloriesOut = round(cal[i], 2)
	}
	return zs
}

// daySummary is what a day's daily series serve.
type daySummary struct {
	totals DailyTotals
	zones  []Zone
	rhr    *int
}

// summary returns the day's summary (local day d, or the UTC day with utc),
// cached for fully synced local days.
func (s *Server) summary(u *userState, d dates.Date, cut time.Time, utc bool) *daySummary {
	from, to := s.dayBounds(u, d, utc)
	k := dayKey{u.ID, d}
	full := !utc && !to.After(cut)
	if full {
		s.cache.mu.Lock()
		sum := s.cache.summary[k]
		s.cache.mu.Unlock()
		if sum != nil {
			return sum
		}
	}
	sp := s.span(u, from, to, cut)
	sum := &daySummary{totals: sp.totals(), zones: u.zones(sp)}
	// Resting heart rate belongs to the local day d; it is served when that
	// day has served heart samples.
	local := sp
	if utc {
		lf, lt := s.dayBounds(u, d, false)
		local = s.span(u, lf, lt, cut)
	}
	if len(local.heart) > 0 {
		r := s.cache.day(u, d).rhr
		sum.rhr = &r
	}
	if full {
		s.cache.mu.Lock()
		s.cache.summary[k] = sum
		s.cache.mu.Unlock()
	}
	return sum
}

// sleeps returns the served logs with dateOfSleep d (ended before cut).
func (s *Server) sleeps(u *userState, d dates.Date, cut time.Time) []*SleepLog {
	var out []*SleepLog
	for _, lg := range u.sleepsOf(d) {
		if !lg.End.After(cut) {
			out = append(out, lg)
		}
	}
	return out
}

// heartPoints aggregates a span's samples: n = 0 gives every sample,
// otherwise the rounded mean of each n-minute interval that has samples.
func heartPoints(sp *span, n int, loc *time.Location) []Point {
	var out []Point
	if n == 0 {
		for _, h := range sp.heart {
			out = append(out, Point{Time: h.Time, Local: h.Time.In(loc), Value: float64(h.BPM)})
		}
		return out
	}
	width := time.Duration(n) * time.Minute
	buckets := (len(sp.mins) + n - 1) / n
	sum := make([]int, buckets)
	cnt := make([]int, buckets)
	for _, h := range sp.heart {
		i := int(h.Time.Sub(sp.from) / width)
		sum[i] += h.BPM
		cnt[i]++
	}
	for i := range sum {
		if cnt[i] == 0 {
			continue
		}
		t := sp.from.Add(time.Duration(i) * width).UTC()
		out = append(out, Point{Time: t, Local: t.In(loc), Value: float64(roundMean(sum[i], cnt[i]))})
	}
	return out
}

// activityPoints aggregates a span's minutes into n-minute intervals; every
// interval is listed, zeros included. Calories carry the interval's highest
// level and its rounded mean mets.
func activityPoints(sp *span, resource string, n int, loc *time.Location) []Point {
	out := make([]Point, 0, (len(sp.mins)+n-1)/n)
	for i := 0; i < len(sp.mins); i += n {
		t := sp.mins[i].t.UTC()
		p := Point{Time: t, Local: t.In(loc)}
		var steps, floors, mets, k int
		var cal, dist float64
		for _, m := range sp.mins[i:min(i+n, len(sp.mins))] {
			steps += m.steps
			floors += m.floors
			cal += m.cal
			dist += m.dist
			mets += m.mets
			p.Level = max(p.Level, m.level)
			k++
		}
		switch resource {
		case "steps":
			p.Value, p.Level = float64(steps), 0
		case "floors":
			p.Value, p.Level = float64(floors), 0
		case "distance":
			p.Value, p.Level = round(dist, 5), 0
		case "elevation":
			p.Value, p.Level = round(float64(floors)*3.048, 3), 0
		case "calories":
			p.Value = round(cal, 4)
			p.METs = float64(roundMean(mets, k))
		}
		out = append(out, p)
	}
	return out
}
