package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// gKind is a data type's shape.
type gKind int

const (
	gkSample   gKind = iota // sampleTime
	gkInterval              // one-minute intervals
	gkDaily                 // date
	gkSession               // sleep
)

// gType is a data type the simulator serves.
type gType struct {
	kebab, snake  string
	kind          gKind
	scope         string
	list          bool // list and reconcile exist
	reconcileOnly bool // list answers 400: use reconcile
	rollup        bool // rollUp and dailyRollUp exist
	maxDays       int  // rollup span limit
	maxPage       int  // list/reconcile page-size limit (and default when 25)
}

var googleTypes = withGoogleMoreTypes(map[string]*gType{ // + google_more.go
	"heart-rate":               {kebab: "heart-rate", snake: "heart_rate", kind: gkSample, scope: GoogleScopeMetrics, list: true, rollup: true, maxDays: 14, maxPage: 10000},
	"steps":                    {kebab: "steps", snake: "steps", kind: gkInterval, scope: GoogleScopeActivity, list: true, rollup: true, maxDays: 90, maxPage: 10000},
	"distance":                 {kebab: "distance", snake: "distance", kind: gkInterval, scope: GoogleScopeActivity, list: true, rollup: true, maxDays: 90, maxPage: 10000},
	"floors":                   {kebab: "floors", snake: "floors", kind: gkInterval, scope: GoogleScopeActivity, list: true, reconcileOnly: true, rollup: true, maxDays: 90, maxPage: 10000},
	"altitude":                 {kebab: "altitude", snake: "altitude", kind: gkInterval, scope: GoogleScopeActivity, list: true, rollup: true, maxDays: 90, maxPage: 10000},
	"active-energy-burned":     {kebab: "active-energy-burned", snake: "active_energy_burned", kind: gkInterval, scope: GoogleScopeActivity, list: true, rollup: true, maxDays: 90, maxPage: 10000},
	"total-calories":           {kebab: "total-calories", snake: "total_calories", kind: gkInterval, scope: GoogleScopeActivity, rollup: true, maxDays: 14, maxPage: 10000},
	"daily-resting-heart-rate": {kebab: "daily-resting-heart-rate", snake: "daily_resting_heart_rate", kind: gkDaily, scope: GoogleScopeMetrics, list: true, maxPage: 10000},
	"sleep":                    {kebab: "sleep", snake: "sleep", kind: gkSession, scope: GoogleScopeSleep, list: true, maxPage: 25},
})

