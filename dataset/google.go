package dataset

import (
	"cmp"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// Helpers shared by the Google Health specs: request construction (civil-day
// filters, page sizes, daily rollup bodies) and the decoding of answers.
//
// Requests. Data points are read per local day of the user with civil
// filters ({snake}.sample_time.civil_time for samples,
// {snake}.interval.civil_start_time for intervals, {snake}.date for daily
// types, {snake}.interval.civil_end_time for sleep), so the server, not
// fitexport, decides which instants a local day holds (DST included). A
// request covers as many days as keep it to one page in the usual case
// (gType.days); paging (GoogleToken) fetches the rest when a span holds
// more. Keys are g/{mode}/{type}/{start}_{end} (mode "reconcile" or "list",
// from Options.GoogleMode; types without a list method always reconcile),
// and g/rollup/{type}/{start}_{end} for dailyRollUp, whose span is at most 14
// days (heart-rate, active-minutes, total-calories,
// calories-in-heart-rate-zone) or 90 days (other types).
//
// Decoding. Pages are decoded with the official client's types
// (google.golang.org/api/health/v4): list answers as ListDataPointsResponse,
// reconcile answers as ReconcileDataPointsResponse (whose points are
// converted to DataPoint), rollups as DailyRollUpDataPointsResponse; the
// client's struct tags read the int64 values the API sends as JSON strings.
// An int64 sent as a bare number is rejected, as the client rejects it.
//
// Time. Every instant is the API's (physicalTime, startTime, …); the wall
// clock is that instant plus the offset the API gives with it (utcOffset,
// startUtcOffset, …), never a profile zone; the day a row belongs to is the
// calendar date of that wall clock. Google transforms never call
// Input.Zone. Pages of a list answer come newest first: transforms sort
// their rows.

// Google Health read scopes.
const (
	googleScopePrefix   = "https://www.googleapis.com/auth/googlehealth."
	googleScopeActivity = googleScopePrefix + "activity_and_fitness.readonly"
	googleScopeHealth   = googleScopePrefix + "health_metrics_and_measurements.readonly"
	googleScopeSleep    = googleScopePrefix + "sleep.readonly"
)

// Google request modes.
const (
	googleReconcile = "reconcile"
	googleList      = "list"
	googleRollup    = "rollup"
)

// googleMode is o.GoogleMode: "list", or "reconcile" (the default) for
// anything else.
func googleMode(o Options) string {
	if o.GoogleMode == googleList {
		return googleList
	}
	return googleReconcile
}

// gFilter says which field a data type's civil-day filter uses.
type gFilter int

const (
	gSample   gFilter = iota // {snake}.sample_time.civil_time
	gInterval                // {snake}.interval.civil_start_time
	gDaily                   // {snake}.date
	gSession                 // {snake}.interval.civil_end_time (sleep)
)

// gType describes how fitexport reads one Google data type.
type gType struct {
	// name is the kebab-case type of the path (heart-rate).
	name   string
	filter gFilter
	// days is the span of one request, chosen so one page usually holds it.
	days int
	// pageSize is the page size asked for (10000 at most, 25 for sleep).
	pageSize int
	// noList marks types without a list method: they always reconcile.
	noList bool
}

// gPath is the data points path of type name, relative to the API base.
func gPath(name, method string) string {
	return "/v4/users/me/dataTypes/" + name + "/dataPoints" + method
}

// requests returns the list or reconcile requests of t covering r, keyed
// g/{mode}/{t.name}[/{extra}]/{start}_{end}.
func (t gType) requests(o Options, r dates.Range, extra string) []Request {
	mode := googleMode(o)
	if t.noList {
		mode = googleReconcile
	}
	method := ""
	if mode == googleReconcile {
		method = ":reconcile"
	}
	prefix := "g/" + mode + "/" + t.name
	if extra != "" {
		prefix += "/" + extra
	}
	return chunked(r, t.days, func(c dates.Range) Request {
		q := url.Values{}
		q.Set("filter", t.filterExpr(c))
		q.Set("pageSize", strconv.Itoa(t.pageSize))
		return Request{Key: rangeKey(prefix, c), Path: gPath(t.name, method), Query: q, Paging: GoogleToken, Days: c}
	})
}

// filterExpr is the AIP-160 filter selecting the local days c (end
// exclusive).
func (t gType) filterExpr(c dates.Range) string {
	snake := strings.ReplaceAll(t.name, "-", "_")
	from, to := c.From.String(), c.To.AddDays(1).String()
	var field string
	switch t.filter {
	case gDaily:
		field = snake + ".date"
		return fmt.Sprintf(`%s >= "%s" AND %s < "%s"`, field, from, field, to)
	case gSample:
		field = snake + ".sample_time.civil_time"
	case gInterval:
		field = snake + ".interval.civil_start_time"
	case gSession:
		field = snake + ".interval.civil_end_time"
	}
	return fmt.Sprintf(`%s >= "%sT00:00:00" AND %s < "%sT00:00:00"`, field, from, field, to)
}

// owns reports whether key is a list or reconcile request of t.
func (t gType) owns(key string) bool {
	p := keyParts(key)
	return len(p) >= 4 && p[0] == "g" && (p[1] == googleList || p[1] == googleReconcile) && p[2] == t.name
}

// Rollup spans: the longest range of one dailyRollUp request.
const (
	rollupShort = 14 // heart-rate, active-minutes, total-calories, calories-in-heart-rate-zone
	rollupLong  = 90 // every other type
)

// rollupRequests returns the dailyRollUp requests of type name covering r
// in chunks of at most maxDays days (rollupShort or rollupLong), one window
// per day, keyed g/rollup/{name}/{start}_{end}.
func rollupRequests(name string, maxDays int, r dates.Range) []Request {
	return chunked(r, maxDays, func(c dates.Range) Request {
		return Request{
			Key:    rangeKey("g/"+googleRollup+"/"+name, c),
			Method: "POST",
			Path:   gPath(name, ":dailyRollUp"),
			Body:   rollupBody(c, maxDays),
			Paging: GoogleToken,
			Days:   c,
		}
	})
}

// rollupBody is the dailyRollUp body for days c (civil range, end
// exclusive), with one window per day.
func rollupBody(c dates.Range, pageSize int) []byte {
	b, err := json.Marshal(&health.DailyRollUpDataPointsRequest{
		Range:          &health.CivilTimeInterval{Start: gCivilDay(c.From), End: gCivilDay(c.To.AddDays(1))},
		WindowSizeDays: 1,
		PageSize:       int64(pageSize),
	})
	if err != nil { // a fixed struct of numbers cannot fail to marshal
		panic("dataset: rollup body: " + err.Error())
	}
	return b
}

func gCivilDay(d dates.Date) *health.CivilDateTime {
	return &health.CivilDateTime{Date: &health.Date{Year: int64(d.Year), Month: int64(d.Month), Day: int64(d.Day)}}
}

// isRollupKey matches g/rollup/{name}/{span}.
func isRollupKey(key, name string) bool {
	p := keyParts(key)
	return len(p) == 4 && p[0] == "g" && p[1] == googleRollup && p[2] == name
}

// gPageError names the response and page a decoding error comes from.
func gPageError(ds string, resp Response, page int, err error) error {
	return fmt.Errorf("%s: response %s (page %d): %w", ds, resp.Request.Key, page+1, err)
}

// gPoints decodes every page of a list or reconcile answer (the key says
// which) and calls f for each data point, in the order received.
func gPoints(ds string, resp Response, f func(p *health.DataPoint) error) error {
	p := keyParts(resp.Request.Key)
	list := len(p) > 1 && p[1] == googleList
	for i, body := range resp.Pages {
		var pts []*health.DataPoint
		if list {
			var v health.ListDataPointsResponse
			if err := json.Unmarshal(body, &v); err != nil {
				return gPageError(ds, resp, i, err)
			}
			pts = v.DataPoints
		} else {
			var v health.ReconcileDataPointsResponse
			if err := json.Unmarshal(body, &v); err != nil {
				return gPageError(ds, resp, i, err)
			}
			pts = make([]*health.DataPoint, 0, len(v.DataPoints))
			for _, r := range v.DataPoints {
				if r != nil {
					pts = append(pts, fromReconciled(r))
				}
			}
		}
		for _, pt := range pts {
			if pt == nil {
				continue
			}
			if err := f(pt); err != nil {
				return err
			}
		}
	}
	return nil
}

// fromReconciled views a reconciled point as a DataPoint (no data source;
// Name is its dataPointName), carrying the payloads fitexport reads.
func fromReconciled(r *health.ReconciledDataPoint) *health.DataPoint {
	return &health.DataPoint{
		Name:                  r.DataPointName,
		HeartRate:             r.HeartRate,
		Steps:                 r.Steps,
		Distance:              r.Distance,
		Floors:                r.Floors,
		Altitude:              r.Altitude,
		ActiveEnergyBurned:    r.ActiveEnergyBurned,
		DailyRestingHeartRate: r.DailyRestingHeartRate,
		Sleep:                 r.Sleep,
		// the payloads of google_more.go
		DailyOxygenSaturation:            r.DailyOxygenSaturation,
		OxygenSaturation:                 r.OxygenSaturation,
		DailyHeartRateVariability:        r.DailyHeartRateVariability,
		HeartRateVariability:             r.HeartRateVariability,
		DailyRespiratoryRate:             r.DailyRespiratoryRate,
		DailySleepTemperatureDerivations: r.DailySleepTemperatureDerivations,
		DailyVo2Max:                      r.DailyVo2Max,
		ActiveZoneMinutes:                r.ActiveZoneMinutes,
		Weight:                           r.Weight,
		BodyFat:                          r.BodyFat,
		Exercise:                         r.Exercise,
	}
}

// gDevice is the display name of a list point's device ("" for reconciled
// points); rows at the same instant are ordered by it.
func gDevice(p *health.DataPoint) string {
	if p.DataSource == nil || p.DataSource.Device == nil {
		return ""
	}
	return p.DataSource.Device.DisplayName
}

// gRollups decodes every page of a dailyRollUp answer and calls f for each
// window with its civil start date.
func gRollups(ds string, resp Response, f func(d dates.Date, p *health.DailyRollupDataPoint) error) error {
	for i, body := range resp.Pages {
		var v health.DailyRollUpDataPointsResponse
		if err := json.Unmarshal(body, &v); err != nil {
			return gPageError(ds, resp, i, err)
		}
		for _, pt := range v.RollupDataPoints {
			if pt == nil {
				continue
			}
			if pt.CivilStartTime == nil {
				return gPageError(ds, resp, i, fmt.Errorf("field civilStartTime: missing"))
			}
			d, err := gDate(pt.CivilStartTime.Date)
			if err != nil {
				return gPageError(ds, resp, i, fmt.Errorf("field civilStartTime.date: %w", err))
			}
			if err := f(d, pt); err != nil {
				return err
			}
		}
	}
	return nil
}

// gDate converts an API date.
func gDate(d *health.Date) (dates.Date, error) {
	if d == nil {
		return dates.Date{}, fmt.Errorf("missing")
	}
	out := dates.Date{Year: int(d.Year), Month: time.Month(d.Month), Day: int(d.Day)}
	if d.Year < 1 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 31 ||
		out.AddDays(0) != out { // 2026-02-30 normalises to another day
		return dates.Date{}, fmt.Errorf("invalid date %d-%d-%d", d.Year, d.Month, d.Day)
	}
	return out, nil
}

// gInstant parses an RFC 3339 instant into Unix ms.
func gInstant(s string) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("missing")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, fmt.Errorf("invalid instant %q: want RFC 3339", s)
	}
	return t.UnixMilli(), nil
}

