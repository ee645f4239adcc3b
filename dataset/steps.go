package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/fitexport/fitexport/transform"
)

// steps: steps per minute, from the activity intraday series (see
// activity_intraday.go).
func steps() *Dataset {
	return activityIntraday("steps", "steps",
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
}
