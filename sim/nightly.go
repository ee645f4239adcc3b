package sim

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// Nightly metrics: SpO2, HRV, breathing rate, skin temperature and VO2 max.
//
// They belong to the date the main sleep ended and exist only for nights
// with a main sleep (naps and nights the tracker was off have none), as the
// Fitbit API files them. A night's values are served once its main sleep has
// ended before the sync cutoff. Every value is a pure function of the seed,
// the user and the date (its own random streams, so adding them changed no
// other answer), and the summaries are computed from the samples served.
//
// Intraday sample times (SpO2 "minute", HRV "minute") are the wall clock of
// the sample in the profile zone, no offset: at fall-back the repeated hour
// appears twice, in order.

// SpO2Sample is one intraday SpO2 reading.
type SpO2Sample struct {
	Time    time.Time // instant, UTC
	Local   time.Time // the same instant in the user's zone
	Percent float64
}

// HRVSample is one 5-minute HRV window.
type HRVSample struct {
	Time     time.Time // instant the window starts, UTC
	Local    time.Time
	RMSSD    float64 // ms
	Coverage float64 // 0..1
	HF, LF   float64 // ms²
}

// VO2Max is a day's cardio fitness score as served: Text is the string
// vo2Max ("44-48" or "46.21"); Low and High are set for a range.
type VO2Max struct {
	Text      string
	Value     float64 // the number, or the midpoint of the range
	Low, High *float64
}

// Nightly is the nightly metrics filed under one date.
type Nightly struct {
	Date  dates.Date
	Sleep *SleepLog // the main sleep that ended on Date

	SpO2Avg, SpO2Min, SpO2Max float64 // percent
	SpO2                      []SpO2Sample

	DailyRMSSD float64  // ms
	DeepRMSSD  *float64 // ms; nil for classic sleep logs
	HRV        []HRVSample

	BreathingRate float64 // breaths/min over the whole sleep
	// Per sleep stage (stages logs only; nil for classic ones).
	DeepBR, LightBR, RemBR *float64

	SkinTempRelative float64 // °C from the personal baseline
	SkinTempLogType  string

	VO2Max VO2Max
}

// userConst is a per-user constant stream, independent of the day.
func (u *userState) userConst(stream string) *rng {
	return &rng{s: hash64(u.seed, u.ID, "const", stream)}
}