func googleTypeNames() []string {
	var out []string
	for k := range googleTypes {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// gPoint is one data point before rendering.
type gPoint struct {
	key        int64 // newest-first order key: start or sample instant (Unix ns), the date's UTC midnight for daily points
	fk         gFilterKey
	start, end time.Time
	ival       int64   // count, mm, gain mm, bpm
	fval       float64 // kcal
	active     bool    // heart: the minute had activity
	date       dates.Date
	log        *SleepLog
	more       any // the fact of a google_more.go type
}

// minuteValue is a served minute's value for an interval type.
func minuteValue(kebab string, m minute, bmrCal float64) (int64, float64) {
	switch kebab {
	case "steps":
		return int64(m.steps), 0
	case "distance":
		return int64(math.Round(m.dist * 1e6)), 0 // km → mm
	case "floors":
		return int64(m.floors), 0
	case "altitude":
		return int64(m.floors) * 3048, 0 // 3.048 m a floor → mm
	case "active-energy-burned":
		return 0, round(max(0, m.cal-bmrCal), 4)
	case "total-calories":
		return 0, m.cal
	}
	return 0, 0
}

// googleDayPoints returns the served points of type gt on local day d, in
// time order. Sleep points are the logs whose dateOfSleep is d.
func (s *Server) googleDayPoints(u *userState, gt *gType, d dates.Date, cut time.Time) []gPoint {
	if pts, ok := s.googleMorePoints(u, gt, d, cut); ok {
		return pts
	}
	loc := u.loc
	switch gt.kind {
	case gkDaily:
		sum := s.summary(u, d, cut, false)
		if sum.rhr == nil {
			return nil
		}
		mid := d.Time(loc)
		return []gPoint{{key: d.UTC().UnixNano(), fk: gFilterKey{date: d}, start: mid, end: mid, ival: int64(*sum.rhr), date: d}}
	case gkSession:
		var out []gPoint
		for _, lg := range s.sleeps(u, d, cut) {
			out = append(out, gPoint{key: lg.Start.UnixNano(), fk: gFilterKey{phys: lg.End, civil: civilSeconds(lg.End, loc)},
				start: lg.Start, end: lg.End, log: lg, date: d})
		}
		return out
	}
	sp := s.span(u, d.Time(loc), d.AddDays(1).Time(loc), cut)
	if gt.kind == gkSample {
		out := make([]gPoint, 0, len(sp.heart))
		for _, h := range sp.heart {
			i := int(h.Time.Sub(sp.from) / time.Minute)
			act := i >= 0 && i < len(sp.mins) && sp.mins[i].level > 0
			out = append(out, gPoint{key: h.Time.UnixNano(), fk: gFilterKey{phys: h.Time, civil: civilSeconds(h.Time, loc)},
				start: h.Time, end: h.Time, ival: int64(h.BPM), active: act})
		}
		return out
	}
	bmrCal := round(sp.bmrMin, 4)
	var out []gPoint
	for _, m := range sp.mins {
		if !m.served {
			continue
		}
		iv, fv := minuteValue(gt.kebab, m.minute, bmrCal)
		if iv == 0 && fv == 0 {
			continue
		}
		out = append(out, gPoint{key: m.t.UnixNano(), fk: gFilterKey{phys: m.t, civil: civilSeconds(m.t, loc)},
			start: m.t, end: m.t.Add(time.Minute), ival: iv, fval: fv})
	}
	return out
}

// Page tokens: opaque base64url of "<position>.<request hash>".

func pageToken(pos int64, h uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(pos, 10) + "." + strconv.FormatUint(h, 36)))
}

func parsePageToken(tok string, h uint64) (int64, *gErr) {
	bad := gInvalid("INVALID_PAGE_TOKEN", "Invalid page token: it must be the nextPageToken of the same request.")
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, &bad
	}
	pos, hs, ok := strings.Cut(string(b), ".")
	n, err := strconv.ParseInt(pos, 10, 64)
	if !ok || err != nil || hs != strconv.FormatUint(h, 36) {
		return 0, &bad
	}
	return n, nil
}

func pageSizeParam(v string, def, maxN int) (int, *gErr) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		e := gInvalid("", "Invalid value for pageSize: %q (want a non-negative integer).", v)
		return 0, &e
	}
	if n == 0 {
		return def, nil
	}
	return min(n, maxN), nil
}