// maxOffsetMS bounds a UTC offset (real ones lie within −12 h … +14 h).
const maxOffsetMS = 18 * 3600 * 1000

// gOffset parses a UTC offset given as a duration ("3600s", "-18000s",
// "0s") into ms east of UTC.
func gOffset(s string) (int64, error) {
	ms, err := gDuration(s)
	if err == nil && (ms < -maxOffsetMS || ms > maxOffsetMS) {
		return 0, fmt.Errorf("offset %q out of range", s)
	}
	return ms, err
}

// gDuration parses a protobuf duration ("934s", "-18000s", "1.5s") into
// ms.
func gDuration(s string) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("missing")
	}
	v, ok := strings.CutSuffix(s, "s")
	f, err := strconv.ParseFloat(v, 64)
	if !ok || err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 || strings.ContainsAny(v, "eE_xXpP") {
		return 0, fmt.Errorf("invalid duration %q: want seconds such as \"3600s\"", s)
	}
	return int64(math.Round(f * 1000)), nil
}

// gStamp resolves an instant and its UTC offset into the instant and the
// wall clock, both Unix ms (see transform's package doc for wall ms).
func gStamp(instant, offset string) (utc, wall int64, err error) {
	if utc, err = gInstant(instant); err != nil {
		return 0, 0, err
	}
	off, err := gOffset(offset)
	if err != nil {
		return 0, 0, err
	}
	return utc, utc + off, nil
}