// nightly returns the nightly metrics of date d, or nil when no main sleep
// ended on d (whether or not it is synced yet).
func (u *userState) nightly(d dates.Date) *Nightly {
	lg := u.night(d).log
	if lg == nil {
		return nil
	}
	c := u.userConst("nightly")
	spo2Base := 94.5 + float64(c.intn(25))/10
	hrvBase := 20 + float64(c.intn(50))
	brBase := 12 + float64(c.intn(50))/10
	vo2Base := 36 + float64(c.intn(140))/10

	r := u.rng(d, "nightly")
	n := &Nightly{Date: d, Sleep: lg}

	// SpO2: one reading a minute through the sleep (odd seconds), around a
	// level of the night, with a few short dips.
	level := spo2Base + float64(r.intn(21)-10)/10
	spread := 3 + r.intn(10) // tenths of a percent
	first := true
	for t := lg.Start.Add(time.Duration(5+r.intn(55)) * time.Second); t.Before(lg.End); t = t.Add(time.Minute) {
		x := level + float64(r.intn(2*spread+1)-spread)/10
		if r.chance(0.01) {
			x -= 1 + float64(r.intn(30))/10
		}
		v := math.Min(100, math.Max(88, round(x, 1)))
		n.SpO2 = append(n.SpO2, SpO2Sample{Time: t, Local: t.In(u.loc), Percent: v})
		if first || v < n.SpO2Min {
			n.SpO2Min = v
		}
		if first || v > n.SpO2Max {
			n.SpO2Max = v
		}
		first = false
		n.SpO2Avg += v
	}
	n.SpO2Avg = round(n.SpO2Avg/float64(len(n.SpO2)), 1)

	// HRV: 5-minute windows from the start, around a level of the night.
	hrvNight := hrvBase * (0.75 + float64(r.intn(51))/100)
	var sum, deepSum float64
	deepN := 0
	for t := lg.Start; !t.Add(5 * time.Minute).After(lg.End); t = t.Add(5 * time.Minute) {
		rm := round(hrvNight*(0.8+float64(r.intn(41))/100), 3)
		s := HRVSample{Time: t, Local: t.In(u.loc), RMSSD: rm,
			Coverage: round(0.8+float64(r.intn(201))/1000, 3),
			HF:       round(rm*rm*(0.8+float64(r.intn(81))/100), 3),
			LF:       round(rm*rm*(0.5+float64(r.intn(101))/100), 3)}
		n.HRV = append(n.HRV, s)
		sum += rm
		if lg.Type == "stages" && stageAt(lg, t) == "deep" {
			deepSum += rm
			deepN++
		}
	}
	if len(n.HRV) > 0 {
		n.DailyRMSSD = round(sum/float64(len(n.HRV)), 3)
	}
	if deepN > 0 {
		v := round(deepSum/float64(deepN), 3)
		n.DeepRMSSD = &v
	}

	n.BreathingRate = round(brBase+float64(r.intn(11)-5)/10, 1)
	if lg.Type == "stages" {
		deep := round(n.BreathingRate-0.6-float64(r.intn(5))/10, 1)
		light := round(n.BreathingRate+float64(r.intn(5)-2)/10, 1)
		rem := round(n.BreathingRate+0.4+float64(r.intn(5))/10, 1)
		n.DeepBR, n.LightBR, n.RemBR = &deep, &light, &rem
	}

	n.SkinTempRelative = round(float64(r.intn(31)-15)/10, 1)
	n.SkinTempLogType = "dedicated_temp_sensor"

	v := round(vo2Base+float64(r.intn(21)-10)/10, 2)
	if r.chance(0.2) {
		n.VO2Max = VO2Max{Text: strconv.FormatFloat(v, 'f', -1, 64), Value: v}
	} else {
		lo := math.Round(v) - 2
		hi := lo + 4
		n.VO2Max = VO2Max{Text: strconv.Itoa(int(lo)) + "-" + strconv.Itoa(int(hi)), Value: (lo + hi) / 2, Low: &lo, High: &hi}
	}
	return n
}

// stageAt is the level of lg's data (not shortData) at instant t.
func stageAt(lg *SleepLog, t time.Time) string {
	for _, st := range lg.Stages {
		if !st.Short && !t.Before(st.Start) && t.Before(st.Start.Add(time.Duration(st.Seconds)*time.Second)) {
			return st.Level
		}
	}
	return ""
}

// nightlyServed returns the nightly metrics of d served now (the main sleep
// ended before the sync cutoff), or nil.
func (s *Server) nightlyServed(u *userState, d dates.Date, cut time.Time) *Nightly {
	// The main sleep filed under d ends on d: nothing before d starts is
	// synced, and nothing exists before memberSince.
	if u.preMember(d) || !d.Time(u.loc).Before(cut) {
		return nil
	}
	n := u.nightly(d)
	if n == nil || n.Sleep.End.After(cut) {
		return nil
	}
	return n
}

// Nightly returns the nightly metrics served for date d, nil when there are
// none (no main sleep ended on d, or it is not synced yet).
func (t *Truth) Nightly(d dates.Date) *Nightly {
	return t.s.nightlyServed(t.u, d, t.s.syncCutoff(t.u))
}

// dateRange parses the path arguments {date} or {start}/{end}; maxDays 0
// means no documented limit.
func (q *req) dateRange(args []string, name string, maxDays int) (dates.Range, *answer) {
	from, ok := q.date(args[0])
	if !ok {
		a := validation("Invalid date: %s", args[0])
		return dates.Range{}, &a
	}
	to := from
	if len(args) > 1 {
		if to, ok = q.date(args[1]); !ok {
			a := validation("Invalid date: %s", args[1])
			return dates.Range{}, &a
		}
	}
	if to.Before(from) {
		a := validation("Invalid date range: the end date %s is before the start date %s.", to, from)
		return dates.Range{}, &a
	}
	r := dates.Range{From: from, To: to}
	if n := r.Days(); maxDays > 0 && n > maxDays {
		a := validation("Invalid date range: %d days requested; the maximum range for %s is %d days.", n, name, maxDays)
		return dates.Range{}, &a
	}
	return r, nil
}

