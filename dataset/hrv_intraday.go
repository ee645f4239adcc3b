package dataset

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

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
//
// Google Health: the heart-rate-variability samples (see google_more.go),
// 30 days a request, key g/{mode}/heart-rate-variability/{start}_{end}; a
// row per sample with rootMeanSquareOfSuccessiveDifferencesMilliseconds
// (a sample without it — an SDNN-only measurement — has no row), hf and lf
// ← metadata.highFrequencyPower / lowFrequencyPower; Google has no
// coverage.

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
		}, Google: hrvIntradayGoogle()},
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

func hrvIntradayGoogle() Spec {
	t := gSampleType("heart-rate-variability", gHRVDays)
	return Spec{
		Scopes:    []string{googleScopeHealth},
		Requests:  func(o Options, r dates.Range) []Request { return t.requests(o, r, "") },
		Transform: hrvIntradayGoogleTransform,
		Notes:     "A window belongs to the local day of its own wall clock, so the evening windows of a night are filed under the evening's day (Fitbit files the whole night under the date the sleep ended); samples without an RMSSD (SDNN only) have no row.",
		ColumnNotes: map[string]string{
			"time_utc":   "The sample's physicalTime.",
			"time_local": "Derived: physicalTime + the utcOffset the API gives with the sample (no profile zone).",
			"coverage":   "Null: Google gives no data coverage.",
			"hf":         "The sample's metadata.highFrequencyPower.",
			"lf":         "The sample's metadata.lowFrequencyPower.",
		},
	}
}

func hrvIntradayGoogleTransform(in Input, b *array.RecordBuilder) error {
	type val struct{ rmssd, hf, lf float64 }
	rows, err := gSampleRows(in, gSampleType("heart-rate-variability", gHRVDays), "heartRateVariability",
		func(p *health.DataPoint) *health.ObservationSampleTime {
			if p.HeartRateVariability == nil {
				return nil
			}
			return p.HeartRateVariability.SampleTime
		},
		func(p *health.DataPoint, d dates.Date, wall int64) (val, bool, error) {
			h := p.HeartRateVariability
			v := val{rmssd: h.RootMeanSquareOfSuccessiveDifferencesMilliseconds}
			if m := h.Metadata; m != nil {
				v.hf, v.lf = m.HighFrequencyPower, m.LowFrequencyPower
			}
			for _, f := range []struct {
				name string
				v    float64
			}{{"rootMeanSquareOfSuccessiveDifferencesMilliseconds", v.rmssd}, {"metadata.highFrequencyPower", v.hf}, {"metadata.lowFrequencyPower", v.lf}} {
				if err := gCheck(in.Dataset, d, wall, "heartRateVariability."+f.name, f.v, 0, math.MaxFloat64); err != nil {
					return v, false, err
				}
			}
			return v, v.rmssd != 0, nil
		})
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	ts, rm, cov, hf, lf := c.Series(), c.Float64("rmssd_ms"), c.Float64("coverage"), c.Float64("hf"), c.Float64("lf")
	for _, r := range rows {
		ts.Append(r.utc, r.wall)
		rm.Append(r.v.rmssd)
		cov.AppendNull()
		hf.AppendOpt(gOpt(r.v.hf))
		lf.AppendOpt(gOpt(r.v.lf))
	}
	return nil
}