// googleList serves dataPoints (list) and dataPoints:reconcile.
func (s *Server) googleList(q *gReq, gt *gType, reconcile bool) (int, []byte) {
	if !gt.list || (gt.reconcileOnly && !reconcile) {
		how := "use dataPoints:reconcile or a rollup"
		if !gt.list {
			how = "use dataPoints:rollUp or dataPoints:dailyRollUp"
		}
		e := gInvalid("UNSUPPORTED_DATA_TYPE_OPERATION", "Data type %s does not support this method: %s.", gt.kebab, how)
		return e.code, e.json()
	}
	query := q.r.URL.Query()
	f, ferr := parseFilter(query.Get("filter"), gt)
	if ferr != nil {
		return ferr.code, ferr.json()
	}
	def := 1440
	if gt.maxPage < def {
		def = gt.maxPage
	}
	size, perr := pageSizeParam(query.Get("pageSize"), def, gt.maxPage)
	if perr != nil {
		return perr.code, perr.json()
	}
	h := hash64("list", gt.kebab, query.Get("filter"), query.Get("dataSourceFamily"))
	after := int64(math.MaxInt64)
	if tok := query.Get("pageToken"); tok != "" {
		var terr *gErr
		if after, terr = parsePageToken(tok, h); terr != nil {
			return terr.code, terr.json()
		}
	}
	u, loc := q.u, q.u.loc
	// The local days to scan, newest first. A point belongs to the day of
	// its key instant, except sleep: logs are found by dateOfSleep and
	// filtered on their end, so scan a day more on each side.
	margin := 0
	if gt.kind == gkSession {
		margin = 1
	}
	first, last := u.MemberSince, dates.In(q.cut, loc)
	lo, hi := f.bounds(loc)
	if lo != nil && lo.After(first) {
		first = *lo
	}
	if hi != nil && hi.Before(last) {
		last = *hi
	}
	if after != math.MaxInt64 {
		if d := dates.In(time.Unix(0, after), loc); d.Before(last) {
			last = d
		}
	}
	first, last = first.AddDays(-margin), last.AddDays(margin)
	var pts []gPoint
	extra := 0 // days scanned after the page filled (sleep logs straddle days)
	for d := last; !d.Before(first); d = d.AddDays(-1) {
		for _, p := range s.googleDayPoints(u, gt, d, q.cut) {
			if p.key < after && f.match(p.fk) {
				pts = append(pts, p)
			}
		}
		if len(pts) > size {
			if gt.kind != gkSession || extra > 0 {
				break
			}
			extra++
		}
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].key > pts[j].key })
	var next string
	if len(pts) > size {
		pts = pts[:size]
		next = pageToken(pts[size-1].key, h)
	}
	var buf bytes.Buffer
	buf.Grow(64 + len(pts)*700)
	buf.WriteString(`{`)
	if len(pts) > 0 {
		buf.WriteString(`"dataPoints":[`)
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for i := range pts {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := enc.Encode(s.renderPoint(u, gt, &pts[i], reconcile)); err != nil {
				panic("sim: " + err.Error())
			}
			buf.Truncate(buf.Len() - 1) // Encode's newline
		}
		buf.WriteString(`]`)
	}
	if next != "" {
		if len(pts) > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`"nextPageToken":` + strconv.Quote(next))
	}
	buf.WriteString(`}`)
	return http.StatusOK, buf.Bytes()
}

// Rendering.

type gDevice struct {
	DisplayName  string `json:"displayName"`
	FormFactor   string `json:"formFactor"`
	Manufacturer string `json:"manufacturer"`
}

type gDataSource struct {
	RecordingMethod string  `json:"recordingMethod"`
	Device          gDevice `json:"device"`
	Platform        string  `json:"platform"`
}

var chargeSix = &gDataSource{RecordingMethod: "PASSIVELY_MEASURED", Device: gDevice{"Charge 6", "FITNESS_BAND", "Google"}, Platform: "FITBIT"}

// gInterval is an ObservationTimeInterval (and a SessionTimeInterval).
type gInterval struct {
	StartTime      string `json:"startTime"`
	StartUTCOffset string `json:"startUtcOffset"`
	EndTime        string `json:"endTime"`
	EndUTCOffset   string `json:"endUtcOffset"`
	CivilStartTime gCivil `json:"civilStartTime"`
	CivilEndTime   gCivil `json:"civilEndTime"`
}

func toGInterval(a, b time.Time, loc *time.Location) gInterval {
	return gInterval{gTime(a), gDuration(offsetAt(a, loc)), gTime(b), gDuration(offsetAt(b, loc)), toGCivil(a, loc), toGCivil(b, loc)}
}

type gSampleTime struct {
	PhysicalTime string `json:"physicalTime"`
	UTCOffset    string `json:"utcOffset"`
	CivilTime    gCivil `json:"civilTime"`
}

type gHeartRate struct {
	SampleTime     gSampleTime `json:"sampleTime"`
	BeatsPerMinute int64       `json:"beatsPerMinute,string,omitempty"`
	Metadata       struct {
		MotionContext  string `json:"motionContext"`
		SensorLocation string `json:"sensorLocation"`
	} `json:"metadata"`
}

type gCount struct {
	Interval gInterval `json:"interval"`
	Count    int64     `json:"count,string,omitempty"`
}

type gDistance struct {
	Interval    gInterval `json:"interval"`
	Millimeters int64     `json:"millimeters,string,omitempty"`
}

type gAltitude struct {
	Interval        gInterval `json:"interval"`
	GainMillimeters int64     `json:"gainMillimeters,string,omitempty"`
}

type gEnergy struct {
	Interval gInterval `json:"interval"`
	Kcal     float64   `json:"kcal,omitempty"`
}

type gDailyRHR struct {
	Date           gDate `json:"date"`
	BeatsPerMinute int64 `json:"beatsPerMinute,string,omitempty"`
	Metadata       struct {
		CalculationMethod string `json:"calculationMethod"`
	} `json:"dailyRestingHeartRateMetadata"`
}

