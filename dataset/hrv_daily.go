package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// hrv_daily: nightly heart-rate variability (RMSSD), one row per night with
// a main sleep, under the date the sleep ended (see nightly.go).
//
// Fitbit: GET /1/user/-/hrv/date/{start}/{end}.json, at most 30 days, key
// hrv/{start}_{end} → {"hrv":[{"dateTime","value":{"dailyRmssd","deepRmssd"}}]}.
// Fitbit's documentation lists the heartrate scope for the HRV endpoints
// (there is no HRV scope of its own). deepRmssd is null when absent (e.g.
// no deep sleep was recognised).
//
// Google Health: the daily-heart-rate-variability type (see
// google_more.go), key g/{mode}/daily-heart-rate-variability/{start}_{end};
// daily_rmssd_ms ← averageHeartRateVariabilityMilliseconds (a point without
// it — only entropy or non-REM heart rate — has no row), deep_rmssd_ms ←
// deepSleepRootMeanSquareOfSuccessiveDifferencesMilliseconds.

const hrvChunk = 30

func hrvDaily() *Dataset {
	d := dailyDataset("hrv_daily",
		"Nightly heart-rate variability (RMSSD) over the main sleep and over its deep sleep, under the date the sleep ended.",
		"heartrate",
		[]arrow.Field{
			transform.Float64("daily_rmssd_ms", false, "Root mean square of successive heartbeat-interval differences over the main sleep.", "ms"),
			transform.Float64("deep_rmssd_ms", true, "The same over deep sleep only (null when not given).", "ms"),
		},
		rangeRequests("hrv", hrvChunk, fitbitRangePath("hrv", "")),
		hrvDailyTransform)
	d.Sources[Google] = hrvDailyGoogle()
	return d
}

type hrvDayJSON struct {
	DateTime string `json:"dateTime"`
	Value    struct {
		DailyRmssd transform.Num `json:"dailyRmssd"`
		DeepRmssd  transform.Num `json:"deepRmssd"`
	} `json:"value"`
}

func (e hrvDayJSON) date() string { return e.DateTime }

func hrvDailyTransform(in Input, b *array.RecordBuilder) error {
	days, err := datedEntries[hrvDayJSON](in, kindIs("hrv"), "hrv")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, daily, deep := c.Date32("date"), c.Float64("daily_rmssd_ms"), c.Float64("deep_rmssd_ms")
	for _, d := range sortedDates(days) {
		e := days[d]
		if !e.Value.DailyRmssd.Present() {
			continue
		}
		p := transform.Parser{Dataset: in.Dataset, Day: d}
		v := p.Float64("value.dailyRmssd", e.Value.DailyRmssd)
		dp := p.OptFloat64("value.deepRmssd", e.Value.DeepRmssd)
		if p.Err != nil {
			return p.Err
		}
		date.AppendDate(d)
		daily.Append(v)
		deep.AppendOpt(dp)
	}
	return nil
}

func hrvDailyGoogle() Spec {
	return Spec{
		Scopes: []string{googleScopeHealth},
		Requests: func(o Options, r dates.Range) []Request {
			return gDailyType("daily-heart-rate-variability").requests(o, r, "")
		},
		Transform: hrvDailyGoogleTransform,
		ColumnNotes: map[string]string{
			"daily_rmssd_ms": "The point's averageHeartRateVariabilityMilliseconds (a point without it has no row).",
			"deep_rmssd_ms":  "The point's deepSleepRootMeanSquareOfSuccessiveDifferencesMilliseconds.",
		},
	}
}

func hrvDailyGoogleTransform(in Input, b *array.RecordBuilder) error {
	type val struct{ daily, deep float64 }
	rows, err := gDailyRows(in, gDailyType("daily-heart-rate-variability"), "dailyHeartRateVariability",
		func(p *health.DataPoint) *health.Date {
			if p.DailyHeartRateVariability == nil {
				return nil
			}
			return p.DailyHeartRateVariability.Date
		},
		func(p *health.DataPoint, d dates.Date) (val, bool, error) {
			h := p.DailyHeartRateVariability
			v := val{h.AverageHeartRateVariabilityMilliseconds, h.DeepSleepRootMeanSquareOfSuccessiveDifferencesMilliseconds}
			if err := gCheck(in.Dataset, d, 0, "dailyHeartRateVariability.averageHeartRateVariabilityMilliseconds", v.daily, 0, 1000); err != nil {
				return v, false, err
			}
			return v, v.daily != 0, gCheck(in.Dataset, d, 0, "dailyHeartRateVariability.deepSleepRootMeanSquareOfSuccessiveDifferencesMilliseconds", v.deep, 0, 1000)
		})
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, daily, deep := c.Date32("date"), c.Float64("daily_rmssd_ms"), c.Float64("deep_rmssd_ms")
	for _, r := range rows {
		date.AppendDate(r.day)
		daily.Append(r.v.daily)
		deep.AppendOpt(gOpt(r.v.deep))
	}
	return nil
}
