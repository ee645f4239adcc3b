package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/transform"
)

// elevation: ascent per minute in metres.
//
// Fitbit: from the activity intraday series (see activity_intraday.go); it
// serves metres when no Accept-Language is sent.
//
// Google Health: the altitude interval type (gainMillimeters, stored as
// gainMillimeters / 1000), 30 local days per request (points exist only for
// minutes with a gain), key g/{mode}/altitude/{start}_{end}; one row per
// point (see gSeries).
func elevation() *Dataset {
	d := activityIntraday("elevation", "elevation",
		"Elevation gained per minute, in metres.",
		[]arrow.Field{transform.Float64("elevation_m", false, "Elevation gained in the minute.", "m")},
		func(c transform.Cols) actRow {
			col := c.Float64("elevation_m")
			return func(p *transform.Parser, pt *actPoint) {
				v := p.Float64("elevation_m", pt.Value)
				if p.Err == nil {
					col.Append(v)
				}
			}
		})
	d.Sources[Google] = gSeries{
		typ:   gType{name: "altitude", filter: gInterval, days: 30, pageSize: 10000},
		field: "altitude.gainMillimeters",
		value: func(p *health.DataPoint) (*health.ObservationTimeInterval, float64) {
			if p.Altitude == nil {
				return nil, 0
			}
			return p.Altitude.Interval, float64(p.Altitude.GainMillimeters) / 1000
		},
		appender: func(c transform.Cols) func(float64) { col := c.Float64("elevation_m"); return col.Append },
	}.spec(gSeriesDoc, gSeriesNotes(map[string]string{"elevation_m": "Derived: altitude gainMillimeters / 1000."}))
	return d
}