// nightlyLimit is the documented longest range of the nightly endpoints
// (SpO2 summary: not documented, no limit enforced).
var nightlyLimit = map[string]int{"spo2": 0, "spo2-all": 30, "hrv": 30, "hrv-all": 30, "br": 30, "br-all": 30, "temp": 30, "cardioscore": 30}

var nightlyScope = map[string]string{"spo2": "oxygen_saturation", "hrv": "heartrate", "br": "respiratory_rate", "temp": "temperature", "cardioscore": "cardio_fitness"}

// nightlyRoute resolves /1/user/-/{spo2|hrv|br}/date/{date}[/{end}][/all],
// /1/user/-/temp/skin/date/{date}[/{end}] and
// /1/user/-/cardioscore/date/{date}[/{end}] (seg is after the user id).
func (s *Server) nightlyRoute(seg []string) (route, bool) {
	res := seg[0]
	scope, ok := nightlyScope[res]
	if !ok {
		return route{}, false
	}
	args := seg[1:]
	if res == "temp" {
		if len(args) == 0 || args[0] != "skin" {
			return route{}, false
		}
		args = args[1:]
	}
	if len(args) < 2 || args[0] != "date" {
		return route{}, false
	}
	args = args[1:]
	all := false
	if args[len(args)-1] == "all" {
		if res != "spo2" && res != "hrv" && res != "br" {
			return route{}, false
		}
		all, args = true, args[:len(args)-1]
	}
	if len(args) != 1 && len(args) != 2 {
		return route{}, false
	}
	return route{scope, func(q *req) answer { return s.nightlyAnswer(q, res, args, all) }}, true
}