// gAt names a row in errors: its wall clock.
func gAt(wall int64) string { return time.UnixMilli(wall).UTC().Format("15:04:05") }

// wantCache memoises in.Want for consecutive rows of one response.
type wantCache struct {
	in    Input
	key   string
	day   dates.Date
	ok    bool
	valid bool
}

func (w *wantCache) want(d dates.Date) bool {
	if !w.valid || d != w.day {
		w.day, w.ok, w.valid = d, w.in.Want(d, w.key), true
	}
	return w.ok
}

// gSeries is the Google side of an interval time series (steps, distance,
// floors, elevation, calories): one row per data point, at the start of its
// interval.
type gSeries struct {
	typ gType
	// field names the payload in errors ("steps.count").
	field string
	// value returns the point's interval and value (nil interval: the point
	// has no payload of this type).
	value func(p *health.DataPoint) (*health.ObservationTimeInterval, float64)
	// check validates a value (nil: any).
	check func(v float64) error
	// appender returns the function appending one row's value columns.
	appender func(c transform.Cols) func(v float64)
}

func (s gSeries) spec(notes string, cols map[string]string) Spec {
	return Spec{
		Scopes: []string{googleScopeActivity},
		Requests: func(o Options, r dates.Range) []Request {
			return s.typ.requests(o, r, "")
		},
		Transform:   s.transform,
		Notes:       notes,
		ColumnNotes: cols,
	}
}

