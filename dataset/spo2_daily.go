package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// spo2_daily: the nightly blood-oxygen summary, one row per night with a
// main sleep (filed under the date the sleep ended; see nightly.go).
//
// Fitbit: GET /1/user/-/spo2/date/{start}/{end}.json (scope
// oxygen_saturation), key spo2/{start}_{end}. Fitbit states no maximum range
// for this endpoint; fitexport asks for at most 30 days (the limit of its
// siblings). The answer is an array of {"dateTime","value":{"avg","min","max"}}
// (the by-date form answers one such object, or {} without data: both are
// accepted). An entry without value.avg has no row; min and max are null
// when absent.
//
// Google Health: the daily-oxygen-saturation type (see google_more.go),
// key g/{mode}/daily-oxygen-saturation/{start}_{end}; avg_percent ←
// averagePercentage. Its lowerBoundPercentage and upperBoundPercentage
// (required by the discovery document) bound "the confidence interval of
// oxygen saturation samples during sleep": they are not the night's lowest
// and highest reading, so min_percent and max_percent stay null rather
// than carry a different quantity.

const spo2Chunk = 30

func spo2Daily() *Dataset {
	d := dailyDataset("spo2_daily",
		"Nightly blood oxygen saturation (SpO2) during the main sleep: average, minimum and maximum, under the date the sleep ended.",
		"oxygen_saturation",
		[]arrow.Field{
			transform.Float64("avg_percent", false, "Average SpO2 during the main sleep.", "%"),
			transform.Float64("min_percent", true, "Lowest SpO2 during the main sleep (null when the source does not give it).", "%"),
			transform.Float64("max_percent", true, "Highest SpO2 during the main sleep (null when the source does not give it).", "%"),
		},
		rangeRequests("spo2", spo2Chunk, fitbitRangePath("spo2", "")),
		spo2DailyTransform)
	d.Sources[Google] = Spec{
		Scopes: []string{googleScopeHealth},
		Requests: func(o Options, r dates.Range) []Request {
			return gDailyType("daily-oxygen-saturation").requests(o, r, "")
		},
		Transform: spo2DailyGoogleTransform,
		Notes:     "Google's lowerBoundPercentage and upperBoundPercentage bound a confidence interval of the night's readings, not the lowest and highest reading, so they are not exported.",
		ColumnNotes: map[string]string{
			"avg_percent": "The point's averagePercentage (a point without it has no row).",
			"min_percent": "Null: Google gives no minimum reading.",
			"max_percent": "Null: Google gives no maximum reading.",
		},
	}
	return d
}

// spo2DailyGoogleTransform reads daily-oxygen-saturation: avg_percent ←
// averagePercentage; min and max null.
func spo2DailyGoogleTransform(in Input, b *array.RecordBuilder) error {
	rows, err := gDailyRows(in, gDailyType("daily-oxygen-saturation"), "dailyOxygenSaturation",
		func(p *health.DataPoint) *health.Date {
			if p.DailyOxygenSaturation == nil {
				return nil
			}
			return p.DailyOxygenSaturation.Date
		},
		func(p *health.DataPoint, d dates.Date) (float64, bool, error) {
			v := p.DailyOxygenSaturation.AveragePercentage
			return v, v != 0, gCheck(in.Dataset, d, 0, "dailyOxygenSaturation.averagePercentage", v, 0, 100)
		})
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, avg, lo, hi := c.Date32("date"), c.Float64("avg_percent"), c.Float64("min_percent"), c.Float64("max_percent")
	for _, r := range rows {
		date.AppendDate(r.day)
		avg.Append(r.v)
		lo.AppendNull()
		hi.AppendNull()
	}
	return nil
}

type spo2DayJSON struct {
	DateTime string `json:"dateTime"`
	Value    struct {
		Avg transform.Num `json:"avg"`
		Min transform.Num `json:"min"`
		Max transform.Num `json:"max"`
	} `json:"value"`
}

func (e spo2DayJSON) date() string { return e.DateTime }

func spo2DailyTransform(in Input, b *array.RecordBuilder) error {
	days, err := datedEntries[spo2DayJSON](in, kindIs("spo2"), "")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, avg, lo, hi := c.Date32("date"), c.Float64("avg_percent"), c.Float64("min_percent"), c.Float64("max_percent")
	for _, d := range sortedDates(days) {
		e := days[d]
		if !e.Value.Avg.Present() {
			continue
		}
		p := transform.Parser{Dataset: in.Dataset, Day: d}
		a := p.Float64("value.avg", e.Value.Avg)
		mn := p.OptFloat64("value.min", e.Value.Min)
		mx := p.OptFloat64("value.max", e.Value.Max)
		if p.Err != nil {
			return p.Err
		}
		date.AppendDate(d)
		avg.Append(a)
		lo.AppendOpt(mn)
		hi.AppendOpt(mx)
	}
	return nil
}
