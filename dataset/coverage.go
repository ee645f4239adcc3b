package dataset

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// coverage: one row per exported day saying how much of it the tracker saw,
// so analysts can drop days the device was not worn. Activity intraday lists
// zeros whether the tracker was worn or not; heart rate is the wear signal.
//
// Fitbit: it reads answers other datasets fetch anyway — the day's heart
// intraday (key heart/{detail}/{d}, shared with heart_rate), the day's steps
// intraday (activity/steps/1min/{d}, shared with steps) and the sleep
// chunks (shared with sleep_sessions) — so with those datasets selected it
// costs no request. wear_minutes counts the distinct minutes with a heart
// sample; at 5min or 15min detail it counts intervals with data times their
// length (an upper bound). tracker_last_sync_utc is the tracker's last sync
// when the day was fetched: a day fetched before the tracker synced past its
// end is fetched again later (late sync). The fetch time itself is not a
// column, so that the same answers always give the same bytes.
//
// Google Health: not served yet (it needs a rule for wear from heart-rate
// samples across pages; planned).
func coverage() *Dataset {
	return &Dataset{
		Name:    "coverage",
		Doc:     "Per day: minutes with heart-rate data (wear time), whether heart rate, steps and sleep were recorded, and the tracker's last sync when fetched.",
		Kind:    Daily,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.DateCol(),
			transform.Int32("wear_minutes", false, "Minutes with at least one heart-rate sample (the tracker was worn).", "min"),
			transform.Bool("has_heart_rate", false, "The day has heart-rate samples."),
			transform.Bool("has_resting_heart_rate", false, "Fitbit computed a resting heart rate for the day."),
			transform.Bool("has_steps", false, "The day's step total is above zero."),
			transform.Bool("has_sleep", false, "A sleep log ended on this day."),
			transform.Field("tracker_last_sync_utc", transform.InstantType(), true, "The tracker's last sync when the day was fetched.", ""),
		}, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes: []string{"heartrate", "activity", "sleep"},
			Requests: func(o Options, r dates.Range) []Request {
				out := perDay(r, func(d dates.Date) Request { return heartDayRequest(o, d) })
				out = append(out, perDay(r, func(d dates.Date) Request { return activityDayRequest("steps", d) })...)
				return append(out, sleepRequests(o, r)...)
			},
			Transform: coverageTransform,
		}},
	}
}

type coverageHeartDoc struct {
	Summary []struct {
		Value struct {
			RestingHeartRate *transform.Num `json:"restingHeartRate"`
		} `json:"value"`
	} `json:"activities-heart"`
	Intraday *struct {
		Dataset []struct {
			Time string `json:"time"`
		} `json:"dataset"`
	} `json:"activities-heart-intraday"`
}

type coverageStepsDoc struct {
	Total []struct {
		Value transform.Num `json:"value"`
	} `json:"activities-steps"`
}

func coverageTransform(in Input, b *array.RecordBuilder) error {
	heart, err := wantedDays(in, isHeartDayKey)
	if err != nil {
		return err
	}
	steps, err := wantedDays(in, func(k string) bool { return strings.HasPrefix(k, "activity/steps/") })
	if err != nil {
		return err
	}
	hasSteps := map[dates.Date]bool{}
	for _, dr := range steps {
		p := transform.Parser{Dataset: in.Dataset, Day: dr.day}
		err := decodePages(in.Dataset, dr.resp, func(doc *coverageStepsDoc) error {
			for _, t := range doc.Total {
				if p.Float64("steps", t.Value) > 0 {
					hasSteps[dr.day] = true
				}
			}
			return p.Err
		})
		if err != nil {
			return err
		}
	}
	logs, err := sleepLogs(in)
	if err != nil {
		return err
	}
	hasSleep := map[dates.Date]bool{}
	for _, lg := range logs {
		hasSleep[lg.day] = true
	}
	c := transform.ColsOf(b)
	date, wear, hasHR, hasRHR := c.Date32("date"), c.Int32("wear_minutes"), c.Bool("has_heart_rate"), c.Bool("has_resting_heart_rate")
	hasSt, hasSl, sync := c.Bool("has_steps"), c.Bool("has_sleep"), c.Timestamp("tracker_last_sync_utc")
	for _, dr := range heart {
		p := transform.Parser{Dataset: in.Dataset, Day: dr.day}
		per := int64(1)
		if parts := keyParts(dr.resp.Request.Key); len(parts) == 3 {
			switch parts[1] {
			case "5min":
				per = 5
			case "15min":
				per = 15
			}
		}
		clock := transform.NewDayClock(in.Zone(dr.day), dr.day)
		minutes := map[int64]bool{}
		rhr := false
		err := decodePages(in.Dataset, dr.resp, func(doc *coverageHeartDoc) error {
			for _, s := range doc.Summary {
				if s.Value.RestingHeartRate != nil && s.Value.RestingHeartRate.Present() {
					rhr = true
				}
			}
			if doc.Intraday == nil {
				return fmt.Errorf("%s %s: the answer has no activities-heart-intraday", in.Dataset, dr.day)
			}
			for _, pt := range doc.Intraday.Dataset {
				p.At = pt.Time
				utc, _, err := clock.Clock(pt.Time)
				if err != nil {
					p.Fail("time", err)
					return p.Err
				}
				minutes[utc/60000] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		date.AppendDate(dr.day)
		wear.Append(int32(int64(len(minutes)) * per))
		hasHR.Append(len(minutes) > 0)
		hasRHR.Append(rhr)
		hasSt.Append(hasSteps[dr.day])
		hasSl.Append(hasSleep[dr.day])
		appendInstant(sync, dr.resp.LastSync)
	}
	return nil
}

// appendInstant appends t as a UTC millisecond timestamp, null when zero.
func appendInstant(b *array.TimestampBuilder, t time.Time) {
	if t.IsZero() {
		b.AppendNull()
		return
	}
	b.Append(arrow.Timestamp(t.UnixMilli()))
}
