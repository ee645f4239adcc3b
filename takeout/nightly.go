package takeout

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// The nightly metrics and the body logs: the answers of the Fitbit
// endpoints that spo2_daily, spo2_intraday, hrv_daily, breathing_rate,
// skin_temperature, weight and body_fat plan, rendered from the CSV
// families and the weight files.

// Family names of the CSV families (their file-name prefixes).
const (
	famDailySpO2   = "Daily SpO2"
	famMinuteSpO2  = "Minute SpO2"
	famHRV         = "Daily Heart Rate Variability Summary"
	famBreathing   = "Daily Respiratory Rate Summary"
	famTemperature = "Computed Temperature"
)

// nightlyAnswer says how a request kind's answer is laid out: the family
// it reads, the text before the entries, each entry's value object around
// the number, and the text after.
type nightlyAnswer struct {
	fam                 string
	open, value, closer string
	valueEnd            string
}

// nightlyAnswers maps request kinds (dataset/<name>.go) to their answers.
var nightlyAnswers = map[string]nightlyAnswer{
	// GET /1/user/-/spo2/date/{start}/{end}.json → [{"dateTime","value":{"avg"}}]
	// (min and max are absent: see the package doc).
	"spo2": {fam: famDailySpO2, open: `[`, value: `{"avg":`, valueEnd: `}`, closer: `]`},
	// GET /1/user/-/hrv/date/{start}/{end}.json → {"hrv":[{"dateTime","value":{"dailyRmssd"}}]}
	"hrv": {fam: famHRV, open: `{"hrv":[`, value: `{"dailyRmssd":`, valueEnd: `}`, closer: `]}`},
	// GET /1/user/-/br/date/{start}/{end}/all.json → {"br":[{"dateTime","value":{"fullSleepSummary":{"breathingRate"}}}]}
	"br-all": {fam: famBreathing, open: `{"br":[`, value: `{"fullSleepSummary":{"breathingRate":`, valueEnd: `}}`, closer: `]}`},
	// GET /1/user/-/br/date/{start}/{end}.json → {"br":[{"dateTime","value":{"breathingRate"}}]}
	"br": {fam: famBreathing, open: `{"br":[`, value: `{"breathingRate":`, valueEnd: `}`, closer: `]}`},
	// GET /1/user/-/temp/skin/date/{start}/{end}.json → {"tempSkin":[{"dateTime","value":{"nightlyRelative"}}]}
	"temp-skin": {fam: famTemperature, open: `{"tempSkin":[`, value: `{"nightlyRelative":`, valueEnd: `}`, closer: `]}`},
}

// nightlyDaily renders a nightly summary endpoint over r: an entry for
// each day of r the family has a value for, in date order.
func (a *Archive) nightlyDaily(ctx context.Context, ans nightlyAnswer, r dates.Range) ([]byte, error) {
	b := []byte(ans.open)
	first := true
	for d := r.From; !d.After(r.To); d = d.AddDays(1) {
		v, ok, err := a.dayValue(ctx, ans.fam, d)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, `{"dateTime":"`...)
		b = append(b, d.String()...)
		b = append(b, `","value":`...)
		b = append(b, ans.value...)
		b = appendNum(b, v)
		b = append(b, ans.valueEnd...)
		b = append(b, '}')
	}
	return append(b, ans.closer...), nil
}

// nightGap splits the SpO2 readings into nights: readings further apart
// than this belong to different nights.
const nightGap = 3 * time.Hour

type reading struct {
	utc int64
	v   float64
}

