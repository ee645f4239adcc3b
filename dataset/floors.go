package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/transform"
)

// floors: floors climbed per minute.
//
// Fitbit: from the activity intraday series (see activity_intraday.go).
//
// Google Health: the floors interval type (count). It has no list method,
// so it is always read with :reconcile, whatever Options.GoogleMode says;
// 30 local days per request (points exist only for minutes with a climb),
// key g/reconcile/floors/{start}_{end}; one row per point (see gSeries).
func floors() *Dataset {
	d := activityIntraday("floors", "floors",
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
	d.Sources[Google] = gSeries{
		typ:   gType{name: "floors", filter: gInterval, days: 30, pageSize: 10000, noList: true},
		field: "floors.count",
		value: func(p *health.DataPoint) (*health.ObservationTimeInterval, float64) {
			if p.Floors == nil {
				return nil, 0
			}
			return p.Floors.Interval, float64(p.Floors.Count)
		},
		check: checkInt32,
		appender: func(c transform.Cols) func(float64) {
			col := c.Int32("floors")
			return func(v float64) { col.Append(int32(v)) }
		},
	}.spec(gSeriesDoc+" Always read with :reconcile (floors has no list method).", gSeriesNotes(nil))
	return d
}
