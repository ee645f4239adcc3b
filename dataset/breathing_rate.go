package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// breathing_rate: the nightly breathing rate, one row per night with a main
// sleep, under the date the sleep ended (see nightly.go), with the rate in
// deep, light and REM sleep where Fitbit gives it.
//
// Fitbit: GET /1/user/-/br/date/{start}/{end}/all.json (scope
// respiratory_rate), at most 30 days, key br-all/{start}_{end} →
// {"br":[{"dateTime","value":{"fullSleepSummary":{"breathingRate"},"deepSleepSummary":…,"lightSleepSummary":…,"remSleepSummary":…}}]}.
// The summary form …/br/date/{start}/{end}.json (value {"breathingRate"}, key
// br/{start}_{end}) is accepted too; it has no per-stage values. A stage
// value that is absent, zero or negative (Fitbit's "not computed") is null.
//
// Google Health: the daily-respiratory-rate type (see google_more.go), key
// g/{mode}/daily-respiratory-rate/{start}_{end}; breaths_per_min ←
// breathsPerMinute. The per-stage columns stay null: Google serves the
// stage rates in another type (respiratory-rate-sleep-summary, one point
// per sleep rather than per date), which fitexport does not read.

const brChunk = 30

func breathingRate() *Dataset {
	opt := func(name, stage string) arrow.Field {
		return transform.Float64(name, true, "Average breathing rate during "+stage+" (null when not given).", "breaths/min")
	}
	d := dailyDataset("breathing_rate",
		"Nightly average breathing rate during the main sleep, and per sleep stage where given, under the date the sleep ended.",
		"respiratory_rate",
		[]arrow.Field{
			transform.Float64("breaths_per_min", false, "Average breathing rate over the main sleep.", "breaths/min"),
			opt("deep_breaths_per_min", "deep sleep"),
			opt("light_breaths_per_min", "light sleep"),
			opt("rem_breaths_per_min", "REM sleep"),
		},
		rangeRequests("br-all", brChunk, fitbitRangePath("br", "/all")),
		breathingRateTransform)
	d.Sources[Google] = breathingRateGoogle()
	return d
}

type brRateJSON struct {
	BreathingRate transform.Num `json:"breathingRate"`
}

type brDayJSON struct {
	DateTime string `json:"dateTime"`
	Value    struct {
		BreathingRate     transform.Num `json:"breathingRate"`
		FullSleepSummary  *brRateJSON   `json:"fullSleepSummary"`
		DeepSleepSummary  *brRateJSON   `json:"deepSleepSummary"`
		LightSleepSummary *brRateJSON   `json:"lightSleepSummary"`
		RemSleepSummary   *brRateJSON   `json:"remSleepSummary"`
	} `json:"value"`
}

func (e brDayJSON) date() string { return e.DateTime }

func brStage(p *transform.Parser, field string, s *brRateJSON) *float64 {
	if s == nil {
		return nil
	}
	return optPositive(p, field+".breathingRate", s.BreathingRate)
}

func breathingRateTransform(in Input, b *array.RecordBuilder) error {
	days, err := datedEntries[brDayJSON](in, kindIs("br-all", "br"), "br")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, full := c.Date32("date"), c.Float64("breaths_per_min")
	deep, light, rem := c.Float64("deep_breaths_per_min"), c.Float64("light_breaths_per_min"), c.Float64("rem_breaths_per_min")
	for _, d := range sortedDates(days) {
		e := days[d]
		p := transform.Parser{Dataset: in.Dataset, Day: d}
		field, n := "value.breathingRate", e.Value.BreathingRate
		if !n.Present() && e.Value.FullSleepSummary != nil {
			field, n = "value.fullSleepSummary.breathingRate", e.Value.FullSleepSummary.BreathingRate
		}
		if !n.Present() {
			continue
		}
		v := p.Float64(field, n)
		dp := brStage(&p, "value.deepSleepSummary", e.Value.DeepSleepSummary)
		lt := brStage(&p, "value.lightSleepSummary", e.Value.LightSleepSummary)
		rm := brStage(&p, "value.remSleepSummary", e.Value.RemSleepSummary)
		if p.Err != nil {
			return p.Err
		}
		date.AppendDate(d)
		full.Append(v)
		deep.AppendOpt(dp)
		light.AppendOpt(lt)
		rem.AppendOpt(rm)
	}
	return nil
}

func breathingRateGoogle() Spec {
	null := "Null: Google serves per-stage rates only in respiratory-rate-sleep-summary, which fitexport does not read."
	return Spec{
		Scopes: []string{googleScopeHealth},
		Requests: func(o Options, r dates.Range) []Request {
			return gDailyType("daily-respiratory-rate").requests(o, r, "")
		},
		Transform: breathingRateGoogleTransform,
		ColumnNotes: map[string]string{
			"breaths_per_min":       "The point's breathsPerMinute (a point without it has no row).",
			"deep_breaths_per_min":  null,
			"light_breaths_per_min": null,
			"rem_breaths_per_min":   null,
		},
	}
}

func breathingRateGoogleTransform(in Input, b *array.RecordBuilder) error {
	rows, err := gDailyRows(in, gDailyType("daily-respiratory-rate"), "dailyRespiratoryRate",
		func(p *health.DataPoint) *health.Date {
			if p.DailyRespiratoryRate == nil {
				return nil
			}
			return p.DailyRespiratoryRate.Date
		},
		func(p *health.DataPoint, d dates.Date) (float64, bool, error) {
			v := p.DailyRespiratoryRate.BreathsPerMinute
			return v, v != 0, gCheck(in.Dataset, d, 0, "dailyRespiratoryRate.breathsPerMinute", v, 0, 200)
		})
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, full := c.Date32("date"), c.Float64("breaths_per_min")
	deep, light, rem := c.Float64("deep_breaths_per_min"), c.Float64("light_breaths_per_min"), c.Float64("rem_breaths_per_min")
	for _, r := range rows {
		date.AppendDate(r.day)
		full.Append(r.v)
		deep.AppendNull()
		light.AppendNull()
		rem.AppendNull()
	}
	return nil
}