type gStage struct {
	Type           string `json:"type"`
	StartTime      string `json:"startTime"`
	StartUTCOffset string `json:"startUtcOffset"`
	EndTime        string `json:"endTime"`
	EndUTCOffset   string `json:"endUtcOffset"`
}

type gStageSummary struct {
	Type    string `json:"type"`
	Minutes int64  `json:"minutes,string,omitempty"`
	Count   int64  `json:"count,string,omitempty"`
}

type gSleep struct {
	Interval        gInterval `json:"interval"`
	Type            string    `json:"type"`
	Stages          []gStage  `json:"stages,omitempty"`
	ShortAwakenings []gStage  `json:"shortAwakenings,omitempty"`
	Metadata        struct {
		MainSleep      bool   `json:"mainSleep,omitempty"`
		Nap            bool   `json:"nap,omitempty"`
		Processed      bool   `json:"processed,omitempty"`
		ManuallyEdited bool   `json:"manuallyEdited,omitempty"`
		StagesStatus   string `json:"stagesStatus,omitempty"`
	} `json:"metadata"`
	Summary struct {
		MinutesInSleepPeriod int64           `json:"minutesInSleepPeriod,string,omitempty"`
		MinutesAsleep        int64           `json:"minutesAsleep,string,omitempty"`
		MinutesAwake         int64           `json:"minutesAwake,string,omitempty"`
		MinutesToFallAsleep  int64           `json:"minutesToFallAsleep,string,omitempty"`
		MinutesAfterWakeUp   int64           `json:"minutesAfterWakeUp,string,omitempty"`
		StagesSummary        []gStageSummary `json:"stagesSummary,omitempty"`
	} `json:"summary"`
}

// gDataPoint is a DataPoint (list) or a ReconciledDataPoint (reconcile).
type gDataPoint struct {
	Name                  string       `json:"name,omitempty"`
	DataPointName         string       `json:"dataPointName,omitempty"`
	DataSource            *gDataSource `json:"dataSource,omitempty"`
	HeartRate             *gHeartRate  `json:"heartRate,omitempty"`
	Steps                 *gCount      `json:"steps,omitempty"`
	Distance              *gDistance   `json:"distance,omitempty"`
	Floors                *gCount      `json:"floors,omitempty"`
	Altitude              *gAltitude   `json:"altitude,omitempty"`
	ActiveEnergyBurned    *gEnergy     `json:"activeEnergyBurned,omitempty"`
	DailyRestingHeartRate *gDailyRHR   `json:"dailyRestingHeartRate,omitempty"`
	Sleep                 *gSleep      `json:"sleep,omitempty"`
	gMorePayload
}

// googleStageTypes maps Fitbit sleep levels to Google stage types.
var googleStageTypes = map[string]string{
	"deep": "DEEP", "light": "LIGHT", "rem": "REM", "wake": "AWAKE",
	"asleep": "ASLEEP", "restless": "RESTLESS", "awake": "AWAKE",
}

func (s *Server) renderPoint(u *userState, gt *gType, p *gPoint, reconcile bool) gDataPoint {
	loc := u.loc
	var id string
	switch gt.kind {
	case gkSession:
		id = strconv.FormatInt(p.log.LogID, 10)
	default:
		id = strconv.FormatUint(hash64(u.seed, u.ID, gt.kebab, strconv.FormatInt(p.key, 10))>>1, 10)
	}
	dp := gDataPoint{}
	name := "users/me/dataTypes/" + gt.kebab + "/dataPoints/" + id
	if reconcile {
		dp.DataPointName = name
	} else {
		dp.Name, dp.DataSource = name, chargeSix
	}
	iv := func() gInterval { return toGInterval(p.start, p.end, loc) }
	switch gt.kebab {
	case "heart-rate":
		hr := &gHeartRate{SampleTime: gSampleTime{gTime(p.start), gDuration(offsetAt(p.start, loc)), toGCivil(p.start, loc)}, BeatsPerMinute: p.ival}
		hr.Metadata.MotionContext, hr.Metadata.SensorLocation = "SEDENTARY", "WRIST"
		if p.active {
			hr.Metadata.MotionContext = "ACTIVE"
		}
		dp.HeartRate = hr
	case "steps":
		dp.Steps = &gCount{iv(), p.ival}
	case "floors":
		dp.Floors = &gCount{iv(), p.ival}
	case "distance":
		dp.Distance = &gDistance{iv(), p.ival}
	case "altitude":
		dp.Altitude = &gAltitude{iv(), p.ival}
	case "active-energy-burned":
		dp.ActiveEnergyBurned = &gEnergy{iv(), p.fval}
	case "daily-resting-heart-rate":
		r := &gDailyRHR{Date: toGDate(p.date), BeatsPerMinute: p.ival}
		r.Metadata.CalculationMethod = "WITH_SLEEP"
		dp.DailyRestingHeartRate = r
	case "sleep":
		dp.Sleep = renderSleep(p.log, loc)
	default:
		s.renderMorePoint(&dp, u, gt, p)
	}
	return dp
}

