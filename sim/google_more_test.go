package sim_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/sim"
)

// TestGoogleMoreGolden pins the wire format of the nightly, AZM, body and
// exercise data types.
func TestGoogleMoreGolden(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 7})
	daily := func(snake string) url.Values {
		return url.Values{"filter": {snake + `.date >= "2026-11-19" AND ` + snake + `.date < "2026-11-21"`}}
	}
	small := func(v url.Values) url.Values { v.Set("pageSize", "3"); return v }
	cases := []struct {
		name, typ, method string
		query             url.Values
	}{
		{"google_more_daily_oxygen_saturation", "daily-oxygen-saturation", "", daily("daily_oxygen_saturation")},
		{"google_more_daily_heart_rate_variability", "daily-heart-rate-variability", ":reconcile", daily("daily_heart_rate_variability")},
		{"google_more_daily_respiratory_rate", "daily-respiratory-rate", "", daily("daily_respiratory_rate")},
		{"google_more_daily_sleep_temperature_derivations", "daily-sleep-temperature-derivations", "", daily("daily_sleep_temperature_derivations")},
		{"google_more_daily_vo2_max", "daily-vo2-max", ":reconcile", daily("daily_vo2_max")},
		{"google_more_oxygen_saturation", "oxygen-saturation", "", small(dayFilter("oxygen_saturation.sample_time.civil_time", "2026-11-20", "2026-11-21"))},
		{"google_more_heart_rate_variability", "heart-rate-variability", ":reconcile", small(dayFilter("heart_rate_variability.sample_time.civil_time", "2026-11-20", "2026-11-21"))},
		{"google_more_active_zone_minutes", "active-zone-minutes", "", small(dayFilter("active_zone_minutes.interval.civil_start_time", "2026-11-20", "2026-11-21"))},
		{"google_more_weight", "weight", "", dayFilter("weight.sample_time.civil_time", "2026-11-10", "2026-11-21")},
		{"google_more_body_fat", "body-fat", ":reconcile", dayFilter("body_fat.sample_time.civil_time", "2026-11-10", "2026-11-21")},
		{"google_more_exercise", "exercise", "", dayFilter("exercise.interval.civil_start_time", "2026-11-20", "2026-11-21")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := g.gget(t, g.gAccess, v4+"dataTypes/"+c.typ+"/dataPoints"+c.method, c.query)
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, trunc(r.body))
			}
			if !strings.Contains(string(r.body), `"dataPoints"`) {
				t.Fatalf("no data points: %s", trunc(r.body))
			}
			checkGolden(t, c.name, r.body, nil)
		})
	}
	t.Run("google_more_daily_rollup_active_zone_minutes", func(t *testing.T) {
		r := g.gpost(t, g.gAccess, v4+"dataTypes/active-zone-minutes/dataPoints:dailyRollUp",
			`{"range":{"start":{"date":{"year":2026,"month":11,"day":18}},"end":{"date":{"year":2026,"month":11,"day":21}}},"windowSizeDays":1}`)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, trunc(r.body))
		}
		checkGolden(t, "google_more_daily_rollup_active_zone_minutes", r.body, nil)
	})
}