type spo2Value struct {
	Avg float64 `json:"avg"`
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

type spo2Day struct {
	DateTime string    `json:"dateTime"`
	Value    spo2Value `json:"value"`
}

type spo2Minute struct {
	Value  float64 `json:"value"`
	Minute string  `json:"minute"`
}

type spo2AllDay struct {
	DateTime string       `json:"dateTime"`
	Minutes  []spo2Minute `json:"minutes"`
}

type hrvValue struct {
	DailyRmssd float64  `json:"dailyRmssd"`
	DeepRmssd  *float64 `json:"deepRmssd,omitempty"`
}

type hrvMinuteValue struct {
	Rmssd    float64 `json:"rmssd"`
	Coverage float64 `json:"coverage"`
	HF       float64 `json:"hf"`
	LF       float64 `json:"lf"`
}

type hrvMinute struct {
	Minute string         `json:"minute"`
	Value  hrvMinuteValue `json:"value"`
}

type brRate struct {
	BreathingRate float64 `json:"breathingRate"`
}

type brAllValue struct {
	DeepSleepSummary  *brRate `json:"deepSleepSummary,omitempty"`
	RemSleepSummary   *brRate `json:"remSleepSummary,omitempty"`
	FullSleepSummary  brRate  `json:"fullSleepSummary"`
	LightSleepSummary *brRate `json:"lightSleepSummary,omitempty"`
}

func optRate(v *float64) *brRate {
	if v == nil {
		return nil
	}
	return &brRate{*v}
}

const wallSecLayout = "2006-01-02T15:04:05"

func (s *Server) nightlyAnswer(q *req, res string, args []string, all bool) answer {
	name := res
	if all {
		name += "-all"
	}
	r, bad := q.dateRange(args, name, nightlyLimit[name])
	if bad != nil {
		return *bad
	}
	var nights []*Nightly
	r.Each(func(d dates.Date) {
		if n := s.nightlyServed(q.u, d, q.cut); n != nil {
			nights = append(nights, n)
		}
	})
	single := len(args) == 1
	switch name {
	case "spo2":
		out := []spo2Day{}
		for _, n := range nights {
			out = append(out, spo2Day{n.Date.String(), spo2Value{n.SpO2Avg, n.SpO2Min, n.SpO2Max}})
		}
		if single { // the by-date form answers one object ({} without data)
			if len(out) == 0 {
				return answer{http.StatusOK, []byte("{}")}
			}
			return answer{http.StatusOK, mustJSON(out[0])}
		}
		return answer{http.StatusOK, mustJSON(out)}
	case "spo2-all":
		out := []spo2AllDay{}
		for _, n := range nights {
			day := spo2AllDay{DateTime: n.Date.String(), Minutes: []spo2Minute{}}
			for _, sm := range n.SpO2 {
				day.Minutes = append(day.Minutes, spo2Minute{sm.Percent, sm.Local.Format(wallSecLayout)})
			}
			out = append(out, day)
		}
		if single {
			if len(out) == 0 {
				return answer{http.StatusOK, []byte("{}")}
			}
			return answer{http.StatusOK, mustJSON(out[0])}
		}
		return answer{http.StatusOK, mustJSON(out)}
	case "hrv":
		type day struct {
			Value    hrvValue `json:"value"`
			DateTime string   `json:"dateTime"`
		}
		out := []day{}
		for _, n := range nights {
			out = append(out, day{hrvValue{n.DailyRMSSD, n.DeepRMSSD}, n.Date.String()})
		}
		return answer{http.StatusOK, mustJSON(map[string]any{"hrv": out})}
	case "hrv-all":
		type day struct {
			Minutes  []hrvMinute `json:"minutes"`
			DateTime string      `json:"dateTime"`
		}
		out := []day{}
		for _, n := range nights {
			dd := day{Minutes: []hrvMinute{}, DateTime: n.Date.String()}
			for _, h := range n.HRV {
				dd.Minutes = append(dd.Minutes, hrvMinute{h.Local.Format(sleepTimeLayout), hrvMinuteValue{h.RMSSD, h.Coverage, h.HF, h.LF}})
			}
			out = append(out, dd)
		}
		return answer{http.StatusOK, mustJSON(map[string]any{"hrv": out})}
	case "br":
		type day struct {
			Value    brRate `json:"value"`
			DateTime string `json:"dateTime"`
		}
		out := []day{}
		for _, n := range nights {
			out = append(out, day{brRate{n.BreathingRate}, n.Date.String()})
		}
		return answer{http.StatusOK, mustJSON(map[string]any{"br": out})}
	case "br-all":
		type day struct {
			Value    brAllValue `json:"value"`
			DateTime string     `json:"dateTime"`
		}
		out := []day{}
		for _, n := range nights {
			out = append(out, day{brAllValue{optRate(n.DeepBR), optRate(n.RemBR), brRate{n.BreathingRate}, optRate(n.LightBR)}, n.Date.String()})
		}
		return answer{http.StatusOK, mustJSON(map[string]any{"br": out})}
	case "temp":
		type val struct {
			NightlyRelative float64 `json:"nightlyRelative"`
		}
		type day struct {
			DateTime string `json:"dateTime"`
			Value    val    `json:"value"`
			LogType  string `json:"logType"`
		}
		out := []day{}
		for _, n := range nights {
			out = append(out, day{n.Date.String(), val{n.SkinTempRelative}, n.SkinTempLogType})
		}
		return answer{http.StatusOK, mustJSON(map[string]any{"tempSkin": out})}
	default: // cardioscore
		type val struct {
			Vo2Max string `json:"vo2Max"`
		}
		type day struct {
			DateTime string `json:"dateTime"`
			Value    val    `json:"value"`
		}
		out := []day{}
		for _, n := range nights {
			out = append(out, day{n.Date.String(), val{n.VO2Max.Text}})
		}
		return answer{http.StatusOK, mustJSON(map[string]any{"cardioScore": out})}
	}
}
