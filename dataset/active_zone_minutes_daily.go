package dataset

import (
	"fmt"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"
	"math"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// active_zone_minutes_daily: a day's Active Zone Minutes, in total and per
// heart-rate zone.
//
// Fitbit: GET /1/user/-/activities/active-zone-minutes/date/{start}/{end}.json
// (scope activity), in chunks of at most Options.DailyRangeCap days (the
// documented maximum, 1095, by default), key azm-daily/{start}_{end} →
// {"activities-active-zone-minutes":[{"dateTime","value":{"activeZoneMinutes":21,"fatBurnActiveZoneMinutes":5,"cardioActiveZoneMinutes":12,"peakActiveZoneMinutes":4}}]}.
// A day listed without activeZoneMinutes has no row; an absent zone value
// is null.
//
// Google Health: POST …/active-zone-minutes/dataPoints:dailyRollUp, one
// window a day, at most 90 days a request (active-zone-minutes is not one
// of the 14-day types), key g/rollup/active-zone-minutes/{start}_{end} →
// {"rollupDataPoints":[{"civilStartTime","civilEndTime","activeZoneMinutes":{"sumInFatBurnHeartZone":"5","sumInCardioHeartZone":"12","sumInPeakHeartZone":"4"}}]}
// (ActiveZoneMinutesRollupValue). The sums are Active Zone Minutes (a
// cardio or peak minute counts 2), like Fitbit's per-zone values; an
// absent sum is 0 (proto3 omits zeros) and active_zone_minutes is their
// total. The rollup lists only days with data, so days without any have no
// row where Fitbit lists 0.

func activeZoneMinutesDaily() *Dataset {
	zone := func(name, z string) arrow.Field {
		return transform.Int32(name, true, "Active Zone Minutes earned in the "+z+" zone.", "min")
	}
	d := dailyDataset("active_zone_minutes_daily",
		"Active Zone Minutes per day, in total and per heart-rate zone.",
		"activity",
		[]arrow.Field{
			transform.Int32("active_zone_minutes", false, "Active Zone Minutes earned in the day (fat-burn minutes count once, cardio and peak minutes twice).", "min"),
			zone("fat_burn_active_zone_minutes", "fat burn"),
			zone("cardio_active_zone_minutes", "cardio"),
			zone("peak_active_zone_minutes", "peak"),
		},
		func(o Options, r dates.Range) []Request {
			return rangeRequests("azm-daily", dailyCap(o), fitbitRangePath("activities/active-zone-minutes", ""))(o, r)
		},
		activeZoneMinutesDailyTransform)
	d.Sources[Google] = activeZoneMinutesDailyGoogle()
	return d
}

type azmDayJSON struct {
	DateTime string       `json:"dateTime"`
	Value    azmValueJSON `json:"value"`
}

func (e azmDayJSON) date() string { return e.DateTime }

func activeZoneMinutesDailyTransform(in Input, b *array.RecordBuilder) error {
	days, err := datedEntries[azmDayJSON](in, kindIs("azm-daily"), "activities-active-zone-minutes")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, total := c.Date32("date"), c.Int32("active_zone_minutes")
	fat, cardio, peak := c.Int32("fat_burn_active_zone_minutes"), c.Int32("cardio_active_zone_minutes"), c.Int32("peak_active_zone_minutes")
	for _, d := range sortedDates(days) {
		v := days[d].Value
		if !v.Total.Present() {
			continue
		}
		p := transform.Parser{Dataset: in.Dataset, Day: d}
		t := p.Int32("value.activeZoneMinutes", v.Total)
		f := p.OptInt32("value.fatBurnActiveZoneMinutes", v.FatBurn)
		ca := p.OptInt32("value.cardioActiveZoneMinutes", v.Cardio)
		pk := p.OptInt32("value.peakActiveZoneMinutes", v.Peak)
		if p.Err != nil {
			return p.Err
		}
		date.AppendDate(d)
		total.Append(t)
		fat.AppendOpt(f)
		cardio.AppendOpt(ca)
		peak.AppendOpt(pk)
	}
	return nil
}

func activeZoneMinutesDailyGoogle() Spec {
	return Spec{
		Scopes: []string{googleScopeActivity},
		Requests: func(_ Options, r dates.Range) []Request {
			return rollupRequests("active-zone-minutes", rollupLong, r)
		},
		Transform: activeZoneMinutesDailyGoogleTransform,
		Notes:     "The daily rollup lists only days with data: days without any have no row (Fitbit lists them with 0).",
		ColumnNotes: map[string]string{
			"active_zone_minutes":          "Derived: sumInFatBurnHeartZone + sumInCardioHeartZone + sumInPeakHeartZone.",
			"fat_burn_active_zone_minutes": "The window's sumInFatBurnHeartZone (0 when absent).",
			"cardio_active_zone_minutes":   "The window's sumInCardioHeartZone (0 when absent).",
			"peak_active_zone_minutes":     "The window's sumInPeakHeartZone (0 when absent).",
		},
	}
}

func activeZoneMinutesDailyGoogleTransform(in Input, b *array.RecordBuilder) error {
	type row struct {
		day             dates.Date
		fat, card, peak int32
	}
	byDay := map[dates.Date]row{}
	for _, resp := range in.Responses {
		key := resp.Request.Key
		if !isRollupKey(key, "active-zone-minutes") {
			continue
		}
		err := gRollups(in.Dataset, resp, func(d dates.Date, p *health.DailyRollupDataPoint) error {
			a := p.ActiveZoneMinutes
			if a == nil || !in.Want(d, key) {
				return nil
			}
			r := row{day: d}
			for _, f := range []struct {
				name string
				v    int64
				dst  *int32
			}{{"sumInFatBurnHeartZone", a.SumInFatBurnHeartZone, &r.fat}, {"sumInCardioHeartZone", a.SumInCardioHeartZone, &r.card}, {"sumInPeakHeartZone", a.SumInPeakHeartZone, &r.peak}} {
				if f.v < 0 || f.v > math.MaxInt32/3 {
					return transform.FieldError(in.Dataset, d, "activeZoneMinutes."+f.name, fmt.Errorf("out of range: %d", f.v))
				}
				*f.dst = int32(f.v)
			}
			byDay[d] = r
			return nil
		})
		if err != nil {
			return err
		}
	}
	c := transform.ColsOf(b)
	date, total := c.Date32("date"), c.Int32("active_zone_minutes")
	fat, cardio, peak := c.Int32("fat_burn_active_zone_minutes"), c.Int32("cardio_active_zone_minutes"), c.Int32("peak_active_zone_minutes")
	for _, d := range sortedDates(byDay) {
		r := byDay[d]
		date.AppendDate(d)
		total.Append(r.fat + r.card + r.peak)
		fat.Append(r.fat)
		cardio.Append(r.card)
		peak.Append(r.peak)
	}
	return nil
}
