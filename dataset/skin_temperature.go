package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"
	"math"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// skin_temperature: the nightly skin temperature relative to the user's
// baseline, one row per night with a main sleep, under the date the sleep
// ended (see nightly.go).
//
// Fitbit: GET /1/user/-/temp/skin/date/{start}/{end}.json (scope
// temperature), at most 30 days, key temp-skin/{start}_{end} →
// {"tempSkin":[{"dateTime","value":{"nightlyRelative":-0.3},"logType":"dedicated_temp_sensor"}]}.
// Fitbit gives only the relative value: nightly_c and baseline_c are null
// for this source (they are filled where a source has absolute values).
//
// Google Health: the daily-sleep-temperature-derivations type (see
// google_more.go), key g/{mode}/daily-sleep-temperature-derivations/{start}_{end};
// nightly_c ← nightlyTemperatureCelsius, baseline_c ←
// baselineTemperatureCelsius, nightly_relative_c = nightly − baseline
// rounded to 3 decimals (to drop floating-point noise). A point without a
// baseline (optional: "the median of the user's nightly skin temperature
// over the past 30 days", so missing early on) has no row, since the
// relative value cannot be derived; log_type is null.

func skinTemperature() *Dataset {
	d := dailyDataset("skin_temperature",
		"Nightly skin temperature during the main sleep, relative to the personal baseline (and absolute where the source gives it), under the date the sleep ended.",
		"temperature",
		[]arrow.Field{
			transform.Float64("nightly_relative_c", false, "Nightly skin temperature minus the personal baseline.", "°C"),
			transform.Float64("nightly_c", true, "Nightly skin temperature (null when the source gives only the relative value).", "°C"),
			transform.Float64("baseline_c", true, "The personal baseline skin temperature (null when the source does not give it).", "°C"),
			transform.String("log_type", true, "How it was measured: dedicated_temp_sensor or other_sensors (Fitbit's logType)."),
		},
		rangeRequests("temp-skin", 30, fitbitRangePath("temp/skin", "")),
		skinTemperatureTransform)
	d.Sources[Google] = skinTemperatureGoogle()
	return d
}

type tempSkinJSON struct {
	DateTime string `json:"dateTime"`
	Value    struct {
		NightlyRelative transform.Num `json:"nightlyRelative"`
	} `json:"value"`
	LogType *string `json:"logType"`
}

func (e tempSkinJSON) date() string { return e.DateTime }

func skinTemperatureTransform(in Input, b *array.RecordBuilder) error {
	days, err := datedEntries[tempSkinJSON](in, kindIs("temp-skin"), "tempSkin")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, rel, abs, base, lt := c.Date32("date"), c.Float64("nightly_relative_c"), c.Float64("nightly_c"), c.Float64("baseline_c"), c.String("log_type")
	for _, d := range sortedDates(days) {
		e := days[d]
		if !e.Value.NightlyRelative.Present() {
			continue
		}
		p := transform.Parser{Dataset: in.Dataset, Day: d}
		v := p.Float64("value.nightlyRelative", e.Value.NightlyRelative)
		if p.Err != nil {
			return p.Err
		}
		date.AppendDate(d)
		rel.Append(v)
		abs.AppendNull()
		base.AppendNull()
		appendOptString(lt, e.LogType)
	}
	return nil
}

func skinTemperatureGoogle() Spec {
	return Spec{
		Scopes: []string{googleScopeHealth},
		Requests: func(o Options, r dates.Range) []Request {
			return gDailyType("daily-sleep-temperature-derivations").requests(o, r, "")
		},
		Transform: skinTemperatureGoogleTransform,
		Notes:     "Nights without a baseline (the first weeks of wear) have no row, since the relative value cannot be derived.",
		ColumnNotes: map[string]string{
			"nightly_relative_c": "Derived: nightlyTemperatureCelsius − baselineTemperatureCelsius, rounded to 3 decimals.",
			"nightly_c":          "The point's nightlyTemperatureCelsius.",
			"baseline_c":         "The point's baselineTemperatureCelsius.",
			"log_type":           "Null: Google does not say which sensor measured it.",
		},
	}
}

func skinTemperatureGoogleTransform(in Input, b *array.RecordBuilder) error {
	type val struct{ nightly, baseline float64 }
	rows, err := gDailyRows(in, gDailyType("daily-sleep-temperature-derivations"), "dailySleepTemperatureDerivations",
		func(p *health.DataPoint) *health.Date {
			if p.DailySleepTemperatureDerivations == nil {
				return nil
			}
			return p.DailySleepTemperatureDerivations.Date
		},
		func(p *health.DataPoint, d dates.Date) (val, bool, error) {
			t := p.DailySleepTemperatureDerivations
			v := val{t.NightlyTemperatureCelsius, t.BaselineTemperatureCelsius}
			if err := gCheck(in.Dataset, d, 0, "dailySleepTemperatureDerivations.nightlyTemperatureCelsius", v.nightly, 0, 50); err != nil {
				return v, false, err
			}
			return v, v.nightly != 0 && v.baseline != 0, gCheck(in.Dataset, d, 0, "dailySleepTemperatureDerivations.baselineTemperatureCelsius", v.baseline, 0, 50)
		})
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, rel, abs, base, lt := c.Date32("date"), c.Float64("nightly_relative_c"), c.Float64("nightly_c"), c.Float64("baseline_c"), c.String("log_type")
	for _, r := range rows {
		date.AppendDate(r.day)
		rel.Append(math.Round((r.v.nightly-r.v.baseline)*1000) / 1000)
		abs.Append(r.v.nightly)
		base.Append(r.v.baseline)
		lt.AppendNull()
	}
	return nil
}
