package takeout

import (
	"context"
	"sort"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// Active Zone Minutes: "Active Zone Minutes - {yyyy-MM-dd}.csv" (real
// archives: a month a file, in Active Zone Minutes (AZM)/), a row per
// minute that earned AZM: date_time (local wall clock without a zone,
// "yyyy-MM-ddTHH:mm"), heart_zone_id and total_minutes (see azmZones). A
// minute's rows go to the local day their time names.

// azmMinute is one minute that earned Active Zone Minutes: its instant
// (Unix ms, the minute's start) and the AZM per zone (azmZones order).
type azmMinute struct {
	utc   int64
	zones [3]float64
}

// azmDay returns the minutes of local day d that earned AZM, in time
// order: the rows of every file that lists the day, resolved in file
// order (a local time of the repeated hour of a fall-back night takes the
// earlier offset until the clock goes back), a minute and zone listed
// twice kept once.
func (a *Archive) azmDay(ctx context.Context, d dates.Date) (day, []azmMinute, error) {
	dy := a.day(d)
	byMinute := map[int64]*azmMinute{}
	for _, ref := range a.candidates(famAZM, dates.Range{From: d, To: d}) {
		dec, err := a.loadFile(ctx, ref)
		if err != nil {
			return dy, nil, err
		}
		for _, s := range dec.stamps[d] {
			u := s.utc
			if !s.hasUTC {
				u = dy.instant(s.sec)
			}
			if u < dy.start || u >= dy.end {
				continue // a wall time the day does not have
			}
			u = dy.start + (u-dy.start)/60000*60000
			m := byMinute[u]
			if m == nil {
				m = &azmMinute{utc: u}
				byMinute[u] = m
			}
			m.zones[s.zone] = s.v
		}
	}
	out := make([]azmMinute, 0, len(byMinute))
	for _, m := range byMinute {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].utc < out[j].utc })
	return dy, out, nil
}

// appendAZMValue appends {"activeZoneMinutes":…,"fatBurnActiveZoneMinutes":…,…}.
func appendAZMValue(b []byte, zones [3]float64) []byte {
	b = append(b, `{"activeZoneMinutes":`...)
	b = appendNum(b, zones[0]+zones[1]+zones[2])
	for i, z := range azmZones {
		b = append(b, `,"`...)
		b = append(b, z.apiField...)
		b = append(b, `":`...)
		b = appendNum(b, zones[i])
	}
	return append(b, '}')
}

// azmIntraday renders GET /1/user/-/activities/active-zone-minutes/date/{d}/1d/1min.json
// in the documented shape:
// {"activities-active-zone-minutes-intraday":[{"dateTime","minutes":[{"minute":"2026-11-20T07:31:00","value":{…}}]}]},
// the minutes that earned AZM in time order, "minute" their local wall
// clock.
func (a *Archive) azmIntraday(ctx context.Context, d dates.Date) ([]byte, error) {
	_, mins, err := a.azmDay(ctx, d)
	if err != nil {
		return nil, err
	}
	b := []byte(`{"activities-active-zone-minutes-intraday":[{"dateTime":"`)
	b = append(b, d.String()...)
	b = append(b, `","minutes":[`...)
	for i, m := range mins {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"minute":"`...)
		b = time.UnixMilli(m.utc).In(a.zone).AppendFormat(b, "2006-01-02T15:04:05")
		b = append(b, `","value":`...)
		b = appendAZMValue(b, m.zones)
		b = append(b, '}')
	}
	return append(b, "]}]}"...), nil
}

// azmDaily renders GET /1/user/-/activities/active-zone-minutes/date/{start}/{end}.json:
// every day of r (as the API lists them, zeros included) with the sums of
// its minutes per zone.
func (a *Archive) azmDaily(ctx context.Context, r dates.Range) ([]byte, error) {
	b := []byte(`{"activities-active-zone-minutes":[`)
	for d := r.From; !d.After(r.To); d = d.AddDays(1) {
		_, mins, err := a.azmDay(ctx, d)
		if err != nil {
			return nil, err
		}
		var sum [3]float64
		for _, m := range mins {
			for i, v := range m.zones {
				sum[i] += v
			}
		}
		if d != r.From {
			b = append(b, ',')
		}
		b = append(b, `{"dateTime":"`...)
		b = append(b, d.String()...)
		b = append(b, `","value":`...)
		b = appendAZMValue(b, sum)
		b = append(b, '}')
	}
	return append(b, "]}"...), nil
}
