package sim

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// req is one authenticated data request being answered.
type req struct {
	r     *http.Request
	u     *userState
	now   time.Time
	cut   time.Time
	utc   bool
	usa   bool // Accept-Language en_US: miles and feet
	query url.Values
}

// answer is a rendered data answer.
type answer struct {
	status int
	body   []byte
}

func errAnswer(status int, typ, msg string) answer {
	return answer{status, errJSON(apiErr{status, typ, msg})}
}

func notFound() answer {
	return errAnswer(http.StatusNotFound, "not_found", "The API you are requesting could not be found.")
}

func validation(format string, args ...any) answer {
	return errAnswer(http.StatusBadRequest, "validation", fmt.Sprintf(format, args...))
}

// route is a resolved data endpoint: the scope it needs and how to answer.
type route struct {
	scope string
	serve func(q *req) answer
}

func (s *Server) data(w http.ResponseWriter, r *http.Request, now time.Time) {
	p := r.URL.Path
	uid, rt, ok := s.resolve(p)
	if !ok {
		writeJSON(w, http.StatusNotFound, notFound().body)
		return
	}
	tok, hasBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	at := s.access[tok]
	switch {
	case !hasBearer || tok == "":
		s.mu.Unlock()
		writeErr(w, apiErr{http.StatusUnauthorized, "invalid_token", "Access token missing: send Authorization: Bearer <token>."})
		return
	case at == nil || at.revoked:
		s.mu.Unlock()
		writeErr(w, apiErr{http.StatusUnauthorized, "invalid_token", "Access token invalid: " + tok})
		return
	case !now.Before(at.exp):
		s.mu.Unlock()
		writeErr(w, apiErr{http.StatusUnauthorized, "expired_token", "Access token expired: " + tok})
		return
	}
	u := s.byID[at.user]
	n := s.countLocked(u.ID, now)
	st := s.statsLocked(u.ID)
	st.Requests++
	st.ByPath[p]++
	at.pair.used = true
	reset := s.setRate(w, n, now)
	if n > s.cfg.Quota {
		st.Status429++
		s.mu.Unlock()
		s.tooMany(w, reset)
		return
	}
	f := s.faultLocked(p)
	switch f.Kind {
	case FaultExpireToken:
		at.exp = now
		s.mu.Unlock()
		writeErr(w, apiErr{http.StatusUnauthorized, "expired_token", "Access token expired: " + tok})
		return
	case Fault429:
		st.Status429++
		s.mu.Unlock()
		s.tooMany(w, reset)
		return
	}
	s.mu.Unlock()

	switch f.Kind {
	case Fault5xx:
		writeErr(w, apiErr{http.StatusServiceUnavailable, "system", "Service Unavailable"})
		return
	case FaultReset:
		abort(w, true)
		return
	case FaultSlow:
		if !sleepCtx(r.Context(), f.Delay) {
			return
		}
	}
	var a answer
	switch {
	case r.Method != http.MethodGet:
		a = errAnswer(http.StatusMethodNotAllowed, "request", "Method not allowed: use GET.")
	case uid != "-" && uid != u.ID:
		a = errAnswer(http.StatusForbidden, "insufficient_permissions", "This application does not have permission to access data of user "+uid+".")
	case !slices.Contains(at.scopes, rt.scope):
		a = errAnswer(http.StatusForbidden, "insufficient_scope", "This application does not have permission to access "+rt.scope+" data. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.")
	default:
		q := &req{r: r, u: u, now: now, cut: s.syncCutoff(u), query: r.URL.Query(),
			usa: strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "en_us") || strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "en-us")}
		a = rt.serve(q)
	}
	if f.Kind == FaultTruncate {
		h := w.Header()
		h.Set("Content-Type", "application/json;charset=UTF-8")
		h.Set("Content-Length", strconv.Itoa(len(a.body)))
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body[:len(a.body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		abort(w, false)
		return
	}
	writeJSON(w, a.status, a.body)
}

// abort closes the connection without (finishing) an answer; with reset
// the peer sees a TCP reset, otherwise an early end of stream.
func abort(w http.ResponseWriter, reset bool) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok && reset {
				_ = tc.SetLinger(0)
			}
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func (s *Server) tooMany(w http.ResponseWriter, reset int) {
	if s.cfg.RetryAfter {
		w.Header().Set("Retry-After", strconv.Itoa(reset))
	}
	writeErr(w, apiErr{http.StatusTooManyRequests, "system", "Too Many Requests"})
}

// resolve maps a path to its user id and route.
func (s *Server) resolve(p string) (uid string, rt route, ok bool) {
	var ver string
	switch {
	case strings.HasPrefix(p, "/1/user/"):
		ver, p = "1", p[len("/1/user/"):]
	case strings.HasPrefix(p, "/1.2/user/"):
		ver, p = "1.2", p[len("/1.2/user/"):]
	default:
		return "", route{}, false
	}
	p, ok = strings.CutSuffix(p, ".json")
	if !ok {
		return "", route{}, false
	}
	seg := strings.Split(p, "/")
	if len(seg) < 2 || seg[0] == "" {
		return "", route{}, false
	}
	uid, seg = seg[0], seg[1:]
	switch {
	case ver == "1" && len(seg) == 1 && seg[0] == "profile":
		return uid, route{"profile", s.profile}, true
	case ver == "1" && len(seg) == 1 && seg[0] == "devices":
		return uid, route{"settings", s.devices}, true
	case ver == "1" && len(seg) >= 5 && seg[0] == "activities" && seg[1] == "active-zone-minutes" && seg[2] == "date":
		rt, ok := s.azmRoute(seg[3:])
		return uid, rt, ok
	case ver == "1" && len(seg) >= 5 && seg[0] == "activities" && seg[2] == "date":
		rt, ok := s.activityRoute(seg[1], seg[3:])
		return uid, rt, ok
	case ver == "1" && len(seg) == 2 && seg[0] == "activities" && seg[1] == "list":
		return uid, route{"activity", s.activityList}, true
	case ver == "1" && len(seg) >= 1 && seg[0] == "body":
		rt, ok := s.bodyRoute(seg)
		return uid, rt, ok
	case ver == "1" && len(seg) >= 3 && nightlyScope[seg[0]] != "":
		rt, ok := s.nightlyRoute(seg)
		return uid, rt, ok
	case ver == "1.2" && len(seg) == 2 && seg[0] == "sleep" && seg[1] == "list":
		return uid, route{"sleep", s.sleepList}, true
	case ver == "1.2" && (len(seg) == 3 || len(seg) == 4) && seg[0] == "sleep" && seg[1] == "date":
		args := seg[2:]
		return uid, route{"sleep", func(q *req) answer { return s.sleepByDate(q, args) }}, true
	}
	return "", route{}, false
}

var dailyResources = map[string]bool{
	"steps": true, "calories": true, "caloriesBMR": true, "distance": true, "floors": true, "elevation": true,
	"minutesSedentary": true, "minutesLightlyActive": true, "minutesFairlyActive": true, "minutesVeryActive": true,
	"activityCalories": true,
}

func (s *Server) activityRoute(res string, args []string) (route, bool) {
	heart := res == "heart"
	if !heart && !dailyResources[res] {
		return route{}, false
	}
	scope := "activity"
	if heart {
		scope = "heartrate"
	}
	switch len(args) {
	case 2: // {start}/{end} or {date}/{period}
		return route{scope, func(q *req) answer { return s.dailySeries(q, res, args[0], args[1]) }}, true
	case 3, 6: // {date}/1d/{detail}[/time/{HH:mm}/{HH:mm}]
		if !heart && !intradayResources[res] {
			return route{}, false
		}
		if len(args) == 6 && args[3] != "time" {
			return route{}, false
		}
		return route{scope, func(q *req) answer { return s.intraday(q, res, args) }}, true
	}
	return route{}, false
}

// date parses a path date ("today" allowed).
func (q *req) date(s string) (dates.Date, bool) {
	if s == "today" {
		if q.utc {
			return dates.Of(q.now.UTC()), true
		}
		return dates.In(q.now, q.u.loc), true
	}
	d, err := dates.Parse(s)
	return d, err == nil
}

// timezone applies ?timezone=; only UTC is accepted.
func (q *req) timezone() *answer {
	tz, set := q.query["timezone"]
	if !set {
		return nil
	}
	if len(tz) != 1 || tz[0] != "UTC" {
		a := validation("Invalid timezone: only UTC is supported.")
		return &a
	}
	q.utc = true
	return nil
}

// label formats an entry's time: local wall clock, or UTC.
func (q *req) label(p Point) string {
	if q.utc {
		return p.Time.UTC().Format("15:04:05")
	}
	return p.Local.Format("15:04:05")
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// convert turns a metric value into the request's units.
func (q *req) convert(res string, v float64) float64 {
	if !q.usa {
		return v
	}
	switch res {
	case "distance":
		return round(v/1.609344, 5)
	case "elevation":
		return round(v/0.3048, 3)
	}
	return v
}

// totalValue is the string a daily series serves for resource.
func (q *req) totalValue(res string, t DailyTotals) string {
	switch res {
	case "steps":
		return strconv.Itoa(t.Steps)
	case "calories":
		return strconv.Itoa(t.Calories)
	case "caloriesBMR":
		return strconv.Itoa(t.CaloriesBMR)
	case "distance":
		return fmtFloat(q.convert(res, t.DistanceKm))
	case "floors":
		return strconv.Itoa(t.Floors)
	case "elevation":
		return fmtFloat(q.convert(res, t.ElevationM))
	case "minutesSedentary":
		return strconv.Itoa(t.MinutesSedentary)
	case "minutesLightlyActive":
		return strconv.Itoa(t.MinutesLightlyActive)
	case "minutesFairlyActive":
		return strconv.Itoa(t.MinutesFairlyActive)
	case "minutesVeryActive":
		return strconv.Itoa(t.MinutesVeryActive)
	case "activityCalories":
		return strconv.Itoa(t.ActivityCalories)
	}
	return ""
}

type dateValue struct {
	DateTime string `json:"dateTime"`
	Value    string `json:"value"`
}

type zoneJSON struct {
	Name        string  `json:"name"`
	Min         int     `json:"min"`
	Max         int     `json:"max"`
	Minutes     int     `json:"minutes"`
	CaloriesOut float64 `json:"caloriesOut"`
}

type heartValue struct {
	CustomHeartRateZones []zoneJSON `json:"customHeartRateZones"`
	HeartRateZones       []zoneJSON `json:"heartRateZones"`
	RestingHeartRate     *int       `json:"restingHeartRate,omitempty"`
}

type heartDay struct {
	DateTime string     `json:"dateTime"`
	Value    heartValue `json:"value"`
}

func heartDayJSON(d dates.Date, sum *daySummary) heartDay {
	hv := heartValue{CustomHeartRateZones: []zoneJSON{}, HeartRateZones: []zoneJSON{}, RestingHeartRate: sum.rhr}
	for _, z := range sum.zones {
		hv.HeartRateZones = append(hv.HeartRateZones, zoneJSON(z))
	}
	return heartDay{DateTime: d.String(), Value: hv}
}

var periods = map[string]int{"1d": 1, "7d": 7, "30d": 30, "1w": 7}
var monthPeriods = map[string]int{"1m": 1, "3m": 3, "6m": 6, "1y": 12}

func (s *Server) dailySeries(q *req, res, a, b string) answer {
	if e := q.timezone(); e != nil {
		return *e
	}
	end, ok := q.date(a)
	if !ok {
		return validation("Invalid date: %s", a)
	}
	var start dates.Date
	if n, isP := periods[b]; isP {
		start = end.AddDays(-(n - 1))
	} else if m, isM := monthPeriods[b]; isM {
		start = dates.Of(time.Date(end.Year, end.Month-time.Month(m), end.Day, 0, 0, 0, 0, time.UTC)).AddDays(1)
	} else {
		start = end
		if end, ok = q.date(b); !ok {
			return validation("Invalid date: %s", b)
		}
	}
	if end.Before(start) {
		return validation("Invalid date range: the end date %s is before the start date %s.", end, start)
	}
	maxDays := 1095
	if res == "heart" {
		maxDays = 366
	}
	if n := (dates.Range{From: start, To: end}).Days(); n > maxDays {
		return validation("Invalid date range: %d days requested; the maximum range for %s is %d days.", n, res, maxDays)
	}
	key := "activities-" + res
	if res == "heart" {
		var days []heartDay
		(dates.Range{From: start, To: end}).Each(func(d dates.Date) {
			days = append(days, heartDayJSON(d, s.summary(q.u, d, q.cut, q.utc)))
		})
		return answer{http.StatusOK, mustJSON(map[string]any{key: days})}
	}
	days := []dateValue{}
	(dates.Range{From: start, To: end}).Each(func(d dates.Date) {
		days = append(days, dateValue{d.String(), q.totalValue(res, s.summary(q.u, d, q.cut, q.utc).totals)})
	})
	return answer{http.StatusOK, mustJSON(map[string]any{key: days})}
}

type point struct {
	Time  string  `json:"time"`
	Value float64 `json:"value"`
}

type calPoint struct {
	Level int     `json:"level"`
	Mets  float64 `json:"mets"`
	Time  string  `json:"time"`
	Value float64 `json:"value"`
}

type intradaySet struct {
	Dataset         any    `json:"dataset"`
	DatasetInterval int    `json:"datasetInterval"`
	DatasetType     string `json:"datasetType"`
}

func (s *Server) intraday(q *req, res string, args []string) answer {
	if e := q.timezone(); e != nil {
		return *e
	}
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
	heart := res == "heart"
	n, ok := detailMinutes(args[2], heart)
	if !ok {
		return validation("Invalid detail level: %s", args[2])
	}
	lo, hi := "00:00:00", "23:59:59"
	if len(args) == 6 {
		t1, e1 := time.Parse("15:04", args[4])
		t2, e2 := time.Parse("15:04", args[5])
		if e1 != nil || e2 != nil {
			return validation("Invalid time: want HH:mm")
		}
		lo, hi = t1.Format("15:04")+":00", t2.Format("15:04")+":59"
	}
	from, to := s.dayBounds(q.u, d, q.utc)
	sp := s.span(q.u, from, to, q.cut)
	interval, typ := n, "minute"
	if n == 0 {
		interval, typ = 1, "second"
	}
	keep := func(p Point) bool { l := q.label(p); return l >= lo && l <= hi }
	if heart {
		ds := []point{}
		for _, p := range heartPoints(sp, n, q.u.loc) {
			if keep(p) {
				ds = append(ds, point{q.label(p), p.Value})
			}
		}
		sum := s.summary(q.u, d, q.cut, q.utc)
		return answer{http.StatusOK, mustJSON(map[string]any{
			"activities-heart":          []heartDay{heartDayJSON(d, sum)},
			"activities-heart-intraday": intradaySet{ds, interval, typ},
		})}
	}
	var ds any
	pts := activityPoints(sp, res, n, q.u.loc)
	if res == "calories" {
		cs := []calPoint{}
		for _, p := range pts {
			if keep(p) {
				cs = append(cs, calPoint{p.Level, p.METs, q.label(p), p.Value})
			}
		}
		ds = cs
	} else {
		ps := []point{}
		for _, p := range pts {
			if keep(p) {
				ps = append(ps, point{q.label(p), q.convert(res, p.Value)})
			}
		}
		ds = ps
	}
	total := q.totalValue(res, s.summary(q.u, d, q.cut, q.utc).totals)
	return answer{http.StatusOK, mustJSON(map[string]any{
		"activities-" + res:               []dateValue{{d.String(), total}},
		"activities-" + res + "-intraday": intradaySet{ds, interval, typ},
	})}
}

// profile and devices.

type profileJSON struct {
	Age                 int     `json:"age"`
	DateOfBirth         string  `json:"dateOfBirth"`
	DisplayName         string  `json:"displayName"`
	DistanceUnit        string  `json:"distanceUnit"`
	EncodedID           string  `json:"encodedId"`
	FullName            string  `json:"fullName"`
	Gender              string  `json:"gender"`
	Height              float64 `json:"height"`
	HeightUnit          string  `json:"heightUnit"`
	Locale              string  `json:"locale"`
	MemberSince         string  `json:"memberSince"`
	OffsetFromUTCMillis int     `json:"offsetFromUTCMillis"`
	StartDayOfWeek      string  `json:"startDayOfWeek"`
	Timezone            string  `json:"timezone"`
	Weight              float64 `json:"weight"`
	WeightUnit          string  `json:"weightUnit"`
}

func (s *Server) profile(q *req) answer {
	u := q.u
	_, off := q.now.In(u.loc).Zone()
	p := profileJSON{
		Age: u.age, DateOfBirth: fmt.Sprintf("%d-04-12", q.now.In(u.loc).Year()-u.age-1),
		DisplayName: "Sim " + u.ID, FullName: "Simulated User " + u.ID, Gender: "NA",
		DistanceUnit: "METRIC", HeightUnit: "METRIC", WeightUnit: "METRIC", Locale: "en_GB",
		Height: 172.0, Weight: 68.5, MemberSince: u.MemberSince.String(),
		OffsetFromUTCMillis: off * 1000, StartDayOfWeek: "MONDAY", Timezone: u.Zone, EncodedID: u.ID,
	}
	if strings.HasPrefix(u.Zone, "America/") {
		p.DistanceUnit, p.HeightUnit, p.WeightUnit, p.Locale, p.StartDayOfWeek = "en_US", "en_US", "en_US", "en_US", "SUNDAY"
	}
	return answer{http.StatusOK, mustJSON(map[string]any{"user": p})}
}

type deviceJSON struct {
	Battery       string   `json:"battery"`
	BatteryLevel  int      `json:"batteryLevel"`
	DeviceVersion string   `json:"deviceVersion"`
	Features      []string `json:"features"`
	ID            string   `json:"id"`
	LastSyncTime  string   `json:"lastSyncTime"`
	Mac           string   `json:"mac"`
	Type          string   `json:"type"`
}

func (s *Server) devices(q *req) answer {
	u := q.u
	d := s.device(u)
	dev := deviceJSON{
		Battery: d.Battery, BatteryLevel: d.BatteryLevel, DeviceVersion: d.Version, Features: []string{},
		ID: d.ID,
		// wall clock in the user's zone, no offset, as the real API
		LastSyncTime: d.LastSync.In(u.loc).Format("2006-01-02T15:04:05.000"),
		Mac:          strings.ToUpper(fmt.Sprintf("%012x", u.idHash>>16)), Type: d.Type,
	}
	return answer{http.StatusOK, mustJSON([]deviceJSON{dev})}
}
