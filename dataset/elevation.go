package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/fitexport/fitexport/transform"
)

// elevation: ascent per minute in metres (Fitbit serves metres when no
// Accept-Language is sent), from the activity intraday series (see
// activity_intraday.go).
func elevation() *Dataset {
	return activityIntraday("elevation", "elevation",
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
}
