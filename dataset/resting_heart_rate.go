package dataset

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// resting_heart_rate: the daily resting heart rate. Days without one (not
// worn enough) have no row.
//
// Fitbit: from the heart summary (see heart_summary.go).
//
// Google Health: the daily-resting-heart-rate type, filtered on
// daily_resting_heart_rate.date, 365 days per request (one point a day),
// key g/{mode}/daily-resting-heart-rate/{start}_{end}; date ← the point's
// date, bpm ← beatsPerMinute (a point without it has no row). In list mode
// two sources may each give a point for a day: both become rows.
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
		Sources: map[Source]Spec{
			Fitbit: {
				Scopes:    []string{"heartrate"},
				Requests:  heartSummaryRequests,
				Transform: restingHeartRateTransform,
			},
			Google: {
				Scopes: []string{googleScopeHealth},
				Requests: func(o Options, r dates.Range) []Request {
					return gRestingHeartRate().requests(o, r, "")
				},
				Transform: restingHeartRateGoogleTransform,
			},
		},
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

// gRestingHeartRate is the Google daily resting heart rate type.
func gRestingHeartRate() gType {
	return gType{name: "daily-resting-heart-rate", filter: gDaily, days: 365, pageSize: 10000}
}

func restingHeartRateGoogleTransform(in Input, b *array.RecordBuilder) error {
	type row struct {
		day dates.Date
		bpm int32
		dev string
	}
	t := gRestingHeartRate()
	var rows []row
	for _, resp := range in.Responses {
		key := resp.Request.Key
		if !t.owns(key) {
			continue
		}
		err := gPoints(in.Dataset, resp, func(p *health.DataPoint) error {
			r := p.DailyRestingHeartRate
			if r == nil {
				return fmt.Errorf("%s: response %s: a data point has no dailyRestingHeartRate", in.Dataset, key)
			}
			d, err := gDate(r.Date)
			if err != nil {
				return fmt.Errorf("%s: response %s: field dailyRestingHeartRate.date: %w", in.Dataset, key, err)
			}
			if !in.Want(d, key) || r.BeatsPerMinute == 0 {
				return nil
			}
			if r.BeatsPerMinute < 0 || r.BeatsPerMinute > math.MaxInt32 {
				return transform.FieldError(in.Dataset, d, "beatsPerMinute", fmt.Errorf("out of range: %d", r.BeatsPerMinute))
			}
			rows = append(rows, row{d, int32(r.BeatsPerMinute), gDevice(p)})
			return nil
		})
		if err != nil {
			return err
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int { return cmp.Or(a.day.Compare(b.day), cmp.Compare(a.dev, b.dev)) })
	cols := transform.ColsOf(b)
	date, bpm := cols.Date32("date"), cols.Int32("bpm")
	for _, r := range rows {
		date.AppendDate(r.day)
		bpm.Append(r.bpm)
	}
	return nil
}
