package takeout

import (
	"context"
	"encoding/json"
	"math"
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
	famHRVDetails  = "Heart Rate Variability Details"
	famAZM         = "Active Zone Minutes"
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
	// extra and has: the family's extra values (see stamped).
	extra [3]float64
	has   uint8
}

// nights returns the readings of family fam (Minute SpO2, Heart Rate
// Variability Details) of the nights filed under the days of r, in time
// order. The archive's files hold readings by time, not by night, so the
// readings around r are merged from every file, placed on the instant line
// (a "Z" time is an instant; a local one is resolved in file order, as
// everywhere), split into nights where they pause for more than nightGap,
// and each night is filed, as the API files it, under the local day it
// ended on: the day of its last reading (for HRV windows, of the end of
// the last window).
func (a *Archive) nights(ctx context.Context, fam string, r dates.Range) (map[dates.Date][]reading, error) {
	wide := dates.Range{From: r.From.AddDays(-1), To: r.To.AddDays(1)}
	clocks := map[dates.Date]*day{}
	var all []reading
	var window int64
	if f := a.fams[fam]; f != nil && f.csv != nil {
		window = int64(f.csv.window) * 1000
	}
	for _, ref := range a.candidates(fam, wide) {
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
				all = append(all, reading{utc: u, v: s.v, extra: s.extra, has: s.has})
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
		night := dates.In(time.UnixMilli(all[j-1].utc+window), a.zone)
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
	nights, err := a.nights(ctx, famMinuteSpO2, r)
	if err != nil {
		return nil, err
	}
	b := appendNights([]byte{'['}, r, nights, func(b []byte, x reading) []byte {
		b = append(b, `{"value":`...)
		b = appendNum(b, x.v)
		b = append(b, `,"minute":"`...)
		b = time.UnixMilli(x.utc).In(a.zone).AppendFormat(b, "2006-01-02T15:04:05")
		return append(b, `"}`...)
	})
	return append(b, ']'), nil
}

// appendNights appends, for each day of r that has a night, in day order and
// comma-separated, {"dateTime":"<day>","minutes":[…]} with each reading
// rendered by one — the shape of the API's SpO2 and HRV intraday answers.
func appendNights(b []byte, r dates.Range, nights map[dates.Date][]reading, one func([]byte, reading) []byte) []byte {
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
			b = one(b, x)
		}
		b = append(b, "]}"...)
	}
	return b
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

// hrvIntraday renders GET /1/user/-/hrv/date/{start}/{end}/all.json:
// {"hrv":[{"dateTime","minutes":[{"minute","value":{"rmssd","coverage","hf","lf"}}]}]},
// a night per day that has one (see nights), the windows in time order as
// local wall clock; coverage, hf and lf are left out when the archive has
// none.
func (a *Archive) hrvIntraday(ctx context.Context, r dates.Range) ([]byte, error) {
	nights, err := a.nights(ctx, famHRVDetails, r)
	if err != nil {
		return nil, err
	}
	api := a.fams[famHRVDetails].csv.extraAPI
	b := appendNights([]byte(`{"hrv":[`), r, nights, func(b []byte, x reading) []byte {
		b = append(b, `{"minute":"`...)
		b = time.UnixMilli(x.utc).In(a.zone).AppendFormat(b, "2006-01-02T15:04:05.000")
		b = append(b, `","value":{"rmssd":`...)
		b = appendNum(b, x.v)
		for k, name := range api {
			if x.has&(1<<k) != 0 {
				b = append(b, `,"`...)
				b = append(b, name...)
				b = append(b, `":`...)
				b = appendNum(b, x.extra[k])
			}
		}
		return append(b, "}}"...)
	})
	return append(b, "]}"...), nil
}

// cardioScore renders GET /1/user/-/cardioscore/date/{start}/{end}.json:
// {"cardioScore":[{"dateTime","value":{"vo2Max":"44-48"}}]}, a day with an
// estimate from a GPS run (run_vo2_max) as that one number, else a day
// with a demographic estimate as the range the API shows (vo2Range); days
// with neither are left out.
func (a *Archive) cardioScore(ctx context.Context, r dates.Range) ([]byte, error) {
	b := []byte(`{"cardioScore":[`)
	first := true
	for d := r.From; !d.After(r.To); d = d.AddDays(1) {
		var text string
		if a.has(famVO2Run) {
			v, ok, err := a.dayValue(ctx, famVO2Run, d)
			if err != nil {
				return nil, err
			}
			if ok {
				text = string(appendNum(nil, v))
			}
		}
		if text == "" && a.has(famVO2Demographic) {
			v, ok, err := a.dayValue(ctx, famVO2Demographic, d)
			if err != nil {
				return nil, err
			}
			if ok {
				text = vo2Range(v)
			}
		}
		if text == "" {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, `{"dateTime":"`...)
		b = append(b, d.String()...)
		b = append(b, `","value":{"vo2Max":"`...)
		b = append(b, text...)
		b = append(b, `"}}`...)
	}
	return append(b, "]}"...), nil
}

// vo2Range is the API's range for a demographic estimate v: "lo-hi", lo =
// round(v) − vo2RangeHalf (half away from zero), hi = lo + 2·vo2RangeHalf.
func vo2Range(v float64) string {
	lo := int(math.Round(v)) - vo2RangeHalf
	return strconv.Itoa(lo) + "-" + strconv.Itoa(lo+2*vo2RangeHalf)
}
