package dataset

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// hrv_intraday: heart-rate variability in 5-minute windows of the main
// sleep, under the date the sleep ended (see nightly.go for times).
//
// Fitbit: GET /1/user/-/hrv/date/{start}/{end}/all.json (scope heartrate),
// at most 30 days, key hrv-all/{start}_{end} →
// {"hrv":[{"dateTime","minutes":[{"minute":"2026-11-20T01:05:00.000","value":{"rmssd","coverage","hf","lf"}}]}]}.
// coverage, hf and lf are null when absent.

func hrvIntraday() *Dataset {
	return &Dataset{
		Name:    "hrv_intraday",
		Doc:     "Heart-rate variability in 5-minute windows of the main sleep: RMSSD, data coverage and the high- and low-frequency power.",
		Kind:    TimeSeries,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.TimeUTC(),
			transform.TimeLocal(),
			transform.Float64("rmssd_ms", false, "Root mean square of successive heartbeat-interval differences in the window.", "ms"),
			transform.Float64("coverage", true, "Share of the window with good-quality heartbeat data, 0 to 1.", ""),
			transform.Float64("hf", true, "Power of heartbeat-interval variation in the high-frequency band (0.15–0.4 Hz).", "ms²"),
			transform.Float64("lf", true, "Power of heartbeat-interval variation in the low-frequency band (0.04–0.15 Hz).", "ms²"),
		}, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes:    []string{"heartrate"},
			Requests:  rangeRequests("hrv-all", hrvChunk, fitbitRangePath("hrv", "/all")),
			Transform: hrvIntradayTransform,
		}},
	}
}

type hrvNightJSON struct {
	DateTime string `json:"dateTime"`
	Minutes  []struct {
		Minute string `json:"minute"`
		Value  struct {
			Rmssd    transform.Num `json:"rmssd"`
			Coverage transform.Num `json:"coverage"`
			HF       transform.Num `json:"hf"`
			LF       transform.Num `json:"lf"`
		} `json:"value"`
	} `json:"minutes"`
}

func (e hrvNightJSON) date() string { return e.DateTime }

func hrvIntradayTransform(in Input, b *array.RecordBuilder) error {
	nights, err := datedEntries[hrvNightJSON](in, kindIs("hrv-all"), "hrv")
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
			v := p.Float64("value.rmssd", m.Value.Rmssd)
			cov := p.OptFloat64("value.coverage", m.Value.Coverage)
			hf := p.OptFloat64("value.hf", m.Value.HF)
			lf := p.OptFloat64("value.lf", m.Value.LF)
			if p.Err != nil {
				return p.Err
			}
			samples[d] = append(samples[d], wallSample{w, []*float64{&v, cov, hf, lf}})
		}
	}
	appendNightSamples(in, transform.ColsOf(b), samples, []string{"rmssd_ms", "coverage", "hf", "lf"})
	return nil
}
