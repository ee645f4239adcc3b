package sim

import (
	"math"
	"net/http"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// Body logs: weight (with BMI and, from a body-fat scale, fat) and body fat.
//
//   - /1/user/-/body/log/weight/date/{date}.json and …/{start}/{end}.json
//     (max 31 days) → {"weight":[{"bmi","date","fat","logId","source","time","weight"}]}
//   - /1/user/-/body/log/fat/date/{date}.json and …/{start}/{end}.json
//     (max 30 days) → {"fat":[{"date","fat","logId","source","time"}]}
//
// About 2 days in 5 with data have a morning weigh-in (06:30–08:00 local):
// mostly from an "Aria" scale, which also measures body fat; otherwise a
// manual "Web" entry without fat. date and time are the local wall clock; the
// logId is the instant in Unix milliseconds. A log is served once it lies
// before the sync cutoff. Weight is in kg, or in pounds for Accept-Language
// en_US (fat is a percentage either way).

// WeightLog is one weight log.
type WeightLog struct {
	LogID    int64
	Time     time.Time // instant, UTC
	Local    time.Time // the same instant in the user's zone
	WeightKg float64
	BMI      float64
	Fat      *float64 // percent; nil for logs without a body-fat reading
	Source   string
}

// weightOf returns the weigh-in of local day d, nil on most days.
func (u *userState) weightOf(d dates.Date) *WeightLog {
	r := u.rng(d, "weight")
	if u.absent(d) || !r.chance(0.4) {
		return nil
	}
	c := u.userConst("body")
	base := 55 + float64(c.intn(400))/10
	height := 1.6 + float64(c.intn(30))/100
	fatBase := 15 + float64(c.intn(150))/10
	day := float64(dates.Date{Year: 2000, Month: 1, Day: 1}.DaysUntil(d))

	at := u.wall(d, 6*60+30+r.intn(90)).Add(time.Duration(r.intn(60)) * time.Second)
	w := round(base+0.8*math.Sin(day/9)+float64(r.intn(9)-4)/10, 1)
	lg := &WeightLog{LogID: at.UnixMilli(), Time: at.UTC(), Local: at, WeightKg: w,
		BMI: round(w/(height*height), 2), Source: "Web"}
	if r.chance(0.75) {
		f := round(fatBase+float64(r.intn(11)-5)/10, 3)
		lg.Fat, lg.Source = &f, "Aria"
	}
	return lg
}

func (s *Server) weightsServed(u *userState, r dates.Range, cut time.Time) []*WeightLog {
	var out []*WeightLog
	r.Each(func(d dates.Date) {
		if w := u.weightOf(d); w != nil && w.Time.Before(cut) {
			out = append(out, w)
		}
	})
	return out
}

// Weight returns the weight log of local day d served now, or nil.
func (t *Truth) Weight(d dates.Date) *WeightLog {
	w := t.s.weightsServed(t.u, dates.Range{From: d, To: d}, t.s.syncCutoff(t.u))
	if len(w) == 0 {
		return nil
	}
	return w[0]
}

// bodyRoute resolves /1/user/-/body/log/{weight|fat}/date/{date}[/{end}]
// (seg is after the user id).
func (s *Server) bodyRoute(seg []string) (route, bool) {
	if len(seg) < 5 || len(seg) > 6 || seg[1] != "log" || seg[3] != "date" || (seg[2] != "weight" && seg[2] != "fat") {
		return route{}, false
	}
	kind, args := seg[2], seg[4:]
	return route{"weight", func(q *req) answer { return s.bodyAnswer(q, kind, args) }}, true
}

type weightJSON struct {
	BMI    float64  `json:"bmi"`
	Date   string   `json:"date"`
	Fat    *float64 `json:"fat,omitempty"`
	LogID  int64    `json:"logId"`
	Source string   `json:"source"`
	Time   string   `json:"time"`
	Weight float64  `json:"weight"`
}

type fatJSON struct {
	Date   string  `json:"date"`
	Fat    float64 `json:"fat"`
	LogID  int64   `json:"logId"`
	Source string  `json:"source"`
	Time   string  `json:"time"`
}

func (s *Server) bodyAnswer(q *req, kind string, args []string) answer {
	limit := 31
	if kind == "fat" {
		limit = 30
	}
	r, bad := q.dateRange(args, kind, limit)
	if bad != nil {
		return *bad
	}
	logs := s.weightsServed(q.u, r, q.cut)
	if kind == "fat" {
		out := []fatJSON{}
		for _, w := range logs {
			if w.Fat != nil {
				out = append(out, fatJSON{w.Local.Format("2006-01-02"), *w.Fat, w.LogID, w.Source, w.Local.Format("15:04:05")})
			}
		}
		return answer{http.StatusOK, mustJSON(map[string]any{"fat": out})}
	}
	out := []weightJSON{}
	for _, w := range logs {
		v := w.WeightKg
		if q.usa {
			v = round(v/0.45359237, 2)
		}
		out = append(out, weightJSON{w.BMI, w.Local.Format("2006-01-02"), w.Fat, w.LogID, w.Source, w.Local.Format("15:04:05"), v})
	}
	return answer{http.StatusOK, mustJSON(map[string]any{"weight": out})}
}
