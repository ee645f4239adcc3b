package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/fitexport/fitexport/transform"
)

// calories: energy burned per minute (BMR included), with Fitbit's activity
// level and METs, from the activity intraday series (see
// activity_intraday.go). Fitbit serves mets in tenths of a MET (10 = resting);
// the mets column holds METs (1.0 = resting).
func calories() *Dataset {
	return activityIntraday("calories", "calories",
		"Energy burned per minute (basal metabolic rate included), with Fitbit's activity level and METs.",
		[]arrow.Field{
			transform.Float64("calories_kcal", false, "Energy burned in the minute, BMR included.", "kcal"),
			transform.Int8("level", false, "Fitbit activity level: 0 sedentary, 1 lightly, 2 fairly, 3 very active.", ""),
			transform.Float64("mets", false, "Metabolic equivalent of the minute (1.0 = resting; Fitbit's value divided by 10).", "MET"),
		},
		func(c transform.Cols) actRow {
			cal, lvl, mets := c.Float64("calories_kcal"), c.Int8("level"), c.Float64("mets")
			return func(p *transform.Parser, pt *actPoint) {
				v := p.Float64("calories_kcal", pt.Value)
				l := p.Int32("level", pt.Level)
				m := p.Float64E("mets", pt.Mets, -1) // tenths → METs
				if p.Err == nil && (l < 0 || l > 3) {
					p.Fail("level", errLevel(l))
				}
				if p.Err == nil {
					cal.Append(v)
					lvl.Append(int8(l))
					mets.Append(m)
				}
			}
		})
}
