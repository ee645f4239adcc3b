package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

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

func activeZoneMinutesDaily() *Dataset {
	zone := func(name, z string) arrow.Field {
		return transform.Int32(name, true, "Active Zone Minutes earned in the "+z+" zone.", "min")
	}
	return dailyDataset("active_zone_minutes_daily",
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
