package dataset

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// heart_rate: intraday heart rate, one request per day.
//
// Fitbit: GET /1/user/-/activities/heart/date/{d}/1d/{detail}.json (scope
// heartrate), one per local day, key heart/{detail}/{d}. Rows come from
// activities-heart-intraday.dataset, whose times are the wall clock of the
// day in the profile zone (see transform.DayClock for DST). Minutes with no
// wear are simply missing, so heart rate is the wear signal (activity
// intraday lists zeros whether worn or not). The same answer carries the
// day's summary, which resting_heart_rate and heart_rate_zones reuse.

func heartRate() *Dataset {
	return &Dataset{
		Name:    "heart_rate",
		Doc:     "Heart rate samples through the day (every 1 s to 15 min, per --heart-detail); missing samples mean the tracker was not worn.",
		Kind:    TimeSeries,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.TimeUTC(),
			transform.TimeLocal(),
			transform.Int32("bpm", false, "Heart rate (mean over the interval for 1min/5min/15min detail).", "beats/min"),
		}, nil),
		Sources: map[Source]Spec{
			Fitbit: {
				Scopes: []string{"heartrate"},
				Requests: func(o Options, r dates.Range) []Request {
					return perDay(r, func(d dates.Date) Request { return heartDayRequest(o, d) })
				},
				Transform: heartRateTransform,
			},
			Google: {
				Scopes: []string{googleScopeHealth},
				Requests: func(o Options, r dates.Range) []Request {
					return gHeartRate().requests(o, r, heartDetail(o))
				},
				Transform: heartRateGoogleTransform,
				Notes:     "The API serves raw samples a few seconds apart; fitexport keeps them at --heart-detail 1sec and averages them per 1, 5 or 15 minutes otherwise.",
				ColumnNotes: map[string]string{
					"time_utc":   "The sample's physicalTime (1sec), or the start of the 1/5/15-minute interval.",
					"time_local": "Derived: time_utc + the utcOffset the API gives with the sample (no profile zone).",
					"bpm":        "Derived at 1min/5min/15min: the rounded mean of the raw samples in the interval, computed by fitexport; at 1sec the raw samples.",
				},
			},
		},
	}
}

// gHeartRate is the Google heart-rate type: one local day per request (a
// day is several pages).
func gHeartRate() gType {
	return gType{name: "heart-rate", filter: gSample, days: 1, pageSize: 10000}
}

// heartDetail is o.HeartDetail, 1min when unset.
func heartDetail(o Options) string {
	if o.HeartDetail == "" {
		return "1min"
	}
	return o.HeartDetail
}

// heartDayRequest is the one-day heart-rate intraday request.
func heartDayRequest(o Options, d dates.Date) Request {
	det := heartDetail(o)
	return dayRequest("heart/"+det+"/"+d.String(),
		"/1/user/-/activities/heart/date/"+d.String()+"/1d/"+det+".json", d)
}

// isHeartDayKey matches heart/{detail}/{d}.
func isHeartDayKey(key string) bool {
	p := keyParts(key)
	return len(p) == 3 && p[0] == "heart"
}

