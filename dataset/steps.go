package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/transform"
)

// steps: steps per minute.
//
// Fitbit: from the activity intraday series (see activity_intraday.go).
//
// Google Health: the steps interval type (1-minute points with a count),
// six local days per request (at most 1,440 points a day keeps a request to
// one 10,000-point page), key g/{mode}/steps/{start}_{end}; one row per
// point at its interval start (see gSeries in google.go).
func steps() *Dataset {
	d := activityIntraday("steps", "steps",
		"Steps per minute through the day; every minute of the local day is listed, zeros included.",
		[]arrow.Field{transform.Int32("steps", false, "Steps taken in the minute.", "steps")},
		func(c transform.Cols) actRow {
			col := c.Int32("steps")
			return func(p *transform.Parser, pt *actPoint) {
				v := p.Int32("steps", pt.Value)
				if p.Err == nil {
					col.Append(v)
				}
			}
		})
	d.Sources[Google] = gSeries{
		typ:   gType{name: "steps", filter: gInterval, days: 6, pageSize: 10000},
		field: "steps.count",
		value: func(p *health.DataPoint) (*health.ObservationTimeInterval, float64) {
			if p.Steps == nil {
				return nil, 0
			}
			return p.Steps.Interval, float64(p.Steps.Count)
		},
		check: checkInt32,
		appender: func(c transform.Cols) func(float64) {
			col := c.Int32("steps")
			return func(v float64) { col.Append(int32(v)) }
		},
	}.spec(gSeriesDoc, gSeriesNotes(nil))
	return d
}
