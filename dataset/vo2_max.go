package dataset

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// vo2_max: Fitbit's cardio fitness score (estimated VO2 max) per day.
//
// Fitbit: GET /1/user/-/cardioscore/date/{start}/{end}.json (scope
// cardio_fitness), at most 30 days, key cardioscore/{start}_{end} →
// {"cardioScore":[{"dateTime","value":{"vo2Max":"44-48"}}]}. vo2Max is a
// string holding a range ("44-48", given when Fitbit has no GPS run to
// estimate from) or one number ("46.2", also accepted as a JSON number). A
// range gives vo2_max = its midpoint, vo2_max_low and vo2_max_high its ends;
// one number gives vo2_max and null bounds. Like the other values of this
// endpoint family, a day's score is filed under the date the main sleep
// ended, and days without one have no row.
//
// Google Health: the daily-vo2-max type (see google_more.go), key
// g/{mode}/daily-vo2-max/{start}_{end}, scope activity_and_fitness;
// vo2_max ← vo2Max, one number (where Fitbit gives a range Google gives
// its estimate, flagged estimated, which fitexport does not export); the
// bounds are null.

func vo2Max() *Dataset {
	d := dailyDataset("vo2_max",
		"Fitbit's cardio fitness score: estimated VO2 max per day, with the range's ends when Fitbit gives a range.",
		"cardio_fitness",
		[]arrow.Field{
			transform.Float64("vo2_max", false, "Estimated VO2 max (the midpoint when Fitbit gives a range).", "mL/kg/min"),
			transform.Float64("vo2_max_low", true, "Low end of the range (null when Fitbit gives one number).", "mL/kg/min"),
			transform.Float64("vo2_max_high", true, "High end of the range (null when Fitbit gives one number).", "mL/kg/min"),
		},
		rangeRequests("cardioscore", 30, fitbitRangePath("cardioscore", "")),
		vo2MaxTransform)
	d.Sources[Google] = vo2MaxGoogle()
	return d
}

type cardioScoreJSON struct {
	DateTime string `json:"dateTime"`
	Value    struct {
		Vo2Max transform.Num `json:"vo2Max"`
	} `json:"value"`
}

func (e cardioScoreJSON) date() string { return e.DateTime }

// parseVO2 reads "44-48" (a range) or "46.2" (one number).
func parseVO2(n transform.Num) (v float64, lo, hi *float64, err error) {
	s := strings.TrimSpace(n.String())
	if a, b, ok := strings.Cut(s, "-"); ok && a != "" {
		l, err1 := transform.NumOf(strings.TrimSpace(a)).Float64()
		h, err2 := transform.NumOf(strings.TrimSpace(b)).Float64()
		if err1 != nil || err2 != nil || h < l {
			return 0, nil, nil, fmt.Errorf("not a number or a range: %q", s)
		}
		return (l + h) / 2, &l, &h, nil
	}
	v, err = transform.NumOf(s).Float64()
	if err != nil {
		return 0, nil, nil, fmt.Errorf("not a number or a range: %q", s)
	}
	return v, nil, nil, nil
}

func vo2MaxTransform(in Input, b *array.RecordBuilder) error {
	days, err := datedEntries[cardioScoreJSON](in, kindIs("cardioscore"), "cardioScore")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, val, low, high := c.Date32("date"), c.Float64("vo2_max"), c.Float64("vo2_max_low"), c.Float64("vo2_max_high")
	for _, d := range sortedDates(days) {
		n := days[d].Value.Vo2Max
		if !n.Present() {
			continue
		}
		v, lo, hi, err := parseVO2(n)
		if err != nil {
			return transform.FieldError(in.Dataset, d, "value.vo2Max", err)
		}
		date.AppendDate(d)
		val.Append(v)
		low.AppendOpt(lo)
		high.AppendOpt(hi)
	}
	return nil
}

func vo2MaxGoogle() Spec {
	return Spec{
		Scopes: []string{googleScopeActivity},
		Requests: func(o Options, r dates.Range) []Request {
			return gDailyType("daily-vo2-max").requests(o, r, "")
		},
		Transform: vo2MaxGoogleTransform,
		ColumnNotes: map[string]string{
			"vo2_max":      "The point's vo2Max, one number (a point without it has no row).",
			"vo2_max_low":  "Null: Google gives one number, never a range.",
			"vo2_max_high": "Null: Google gives one number, never a range.",
		},
	}
}

func vo2MaxGoogleTransform(in Input, b *array.RecordBuilder) error {
	rows, err := gDailyRows(in, gDailyType("daily-vo2-max"), "dailyVo2Max",
		func(p *health.DataPoint) *health.Date {
			if p.DailyVo2Max == nil {
				return nil
			}
			return p.DailyVo2Max.Date
		},
		func(p *health.DataPoint, d dates.Date) (float64, bool, error) {
			v := p.DailyVo2Max.Vo2Max
			return v, v != 0, gCheck(in.Dataset, d, 0, "dailyVo2Max.vo2Max", v, 0, 100)
		})
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, val, low, high := c.Date32("date"), c.Float64("vo2_max"), c.Float64("vo2_max_low"), c.Float64("vo2_max_high")
	for _, r := range rows {
		date.AppendDate(r.day)
		val.Append(r.v)
		low.AppendNull()
		high.AppendNull()
	}
	return nil
}
