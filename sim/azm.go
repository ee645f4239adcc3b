package sim

import (
	"net/http"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// Active Zone Minutes, derived from the served heart rate: a minute whose
// rounded mean bpm lies in the Fat Burn zone earns 1 fat-burn AZM, one in
// Cardio or Peak earns 2 (the zones of heart_rate_zones). Minutes with no
// samples (not worn, not synced) earn nothing.
//
//   - /1/user/-/activities/active-zone-minutes/date/{start}/{end}.json (and
//     …/date/{date}/{1d|7d|30d|1w}.json), max 1095 days: every day of the
//     range, zeros included, integers.
//   - /1/user/-/activities/active-zone-minutes/date/{date}/1d/{1min|5min|15min}.json:
//     the documented minutes[] shape, listing the intervals that earned
//     AZM; "minute" is the interval's wall clock in the profile zone, no
//     offset.

// AZMMinute is one interval that earned Active Zone Minutes.
type AZMMinute struct {
	Time                  time.Time // instant the interval starts, UTC
	Local                 time.Time
	FatBurn, Cardio, Peak int // AZM earned in each zone
}

// Total is the interval's activeZoneMinutes.
func (m AZMMinute) Total() int { return m.FatBurn + m.Cardio + m.Peak }

// AZMDay is a day's Active Zone Minutes totals.
type AZMDay struct {
	Total, FatBurn, Cardio, Peak int
}

// azmPoints aggregates a span's minutes into n-minute intervals that earned AZM.
func (u *userState) azmPoints(sp *span, n int) []AZMMinute {
	bpm := sp.minuteBPM()
	b := u.zoneB
	var out []AZMMinute
	for i := 0; i < len(bpm); i += n {
		t := sp.mins[i].t.UTC()
		m := AZMMinute{Time: t, Local: t.In(u.loc)}
		for _, v := range bpm[i:min(i+n, len(bpm))] {
			switch {
			case v == 0 || v < b[0]:
			case v < b[1]:
				m.FatBurn++
			case v < b[2]:
				m.Cardio += 2
			default:
				m.Peak += 2
			}
		}
		if m.Total() > 0 {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) azmDay(u *userState, d dates.Date, cut time.Time) AZMDay {
	var t AZMDay
	from, to := s.dayBounds(u, d, false)
	if u.preMember(d) || !from.Before(cut) {
		return t
	}
	for _, m := range u.azmPoints(s.span(u, from, to, cut), 1) {
		t.FatBurn += m.FatBurn
		t.Cardio += m.Cardio
		t.Peak += m.Peak
	}
	t.Total = t.FatBurn + t.Cardio + t.Peak
	return t
}

// ActiveZoneMinutes returns the intervals of local day d at detail 1min,
// 5min or 15min that earned AZM, exactly as served (it panics on another
// detail).
func (t *Truth) ActiveZoneMinutes(d dates.Date, detail string) []AZMMinute {
	n, ok := detailMinutes(detail, false)
	if !ok {
		panic("sim: unknown AZM detail " + detail)
	}
	from, to := t.s.dayBounds(t.u, d, false)
	return t.u.azmPoints(t.s.span(t.u, from, to, t.s.syncCutoff(t.u)), n)
}

// ActiveZoneMinutesDay returns the totals of local day d, as served.
func (t *Truth) ActiveZoneMinutesDay(d dates.Date) AZMDay {
	return t.s.azmDay(t.u, d, t.s.syncCutoff(t.u))
}

type azmValue struct {
	ActiveZoneMinutes        int `json:"activeZoneMinutes"`
	FatBurnActiveZoneMinutes int `json:"fatBurnActiveZoneMinutes"`
	CardioActiveZoneMinutes  int `json:"cardioActiveZoneMinutes"`
	PeakActiveZoneMinutes    int `json:"peakActiveZoneMinutes"`
}

// azmRoute resolves the AZM paths; args follow ".../date/".
func (s *Server) azmRoute(args []string) (route, bool) {
	switch len(args) {
	case 2:
		return route{"activity", func(q *req) answer { return s.azmDaily(q, args) }}, true
	case 3:
		return route{"activity", func(q *req) answer { return s.azmIntraday(q, args) }}, true
	}
	return route{}, false
}

func (s *Server) azmDaily(q *req, args []string) answer {
	if n, ok := periods[args[1]]; ok {
		end, ok := q.date(args[0])
		if !ok {
			return validation("Invalid date: %s", args[0])
		}
		args = []string{end.AddDays(-(n - 1)).String(), end.String()}
	}
	r, bad := q.dateRange(args, "active-zone-minutes", 1095)
	if bad != nil {
		return *bad
	}
	type day struct {
		DateTime string   `json:"dateTime"`
		Value    azmValue `json:"value"`
	}
	out := []day{}
	r.Each(func(d dates.Date) {
		t := s.azmDay(q.u, d, q.cut)
		out = append(out, day{d.String(), azmValue{t.Total, t.FatBurn, t.Cardio, t.Peak}})
	})
	return answer{http.StatusOK, mustJSON(map[string]any{"activities-active-zone-minutes": out})}
}

func (s *Server) azmIntraday(q *req, args []string) answer {
	d, ok := q.date(args[0])
	if !ok {
		return validation("Invalid date: %s", args[0])
	}
	if args[1] != "1d" {
		e, ok := q.date(args[1])
		if !ok {
			return validation("Invalid date: %s", args[1])
		}
		if e != d {
			return validation("Invalid date range: intraday data is served for at most 24 hours (one date).")
		}
	}
	n, ok := detailMinutes(args[2], false)
	if !ok {
		return validation("Invalid detail level: %s", args[2])
	}
	type minuteJSON struct {
		Minute string   `json:"minute"`
		Value  azmValue `json:"value"`
	}
	type dayJSON struct {
		DateTime string       `json:"dateTime"`
		Minutes  []minuteJSON `json:"minutes"`
	}
	from, to := s.dayBounds(q.u, d, false)
	day := dayJSON{DateTime: d.String(), Minutes: []minuteJSON{}}
	for _, m := range q.u.azmPoints(s.span(q.u, from, to, q.cut), n) {
		day.Minutes = append(day.Minutes, minuteJSON{m.Local.Format(wallSecLayout), azmValue{m.Total(), m.FatBurn, m.Cardio, m.Peak}})
	}
	return answer{http.StatusOK, mustJSON(map[string]any{"activities-active-zone-minutes-intraday": []dayJSON{day}})}
}
