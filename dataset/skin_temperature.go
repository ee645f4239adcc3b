package dataset

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/transform"
)

// skin_temperature: the nightly skin temperature relative to the user's
// baseline, one row per night with a main sleep, under the date the sleep
// ended (see nightly.go).
//
// Fitbit: GET /1/user/-/temp/skin/date/{start}/{end}.json (scope
// temperature), at most 30 days, key temp-skin/{start}_{end} →
// {"tempSkin":[{"dateTime","value":{"nightlyRelative":-0.3},"logType":"dedicated_temp_sensor"}]}.
// Fitbit gives only the relative value: nightly_c and baseline_c are null
// for this source (they are filled where a source has absolute values).

func skinTemperature() *Dataset {
	return dailyDataset("skin_temperature",
		"Nightly skin temperature during the main sleep, relative to the personal baseline (and absolute where the source gives it), under the date the sleep ended.",
		"temperature",
		[]arrow.Field{
			transform.Float64("nightly_relative_c", false, "Nightly skin temperature minus the personal baseline.", "°C"),
			transform.Float64("nightly_c", true, "Nightly skin temperature (null when the source gives only the relative value).", "°C"),
			transform.Float64("baseline_c", true, "The personal baseline skin temperature (null when the source does not give it).", "°C"),
			transform.String("log_type", true, "How it was measured: dedicated_temp_sensor or other_sensors (Fitbit's logType)."),
		},
		rangeRequests("temp-skin", 30, fitbitRangePath("temp/skin", "")),
		skinTemperatureTransform)
}

type tempSkinJSON struct {
	DateTime string `json:"dateTime"`
	Value    struct {
		NightlyRelative transform.Num `json:"nightlyRelative"`
	} `json:"value"`
	LogType *string `json:"logType"`
}

func (e tempSkinJSON) date() string { return e.DateTime }

func skinTemperatureTransform(in Input, b *array.RecordBuilder) error {
	days, err := datedEntries[tempSkinJSON](in, kindIs("temp-skin"), "tempSkin")
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	date, rel, abs, base, lt := c.Date32("date"), c.Float64("nightly_relative_c"), c.Float64("nightly_c"), c.Float64("baseline_c"), c.String("log_type")
	for _, d := range sortedDates(days) {
		e := days[d]
		if !e.Value.NightlyRelative.Present() {
			continue
		}
		p := transform.Parser{Dataset: in.Dataset, Day: d}
		v := p.Float64("value.nightlyRelative", e.Value.NightlyRelative)
		if p.Err != nil {
			return p.Err
		}
		date.AppendDate(d)
		rel.Append(v)
		abs.AppendNull()
		base.AppendNull()
		appendOptString(lt, e.LogType)
	}
	return nil
}
