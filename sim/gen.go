package sim

import (
	"container/list"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// rng is splitmix64: tiny, fast and the same on every platform and Go
// version, so golden files stay valid.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns 0..n-1 (0 when n <= 0).
func (r *rng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return int(r.next() % uint64(n))
}

func (r *rng) chance(p float64) bool { return float64(r.next()>>11)/(1<<53) < p }

// userState is a configured user plus its derived constants.
type userState struct {
	User
	loc      *time.Location
	seed     string
	lastSync time.Time // guarded by Server.mu
	age      int
	rhrBase  int
	bmr      float64 // kcal a day
	zoneB    [3]int  // lower bounds of Fat Burn, Cardio, Peak
	idHash   uint64
}

func newUserState(seed int64, u User, loc *time.Location) *userState {
	us := &userState{User: u, loc: loc, seed: strconv.FormatInt(seed, 10), lastSync: u.LastSync}
	us.idHash = hash64(us.seed, u.ID)
	r := &rng{s: us.idHash}
	us.age = 25 + r.intn(31)
	us.rhrBase = 54 + r.intn(12)
	us.bmr = float64(1450 + r.intn(400))
	maxHR := 220 - us.age
	us.zoneB = [3]int{
		int(math.Round(0.5 * float64(maxHR))),
		int(math.Round(0.7 * float64(maxHR))),
		int(math.Round(0.85 * float64(maxHR))),
	}
	return us
}

func (u *userState) rng(d dates.Date, stream string) *rng {
	return &rng{s: hash64(u.seed, u.ID, d.String(), stream)}
}

// wall returns the instant of minute-of-day m on local date d (Go moves
// times inside a spring-forward gap forward).
func (u *userState) wall(d dates.Date, m int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, m, 0, 0, u.loc)
}

// preMember: before the account existed nothing is recorded or served.
func (u *userState) preMember(d dates.Date) bool { return d.Before(u.MemberSince) }

// noData: a day the tracker was not worn at all (about 1 in 20).
func (u *userState) noData(d dates.Date) bool {
	return !u.preMember(d) && u.rng(d, "nodata").chance(0.05)
}

func (u *userState) absent(d dates.Date) bool { return u.preMember(d) || u.noData(d) }

// night is the main sleep that ends on date d (it starts the evening before).
type night struct {
	start, end time.Time
	off        bool // tracker not worn that night
	log        *SleepLog
}

func (u *userState) night(d dates.Date) night {
	r := u.rng(d, "night")
	prev := d.AddDays(-1)
	s := u.wall(prev, 22*60+30+r.intn(91))
	e := u.wall(d, 6*60+15+r.intn(91))
	nt := night{start: s, end: e}
	offChance := r.chance(0.07)
	classic := r.chance(1.0 / 15)
	if u.absent(prev) || u.absent(d) || offChance {
		nt.off = true
		return nt
	}
	typ := "stages"
	if classic {
		typ = "classic"
	}
	nt.log = u.buildLog(r, d, s, e, true, typ, 0)
	return nt
}

// naps returns the day's naps (about 1 day in 6).
func (u *userState) naps(d dates.Date) []*SleepLog {
	r := u.rng(d, "nap")
	if u.absent(d) || !r.chance(1.0/6) {
		return nil
	}
	s := u.wall(d, 13*60+r.intn(180))
	e := s.Add(time.Duration(20+r.intn(71)) * time.Minute)
	return []*SleepLog{u.buildLog(r, d, s, e, false, "classic", 1)}
}