// TestGoogleMoreMatchesTruth decodes the new data types with the official
// client and compares them with the facts the Fitbit face serves.
func TestGoogleMoreMatchesTruth(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 7})
	tr := g.s.Truth("SIM001")
	loc := tr.Zone()
	list := func(typ string, q url.Values) []*health.DataPoint {
		t.Helper()
		var out []*health.DataPoint
		for range 50 {
			r := g.gget(t, g.gAccess, v4+"dataTypes/"+typ+"/dataPoints", q)
			if r.status != 200 {
				t.Fatalf("%s: %d %s", typ, r.status, trunc(r.body))
			}
			var v health.ListDataPointsResponse
			if err := json.Unmarshal(r.body, &v); err != nil {
				t.Fatalf("%s: the client cannot decode the answer: %v", typ, err)
			}
			out = append(out, v.DataPoints...)
			if v.NextPageToken == "" {
				return out
			}
			q.Set("pageToken", v.NextPageToken)
		}
		t.Fatalf("%s: pages do not end", typ)
		return nil
	}
	for _, day := range []string{"2026-10-24", "2026-10-25", "2026-11-20"} {
		d := dates.MustParse(day)
		next := d.AddDays(1).String()
		n := tr.Nightly(d)
		dq := func(snake string) url.Values {
			return url.Values{"filter": {snake + `.date >= "` + day + `" AND ` + snake + `.date < "` + next + `"`}}
		}
		spo2 := list("daily-oxygen-saturation", dq("daily_oxygen_saturation"))
		hrv := list("daily-heart-rate-variability", dq("daily_heart_rate_variability"))
		br := list("daily-respiratory-rate", dq("daily_respiratory_rate"))
		temp := list("daily-sleep-temperature-derivations", dq("daily_sleep_temperature_derivations"))
		vo2 := list("daily-vo2-max", dq("daily_vo2_max"))
		if n == nil {
			if len(spo2)+len(hrv)+len(br)+len(temp)+len(vo2) != 0 {
				t.Errorf("%s: daily points without a night", day)
			}
		} else {
			lo, hi, _ := sim.SpO2Bounds(n)
			if len(spo2) != 1 || spo2[0].DailyOxygenSaturation.AveragePercentage != n.SpO2Avg ||
				spo2[0].DailyOxygenSaturation.LowerBoundPercentage != lo || spo2[0].DailyOxygenSaturation.UpperBoundPercentage != hi || lo > n.SpO2Avg || hi < n.SpO2Avg {
				t.Errorf("%s: daily-oxygen-saturation %+v, night %v", day, spo2, n.SpO2Avg)
			}
			if len(hrv) != 1 || hrv[0].DailyHeartRateVariability.AverageHeartRateVariabilityMilliseconds != n.DailyRMSSD {
				t.Errorf("%s: daily-heart-rate-variability %+v", day, hrv)
			}
			if len(br) != 1 || br[0].DailyRespiratoryRate.BreathsPerMinute != n.BreathingRate {
				t.Errorf("%s: daily-respiratory-rate %+v", day, br)
			}
			if len(temp) != 1 || math.Abs(temp[0].DailySleepTemperatureDerivations.NightlyTemperatureCelsius-
				temp[0].DailySleepTemperatureDerivations.BaselineTemperatureCelsius-n.SkinTempRelative) > 1e-9 ||
				temp[0].DailySleepTemperatureDerivations.BaselineTemperatureCelsius != tr.SkinTempBaseline() {
				t.Errorf("%s: daily-sleep-temperature-derivations %+v", day, temp)
			}
			if len(vo2) != 1 || vo2[0].DailyVo2Max.Vo2Max != n.VO2Max.Value || vo2[0].DailyVo2Max.Estimated != (n.VO2Max.Low != nil) {
				t.Errorf("%s: daily-vo2-max %+v", day, vo2)
			}
		}
		// Samples of the local day come from this night and the next.
		var wantSpO2 []sim.SpO2Sample
		for _, nd := range []dates.Date{d, d.AddDays(1)} {
			if n := tr.Nightly(nd); n != nil {
				for _, s := range n.SpO2 {
					if dates.In(s.Time, loc) == d {
						wantSpO2 = append(wantSpO2, s)
					}
				}
			}
		}
		got := list("oxygen-saturation", dayFilter("oxygen_saturation.sample_time.civil_time", day, next))
		if len(got) != len(wantSpO2) {
			t.Fatalf("%s: %d oxygen-saturation points, truth %d", day, len(got), len(wantSpO2))
		}
		for i, p := range got { // newest first
			w := wantSpO2[len(wantSpO2)-1-i]
			if p.OxygenSaturation.SampleTime.PhysicalTime != w.Time.UTC().Format(time.RFC3339Nano) || p.OxygenSaturation.Percentage != w.Percent {
				t.Fatalf("%s: point %d = %+v, truth %+v", day, i, p.OxygenSaturation, w)
			}
		}
		// AZM points and rollup.
		azm := list("active-zone-minutes", dayFilter("active_zone_minutes.interval.civil_start_time", day, next))
		want := tr.ActiveZoneMinutes(d, "1min")
		sum := 0
		for _, p := range azm {
			sum += int(p.ActiveZoneMinutes.ActiveZoneMinutes)
		}
		if tot := tr.ActiveZoneMinutesDay(d); len(azm) != len(want) || sum != tot.Total {
			t.Errorf("%s: %d AZM points summing to %d, truth %d minutes, %d", day, len(azm), sum, len(want), tot.Total)
		}
		r := g.gpost(t, g.gAccess, v4+"dataTypes/active-zone-minutes/dataPoints:dailyRollUp",
			`{"range":{"start":`+civilJSON(d)+`,"end":`+civilJSON(d.AddDays(1))+`}}`)
		var ru health.DailyRollUpDataPointsResponse
		if err := json.Unmarshal(r.body, &ru); err != nil || r.status != 200 || len(ru.RollupDataPoints) != 1 {
			t.Fatalf("%s: rollup %d %s (%v)", day, r.status, trunc(r.body), err)
		}
		a, tot := ru.RollupDataPoints[0].ActiveZoneMinutes, tr.ActiveZoneMinutesDay(d)
		if a == nil || int(a.SumInFatBurnHeartZone) != tot.FatBurn || int(a.SumInCardioHeartZone) != tot.Cardio || int(a.SumInPeakHeartZone) != tot.Peak {
			t.Errorf("%s: AZM rollup %+v, truth %+v", day, a, tot)
		}
		// Exercises.
		ex := list("exercise", dayFilter("exercise.interval.civil_start_time", day, next))
		wantEx := tr.Exercises(d)
		if len(ex) != len(wantEx) {
			t.Fatalf("%s: %d exercises, truth %d", day, len(ex), len(wantEx))
		}
		for i, p := range ex {
			w := wantEx[len(wantEx)-1-i]
			e := p.Exercise
			if !strings.HasSuffix(p.Name, "/"+strconv.FormatInt(w.LogID, 10)) || e.DisplayName != w.Name || e.ExerciseType != sim.GoogleExerciseType(w.Name) ||
				e.MetricsSummary.Steps != int64(w.Steps) || e.MetricsSummary.ActiveZoneMinutes != int64(w.AZM) ||
				e.Interval.StartTime != w.Start.Format(time.RFC3339Nano) || e.Interval.EndTime != w.End.Format(time.RFC3339Nano) {
				t.Errorf("%s: exercise %d = %s %+v, truth %+v", day, i, p.Name, e, w)
			}
		}
		// Weight.
		ws := list("weight", dayFilter("weight.sample_time.civil_time", day, next))
		if w := tr.Weight(d); (w == nil) != (len(ws) == 0) || w != nil && (len(ws) != 1 || ws[0].Weight.WeightGrams != w.WeightKg*1000) {
			t.Errorf("%s: weight %+v, truth %+v", day, ws, w)
		}
	}
}

