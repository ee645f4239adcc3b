package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/transform"
)

// distance: distance per minute in metres.
//
// Fitbit: from the activity intraday series (see activity_intraday.go); it
// serves km when no Accept-Language is sent.
//
// Google Health: the distance interval type (millimeters, stored as
// millimeters / 1000), six local days per request, key
// g/{mode}/distance/{start}_{end}; one row per point (see gSeries).
func distance() *Dataset {
	d := activityIntraday("distance", "distance",
		"Distance covered per minute, in metres.",
		[]arrow.Field{transform.Float64("distance_m", false, "Distance covered in the minute.", "m")},
		func(c transform.Cols) actRow {
			col := c.Float64("distance_m")
			return func(p *transform.Parser, pt *actPoint) {
				v := p.Float64E("distance_m", pt.Value, 3) // km → m
				if p.Err == nil {
					col.Append(v)
				}
			}
		})
	d.Sources[Google] = gSeries{
		typ:   gType{name: "distance", filter: gInterval, days: 6, pageSize: 10000},
		field: "distance.millimeters",
		value: func(p *health.DataPoint) (*health.ObservationTimeInterval, float64) {
			if p.Distance == nil {
				return nil, 0
			}
			return p.Distance.Interval, float64(p.Distance.Millimeters) / 1000
		},
		appender: func(c transform.Cols) func(float64) { col := c.Float64("distance_m"); return col.Append },
	}.spec(gSeriesDoc, gSeriesNotes(map[string]string{"distance_m": "Derived: millimeters / 1000."}))
	return d
}