func renderSleep(lg *SleepLog, loc *time.Location) *gSleep {
	sl := &gSleep{Interval: toGInterval(lg.Start, lg.End, loc), Type: strings.ToUpper(lg.Type)}
	for _, st := range lg.Stages {
		end := st.Start.Add(time.Duration(st.Seconds) * time.Second)
		g := gStage{googleStageTypes[st.Level], gTime(st.Start), gDuration(offsetAt(st.Start, loc)), gTime(end), gDuration(offsetAt(end, loc))}
		if st.Short {
			sl.ShortAwakenings = append(sl.ShortAwakenings, g)
		} else {
			sl.Stages = append(sl.Stages, g)
		}
	}
	m := &sl.Metadata
	m.MainSleep, m.Nap, m.Processed = lg.IsMainSleep, !lg.IsMainSleep, true
	switch {
	case lg.Type == "stages":
		m.StagesStatus = "SUCCEEDED"
	case !lg.IsMainSleep:
		m.StagesStatus = "REJECTED_NAP"
	default:
		m.StagesStatus = "REJECTED_COVERAGE"
	}
	sm := &sl.Summary
	sm.MinutesInSleepPeriod, sm.MinutesAsleep, sm.MinutesAwake = int64(lg.TimeInBed), int64(lg.MinutesAsleep), int64(lg.MinutesAwake)
	sm.MinutesToFallAsleep, sm.MinutesAfterWakeUp = int64(lg.MinutesToFallAsleep), int64(lg.MinutesAfterWakeup)
	levels := []string{"awake", "restless", "asleep"}
	if lg.Type == "stages" {
		levels = []string{"wake", "light", "deep", "rem"}
	}
	for _, l := range levels {
		ls := lg.Levels[l]
		sm.StagesSummary = append(sm.StagesSummary, gStageSummary{googleStageTypes[l], int64(ls.Minutes), int64(ls.Count)})
	}
	return sl
}

// Rollups.

// gSums are the rollup values of one window.
type gSums struct {
	served                    int // served minutes
	steps, mm, floors, gainMM int64
	totalKcal, activeKcal     float64
	hrN, hrSum, hrMin, hrMax  int
	azm                       AZMDay // active-zone-minutes (google_more.go)
}

// add folds the minutes of sp whose start lies in [a, b) and the heart
// samples in [a, b).
func (g *gSums) add(sp *span, a, b time.Time) {
	bmrCal := round(sp.bmrMin, 4)
	lo := sort.Search(len(sp.mins), func(i int) bool { return !sp.mins[i].t.Before(a) })
	for _, m := range sp.mins[lo:] {
		if !m.t.Before(b) {
			break
		}
		if !m.served {
			continue
		}
		g.served++
		g.steps += int64(m.steps)
		dmm, _ := minuteValue("distance", m.minute, bmrCal)
		g.mm += dmm
		g.floors += int64(m.floors)
		g.gainMM += int64(m.floors) * 3048
		g.totalKcal += m.cal
		_, ak := minuteValue("active-energy-burned", m.minute, bmrCal)
		g.activeKcal += ak
	}
	hlo := sort.Search(len(sp.heart), func(i int) bool { return !sp.heart[i].Time.Before(a) })
	for _, h := range sp.heart[hlo:] {
		if !h.Time.Before(b) {
			break
		}
		if g.hrN == 0 || h.BPM < g.hrMin {
			g.hrMin = h.BPM
		}
		if h.BPM > g.hrMax {
			g.hrMax = h.BPM
		}
		g.hrN++
		g.hrSum += h.BPM
	}
}

