package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// weight: one row per weight log (scale or manual entry), with BMI and the
// body fat a scale measured with it (see body.go for requests and times).
func weight() *Dataset {
	return &Dataset{
		Name:    "weight",
		Doc:     "One row per weight log (from a scale or entered by hand), with BMI and body fat when measured.",
		Kind:    TimeSeries,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.TimeUTC(),
			transform.TimeLocal(),
			transform.Float64("weight_kg", false, "Body weight.", "kg"),
			transform.Float64("bmi", true, "Body mass index, as Fitbit computed it.", "kg/m²"),
			transform.Float64("fat_percent", true, "Body fat measured with the weight (null when not measured).", "%"),
			transform.String("source", true, "Where the log came from: Aria, AriaAir, API, Web, …"),
			transform.Int64("log_id", false, "Fitbit's id of the log.", ""),
		}, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes:    []string{"weight"},
			Requests:  rangeRequests("weight", weightChunk, fitbitRangePath("body/log/weight", "")),
			Transform: weightTransform,
		}, Google: weightGoogle()},
	}
}

func weightTransform(in Input, b *array.RecordBuilder) error {
	logs, err := bodyLogs(in, "weight", "weight")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	ts, w, bmi, fat, src, id := c.Series(), c.Float64("weight_kg"), c.Float64("bmi"), c.Float64("fat_percent"), c.String("source"), c.Int64("log_id")
	for _, lg := range logs {
		p := transform.Parser{Dataset: in.Dataset, Day: bodyDay(lg), At: lg.raw.Time}
		kg := p.Float64("weight", lg.raw.Weight)
		bm := p.OptFloat64("bmi", lg.raw.BMI)
		ft := p.OptFloat64("fat", lg.raw.Fat)
		if p.Err != nil {
			return p.Err
		}
		ts.Append(lg.utc, lg.wall)
		w.Append(kg)
		bmi.AppendOpt(bm)
		fat.AppendOpt(ft)
		appendOptString(src, lg.raw.Source)
		id.Append(lg.id)
	}
	return nil
}

func weightGoogle() Spec {
	return Spec{
		Scopes: []string{googleScopeHealth},
		Requests: func(o Options, r dates.Range) []Request {
			return append(gWeightType().requests(o, r, ""), gBodyFatType().requests(o, r, "")...)
		},
		Transform: weightGoogleTransform,
		ColumnNotes: map[string]string{
			"time_utc":    "The sample's physicalTime.",
			"time_local":  "Derived: physicalTime + the utcOffset the API gives with the sample (no profile zone).",
			"weight_kg":   "Derived: weightGrams / 1000.",
			"bmi":         "Null: Google has no BMI.",
			"fat_percent": "Derived: the body-fat point at the same instant, if any.",
			"source":      "The list point's device name (else its recording method, e.g. MANUAL); null in reconcile mode.",
			"log_id":      "Derived from the data point's name: its id when decimal (Fitbit-era logs keep their logId), else a stable hash of it.",
		},
	}
}

func weightGoogleTransform(in Input, b *array.RecordBuilder) error {
	logs, err := gBodyLogs(in, gWeightType())
	if err != nil {
		return err
	}
	fats, err := gBodyLogs(in, gBodyFatType())
	if err != nil {
		return err
	}
	fatAt := map[int64]float64{}
	for _, f := range fats {
		fatAt[f.utc] = f.v.v
	}
	c := transform.ColsOf(b)
	ts, w, bmi, fat, src, id := c.Series(), c.Float64("weight_kg"), c.Float64("bmi"), c.Float64("fat_percent"), c.String("source"), c.Int64("log_id")
	for _, lg := range logs {
		ts.Append(lg.utc, lg.wall)
		w.Append(lg.v.v)
		bmi.AppendNull()
		if f, ok := fatAt[lg.utc]; ok {
			fat.Append(f)
		} else {
			fat.AppendNull()
		}
		appendOptString(src, lg.v.source)
		id.Append(lg.v.id)
	}
	return nil
}