// spo2Nights returns the SpO2 readings of the nights filed under the days
// of r, in time order. The archive's files hold readings by time, not by
// night, so the readings around r are merged from every file, placed on
// the instant line (a "Z" time is an instant; a local one is resolved in
// file order, as everywhere), split into nights where they pause for more
// than nightGap, and each night is filed, as the API files it, under the
// local day it ended on (the day of its last reading).
func (a *Archive) spo2Nights(ctx context.Context, r dates.Range) (map[dates.Date][]reading, error) {
	wide := dates.Range{From: r.From.AddDays(-1), To: r.To.AddDays(1)}
	clocks := map[dates.Date]*day{}
	var all []reading
	for _, ref := range a.candidates(famMinuteSpO2, wide) {
		dec, err := a.loadFile(ctx, ref)
		if err != nil {
			return nil, err
		}
		for d := wide.From; !d.After(wide.To); d = d.AddDays(1) {
			for _, s := range dec.stamps[d] {
				u := s.utc
				if !s.hasUTC {
					dy := clocks[d]
					if dy == nil {
						x := a.day(d)
						dy = &x
						clocks[d] = dy
					}
					u = dy.instant(s.sec)
				}
				all = append(all, reading{u, s.v})
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].utc < all[j].utc })
	out := map[dates.Date][]reading{}
	gap := nightGap.Milliseconds()
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].utc-all[j-1].utc <= gap {
			j++
		}
		night := dates.In(time.UnixMilli(all[j-1].utc), a.zone)
		if r.Contains(night) {
			rs := out[night] // a night may pause longer than nightGap: its parts are one night
			for k := i; k < j; k++ {
				if k > i && all[k].utc == all[k-1].utc {
					continue // the same reading listed twice
				}
				rs = append(rs, all[k])
			}
			out[night] = rs
		}
		i = j
	}
	return out, nil
}

// spo2Intraday renders GET /1/user/-/spo2/date/{start}/{end}/all.json:
// [{"dateTime","minutes":[{"value","minute"}]}], a night per day that has
// one, minutes in time order as local wall clock.
func (a *Archive) spo2Intraday(ctx context.Context, r dates.Range) ([]byte, error) {
	nights, err := a.spo2Nights(ctx, r)
	if err != nil {
		return nil, err
	}
	b := []byte{'['}
	first := true
	for d := r.From; !d.After(r.To); d = d.AddDays(1) {
		rs, ok := nights[d]
		if !ok {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, `{"dateTime":"`...)
		b = append(b, d.String()...)
		b = append(b, `","minutes":[`...)
		for i, x := range rs {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"value":`...)
			b = appendNum(b, x.v)
			b = append(b, `,"minute":"`...)
			b = time.UnixMilli(x.utc).In(a.zone).AppendFormat(b, "2006-01-02T15:04:05")
			b = append(b, `"}`...)
		}
		b = append(b, "]}"...)
	}
	return append(b, ']'), nil
}

// bodyLogs renders GET /1/user/-/body/log/weight/date/{start}/{end}.json
// (kind "weight") or …/body/log/fat/… (kind "fat": the logs with a body
// fat reading): the logs of the days of r, each once (by logId), in time
// order.
func (a *Archive) bodyLogs(ctx context.Context, kind string, r dates.Range) ([]byte, error) {
	var logs []weightLog
	seen := map[int64]bool{}
	for _, ref := range a.candidates("weight", r) {
		dec, err := a.loadFile(ctx, ref)
		if err != nil {
			return nil, err
		}
		for d := r.From; !d.After(r.To); d = d.AddDays(1) {
			for _, lg := range dec.weights[d] {
				if !seen[lg.id] && (kind == "weight" || lg.hasFat) {
					seen[lg.id] = true
					logs = append(logs, lg)
				}
			}
		}
	}
	sort.SliceStable(logs, func(i, j int) bool {
		x, y := logs[i], logs[j]
		if x.day != y.day {
			return x.day.Before(y.day)
		}
		if x.time != y.time {
			return x.time < y.time
		}
		return x.id < y.id
	})
	b := []byte(`{"` + kind + `":[`)
	for i, lg := range logs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		if kind == "weight" && lg.hasBMI {
			b = append(b, `"bmi":`...)
			b = appendNum(b, lg.bmi)
			b = append(b, ',')
		}
		b = append(b, `"date":"`...)
		b = append(b, lg.day.String()...)
		b = append(b, '"')
		if lg.hasFat {
			b = append(b, `,"fat":`...)
			b = appendNum(b, lg.fat)
		}
		b = append(b, `,"logId":`...)
		b = strconv.AppendInt(b, lg.id, 10)
		if lg.hasSource {
			src, _ := json.Marshal(lg.source)
			b = append(b, `,"source":`...)
			b = append(b, src...)
		}
		b = append(b, `,"time":"`...)
		b = append(b, lg.time...)
		b = append(b, '"')
		if kind == "weight" {
			b = append(b, `,"weight":`...)
			b = appendNum(b, lg.kg)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...), nil
}
