package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/transform"
)

// heart_rate_zones: minutes and energy per heart-rate zone per day, from the
// heart summary (see heart_summary.go). Rows follow Fitbit's zone order (Out
// of Range, Fat Burn, Cardio, Peak); customHeartRateZones are not exported.
//
// Google Health does not serve this dataset. Its nearest data
// (time-in-heart-rate-zone and calories-in-heart-rate-zone rollups, with
// bounds from daily-heart-rate-zones) uses other zones (LIGHT, MODERATE,
// VIGOROUS, PEAK) with no documented correspondence to Fitbit's four, so
// the zone, min_bpm and max_bpm columns would be guesses, and it needs
// three kinds of request. Rather than fill Fitbit's columns with Google's
// zones, the dataset is Fitbit-only; a dataset of its own with Google's zone
// names is the way to add them.
func heartRateZones() *Dataset {
	return &Dataset{
		Name:    "heart_rate_zones",
		Doc:     "Minutes and energy per Fitbit heart-rate zone (Out of Range, Fat Burn, Cardio, Peak) per day.",
		Kind:    Daily,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.DateCol(),
			transform.String("zone", false, "Zone name: Out of Range, Fat Burn, Cardio or Peak."),
			transform.Int32("min_bpm", false, "Lower bound of the zone.", "beats/min"),
			transform.Int32("max_bpm", false, "Upper bound of the zone.", "beats/min"),
			transform.Int32("minutes", false, "Minutes spent in the zone.", "min"),
			transform.Float64("calories_kcal", true, "Energy burned in the zone (null when Fitbit gives none).", "kcal"),
		}, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes:    []string{"heartrate"},
			Requests:  heartSummaryRequests,
			Transform: heartRateZonesTransform,
		}},
	}
}

func heartRateZonesTransform(in Input, b *array.RecordBuilder) error {
	sums, err := heartSummaries(in)
	if err != nil {
		return err
	}
	cols := transform.ColsOf(b)
	date, zone := cols.Date32("date"), cols.String("zone")
	lo, hi, mins, cal := cols.Int32("min_bpm"), cols.Int32("max_bpm"), cols.Int32("minutes"), cols.Float64("calories_kcal")
	for _, d := range sortedDates(sums) {
		p := transform.Parser{Dataset: in.Dataset, Day: d}
		for _, z := range sums[d].HeartRateZones {
			a, b, m := p.Int32("min", z.Min), p.Int32("max", z.Max), p.Int32("minutes", z.Minutes)
			c := p.OptFloat64("caloriesOut", z.CaloriesOut)
			if p.Err != nil {
				return p.Err
			}
			date.AppendDate(d)
			zone.Append(z.Name)
			lo.Append(a)
			hi.Append(b)
			mins.Append(m)
			cal.AppendOpt(c)
		}
	}
	return nil
}