// present says whether a window has a value for gt: a served minute
// (activity types) or a heart sample (heart-rate).
func (g *gSums) present(gt *gType) bool {
	if gt.kebab == "heart-rate" {
		return g.hrN > 0
	}
	return g.served > 0
}

type gCountSum struct {
	CountSum int64 `json:"countSum,string,omitempty"`
}

type gMMSum struct {
	MillimetersSum int64 `json:"millimetersSum,string,omitempty"`
}

type gGainSum struct {
	GainMillimetersSum int64 `json:"gainMillimetersSum,string,omitempty"`
}

type gKcalSum struct {
	KcalSum float64 `json:"kcalSum,omitempty"`
}

type gHeartRollup struct {
	BeatsPerMinuteAvg float64 `json:"beatsPerMinuteAvg,omitempty"`
	BeatsPerMinuteMax float64 `json:"beatsPerMinuteMax,omitempty"`
	BeatsPerMinuteMin float64 `json:"beatsPerMinuteMin,omitempty"`
}

// gRollupPoint is a RollupDataPoint (startTime/endTime) or a
// DailyRollupDataPoint (civilStartTime/civilEndTime).
type gRollupPoint struct {
	StartTime          string        `json:"startTime,omitempty"`
	EndTime            string        `json:"endTime,omitempty"`
	CivilStartTime     *gCivil       `json:"civilStartTime,omitempty"`
	CivilEndTime       *gCivil       `json:"civilEndTime,omitempty"`
	Steps              *gCountSum    `json:"steps,omitempty"`
	Distance           *gMMSum       `json:"distance,omitempty"`
	Floors             *gCountSum    `json:"floors,omitempty"`
	Altitude           *gGainSum     `json:"altitude,omitempty"`
	ActiveEnergyBurned *gKcalSum     `json:"activeEnergyBurned,omitempty"`
	TotalCalories      *gKcalSum     `json:"totalCalories,omitempty"`
	HeartRate          *gHeartRollup `json:"heartRate,omitempty"`
	gMoreRollup
}

func (g *gSums) fill(gt *gType, rp *gRollupPoint) {
	switch gt.kebab {
	case "steps":
		rp.Steps = &gCountSum{g.steps}
	case "distance":
		rp.Distance = &gMMSum{g.mm}
	case "floors":
		rp.Floors = &gCountSum{g.floors}
	case "altitude":
		rp.Altitude = &gGainSum{g.gainMM}
	case "active-energy-burned":
		rp.ActiveEnergyBurned = &gKcalSum{round(g.activeKcal, 4)}
	case "total-calories":
		rp.TotalCalories = &gKcalSum{round(g.totalKcal, 4)}
	case "heart-rate":
		rp.HeartRate = &gHeartRollup{round(float64(g.hrSum)/float64(g.hrN), 2), float64(g.hrMax), float64(g.hrMin)}
	default:
		g.fillMore(gt, rp)
	}
}

// decodeBody decodes a JSON request body strictly (unknown fields are
// rejected, as Google does).
func decodeBody(r *http.Request, v any) *gErr {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		e := gInvalid("", "Invalid JSON payload received. %v", err)
		return &e
	}
	return nil
}

func rollupUnsupported(gt *gType) *gErr {
	if gt.rollup {
		return nil
	}
	e := gInvalid("UNSUPPORTED_DATA_TYPE_OPERATION", "Data type %s does not support rollups.", gt.kebab)
	return &e
}

func durationErr(gt *gType, days float64) *gErr {
	e := gInvalid("INVALID_ROLLUP_QUERY_DURATION", "The requested range of %.4g days exceeds the maximum of %d days for %s.", days, gt.maxDays, gt.kebab)
	return &e
}

type rollUpBody struct {
	Range struct {
		StartTime string `json:"startTime"`
		EndTime   string `json:"endTime"`
	} `json:"range"`
	WindowSize       string `json:"windowSize"`
	PageSize         int    `json:"pageSize"`
	PageToken        string `json:"pageToken"`
	DataSourceFamily string `json:"dataSourceFamily"`
}