func heartRateTransform(in Input, b *array.RecordBuilder) error {
	days, err := wantedDays(in, isHeartDayKey)
	if err != nil {
		return err
	}
	size := 0
	for _, dr := range days {
		for _, p := range dr.resp.Pages {
			size += len(p)
		}
	}
	b.Reserve(transform.IntradayRowsEstimate(size))
	cols := transform.ColsOf(b)
	ts, bpm := cols.Series(), cols.Int32("bpm")
	for _, dr := range days {
		p := transform.Parser{Dataset: in.Dataset, Day: dr.day}
		clock := transform.NewDayClock(in.Zone(dr.day), dr.day)
		err := scanIntradayPages(in.Dataset, dr.resp, "activities-heart-intraday", func() error {
			return fmt.Errorf("%s %s: the answer has no activities-heart-intraday: intraday data needs a Personal app (or Fitbit's approval for other app types)", in.Dataset, dr.day)
		}, func(pt *transform.IntradayPoint) error {
			p.At = pt.Time
			utc, wall, err := clock.Clock(pt.Time)
			if err != nil {
				p.Fail("time", err)
				return p.Err
			}
			v := p.Int32("bpm", pt.Value)
			if p.Err != nil {
				return p.Err
			}
			ts.Append(utc, wall)
			bpm.Append(v)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// heartDetailMinutes is the interval of a detail: 0 for 1sec (every
// sample), 1, 5 or 15.
func heartDetailMinutes(det string) (int64, bool) {
	switch det {
	case "1sec":
		return 0, true
	case "1min":
		return 1, true
	case "5min":
		return 5, true
	case "15min":
		return 15, true
	}
	return 0, false
}

type gHeartSample struct {
	utc, off int64
	bpm      int64
	dev      string
}

type gHeartRow struct {
	utc, wall int64
	bpm       int32
	dev       string
}

func heartRateGoogleTransform(in Input, b *array.RecordBuilder) error {
	t := gHeartRate()
	var rows []gHeartRow
	for _, resp := range in.Responses {
		key := resp.Request.Key
		if !t.owns(key) {
			continue
		}
		p := keyParts(key)
		n, ok := heartDetailMinutes(p[3])
		if len(p) != 5 || !ok {
			return fmt.Errorf("%s: response %s: want a key g/{mode}/heart-rate/{1sec|1min|5min|15min}/{span}", in.Dataset, key)
		}
		var samples []gHeartSample
		w := wantCache{in: in, key: key}
		err := gPoints(in.Dataset, resp, func(pt *health.DataPoint) error {
			h := pt.HeartRate
			if h == nil || h.SampleTime == nil {
				return fmt.Errorf("%s: response %s: a data point has no heartRate.sampleTime", in.Dataset, key)
			}
			utc, wall, err := gStamp(h.SampleTime.PhysicalTime, h.SampleTime.UtcOffset)
			if err != nil {
				return fmt.Errorf("%s: response %s: field heartRate.sampleTime: %w", in.Dataset, key, err)
			}
			day := transform.WallDate(wall)
			if !w.want(day) {
				return nil
			}
			if h.BeatsPerMinute <= 0 || h.BeatsPerMinute > math.MaxInt32 {
				return fmt.Errorf("%s %s %s: field beatsPerMinute: missing or out of range: %d", in.Dataset, day, gAt(wall), h.BeatsPerMinute)
			}
			samples = append(samples, gHeartSample{utc, wall - utc, h.BeatsPerMinute, gDevice(pt)})
			return nil
		})
		if err != nil {
			return err
		}
		// Pages may come newest first: restore time order (then device).
		slices.SortStableFunc(samples, func(a, b gHeartSample) int {
			return cmp.Or(cmp.Compare(a.utc, b.utc), cmp.Compare(a.dev, b.dev))
		})
		rows = heartAggregate(rows, samples, n)
	}
	slices.SortStableFunc(rows, func(a, b gHeartRow) int {
		return cmp.Or(cmp.Compare(a.utc, b.utc), cmp.Compare(a.dev, b.dev))
	})
	cols := transform.ColsOf(b)
	ts, bpm := cols.Series(), cols.Int32("bpm")
	for _, r := range rows {
		ts.Append(r.utc, r.wall)
		bpm.Append(r.bpm)
	}
	return nil
}

// heartAggregate appends the rows of time-ordered samples at n minutes (0:
// every sample): one row per n-minute interval of the instant line that has
// samples, at the interval's start, with the rounded mean of its samples and
// the wall clock of the interval's first sample's offset (a DST change falls
// on an interval boundary, so every sample of an interval shares it).
func heartAggregate(rows []gHeartRow, samples []gHeartSample, n int64) []gHeartRow {
	if n == 0 {
		for _, s := range samples {
			rows = append(rows, gHeartRow{s.utc, s.utc + s.off, int32(s.bpm), s.dev})
		}
		return rows
	}
	width := n * 60 * 1000
	for i := 0; i < len(samples); {
		start := floorDiv(samples[i].utc, width) * width
		off := samples[i].off
		var sum, cnt int64
		for ; i < len(samples) && samples[i].utc < start+width; i++ {
			sum += samples[i].bpm
			cnt++
		}
		rows = append(rows, gHeartRow{start, start + off, int32(math.Round(float64(sum) / float64(cnt))), ""})
	}
	return rows
}

// floorDiv is a/b rounded towards minus infinity (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