// sleepsOf returns every sleep log whose dateOfSleep is d, in start order.
func (u *userState) sleepsOf(d dates.Date) []*SleepLog {
	var out []*SleepLog
	if nt := u.night(d); nt.log != nil {
		out = append(out, nt.log)
	}
	out = append(out, u.naps(d)...)
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

func (u *userState) logID(d dates.Date, k int) int64 {
	day := int64(dates.Date{Year: 2000, Month: 1, Day: 1}.DaysUntil(d))
	return 30000000000 + day*1000 + int64(u.idHash%100)*10 + int64(k)
}

type seg struct {
	level      string
	start, min int // minutes from the log start
}

func (u *userState) buildLog(r *rng, d dates.Date, s, e time.Time, main bool, typ string, k int) *SleepLog {
	_, off := s.Zone()
	total := int(e.Sub(s) / time.Minute)
	lg := &SleepLog{
		LogID: u.logID(d, k), DateOfSleep: dates.In(e, time.FixedZone("", off)),
		Start: s.UTC(), End: e.UTC(), Offset: off, IsMainSleep: main, Type: typ,
		LogType: "auto_detected", Duration: int64(total) * 60000, TimeInBed: total,
	}
	var segs []seg
	t := 0
	add := func(level string, m int) {
		if m > total-t {
			m = total - t
		}
		if m <= 0 {
			return
		}
		if n := len(segs); n > 0 && segs[n-1].level == level {
			segs[n-1].min += m
		} else {
			segs = append(segs, seg{level, t, m})
		}
		t += m
	}
	if typ == "stages" {
		for t < total {
			frac := float64(t) / float64(total)
			add("light", 8+r.intn(25))
			if frac < 0.6 && r.chance(0.8) {
				add("deep", 10+r.intn(30))
				add("light", 5+r.intn(15))
			}
			add("rem", 5+r.intn(10)+int(frac*25))
			if r.chance(0.35) {
				add("wake", 3+r.intn(8))
			}
		}
	} else {
		for t < total {
			add("asleep", 10+r.intn(40))
			if r.chance(0.6) {
				add("restless", 1+r.intn(4))
			}
			if r.chance(0.25) {
				add("awake", 1+r.intn(3))
			}
		}
	}
	mins := map[string]int{}
	counts := map[string]int{}
	for _, sg := range segs {
		lg.Stages = append(lg.Stages, Stage{Start: s.Add(time.Duration(sg.start) * time.Minute).UTC(), Level: sg.level, Seconds: sg.min * 60})
		mins[sg.level] += sg.min
		counts[sg.level]++
	}
	levels := []string{"asleep", "awake", "restless"}
	if typ == "stages" {
		levels = []string{"deep", "light", "rem", "wake"}
		for _, sg := range segs {
			if (sg.level != "light" && sg.level != "rem") || sg.min < 8 || !r.chance(0.4) {
				continue
			}
			w := 1 + r.intn(3)
			at := sg.start + 2 + r.intn(sg.min-w-3)
			lg.Stages = append(lg.Stages, Stage{Start: s.Add(time.Duration(at) * time.Minute).UTC(), Level: "wake", Seconds: w * 60, Short: true})
			mins[sg.level] -= w
			mins["wake"] += w
			counts["wake"]++
		}
		lg.MinutesAwake = mins["wake"]
	} else {
		lg.MinutesAwake = mins["awake"] + mins["restless"]
	}
	lg.MinutesAsleep = total - lg.MinutesAwake
	lg.Efficiency = int(math.Round(100 * float64(lg.MinutesAsleep) / float64(total)))
	lg.Levels = map[string]LevelSummary{}
	for _, l := range levels {
		ls := LevelSummary{Count: counts[l], Minutes: mins[l]}
		if typ == "stages" {
			avg := mins[l] + r.intn(21) - 10
			if avg < 0 {
				avg = 0
			}
			ls.ThirtyDayAvgMinutes = &avg
		}
		lg.Levels[l] = ls
	}
	return lg
}

// minute is one minute of generated activity.
type minute struct {
	steps, floors, level, mets int
	cal, dist                  float64 // kcal, km
	worn, asleep               bool
}

// dayData is one full, unsynced-unaware local day.
type dayData struct {
	date       dates.Date
	start, end time.Time
	pre        bool // before memberSince: nothing recorded
	noData     bool
	mins       []minute
	heart      []HeartSample
	rhr        int
	bmrMin     float64
}

func round(x float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(x*p) / p
}

func (u *userState) genDay(d dates.Date) *dayData {
	start, end := d.Time(u.loc), d.AddDays(1).Time(u.loc)
	n := int(end.Sub(start) / time.Minute)
	dd := &dayData{date: d, start: start, end: end, mins: make([]minute, n), bmrMin: u.bmr / 1440}
	if u.preMember(d) {
		dd.pre = true
		return dd
	}
	bmrCal := round(dd.bmrMin, 4)
	if u.noData(d) {
		dd.noData = true
		for i := range dd.mins {
			dd.mins[i] = minute{mets: 10, cal: bmrCal}
		}
		return dd
	}
	mins := dd.mins
	idx := func(t time.Time) int {
		i := int((t.Sub(start) + time.Minute - 1) / time.Minute)
		return max(0, min(n, i))
	}
	mark := func(a, b time.Time, f func(*minute)) {
		for i := idx(a); i < idx(b); i++ {
			f(&mins[i])
		}
	}
	for i := range mins {
		mins[i].worn = true
	}
	asleep := func(m *minute) { m.asleep = true }
	off := func(m *minute) { m.worn = false }
	for _, nt := range []night{u.night(d), u.night(d.AddDays(1))} {
		if nt.log != nil {
			mark(nt.start, nt.end, asleep)
		} else if nt.off {
			mark(nt.start, nt.end, off)
		}
	}
	naps := u.naps(d)
	for _, nap := range naps {
		mark(nap.Start, nap.End, asleep)
	}
	r := u.rng(d, "day")
	if r.chance(1.0 / 3) {
		cs := u.wall(d, 8*60+r.intn(720))
		ce := cs.Add(time.Duration(45+r.intn(31)) * time.Minute)
		clash := false
		for _, nap := range naps {
			if cs.Before(nap.End) && nap.Start.Before(ce) {
				clash = true
			}
		}
		if !clash {
			mark(cs, ce, off)
		}
	}
	// Walks (and sometimes a run): cadence per minute.
	cadence := make([]int, n)
	stride := make([]float64, n)
	bouts := 2 + r.intn(5)
	for b := 0; b < bouts; b++ {
		bs := u.wall(d, 7*60+r.intn(14*60))
		dur := 5 + r.intn(26)
		c := 70 + r.intn(51)
		for i := idx(bs); i < idx(bs.Add(time.Duration(dur)*time.Minute)); i++ {
			cadence[i], stride[i] = c, 0.00072
		}
	}
	if r.chance(0.2) {
		rs := u.wall(d, 6*60+r.intn(13*60))
		dur := 20 + r.intn(31)
		c := 150 + r.intn(26)
		for i := idx(rs); i < idx(rs.Add(time.Duration(dur)*time.Minute)); i++ {
			cadence[i], stride[i] = c, 0.00105
		}
	}
	for i := range mins {
		m := &mins[i]
		switch {
		case !m.worn || m.asleep:
		case cadence[i] > 0:
			m.steps = max(0, cadence[i]+r.intn(21)-10)
			m.dist = round(float64(m.steps)*stride[i], 5)
			if r.chance(0.05) {
				m.floors = 1
			}
		case r.chance(0.15):
			m.steps = 3 + r.intn(38)
			m.dist = round(float64(m.steps)*0.00068, 5)
		}
		switch {
		case m.steps == 0:
			m.level = 0
		case m.steps < 60:
			m.level = 1
		case m.steps < 110:
			m.level = 2
		default:
			m.level = 3
		}
		switch {
		case !m.worn:
			m.mets = 10
		case m.asleep:
			m.mets = 9 + r.intn(2)
		case m.level == 0:
			m.mets = 10 + r.intn(3)
		case m.level == 1:
			m.mets = 20 + r.intn(16)
		case m.level == 2:
			m.mets = 35 + r.intn(26)
		default:
			m.mets = 60 + r.intn(41)
		}
		m.cal = max(bmrCal, round(dd.bmrMin*float64(m.mets)/10, 4))
	}
	// Heart rate: samples every 5–15 s while worn, following the activity.
	hr := u.rng(d, "heart")
	dd.rhr = u.rhrBase + hr.intn(7) - 3
	bpm := float64(dd.rhr + 8)
	startSec, daySecs := start.Unix(), int(end.Sub(start)/time.Second)
	dd.heart = make([]HeartSample, 0, daySecs/10+64)
	for off := hr.intn(5); off < daySecs; off += 5 + hr.intn(11) {
		m := &mins[off/60]
		if !m.worn {
			continue
		}
		target := float64(dd.rhr + 10)
		switch {
		case m.asleep:
			target = float64(dd.rhr - 3)
		case m.level == 1:
			target = float64(dd.rhr + 28)
		case m.level == 2:
			target = float64(dd.rhr + 50)
		case m.level == 3:
			target = float64(dd.rhr + 85)
		}
		bpm += (target-bpm)*0.2 + float64(hr.intn(5)-2)
		v := max(38, min(205, int(math.Round(bpm))))
		dd.heart = append(dd.heart, HeartSample{Time: time.Unix(startSec+int64(off), 0).UTC(), BPM: v})
	}
	return dd
}

// dayCache keeps recently generated days (an LRU) and the summaries of
// fully synced days (small, kept for good).
type dayCache struct {
	mu      sync.Mutex
	cap     int
	order   *list.List
	days    map[dayKey]*list.Element
	summary map[dayKey]*daySummary
}

type dayKey struct {
	user string
	date dates.Date
}

type lruItem struct {
	key dayKey
	dd  *dayData
}

func newDayCache(n int) *dayCache {
	return &dayCache{cap: n, order: list.New(), days: map[dayKey]*list.Element{}, summary: map[dayKey]*daySummary{}}
}

func (c *dayCache) day(u *userState, d dates.Date) *dayData {
	k := dayKey{u.ID, d}
	c.mu.Lock()
	if e, ok := c.days[k]; ok {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*lruItem).dd
	}
	c.mu.Unlock()
	dd := u.genDay(d)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.days[k]; ok {
		return e.Value.(*lruItem).dd
	}
	c.days[k] = c.order.PushFront(&lruItem{k, dd})
	for c.order.Len() > c.cap {
		e := c.order.Back()
		c.order.Remove(e)
		delete(c.days, e.Value.(*lruItem).key)
	}
	return dd
}