// civilJSON is a CivilDateTime body of date d.
func civilJSON(d dates.Date) string {
	return fmt.Sprintf(`{"date":{"year":%d,"month":%d,"day":%d}}`, d.Year, int(d.Month), d.Day)
}

// TestGoogleMoreLimits checks the exercise page size (default and maximum
// 25) and the 90-day limit of the AZM rollup.
func TestGoogleMoreLimits(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 7})
	q := dayFilter("exercise.interval.civil_start_time", "2026-09-01", "2026-11-01")
	q.Set("pageSize", "100")
	r := g.gget(t, g.gAccess, v4+"dataTypes/exercise/dataPoints", q)
	var v health.ListDataPointsResponse
	if err := json.Unmarshal(r.body, &v); err != nil || r.status != 200 {
		t.Fatalf("%d %s", r.status, trunc(r.body))
	}
	if len(v.DataPoints) != 25 || v.NextPageToken == "" {
		t.Errorf("pageSize 100 gave %d exercises (next %q), want 25 and a next page", len(v.DataPoints), v.NextPageToken)
	}
	ok := g.gpost(t, g.gAccess, v4+"dataTypes/active-zone-minutes/dataPoints:dailyRollUp",
		`{"range":{"start":{"date":{"year":2026,"month":8,"day":1}},"end":{"date":{"year":2026,"month":10,"day":30}}}}`)
	if ok.status != 200 {
		t.Errorf("90-day AZM rollup: %d %s", ok.status, trunc(ok.body))
	}
	bad := g.gpost(t, g.gAccess, v4+"dataTypes/active-zone-minutes/dataPoints:dailyRollUp",
		`{"range":{"start":{"date":{"year":2026,"month":8,"day":1}},"end":{"date":{"year":2026,"month":10,"day":31}}}}`)
	wantGErr(t, bad, 400, "INVALID_ARGUMENT", "INVALID_ROLLUP_QUERY_DURATION")
	nr := g.gpost(t, g.gAccess, v4+"dataTypes/weight/dataPoints:dailyRollUp",
		`{"range":{"start":{"date":{"year":2026,"month":8,"day":1}},"end":{"date":{"year":2026,"month":8,"day":3}}}}`)
	wantGErr(t, nr, 400, "INVALID_ARGUMENT", "UNSUPPORTED_DATA_TYPE_OPERATION")
}
