package sim

import (
	"math"
	"strconv"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// The Google face of the nightly metrics, Active Zone Minutes, body logs
// and exercises: the same facts the Fitbit face serves (nightly.go, azm.go,
// body.go, exercise.go), rendered as Google Health data types.
//
//   - daily-oxygen-saturation (metrics, daily): averagePercentage = the
//     night's SpO2 avg; lowerBoundPercentage / upperBoundPercentage = avg ∓
//     the standard deviation of the night's readings (1 decimal; Google's
//     confidence interval, not the min/max Fitbit serves);
//     standardDeviationPercentage that standard deviation.
//   - oxygen-saturation (metrics, sample): every intraday SpO2 reading, on
//     the local day of its instant (the readings before midnight belong to
//     the evening's day, not to the night's date).
//   - daily-heart-rate-variability (metrics, daily): averageHeartRateVariabilityMilliseconds
//     = dailyRmssd, deepSleepRootMeanSquareOfSuccessiveDifferencesMilliseconds
//     = deepRmssd (absent for classic sleep).
//   - heart-rate-variability (metrics, sample): every 5-minute HRV window at
//     its start, rootMeanSquareOfSuccessiveDifferencesMilliseconds = rmssd,
//     metadata.highFrequencyPower / lowFrequencyPower = hf / lf (Google has
//     no coverage).
//   - daily-respiratory-rate (metrics, daily): breathsPerMinute = the full
//     sleep's breathing rate.
//   - daily-sleep-temperature-derivations (metrics, daily): baselineTemperatureCelsius
//     = a per-user constant (Truth.SkinTempBaseline), nightlyTemperatureCelsius
//     = baseline + the Fitbit face's nightlyRelative (2 decimals).
//   - daily-vo2-max (activity, daily): vo2Max = the cardio score's number or
//     range midpoint; estimated = true when the Fitbit face serves a range.
//   - active-zone-minutes (activity, interval): one point per minute that
//     earned AZM (the Fitbit face's 1min intraday), heartRateZone FAT_BURN,
//     CARDIO or PEAK, activeZoneMinutes "1" or "2"; rollups (90 days)
//     sumInFatBurnHeartZone, sumInCardioHeartZone, sumInPeakHeartZone.
//   - weight, body-fat (metrics, sample): the weight logs (weightGrams = kg
//     × 1000) and the logs with fat (percentage); the id of the name is the
//     logId; list points of Aria logs come from an "Aria Air" SCALE, of Web
//     logs from a MANUAL source without device.
//   - exercise (activity, session filtered like an interval type on
//     exercise.interval.civil_start_time; page size default and max 25):
//     the activity logs, exerciseType WALKING or RUNNING, displayName Walk
//     or Run, activeDuration the duration, metricsSummary {caloriesKcal,
//     distanceMillimeters, steps, averageHeartRateBeatsPerMinute,
//     activeZoneMinutes}; the id of the name is the logId. The per-zone
//     minutes are not served (Google's heartRateZoneDurations uses other
//     zones).
//
// Daily types sit on the night's date; samples and intervals on the local
// day of their instant.

// moreScopes are the scopes of the types of this file.
var googleMoreTypes = map[string]*gType{
	"daily-oxygen-saturation":             {kebab: "daily-oxygen-saturation", snake: "daily_oxygen_saturation", kind: gkDaily, scope: GoogleScopeMetrics, list: true, maxPage: 10000},
	"oxygen-saturation":                   {kebab: "oxygen-saturation", snake: "oxygen_saturation", kind: gkSample, scope: GoogleScopeMetrics, list: true, maxPage: 10000},
	"daily-heart-rate-variability":        {kebab: "daily-heart-rate-variability", snake: "daily_heart_rate_variability", kind: gkDaily, scope: GoogleScopeMetrics, list: true, maxPage: 10000},
	"heart-rate-variability":              {kebab: "heart-rate-variability", snake: "heart_rate_variability", kind: gkSample, scope: GoogleScopeMetrics, list: true, maxPage: 10000},
	"daily-respiratory-rate":              {kebab: "daily-respiratory-rate", snake: "daily_respiratory_rate", kind: gkDaily, scope: GoogleScopeMetrics, list: true, maxPage: 10000},
	"daily-sleep-temperature-derivations": {kebab: "daily-sleep-temperature-derivations", snake: "daily_sleep_temperature_derivations", kind: gkDaily, scope: GoogleScopeMetrics, list: true, maxPage: 10000},
	"daily-vo2-max":                       {kebab: "daily-vo2-max", snake: "daily_vo2_max", kind: gkDaily, scope: GoogleScopeActivity, list: true, maxPage: 10000},
	"active-zone-minutes":                 {kebab: "active-zone-minutes", snake: "active_zone_minutes", kind: gkInterval, scope: GoogleScopeActivity, list: true, rollup: true, maxDays: 90, maxPage: 10000},
	"weight":                              {kebab: "weight", snake: "weight", kind: gkSample, scope: GoogleScopeMetrics, list: true, maxPage: 10000},
	"body-fat":                            {kebab: "body-fat", snake: "body_fat", kind: gkSample, scope: GoogleScopeMetrics, list: true, maxPage: 10000},
	"exercise":                            {kebab: "exercise", snake: "exercise", kind: gkInterval, scope: GoogleScopeActivity, list: true, maxPage: 25},
}

// withGoogleMoreTypes returns base plus the types of this file.
func withGoogleMoreTypes(base map[string]*gType) map[string]*gType {
	for k, v := range googleMoreTypes {
		base[k] = v
	}
	return base
}

// SkinTempBaseline returns the user's baseline skin temperature (°C), the
// Google face's baselineTemperatureCelsius; nightlyTemperatureCelsius is
// round(baseline + Nightly.SkinTempRelative, 2).
func (t *Truth) SkinTempBaseline() float64 { return skinBaseline(t.u) }

func skinBaseline(u *userState) float64 {
	return 33 + float64(u.userConst("skin-baseline").intn(20))/10
}

// SpO2Bounds returns the Google face's lowerBoundPercentage,
// upperBoundPercentage and standardDeviationPercentage of a night: avg ∓ the
// standard deviation of its readings, 1 decimal.
func SpO2Bounds(n *Nightly) (lo, hi, sd float64) {
	var ss float64
	for _, s := range n.SpO2 {
		ss += (s.Percent - n.SpO2Avg) * (s.Percent - n.SpO2Avg)
	}
	if len(n.SpO2) > 0 {
		sd = round(math.Sqrt(ss/float64(len(n.SpO2))), 2)
	}
	return round(n.SpO2Avg-sd, 1), round(math.Min(100, n.SpO2Avg+sd), 1), sd
}

// GoogleExerciseType maps an activity log's name to the exerciseType
// served.
func GoogleExerciseType(name string) string {
	if name == "Run" {
		return "RUNNING"
	}
	return "WALKING"
}

// googleMorePoints returns the points of the types of this file on local
// day d (ok false for other types).
func (s *Server) googleMorePoints(u *userState, gt *gType, d dates.Date, cut time.Time) ([]gPoint, bool) {
	if googleMoreTypes[gt.kebab] == nil {
		return nil, false
	}
	loc := u.loc
	var out []gPoint
	sample := func(t time.Time, v float64, fact any) {
		out = append(out, gPoint{key: t.UnixNano(), fk: gFilterKey{phys: t, civil: civilSeconds(t, loc)}, start: t, end: t, fval: v, more: fact})
	}
	switch gt.kind {
	case gkDaily:
		n := s.nightlyServed(u, d, cut)
		if n == nil {
			return nil, true
		}
		mid := d.Time(loc)
		return []gPoint{{key: d.UTC().UnixNano(), fk: gFilterKey{date: d}, start: mid, end: mid, date: d, more: n}}, true
	}
	switch gt.kebab {
	case "oxygen-saturation", "heart-rate-variability":
		// the readings of day d belong to the night filed under d (after
		// midnight) or d+1 (before it)
		for _, nd := range []dates.Date{d, d.AddDays(1)} {
			n := s.nightlyServed(u, nd, cut)
			if n == nil {
				continue
			}
			if gt.kebab == "oxygen-saturation" {
				for _, sm := range n.SpO2 {
					if dates.In(sm.Time, loc) == d {
						sample(sm.Time, sm.Percent, nil)
					}
				}
				continue
			}
			for i := range n.HRV {
				h := &n.HRV[i]
				if dates.In(h.Time, loc) == d {
					sample(h.Time, h.RMSSD, h)
				}
			}
		}
	case "weight", "body-fat":
		for _, w := range s.weightsServed(u, dates.Range{From: d, To: d}, cut) {
			if gt.kebab == "weight" {
				sample(w.Time, w.WeightKg*1000, w)
			} else if w.Fat != nil {
				sample(w.Time, *w.Fat, w)
			}
		}
	case "active-zone-minutes":
		from, to := s.dayBounds(u, d, false)
		if u.preMember(d) || !from.Before(cut) {
			return nil, true
		}
		for _, m := range u.azmPoints(s.span(u, from, to, cut), 1) {
			out = append(out, gPoint{key: m.Time.UnixNano(), fk: gFilterKey{phys: m.Time, civil: civilSeconds(m.Time, loc)},
				start: m.Time, end: m.Time.Add(time.Minute), ival: int64(m.Total()), more: m})
		}
	case "exercise":
		for _, e := range s.exercisesServed(u, d, cut) {
			out = append(out, gPoint{key: e.Start.UnixNano(), fk: gFilterKey{phys: e.Start, civil: civilSeconds(e.Start, loc)},
				start: e.Start, end: e.End, more: e})
		}
	}
	return out, true
}

// Payloads.

type gDailySpO2 struct {
	Date                        gDate   `json:"date"`
	AveragePercentage           float64 `json:"averagePercentage,omitempty"`
	LowerBoundPercentage        float64 `json:"lowerBoundPercentage,omitempty"`
	UpperBoundPercentage        float64 `json:"upperBoundPercentage,omitempty"`
	StandardDeviationPercentage float64 `json:"standardDeviationPercentage,omitempty"`
}

type gSpO2 struct {
	SampleTime gSampleTime `json:"sampleTime"`
	Percentage float64     `json:"percentage,omitempty"`
}

type gDailyHRV struct {
	Date                                                       gDate    `json:"date"`
	AverageHeartRateVariabilityMilliseconds                    float64  `json:"averageHeartRateVariabilityMilliseconds,omitempty"`
	DeepSleepRootMeanSquareOfSuccessiveDifferencesMilliseconds *float64 `json:"deepSleepRootMeanSquareOfSuccessiveDifferencesMilliseconds,omitempty"`
}

type gHRVMetadata struct {
	HighFrequencyPower float64 `json:"highFrequencyPower,omitempty"`
	LowFrequencyPower  float64 `json:"lowFrequencyPower,omitempty"`
}

type gHRV struct {
	SampleTime                                        gSampleTime   `json:"sampleTime"`
	RootMeanSquareOfSuccessiveDifferencesMilliseconds float64       `json:"rootMeanSquareOfSuccessiveDifferencesMilliseconds,omitempty"`
	Metadata                                          *gHRVMetadata `json:"metadata,omitempty"`
}

type gDailyRespiratoryRate struct {
	Date             gDate   `json:"date"`
	BreathsPerMinute float64 `json:"breathsPerMinute,omitempty"`
}

type gDailySleepTemp struct {
	Date                       gDate   `json:"date"`
	NightlyTemperatureCelsius  float64 `json:"nightlyTemperatureCelsius,omitempty"`
	BaselineTemperatureCelsius float64 `json:"baselineTemperatureCelsius,omitempty"`
}

type gDailyVO2Max struct {
	Date      gDate   `json:"date"`
	Vo2Max    float64 `json:"vo2Max,omitempty"`
	Estimated bool    `json:"estimated,omitempty"`
}

type gAZM struct {
	Interval          gInterval `json:"interval"`
	HeartRateZone     string    `json:"heartRateZone"`
	ActiveZoneMinutes int64     `json:"activeZoneMinutes,string,omitempty"`
}

type gWeight struct {
	SampleTime  gSampleTime `json:"sampleTime"`
	WeightGrams float64     `json:"weightGrams,omitempty"`
}

type gBodyFat struct {
	SampleTime gSampleTime `json:"sampleTime"`
	Percentage float64     `json:"percentage,omitempty"`
}

type gMetricsSummary struct {
	CaloriesKcal                   float64 `json:"caloriesKcal,omitempty"`
	DistanceMillimeters            float64 `json:"distanceMillimeters,omitempty"`
	Steps                          int64   `json:"steps,string,omitempty"`
	AverageHeartRateBeatsPerMinute int64   `json:"averageHeartRateBeatsPerMinute,string,omitempty"`
	ActiveZoneMinutes              int64   `json:"activeZoneMinutes,string,omitempty"`
}

type gExercise struct {
	Interval       gInterval       `json:"interval"`
	ExerciseType   string          `json:"exerciseType"`
	DisplayName    string          `json:"displayName"`
	ActiveDuration string          `json:"activeDuration"`
	MetricsSummary gMetricsSummary `json:"metricsSummary"`
	CreateTime     string          `json:"createTime"`
	UpdateTime     string          `json:"updateTime"`
}

// gMorePayload holds the payloads of this file's types; it is embedded in
// gDataPoint, so its fields render beside the others.
type gMorePayload struct {
	DailyOxygenSaturation            *gDailySpO2            `json:"dailyOxygenSaturation,omitempty"`
	OxygenSaturation                 *gSpO2                 `json:"oxygenSaturation,omitempty"`
	DailyHeartRateVariability        *gDailyHRV             `json:"dailyHeartRateVariability,omitempty"`
	HeartRateVariability             *gHRV                  `json:"heartRateVariability,omitempty"`
	DailyRespiratoryRate             *gDailyRespiratoryRate `json:"dailyRespiratoryRate,omitempty"`
	DailySleepTemperatureDerivations *gDailySleepTemp       `json:"dailySleepTemperatureDerivations,omitempty"`
	DailyVo2Max                      *gDailyVO2Max          `json:"dailyVo2Max,omitempty"`
	ActiveZoneMinutes                *gAZM                  `json:"activeZoneMinutes,omitempty"`
	Weight                           *gWeight               `json:"weight,omitempty"`
	BodyFat                          *gBodyFat              `json:"bodyFat,omitempty"`
	Exercise                         *gExercise             `json:"exercise,omitempty"`
}

var (
	ariaScale    = &gDataSource{RecordingMethod: "PASSIVELY_MEASURED", Device: gDevice{"Aria Air", "SCALE", "Google"}, Platform: "FITBIT"}
	manualSource = &gDataSource{RecordingMethod: "MANUAL", Platform: "FITBIT"}
)

// renderMorePoint fills the payload of a point of this file's types.
func (s *Server) renderMorePoint(dp *gDataPoint, u *userState, gt *gType, p *gPoint) {
	loc := u.loc
	st := func() gSampleTime {
		return gSampleTime{gTime(p.start), gDuration(offsetAt(p.start, loc)), toGCivil(p.start, loc)}
	}
	m := &dp.gMorePayload
	switch gt.kebab {
	case "daily-oxygen-saturation":
		n := p.more.(*Nightly)
		lo, hi, sd := SpO2Bounds(n)
		m.DailyOxygenSaturation = &gDailySpO2{toGDate(p.date), n.SpO2Avg, lo, hi, sd}
	case "daily-heart-rate-variability":
		n := p.more.(*Nightly)
		m.DailyHeartRateVariability = &gDailyHRV{toGDate(p.date), n.DailyRMSSD, n.DeepRMSSD}
	case "daily-respiratory-rate":
		m.DailyRespiratoryRate = &gDailyRespiratoryRate{toGDate(p.date), p.more.(*Nightly).BreathingRate}
	case "daily-sleep-temperature-derivations":
		b := skinBaseline(u)
		m.DailySleepTemperatureDerivations = &gDailySleepTemp{toGDate(p.date), round(b+p.more.(*Nightly).SkinTempRelative, 2), b}
	case "daily-vo2-max":
		v := p.more.(*Nightly).VO2Max
		m.DailyVo2Max = &gDailyVO2Max{toGDate(p.date), v.Value, v.Low != nil}
	case "oxygen-saturation":
		m.OxygenSaturation = &gSpO2{st(), p.fval}
	case "heart-rate-variability":
		h := p.more.(*HRVSample)
		m.HeartRateVariability = &gHRV{st(), h.RMSSD, &gHRVMetadata{h.HF, h.LF}}
	case "weight", "body-fat":
		w := p.more.(*WeightLog)
		if gt.kebab == "weight" {
			m.Weight = &gWeight{st(), p.fval}
		} else {
			m.BodyFat = &gBodyFat{st(), p.fval}
		}
		dp.Name = "users/me/dataTypes/" + gt.kebab + "/dataPoints/" + strconv.FormatInt(w.LogID, 10)
		if dp.DataPointName != "" {
			dp.DataPointName, dp.Name = dp.Name, ""
		} else if w.Source == "Aria" {
			dp.DataSource = ariaScale
		} else {
			dp.DataSource = manualSource
		}
	case "active-zone-minutes":
		a := p.more.(AZMMinute)
		zone := "FAT_BURN"
		switch {
		case a.Peak > 0:
			zone = "PEAK"
		case a.Cardio > 0:
			zone = "CARDIO"
		}
		m.ActiveZoneMinutes = &gAZM{toGInterval(p.start, p.end, loc), zone, p.ival}
	case "exercise":
		e := p.more.(*Exercise)
		ms := gMetricsSummary{CaloriesKcal: float64(e.Calories), DistanceMillimeters: math.Round(e.DistanceKm * 1e6),
			Steps: int64(e.Steps), ActiveZoneMinutes: int64(e.AZM)}
		if e.AverageHR != nil {
			ms.AverageHeartRateBeatsPerMinute = int64(*e.AverageHR)
		}
		m.Exercise = &gExercise{toGInterval(e.Start, e.End, loc), GoogleExerciseType(e.Name), e.Name,
			gDuration(int(e.DurationMS / 1000)), ms, gTime(e.End.Add(10 * time.Minute)), gTime(e.End.Add(10 * time.Minute))}
		name := "users/me/dataTypes/exercise/dataPoints/" + strconv.FormatInt(e.LogID, 10)
		if dp.DataPointName != "" {
			dp.DataPointName = name
		} else {
			dp.Name = name
		}
	}
}

// Rollups.

// gAZMRollup is an ActiveZoneMinutesRollupValue.
type gAZMRollup struct {
	SumInCardioHeartZone  int64 `json:"sumInCardioHeartZone,string,omitempty"`
	SumInFatBurnHeartZone int64 `json:"sumInFatBurnHeartZone,string,omitempty"`
	SumInPeakHeartZone    int64 `json:"sumInPeakHeartZone,string,omitempty"`
}

// gMoreRollup holds the rollup values of this file's types; it is
// embedded in gRollupPoint.
type gMoreRollup struct {
	ActiveZoneMinutes *gAZMRollup `json:"activeZoneMinutes,omitempty"`
}

// moreSums adds to g the values of this file's types in [a, b): the AZM of
// the minutes starting in it (the Fitbit face's 1min intraday).
func (s *Server) moreSums(g *gSums, u *userState, gt *gType, a, b, cut time.Time) {
	if gt.kebab != "active-zone-minutes" {
		return
	}
	for d := dates.In(a, u.loc); d.Time(u.loc).Before(b); d = d.AddDays(1) {
		pts, _ := s.googleMorePoints(u, gt, d, cut)
		for _, p := range pts {
			if p.start.Before(a) || !p.start.Before(b) {
				continue
			}
			m := p.more.(AZMMinute)
			g.azm.FatBurn += m.FatBurn
			g.azm.Cardio += m.Cardio
			g.azm.Peak += m.Peak
		}
	}
}

// fillMore sets the rollup value of this file's types.
func (g *gSums) fillMore(gt *gType, rp *gRollupPoint) {
	if gt.kebab == "active-zone-minutes" {
		rp.ActiveZoneMinutes = &gAZMRollup{int64(g.azm.Cardio), int64(g.azm.FatBurn), int64(g.azm.Peak)}
	}
}