// googleRollUp serves dataPoints:rollUp (physical windows, oldest first).
func (s *Server) googleRollUp(q *gReq, gt *gType) (int, []byte) {
	if e := rollupUnsupported(gt); e != nil {
		return e.code, e.json()
	}
	var b rollUpBody
	if e := decodeBody(q.r, &b); e != nil {
		return e.code, e.json()
	}
	start, err1 := time.Parse(time.RFC3339Nano, b.Range.StartTime)
	end, err2 := time.Parse(time.RFC3339Nano, b.Range.EndTime)
	if err1 != nil || err2 != nil {
		e := gInvalid("", "range.startTime and range.endTime must be RFC 3339 timestamps.")
		return e.code, e.json()
	}
	if !start.Before(end) {
		e := gInvalid("", "range.startTime must be before range.endTime.")
		return e.code, e.json()
	}
	if span := end.Sub(start); span > time.Duration(gt.maxDays)*24*time.Hour {
		e := durationErr(gt, span.Hours()/24)
		return e.code, e.json()
	}
	secs, err := strconv.ParseInt(strings.TrimSuffix(b.WindowSize, "s"), 10, 64)
	if !strings.HasSuffix(b.WindowSize, "s") || err != nil || secs < 1 {
		e := gInvalid("", "windowSize must be a whole number of seconds, at least 1 (e.g. \"60s\"), got %q.", b.WindowSize)
		return e.code, e.json()
	}
	size, perr := pageSizeParam(strconv.Itoa(b.PageSize), 1440, 10000)
	if perr != nil {
		return perr.code, perr.json()
	}
	win := time.Duration(secs) * time.Second
	h := hash64("rollUp", gt.kebab, b.Range.StartTime, b.Range.EndTime, b.WindowSize, b.DataSourceFamily)
	var idx int64
	if b.PageToken != "" {
		var terr *gErr
		if idx, terr = parsePageToken(b.PageToken, h); terr != nil {
			return terr.code, terr.json()
		}
	}
	nWin := int64((end.Sub(start) + win - 1) / win)
	limit := end
	if q.cut.Before(limit) {
		limit = q.cut
	}
	// one span per chunk of about a day of windows
	per := max(int64(1), int64(24*time.Hour/win))
	var out []gRollupPoint
	for idx < nWin && len(out) < size {
		cs := start.Add(time.Duration(idx) * win)
		if !cs.Before(limit) {
			break
		}
		last := min(idx+per, nWin)
		ce := start.Add(time.Duration(last) * win)
		if ce.After(end) {
			ce = end
		}
		sp := s.span(q.u, cs, ce, q.cut)
		for ; idx < last && len(out) < size; idx++ {
			ws := start.Add(time.Duration(idx) * win)
			we := ws.Add(win)
			if we.After(end) {
				we = end
			}
			var g gSums
			g.add(sp, ws, we)
			s.moreSums(&g, q.u, gt, ws, we, q.cut)
			if g.present(gt) {
				rp := gRollupPoint{StartTime: gTime(ws), EndTime: gTime(we)}
				g.fill(gt, &rp)
				out = append(out, rp)
			}
		}
	}
	next := ""
	if len(out) == size && idx < nWin && start.Add(time.Duration(idx)*win).Before(limit) {
		next = pageToken(idx, h)
	}
	return http.StatusOK, rollupJSON(out, next)
}

func rollupJSON(out []gRollupPoint, next string) []byte {
	type resp struct {
		RollupDataPoints []gRollupPoint `json:"rollupDataPoints,omitempty"`
		NextPageToken    string         `json:"nextPageToken,omitempty"`
	}
	return mustJSON(resp{out, next})
}

type civilBody struct {
	Date *struct {
		Year  int `json:"year"`
		Month int `json:"month"`
		Day   int `json:"day"`
	} `json:"date"`
	Time *struct {
		Hours   int `json:"hours"`
		Minutes int `json:"minutes"`
		Seconds int `json:"seconds"`
		Nanos   int `json:"nanos"`
	} `json:"time"`
}

