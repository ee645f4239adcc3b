package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

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

const spo2Chunk = 30

func spo2Daily() *Dataset {
	return dailyDataset("spo2_daily",
		"Nightly blood oxygen saturation (SpO2) during the main sleep: average, minimum and maximum, under the date the sleep ended.",
		"oxygen_saturation",
		[]arrow.Field{
			transform.Float64("avg_percent", false, "Average SpO2 during the main sleep.", "%"),
			transform.Float64("min_percent", true, "Lowest SpO2 during the main sleep (null when the source does not give it).", "%"),
			transform.Float64("max_percent", true, "Highest SpO2 during the main sleep (null when the source does not give it).", "%"),
		},
		rangeRequests("spo2", spo2Chunk, fitbitRangePath("spo2", "")),
		spo2DailyTransform)
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
