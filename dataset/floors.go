package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/fitexport/fitexport/transform"
)

// floors: floors climbed per minute, from the activity intraday series (see
// activity_intraday.go).
func floors() *Dataset {
	return activityIntraday("floors", "floors",
		"Floors climbed per minute (one floor is about 3 m of ascent).",
		[]arrow.Field{transform.Int32("floors", false, "Floors climbed in the minute.", "floors")},
		func(c transform.Cols) actRow {
			col := c.Int32("floors")
			return func(p *transform.Parser, pt *actPoint) {
				v := p.Int32("floors", pt.Value)
				if p.Err == nil {
					col.Append(v)
				}
			}
		})
}
