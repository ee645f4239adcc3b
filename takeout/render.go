package takeout

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// ErrNotInArchive is wrapped by Fetch for requests a Takeout archive cannot
// answer (the data is not in the archive, or not in a form fitexport reads).
var ErrNotInArchive = errors.New("not in a Takeout archive")

// Fetch answers one planned Fitbit Web API request from the archive with
// the body the API would send (one page). Requests it cannot answer get an
// error wrapping ErrNotInArchive.
func (a *Archive) Fetch(ctx context.Context, req dataset.Request) ([][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := strings.Split(req.Key, "/")
	if len(p) == 2 && p[0] == "exercises" {
		return a.exercises(ctx, req, func(why string) error { return a.notHere(req, why) })
	}
	body, err := a.route(ctx, req, p)
	if err != nil {
		return nil, err
	}
	return [][]byte{body}, nil
}

// notHere is the error of a request the archive cannot answer.
func (a *Archive) notHere(req dataset.Request, why string) error {
	return fmt.Errorf("takeout: request %s (%s): %s: %w", req.Key, req.Path, why, ErrNotInArchive)
}

func (a *Archive) route(ctx context.Context, req dataset.Request, p []string) ([]byte, error) {
	notHere := func(why string) error { return a.notHere(req, why) }
	// ranged answers whose family the archive must hold
	ranged := func(fams []string, render func(dates.Range) ([]byte, error)) ([]byte, error) {
		held := false
		for _, f := range fams {
			held = held || a.has(f)
		}
		if !held {
			return nil, notHere("the archive has no " + strings.Join(fams, " or ") + " files")
		}
		r, err := keyRange(req, p[1])
		if err != nil {
			return nil, notHere(err.Error())
		}
		return render(r)
	}
	switch {
	case len(p) == 3 && p[0] == "heart":
		n, ok := heartMinutes(p[1])
		if !ok {
			return nil, notHere("unknown heart-rate detail " + p[1])
		}
		d, err := dates.Parse(p[2])
		if err != nil {
			return nil, notHere("bad day")
		}
		return a.heartDay(ctx, d, n)
	case len(p) == 2 && p[0] == "heart-summary":
		r, err := keyRange(req, p[1])
		if err != nil {
			return nil, notHere(err.Error())
		}
		return a.heartSummary(ctx, r)
	case len(p) == 4 && p[0] == "activity":
		f := a.byRes[p[1]]
		if f == nil || f.kind != kindMinutes || !a.has(f.name) {
			return nil, notHere("the archive has no per-minute " + p[1])
		}
		if p[2] != "1min" {
			return nil, notHere("only 1min activity detail is served")
		}
		d, err := dates.Parse(p[3])
		if err != nil {
			return nil, notHere("bad day")
		}
		return a.activityDay(ctx, f, d)
	case len(p) == 3 && p[0] == "series":
		r, err := keyRange(req, p[2])
		if err != nil {
			return nil, notHere(err.Error())
		}
		if !dailyResource[p[1]] {
			return nil, notHere("unknown daily resource " + p[1])
		}
		return a.series(ctx, p[1], r)
	case len(p) == 2 && p[0] == "sleep":
		r, err := keyRange(req, p[1])
		if err != nil {
			return nil, notHere(err.Error())
		}
		return a.sleep(ctx, r)
	case len(p) == 2 && nightlyAnswers[p[0]].fam != "":
		ans := nightlyAnswers[p[0]]
		if !a.has(ans.fam) {
			return nil, notHere("the archive has no " + ans.fam + " files")
		}
		r, err := keyRange(req, p[1])
		if err != nil {
			return nil, notHere(err.Error())
		}
		return a.nightlyDaily(ctx, ans, r)
	case len(p) == 2 && p[0] == "spo2-all":
		if !a.has(famMinuteSpO2) {
			return nil, notHere("the archive has no " + famMinuteSpO2 + " files")
		}
		r, err := keyRange(req, p[1])
		if err != nil {
			return nil, notHere(err.Error())
		}
		return a.spo2Intraday(ctx, r)
	case len(p) == 2 && p[0] == "hrv-all":
		return ranged([]string{famHRVDetails}, func(r dates.Range) ([]byte, error) { return a.hrvIntraday(ctx, r) })
	case len(p) == 2 && p[0] == "azm-daily":
		return ranged([]string{famAZM}, func(r dates.Range) ([]byte, error) { return a.azmDaily(ctx, r) })
	case len(p) == 2 && p[0] == "cardioscore":
		return ranged([]string{famVO2Demographic, famVO2Run}, func(r dates.Range) ([]byte, error) { return a.cardioScore(ctx, r) })
	case len(p) == 3 && p[0] == "azm":
		if !a.has(famAZM) {
			return nil, notHere("the archive has no " + famAZM + " files")
		}
		if p[1] != "1min" {
			return nil, notHere("only 1min Active Zone Minutes detail is served")
		}
		d, err := dates.Parse(p[2])
		if err != nil {
			return nil, notHere("bad day")
		}
		return a.azmIntraday(ctx, d)
	case len(p) == 2 && (p[0] == "weight" || p[0] == "fat"):
		if !a.has("weight") {
			return nil, notHere("the archive has no weight files")
		}
		r, err := keyRange(req, p[1])
		if err != nil {
			return nil, notHere(err.Error())
		}
		return a.bodyLogs(ctx, p[0], r)
	}
	return nil, notHere("fitexport reads heart rate, per-minute activity, daily activity, resting heart rate, sleep, SpO2, HRV, breathing rate, skin temperature, VO2 max, Active Zone Minutes, weight and exercises from archives")
}

// dailyResource lists the daily time-series resources of daily_activity.
var dailyResource = map[string]bool{
	"steps": true, "calories": true, "caloriesBMR": true, "distance": true, "floors": true, "elevation": true,
	"minutesSedentary": true, "minutesLightlyActive": true, "minutesFairlyActive": true, "minutesVeryActive": true,
	"activityCalories": true,
}

// keyRange is the span of a ranged request: req.Days, else the key's
// "{start}_{end}".
func keyRange(req dataset.Request, last string) (dates.Range, error) {
	if !req.Days.From.IsZero() {
		return req.Days, nil
	}
	a, b, ok := strings.Cut(last, "_")
	from, err1 := dates.Parse(a)
	to, err2 := dates.Parse(b)
	if !ok || err1 != nil || err2 != nil || to.Before(from) {
		return dates.Range{}, errors.New("cannot tell which days it covers")
	}
	return dates.Range{From: from, To: to}, nil
}

func heartMinutes(det string) (int, bool) {
	switch det {
	case "1sec":
		return 0, true
	case "1min":
		return 1, true
	case "5min":
		return 5, true
	case "15min":
		return 15, true
	}
	return 0, false
}

// daySeries returns the entries of family fam that belong to local day d,
// in file order (files by period start): the fall-back hour's two passes
// stay in the order the tracker recorded them.
func (a *Archive) daySeries(ctx context.Context, fam string, d dates.Date) ([]sample, error) {
	var out []sample
	for _, ref := range a.candidates(fam, dates.Range{From: d, To: d}) {
		dec, err := a.loadFile(ctx, ref)
		if err != nil {
			return nil, err
		}
		out = append(out, dec.series[d]...)
	}
	return out, nil
}

// dayValue returns the value of a daily family for day d (the last file
// that has one wins).
func (a *Archive) dayValue(ctx context.Context, fam string, d dates.Date) (float64, bool, error) {
	var v float64
	var ok bool
	for _, ref := range a.candidates(fam, dates.Range{From: d, To: d}) {
		dec, err := a.loadFile(ctx, ref)
		if err != nil {
			return 0, false, err
		}
		if x, has := dec.values[d]; has {
			v, ok = x, true
		}
	}
	return v, ok, nil
}

// day is local day d on the instant line.
type day struct {
	d          dates.Date
	start, end int64 // Unix ms of the local midnights
	clock      *transform.DayClock
}

func (a *Archive) day(d dates.Date) day {
	return day{d: d, start: d.Time(a.zone).UnixMilli(), end: d.AddDays(1).Time(a.zone).UnixMilli(),
		clock: transform.NewDayClock(a.zone, d)}
}

// instant resolves a wall second of the day; call it in file order.
func (dy *day) instant(sec int32) int64 { return dy.clock.At(dy.clock.Base() + int64(sec)*1000) }

// label is the wall clock "HH:mm:ss" of instant ms.
func (a *Archive) label(ms int64) string {
	return time.UnixMilli(ms).In(a.zone).Format("15:04:05")
}

// heartDay renders GET /1/user/-/activities/heart/date/{d}/1d/{detail}.json:
// at 1sec the day's samples as recorded; at n minutes the rounded mean of
// each n-minute interval (from local midnight, on the instant line) that
// has samples, labelled with the interval start's wall clock — the rule
// the simulator and the Google Health source apply.
func (a *Archive) heartDay(ctx context.Context, d dates.Date, n int) ([]byte, error) {
	var samples []sample
	if a.has("heart_rate") {
		var err error
		if samples, err = a.daySeries(ctx, "heart_rate", d); err != nil {
			return nil, err
		}
	}
	b := make([]byte, 0, 256+len(samples)*36)
	b = append(b, `{"activities-heart":[`...)
	var err error
	if b, err = a.appendHeartSummary(ctx, b, d); err != nil {
		return nil, err
	}
	b = append(b, `],"activities-heart-intraday":{"dataset":[`...)
	typ := "minute"
	if n == 0 {
		typ = "second"
		for i, s := range samples {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"time":"`...)
			b = appendClock(b, s.sec)
			b = append(b, `","value":`...)
			b = appendNum(b, s.v)
			b = append(b, '}')
		}
	} else {
		dy := a.day(d)
		width := int64(n) * 60000
		buckets := int((dy.end - dy.start + width - 1) / width)
		sum := make([]float64, buckets)
		cnt := make([]int, buckets)
		for _, s := range samples {
			u := dy.instant(s.sec)
			if u < dy.start || u >= dy.end {
				continue // a wall time the day does not have
			}
			i := (u - dy.start) / width
			sum[i] += s.v
			cnt[i]++
		}
		first := true
		for i := range sum {
			if cnt[i] == 0 {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendPoint(b, a.label(dy.start+int64(i)*width), math.Round(sum[i]/float64(cnt[i])))
		}
	}
	b = append(b, `],"datasetInterval":1,"datasetType":"`...)
	b = append(b, typ...)
	b = append(b, `"}}`...)
	return b, nil
}

// appendHeartSummary appends one activities-heart entry: no zones (the
// archive's zone minutes carry no bounds), restingHeartRate when the
// archive has an estimate for d.
func (a *Archive) appendHeartSummary(ctx context.Context, b []byte, d dates.Date) ([]byte, error) {
	b = append(b, `{"dateTime":"`...)
	b = append(b, d.String()...)
	b = append(b, `","value":{"customHeartRateZones":[],"heartRateZones":[]`...)
	if a.has("resting_heart_rate") {
		v, ok, err := a.dayValue(ctx, "resting_heart_rate", d)
		if err != nil {
			return nil, err
		}
		if ok {
			b = append(b, `,"restingHeartRate":`...)
			b = strconv.AppendInt(b, int64(math.Round(v)), 10)
		}
	}
	return append(b, "}}"...), nil
}

// heartSummary renders GET /1/user/-/activities/heart/date/{start}/{end}.json.
func (a *Archive) heartSummary(ctx context.Context, r dates.Range) ([]byte, error) {
	b := []byte(`{"activities-heart":[`)
	var err error
	for d := r.From; !d.After(r.To); d = d.AddDays(1) {
		if d != r.From {
			b = append(b, ',')
		}
		if b, err = a.appendHeartSummary(ctx, b, d); err != nil {
			return nil, err
		}
	}
	return append(b, "]}"...), nil
}

// minutes returns every minute of local day d on the instant line (1,440;
// 1,380 or 1,500 on DST days) with the family's values; minutes the archive
// does not list are zero.
func (a *Archive) minutes(ctx context.Context, f *family, d dates.Date) (day, []float64, error) {
	dy := a.day(d)
	slots := make([]float64, (dy.end-dy.start)/60000)
	samples, err := a.daySeries(ctx, f.name, d)
	if err != nil {
		return dy, nil, err
	}
	for _, s := range samples {
		u := dy.instant(s.sec)
		if u < dy.start || u >= dy.end {
			continue
		}
		slots[(u-dy.start)/60000] = s.v
	}
	return dy, slots, nil
}

// total is the day total of a family's minutes, as the API serves it.
func total(f *family, slots []float64) float64 {
	var t float64
	for _, v := range slots {
		t += v
	}
	return roundTo(t, f.totalDecimals)
}

// activityDay renders GET /1/user/-/activities/{resource}/date/{d}/1d/1min.json.
// Calories entries carry no level or mets (the archive has neither).
func (a *Archive) activityDay(ctx context.Context, f *family, d dates.Date) ([]byte, error) {
	dy, slots, err := a.minutes(ctx, f, d)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, 64+len(slots)*32)
	b = append(b, `{"activities-`...)
	b = append(b, f.resource...)
	b = append(b, `":[{"dateTime":"`...)
	b = append(b, d.String()...)
	b = append(b, `","value":"`...)
	b = appendNum(b, total(f, slots))
	b = append(b, `"}],"activities-`...)
	b = append(b, f.resource...)
	b = append(b, `-intraday":{"dataset":[`...)
	for i, v := range slots {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPoint(b, a.label(dy.start+int64(i)*60000), v)
	}
	return append(b, `],"datasetInterval":1,"datasetType":"minute"}}`...), nil
}

// series renders GET /1/user/-/activities/{resource}/date/{start}/{end}.json:
// per-minute families give the sum of the day's minutes (every day listed),
// daily families their value (days without one are left out); resources
// the archive lacks (caloriesBMR, activityCalories, a family with no
// files) give an empty list, so daily_activity has nulls there.
func (a *Archive) series(ctx context.Context, res string, r dates.Range) ([]byte, error) {
	b := []byte(`{"activities-` + res + `":[`)
	f := a.byRes[res]
	if f != nil && a.has(f.name) {
		first := true
		for d := r.From; !d.After(r.To); d = d.AddDays(1) {
			var v float64
			switch f.kind {
			case kindMinutes:
				_, slots, err := a.minutes(ctx, f, d)
				if err != nil {
					return nil, err
				}
				v = total(f, slots)
			case kindDaily:
				x, ok, err := a.dayValue(ctx, f.name, d)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
				v = x
			default:
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, `{"dateTime":"`...)
			b = append(b, d.String()...)
			b = append(b, `","value":"`...)
			b = appendNum(b, v)
			b = append(b, `"}`...)
		}
	}
	return append(b, "]}"...), nil
}

// sleep renders GET /1.2/user/-/sleep/date/{start}/{end}.json: the logs
// whose dateOfSleep lies in r, from every sleep file (a log belongs to its
// dateOfSleep, not to its file's period), newest first as the API lists
// them, each once (by logId).
func (a *Archive) sleep(ctx context.Context, r dates.Range) ([]byte, error) {
	var logs []sleepLog
	seen := map[int64]bool{}
	if a.has("sleep") {
		for _, ref := range a.candidates("sleep", r) {
			dec, err := a.loadFile(ctx, ref)
			if err != nil {
				return nil, err
			}
			for d := r.From; !d.After(r.To); d = d.AddDays(1) {
				for _, lg := range dec.logs[d] {
					if !seen[lg.id] {
						seen[lg.id] = true
						logs = append(logs, lg)
					}
				}
			}
		}
	}
	sort.SliceStable(logs, func(i, j int) bool {
		if logs[i].start != logs[j].start {
			return logs[i].start > logs[j].start
		}
		return logs[i].id > logs[j].id
	})
	b := []byte(`{"sleep":[`)
	for i, lg := range logs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, lg.raw...)
	}
	return append(b, "]}"...), nil
}

// appendPoint appends {"time":"…","value":…}.
func appendPoint(b []byte, label string, v float64) []byte {
	b = append(b, `{"time":"`...)
	b = append(b, label...)
	b = append(b, `","value":`...)
	b = appendNum(b, v)
	return append(b, '}')
}

// appendNum appends v in the shortest decimal form (no exponent).
func appendNum(b []byte, v float64) []byte {
	if v == 0 {
		return append(b, '0') // never "-0"
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// appendClock appends "HH:mm:ss" of a second of the day.
func appendClock(b []byte, sec int32) []byte {
	h, m, s := sec/3600, sec/60%60, sec%60
	return append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
}
