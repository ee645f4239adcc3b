package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/fitexport/fitexport/transform"
)

// distance: distance per minute in metres (Fitbit serves km when no
// Accept-Language is sent), from the activity intraday series (see
// activity_intraday.go).
func distance() *Dataset {
	return activityIntraday("distance", "distance",
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
}
