package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// body_fat: one row per body-fat log (see body.go for requests and times).
func bodyFat() *Dataset {
	return &Dataset{
		Name:    "body_fat",
		Doc:     "One row per body-fat log (from a scale or entered by hand).",
		Kind:    TimeSeries,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.TimeUTC(),
			transform.TimeLocal(),
			transform.Float64("fat_percent", false, "Body fat.", "%"),
			transform.String("source", true, "Where the log came from: Aria, AriaAir, API, Web, …"),
			transform.Int64("log_id", false, "Fitbit's id of the log.", ""),
		}, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes:    []string{"weight"},
			Requests:  rangeRequests("fat", fatChunk, fitbitRangePath("body/log/fat", "")),
			Transform: bodyFatTransform,
		}, Google: bodyFatGoogle()},
	}
}

func bodyFatTransform(in Input, b *array.RecordBuilder) error {
	logs, err := bodyLogs(in, "fat", "fat")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	ts, fat, src, id := c.Series(), c.Float64("fat_percent"), c.String("source"), c.Int64("log_id")
	for _, lg := range logs {
		p := transform.Parser{Dataset: in.Dataset, Day: bodyDay(lg), At: lg.raw.Time}
		ft := p.Float64("fat", lg.raw.Fat)
		if p.Err != nil {
			return p.Err
		}
		ts.Append(lg.utc, lg.wall)
		fat.Append(ft)
		appendOptString(src, lg.raw.Source)
		id.Append(lg.id)
	}
	return nil
}

func bodyFatGoogle() Spec {
	return Spec{
		Scopes:    []string{googleScopeHealth},
		Requests:  func(o Options, r dates.Range) []Request { return gBodyFatType().requests(o, r, "") },
		Transform: bodyFatGoogleTransform,
		ColumnNotes: map[string]string{
			"time_utc":   "The sample's physicalTime.",
			"time_local": "Derived: physicalTime + the utcOffset the API gives with the sample (no profile zone).",
			"source":     "The list point's device name (else its recording method, e.g. MANUAL); null in reconcile mode.",
			"log_id":     "Derived from the data point's name: its id when decimal (Fitbit-era logs keep their logId), else a stable hash of it.",
		},
	}
}

func bodyFatGoogleTransform(in Input, b *array.RecordBuilder) error {
	logs, err := gBodyLogs(in, gBodyFatType())
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	ts, fat, src, id := c.Series(), c.Float64("fat_percent"), c.String("source"), c.Int64("log_id")
	for _, lg := range logs {
		ts.Append(lg.utc, lg.wall)
		fat.Append(lg.v.v)
		appendOptString(src, lg.v.source)
		id.Append(lg.v.id)
	}
	return nil
}