func (c civilBody) date() (dates.Date, bool) {
	if c.Date == nil {
		return dates.Date{}, false
	}
	d := dates.Date{Year: c.Date.Year, Month: time.Month(c.Date.Month), Day: c.Date.Day}
	if t := d.UTC(); t.Year() != d.Year || t.Month() != d.Month || t.Day() != d.Day || d.Year < 1 {
		return dates.Date{}, false
	}
	return d, true
}

func (c civilBody) midnight() bool {
	return c.Time == nil || (c.Time.Hours == 0 && c.Time.Minutes == 0 && c.Time.Seconds == 0 && c.Time.Nanos == 0)
}

type dailyRollUpBody struct {
	Range struct {
		Start civilBody `json:"start"`
		End   civilBody `json:"end"`
	} `json:"range"`
	WindowSizeDays   int    `json:"windowSizeDays"`
	PageSize         int    `json:"pageSize"`
	PageToken        string `json:"pageToken"`
	DataSourceFamily string `json:"dataSourceFamily"`
}

// googleDailyRollUp serves dataPoints:dailyRollUp (civil-day windows,
// oldest first).
func (s *Server) googleDailyRollUp(q *gReq, gt *gType) (int, []byte) {
	if e := rollupUnsupported(gt); e != nil {
		return e.code, e.json()
	}
	var b dailyRollUpBody
	if e := decodeBody(q.r, &b); e != nil {
		return e.code, e.json()
	}
	from, ok1 := b.Range.Start.date()
	to, ok2 := b.Range.End.date()
	if !ok1 || !ok2 {
		e := gInvalid("", "range.start.date and range.end.date must be valid dates {year, month, day}.")
		return e.code, e.json()
	}
	if !b.Range.Start.midnight() {
		e := gInvalid("", "range.start must be aligned with the aggregation window (midnight).")
		return e.code, e.json()
	}
	if !b.Range.End.midnight() {
		to = to.AddDays(1) // a partial last day counts as a day
	}
	if !from.Before(to) {
		e := gInvalid("", "range.start must be before range.end.")
		return e.code, e.json()
	}
	if n := from.DaysUntil(to); n > gt.maxDays {
		e := durationErr(gt, float64(n))
		return e.code, e.json()
	}
	k := b.WindowSizeDays
	if k == 0 {
		k = 1
	}
	if k < 0 {
		e := gInvalid("", "windowSizeDays must be positive.")
		return e.code, e.json()
	}
	maxPage := 90
	if gt.maxDays == 14 {
		maxPage = 14
	}
	size, perr := pageSizeParam(strconv.Itoa(b.PageSize), maxPage, maxPage)
	if perr != nil {
		return perr.code, perr.json()
	}
	rb, _ := json.Marshal(b.Range)
	h := hash64("dailyRollUp", gt.kebab, string(rb), strconv.Itoa(k), b.DataSourceFamily)
	var idx int64
	if b.PageToken != "" {
		var terr *gErr
		if idx, terr = parsePageToken(b.PageToken, h); terr != nil {
			return terr.code, terr.json()
		}
	}
	nDays := from.DaysUntil(to)
	nWin := int64((nDays + k - 1) / k)
	loc := q.u.loc
	var out []gRollupPoint
	for ; idx < nWin && len(out) < size; idx++ {
		ws := from.AddDays(int(idx) * k)
		we := ws.AddDays(k)
		if we.After(to) {
			we = to
		}
		g := s.googleSums(q.u, ws.Time(loc), we.Time(loc), q.cut)
		s.moreSums(&g, q.u, gt, ws.Time(loc), we.Time(loc), q.cut)
		if !g.present(gt) {
			continue
		}
		cs, ce := gCivil{Date: toGDate(ws)}, gCivil{Date: toGDate(we)}
		rp := gRollupPoint{CivilStartTime: &cs, CivilEndTime: &ce}
		g.fill(gt, &rp)
		out = append(out, rp)
	}
	next := ""
	if len(out) == size && idx < nWin && from.AddDays(int(idx)*k).Time(loc).Before(q.cut) {
		next = pageToken(idx, h)
	}
	return http.StatusOK, rollupJSON(out, next)
}

// googleSums sums the served facts in [a, b).
func (s *Server) googleSums(u *userState, a, b, cut time.Time) gSums {
	var g gSums
	g.add(s.span(u, a, b, cut), a, b)
	return g
}
