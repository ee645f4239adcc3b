package dataset

import (
	"cmp"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"

	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// Helpers of the Google Health side of the nightly metrics, Active Zone
// Minutes, body logs, exercises, devices and profile (see google.go for
// requests, decoding and time).
//
// Daily types (daily-oxygen-saturation, daily-heart-rate-variability,
// daily-respiratory-rate, daily-sleep-temperature-derivations,
// daily-vo2-max) are filtered on {snake}.date, 365 days a request (one point
// a night); a row's date is the point's date, which Google, like Fitbit,
// gives to the night's main sleep. Sample types (oxygen-saturation,
// heart-rate-variability, weight, body-fat) are read per local day of the
// sample's wall clock (sampleTime.physicalTime + utcOffset), so a reading
// taken before midnight belongs to the evening's day, where Fitbit files a
// night's readings under the date the sleep ended: the rows are the same,
// only the day that owns them (and so the partition a refetch replaces)
// differs. exercise is filtered on exercise.interval.civil_start_time, 25
// points a page (the type's maximum).
//
// A value the API omits is null: proto3 JSON omits zero values, so an
// optional value of exactly 0 cannot be told from an absent one.

// More Google Health read scopes.
const (
	googleScopeSettings = googleScopePrefix + "settings.readonly"
	googleScopeProfile  = googleScopePrefix + "profile.readonly"
)

// Request spans of the types of this file (days a request).
const (
	gDailyDays    = 365 // one point a night
	gSpO2Days     = 14  // about 480 readings a night
	gHRVDays      = 30  // about 100 windows a night
	gAZMDays      = 30  // at most a few hundred minutes a day
	gBodyDays     = 365 // at most a few logs a day
	gExerciseDays = 30  // a few a day: pages of 25
)

func gDailyType(name string) gType {
	return gType{name: name, filter: gDaily, days: gDailyDays, pageSize: 10000}
}

func gSampleType(name string, days int) gType {
	return gType{name: name, filter: gSample, days: days, pageSize: 10000}
}

// gExerciseType is the exercise session type, filtered on its civil start.
func gExerciseType() gType {
	return gType{name: "exercise", filter: gInterval, days: gExerciseDays, pageSize: 25}
}

// gRow is one row of a Google transform before sorting: its day, instant
// and wall clock (zero for daily rows), the device (list mode) and values.
type gRow[R any] struct {
	day       dates.Date
	utc, wall int64
	dev       string
	v         R
}

// sortGRows orders rows by instant (daily rows: by day), then device.
func sortGRows[R any](rows []gRow[R]) {
	slices.SortStableFunc(rows, func(a, b gRow[R]) int {
		return cmp.Or(a.day.Compare(b.day), cmp.Compare(a.utc, b.utc), cmp.Compare(a.dev, b.dev))
	})
}

// gDailyRows reads the points of daily type t: date returns a point's
// payload date (nil when the point lacks the payload, an error), val its
// row (keep false: no row). Rows of unwanted days are dropped; rows come
// sorted by day, then device.
func gDailyRows[R any](in Input, t gType, payload string, date func(*health.DataPoint) *health.Date,
	val func(p *health.DataPoint, d dates.Date) (R, bool, error)) ([]gRow[R], error) {
	var rows []gRow[R]
	for _, resp := range in.Responses {
		key := resp.Request.Key
		if !t.owns(key) {
			continue
		}
		err := gPoints(in.Dataset, resp, func(p *health.DataPoint) error {
			gd := date(p)
			if gd == nil {
				return fmt.Errorf("%s: response %s: a data point (%s) has no %s", in.Dataset, key, p.Name, payload)
			}
			d, err := gDate(gd)
			if err != nil {
				return fmt.Errorf("%s: response %s: field %s.date: %w", in.Dataset, key, payload, err)
			}
			if !in.Want(d, key) {
				return nil
			}
			v, keep, err := val(p, d)
			if err != nil || !keep {
				return err
			}
			rows = append(rows, gRow[R]{day: d, dev: gDevice(p), v: v})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sortGRows(rows)
	return rows, nil
}

// gSampleRows reads the points of sample type t: st returns a point's
// sampleTime (nil when the point lacks the payload, an error), val its row
// (keep false: no row). A row's day is the date of its wall clock; rows
// come sorted by instant, then device.
func gSampleRows[R any](in Input, t gType, payload string, st func(*health.DataPoint) *health.ObservationSampleTime,
	val func(p *health.DataPoint, d dates.Date, wall int64) (R, bool, error)) ([]gRow[R], error) {
	var rows []gRow[R]
	for _, resp := range in.Responses {
		key := resp.Request.Key
		if !t.owns(key) {
			continue
		}
		w := wantCache{in: in, key: key}
		err := gPoints(in.Dataset, resp, func(p *health.DataPoint) error {
			s := st(p)
			if s == nil {
				return fmt.Errorf("%s: response %s: a data point (%s) has no %s.sampleTime", in.Dataset, key, p.Name, payload)
			}
			utc, wall, err := gStamp(s.PhysicalTime, s.UtcOffset)
			if err != nil {
				return fmt.Errorf("%s: response %s: data point %s: field %s.sampleTime: %w", in.Dataset, key, p.Name, payload, err)
			}
			d := transform.WallDate(wall)
			if !w.want(d) {
				return nil
			}
			v, keep, err := val(p, d, wall)
			if err != nil || !keep {
				return err
			}
			rows = append(rows, gRow[R]{day: d, utc: utc, wall: wall, dev: gDevice(p), v: v})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(rows, func(a, b gRow[R]) int {
		return cmp.Or(cmp.Compare(a.utc, b.utc), cmp.Compare(a.dev, b.dev))
	})
	return rows, nil
}

// gCheck fails a value outside [lo, hi] (NaN included).
func gCheck(ds string, d dates.Date, wall int64, field string, v, lo, hi float64) error {
	if v >= lo && v <= hi {
		return nil
	}
	err := fmt.Errorf("out of range: %v (want %v to %v)", v, lo, hi)
	if wall != 0 {
		return fmt.Errorf("%s %s %s: field %s: %w", ds, d, gAt(wall), field, err)
	}
	return transform.FieldError(ds, d, field, err)
}

// gOpt is v, or nil when v is 0 (the API omits zero values).
func gOpt(v float64) *float64 {
	if v == 0 {
		return nil
	}
	return &v
}

// gOptInt32 is v as int32, nil when 0 or out of range.
func gOptInt32(v int64) *int32 {
	if v == 0 || v < math.MinInt32 || v > math.MaxInt32 {
		return nil
	}
	x := int32(v)
	return &x
}

// gSource is a list point's source for a source column: the device's
// display name, else the recording method (MANUAL, …); nil for reconciled
// points, which carry no source.
func gSource(p *health.DataPoint) *string {
	ds := p.DataSource
	if ds == nil {
		return nil
	}
	if ds.Device != nil && ds.Device.DisplayName != "" {
		return &ds.Device.DisplayName
	}
	if ds.RecordingMethod != "" {
		return &ds.RecordingMethod
	}
	return nil
}

// gSnapshotRequest plans a dateless Google resource (pairedDevices,
// settings, profile) like snapshotRequests: one request for the range, key
// g/{kind}/{start}_{end}, its rows filed under the range's last day.
func gSnapshotRequest(kind, path string, q url.Values, paging Paging) func(Options, dates.Range) []Request {
	return func(_ Options, r dates.Range) []Request {
		return []Request{{Key: rangeKey("g/"+kind, r), Path: path, Query: q, Paging: paging, Days: r}}
	}
}

// gUnit maps a Google unit preference to the Fitbit profile's names
// (METRIC, en_US, en_GB), so both sources fill the unit columns alike; an
// unknown value is kept as the API gives it, "" is nil.
func gUnit(v string) *string {
	m := map[string]string{
		"DISTANCE_UNIT_KILOMETERS": "METRIC", "DISTANCE_UNIT_MILES": "en_US",
		"WEIGHT_UNIT_KILOGRAMS": "METRIC", "WEIGHT_UNIT_POUNDS": "en_US", "WEIGHT_UNIT_STONE": "en_GB",
	}
	if v == "" || strings.HasSuffix(v, "_UNSPECIFIED") {
		return nil
	}
	if f, ok := m[v]; ok {
		return &f
	}
	return &v
}
