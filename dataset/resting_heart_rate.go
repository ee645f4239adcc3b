package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/transform"
)

// resting_heart_rate: Fitbit's daily resting heart rate, from the heart
// summary (see heart_summary.go). Days without restingHeartRate (not worn
// enough) have no row.
func restingHeartRate() *Dataset {
	return &Dataset{
		Name:    "resting_heart_rate",
		Doc:     "Fitbit's resting heart rate per day; days without enough wear have no row.",
		Kind:    Daily,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.DateCol(),
			transform.Int32("bpm", false, "Resting heart rate of the day, as Fitbit estimates it.", "beats/min"),
		}, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes:    []string{"heartrate"},
			Requests:  heartSummaryRequests,
			Transform: restingHeartRateTransform,
		}},
	}
}

func restingHeartRateTransform(in Input, b *array.RecordBuilder) error {
	sums, err := heartSummaries(in)
	if err != nil {
		return err
	}
	cols := transform.ColsOf(b)
	date, bpm := cols.Date32("date"), cols.Int32("bpm")
	for _, d := range sortedDates(sums) {
		v := sums[d].RestingHeartRate
		if !v.Present() {
			continue
		}
		p := transform.Parser{Dataset: in.Dataset, Day: d}
		x := p.Int32("bpm", v)
		if p.Err != nil {
			return p.Err
		}
		date.AppendDate(d)
		bpm.Append(x)
	}
	return nil
}
