package dataset

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// spo2_intraday: the SpO2 readings taken during the main sleep (about one a
// minute), under the date the sleep ended (see nightly.go for times).
//
// Fitbit: GET /1/user/-/spo2/date/{start}/{end}/all.json (scope
// oxygen_saturation), at most 30 days, key spo2-all/{start}_{end}. The
// answer is an array of {"dateTime","minutes":[{"value":95.7,"minute":"2026-11-20T04:02:17"}]}
// (a single object for one date is accepted too).
//
// Google Health: the oxygen-saturation samples (see google_more.go), 14
// days a request, key g/{mode}/oxygen-saturation/{start}_{end}; a row per
// sample at sampleTime.physicalTime, spo2_percent ← percentage.

func spo2Intraday() *Dataset {
	return &Dataset{
		Name:    "spo2_intraday",
		Doc:     "Blood oxygen saturation (SpO2) readings during the main sleep, about one a minute.",
		Kind:    TimeSeries,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.TimeUTC(),
			transform.TimeLocal(),
			transform.Float64("spo2_percent", false, "Blood oxygen saturation of the reading.", "%"),
		}, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes:    []string{"oxygen_saturation"},
			Requests:  rangeRequests("spo2-all", spo2Chunk, fitbitRangePath("spo2", "/all")),
			Transform: spo2IntradayTransform,
		}, Google: spo2IntradayGoogle()},
	}
}

type spo2NightJSON struct {
	DateTime string `json:"dateTime"`
	Minutes  []struct {
		Value  transform.Num `json:"value"`
		Minute string        `json:"minute"`
	} `json:"minutes"`
}

func (e spo2NightJSON) date() string { return e.DateTime }

func spo2IntradayTransform(in Input, b *array.RecordBuilder) error {
	nights, err := datedEntries[spo2NightJSON](in, kindIs("spo2-all"), "")
	if err != nil {
		return err
	}
	samples := map[dates.Date][]wallSample{}
	for d, e := range nights {
		p := transform.Parser{Dataset: in.Dataset, Day: d}
		for i, m := range e.Minutes {
			p.At = fmt.Sprintf("minute %d", i+1)
			w, err := transform.ParseWall(m.Minute)
			if err != nil {
				p.Fail("minute", err)
				return p.Err
			}
			p.At = m.Minute
			v := p.Float64("value", m.Value)
			if p.Err != nil {
				return p.Err
			}
			samples[d] = append(samples[d], wallSample{w, []*float64{&v}})
		}
	}
	appendNightSamples(in, transform.ColsOf(b), samples, []string{"spo2_percent"})
	return nil
}

func spo2IntradayGoogle() Spec {
	t := gSampleType("oxygen-saturation", gSpO2Days)
	return Spec{
		Scopes:    []string{googleScopeHealth},
		Requests:  func(o Options, r dates.Range) []Request { return t.requests(o, r, "") },
		Transform: spo2IntradayGoogleTransform,
		Notes:     "A reading belongs to the local day of its own wall clock, so the evening readings of a night are filed under the evening's day (Fitbit files the whole night under the date the sleep ended); the rows are the same.",
		ColumnNotes: map[string]string{
			"time_utc":   "The sample's physicalTime.",
			"time_local": "Derived: physicalTime + the utcOffset the API gives with the sample (no profile zone).",
		},
	}
}

func spo2IntradayGoogleTransform(in Input, b *array.RecordBuilder) error {
	rows, err := gSampleRows(in, gSampleType("oxygen-saturation", gSpO2Days), "oxygenSaturation",
		func(p *health.DataPoint) *health.ObservationSampleTime {
			if p.OxygenSaturation == nil {
				return nil
			}
			return p.OxygenSaturation.SampleTime
		},
		func(p *health.DataPoint, d dates.Date, wall int64) (float64, bool, error) {
			v := p.OxygenSaturation.Percentage
			return v, true, gCheck(in.Dataset, d, wall, "oxygenSaturation.percentage", v, 0, 100)
		})
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	ts, v := c.Series(), c.Float64("spo2_percent")
	for _, r := range rows {
		ts.Append(r.utc, r.wall)
		v.Append(r.v)
	}
	return nil
}
