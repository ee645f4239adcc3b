package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/transform"
)

// calories: energy burned per minute, with Fitbit's activity level and METs.
//
// Fitbit: from the activity intraday series (see activity_intraday.go), BMR
// included. Fitbit serves mets in tenths of a MET (10 = resting); the mets
// column holds METs (1.0 = resting).
//
// Google Health: the active-energy-burned interval type (kcal), six local
// days per request, key g/{mode}/active-energy-burned/{start}_{end}; one row
// per point (see gSeries). Google has no per-minute activity level or METs,
// so level and mets are null (hence nullable columns); and the type is the
// energy of activity, which by Google's definition leaves out the basal
// rate (basal-energy-burned, not read yet, would complete it).
func calories() *Dataset {
	d := activityIntraday("calories", "calories",
		"Energy burned per minute (basal metabolic rate included), with Fitbit's activity level and METs.",
		[]arrow.Field{
			transform.Float64("calories_kcal", false, "Energy burned in the minute, BMR included.", "kcal"),
			transform.Int8("level", true, "Fitbit activity level: 0 sedentary, 1 lightly, 2 fairly, 3 very active (null from Google Health).", ""),
			transform.Float64("mets", true, "Metabolic equivalent of the minute (1.0 = resting; Fitbit's value divided by 10; null from Google Health).", "MET"),
		},
		func(c transform.Cols) actRow {
			cal, lvl, mets := c.Float64("calories_kcal"), c.Int8("level"), c.Float64("mets")
			return func(p *transform.Parser, pt *actPoint) {
				v := p.Float64("calories_kcal", pt.Value)
				// level and mets are null when absent (a Google Takeout
				// archive has neither; the API always sends both).
				l := p.OptInt32("level", pt.Level)
				var m *float64
				if pt.Mets.Present() {
					x := p.Float64E("mets", pt.Mets, -1) // tenths → METs
					m = &x
				}
				if p.Err == nil && l != nil && (*l < 0 || *l > 3) {
					p.Fail("level", errLevel(*l))
				}
				if p.Err == nil {
					cal.Append(v)
					if l != nil {
						lvl.Append(int8(*l))
					} else {
						lvl.AppendNull()
					}
					if m != nil {
						mets.Append(*m)
					} else {
						mets.AppendNull()
					}
				}
			}
		})
	d.Sources[Google] = gSeries{
		typ:   gType{name: "active-energy-burned", filter: gInterval, days: 6, pageSize: 10000},
		field: "activeEnergyBurned.kcal",
		value: func(p *health.DataPoint) (*health.ObservationTimeInterval, float64) {
			if p.ActiveEnergyBurned == nil {
				return nil, 0
			}
			return p.ActiveEnergyBurned.Interval, p.ActiveEnergyBurned.Kcal
		},
		appender: func(c transform.Cols) func(float64) {
			cal, lvl, mets := c.Float64("calories_kcal"), c.Int8("level"), c.Float64("mets")
			return func(v float64) {
				cal.Append(v)
				lvl.AppendNull()
				mets.AppendNull()
			}
		},
	}.spec(gSeriesDoc+" Google gives active energy only (no basal rate), and no per-minute level or METs.", gSeriesNotes(map[string]string{
		"calories_kcal": "Differs: active-energy-burned kcal, the energy of activity only; the basal metabolic rate is not included.",
		"level":         "Null: Google has no per-minute activity level.",
		"mets":          "Null: Google has no per-minute METs.",
	}))
	return d
}