type gSeriesRow struct {
	utc, wall int64
	v         float64
	dev       string
}

func (s gSeries) transform(in Input, b *array.RecordBuilder) error {
	var rows []gSeriesRow
	for _, resp := range in.Responses {
		key := resp.Request.Key
		if !s.typ.owns(key) {
			continue
		}
		w := wantCache{in: in, key: key}
		err := gPoints(in.Dataset, resp, func(p *health.DataPoint) error {
			iv, v := s.value(p)
			if iv == nil {
				return fmt.Errorf("%s: response %s: a data point (%s) has no %s", in.Dataset, key, p.Name, s.typ.name)
			}
			utc, wall, err := gStamp(iv.StartTime, iv.StartUtcOffset)
			if err != nil {
				return fmt.Errorf("%s: response %s: data point %s: field interval.startTime/startUtcOffset: %w", in.Dataset, key, p.Name, err)
			}
			day := transform.WallDate(wall)
			if !w.want(day) {
				return nil
			}
			if s.check != nil {
				if err := s.check(v); err != nil {
					return fmt.Errorf("%s %s %s: field %s: %w", in.Dataset, day, gAt(wall), s.field, err)
				}
			}
			rows = append(rows, gSeriesRow{utc, wall, v, gDevice(p)})
			return nil
		})
		if err != nil {
			return err
		}
	}
	slices.SortStableFunc(rows, func(a, b gSeriesRow) int {
		return cmp.Or(cmp.Compare(a.utc, b.utc), cmp.Compare(a.dev, b.dev))
	})
	cols := transform.ColsOf(b)
	ts, add := cols.Series(), s.appender(cols)
	for _, r := range rows {
		ts.Append(r.utc, r.wall)
		add(r.v)
	}
	return nil
}

// checkInt32 rejects a value outside int32.
func checkInt32(v float64) error {
	if v < math.MinInt32 || v > math.MaxInt32 {
		return fmt.Errorf("out of range: %v", v)
	}
	return nil
}

// gSleepID derives sleep_sessions.log_id from a data point name
// (users/me/dataTypes/sleep/dataPoints/{id}): the id itself when it is a
// non-negative decimal int64 (Fitbit-era logs keep their logId), otherwise
// the FNV-1a 64-bit hash of the id with the sign bit cleared. It is stable:
// the same point always gets the same log_id.
func gSleepID(name string) (int64, error) {
	id := name[strings.LastIndexByte(name, '/')+1:]
	if id == "" {
		return 0, fmt.Errorf("the data point has no name")
	}
	if n, err := strconv.ParseInt(id, 10, 64); err == nil && n >= 0 {
		return n, nil
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return int64(h.Sum64() & math.MaxInt64), nil
}

// gSeriesNotes are the column notes every Google interval series shares.
func gSeriesNotes(extra map[string]string) map[string]string {
	out := map[string]string{
		"time_utc":   "The interval's startTime.",
		"time_local": "Derived: startTime + startUtcOffset as the API gives it (no profile zone).",
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// gSeriesDoc is the dataset note every Google interval series shares.
const gSeriesDoc = "One row per data point the API returns (points carry only intervals with data, so the zero rows Fitbit lists for every minute are absent); a point longer than a minute stays one row."
