package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/transform"
)

// hrv_daily: nightly heart-rate variability (RMSSD), one row per night with
// a main sleep, under the date the sleep ended (see nightly.go).
//
// Fitbit: GET /1/user/-/hrv/date/{start}/{end}.json, at most 30 days, key
// hrv/{start}_{end} → {"hrv":[{"dateTime","value":{"dailyRmssd","deepRmssd"}}]}.
// Fitbit's documentation lists the heartrate scope for the HRV endpoints
// (there is no HRV scope of its own). deepRmssd is null when absent (e.g.
// no deep sleep was recognised).

const hrvChunk = 30

func hrvDaily() *Dataset {
	return dailyDataset("hrv_daily",
		"Nightly heart-rate variability (RMSSD) over the main sleep and over its deep sleep, under the date the sleep ended.",
		"heartrate",
		[]arrow.Field{
			transform.Float64("daily_rmssd_ms", false, "Root mean square of successive heartbeat-interval differences over the main sleep.", "ms"),
			transform.Float64("deep_rmssd_ms", true, "The same over deep sleep only (null when not given).", "ms"),
		},
		rangeRequests("hrv", hrvChunk, fitbitRangePath("hrv", "")),
		hrvDailyTransform)
}

type hrvDayJSON struct {
	DateTime string `json:"dateTime"`
	Value    struct {
		DailyRmssd transform.Num `json:"dailyRmssd"`
		DeepRmssd  transform.Num `json:"deepRmssd"`
	} `json:"value"`
}

func (e hrvDayJSON) date() string { return e.DateTime }

func hrvDailyTransform(in Input, b *array.RecordBuilder) error {
	days, err := datedEntries[hrvDayJSON](in, kindIs("hrv"), "hrv")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, daily, deep := c.Date32("date"), c.Float64("daily_rmssd_ms"), c.Float64("deep_rmssd_ms")
	for _, d := range sortedDates(days) {
		e := days[d]
		if !e.Value.DailyRmssd.Present() {
			continue
		}
		p := transform.Parser{Dataset: in.Dataset, Day: d}
		v := p.Float64("value.dailyRmssd", e.Value.DailyRmssd)
		dp := p.OptFloat64("value.deepRmssd", e.Value.DeepRmssd)
		if p.Err != nil {
			return p.Err
		}
		date.AppendDate(d)
		daily.Append(v)
		deep.AppendOpt(dp)
	}
	return nil
}
