package dataset

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/sim"
)

// googleEleven are the datasets of the first set, which the Google source
// serves (all but heart_rate_zones).
var googleEleven = []string{
	"heart_rate", "steps", "calories", "distance", "floors", "elevation", "daily_activity",
	"resting_heart_rate", "heart_rate_zones", "sleep_sessions", "sleep_stages",
}

// planSource unions the requests src plans for the named datasets (those it
// serves), as the planner does.
func planSource(t *testing.T, src Source, o Options, r dates.Range, names ...string) map[string]Request {
	t.Helper()
	reg := Default()
	o.Selected = map[string]bool{}
	for _, n := range names {
		o.Selected[n] = true
	}
	out := map[string]Request{}
	for _, n := range names {
		d, ok := reg.Get(n)
		if !ok {
			t.Fatalf("no dataset %s", n)
		}
		spec, ok := d.Sources[src]
		if !ok {
			continue
		}
		for _, req := range spec.Requests(o, r) {
			if prev, dup := out[req.Key]; dup && (prev.Path != req.Path || prev.Days != req.Days ||
				prev.Query.Encode() != req.Query.Encode() || string(prev.Body) != string(req.Body)) {
				t.Fatalf("key %s planned twice with different requests: %+v vs %+v", req.Key, prev, req)
			}
			out[req.Key] = req
		}
	}
	return out
}

func TestGoogleRequests45Days(t *testing.T) {
	r := rng("2026-01-01", 45)
	for _, mode := range []string{"", "reconcile", "list"} {
		t.Run("mode="+mode, func(t *testing.T) {
			o := DefaultOptions()
			o.GoogleMode = mode
			got := planSource(t, Google, o, r, googleEleven...)
			m := "reconcile"
			if mode == "list" {
				m = "list"
			}
			// heart-rate one a day; steps, distance, active energy 6 days
			// a request; floors and altitude 30; resting heart rate 365;
			// sleep 14; daily_activity: 6 rollups of up to 90 days and
			// total-calories in 14-day chunks.
			want := map[string]int{
				"g/" + m + "/heart-rate/1min/":          45,
				"g/" + m + "/steps/":                    8,
				"g/" + m + "/distance/":                 8,
				"g/" + m + "/active-energy-burned/":     8,
				"g/reconcile/floors/":                   2, // no list method
				"g/" + m + "/altitude/":                 2,
				"g/" + m + "/daily-resting-heart-rate/": 1,
				"g/" + m + "/sleep/":                    4,
				"g/rollup/total-calories/":              4,
				"g/rollup/steps/":                       1,
				"g/rollup/distance/":                    1,
				"g/rollup/floors/":                      1,
				"g/rollup/altitude/":                    1,
				"g/rollup/active-energy-burned/":        1,
				"g/rollup/activity-level/":              1,
			}
			for prefix, n := range want {
				if c := countPrefix(got, prefix); c != n {
					t.Errorf("%s*: %d requests, want %d", prefix, c, n)
				}
			}
			// 45 + 3×8 + 2×2 + 1 + 4 + 6 + 4 (Fitbit plans 277 for the same).
			if len(got) != 88 {
				t.Errorf("requests = %d, want 88: %v", len(got), sortedKeys(got))
			}
			if m == "list" && countPrefix(got, "g/reconcile/") != 2 {
				t.Errorf("list mode reconciles more than floors: %v", sortedKeys(got))
			}
			checkKeys(t, got, r)
			method := ""
			if m == "reconcile" {
				method = ":reconcile"
			}
			d := dates.MustParse("2026-02-03")
			checkGet(t, got, "g/"+m+"/heart-rate/1min/2026-02-03_2026-02-03", "/v4/users/me/dataTypes/heart-rate/dataPoints"+method,
				`heart_rate.sample_time.civil_time >= "2026-02-03T00:00:00" AND heart_rate.sample_time.civil_time < "2026-02-04T00:00:00"`,
				"10000", dates.Range{From: d, To: d})
			checkGet(t, got, "g/"+m+"/steps/2026-01-01_2026-01-06", "/v4/users/me/dataTypes/steps/dataPoints"+method,
				`steps.interval.civil_start_time >= "2026-01-01T00:00:00" AND steps.interval.civil_start_time < "2026-01-07T00:00:00"`,
				"10000", rng("2026-01-01", 6))
			checkGet(t, got, "g/"+m+"/active-energy-burned/2026-02-12_2026-02-14", "/v4/users/me/dataTypes/active-energy-burned/dataPoints"+method,
				`active_energy_burned.interval.civil_start_time >= "2026-02-12T00:00:00" AND active_energy_burned.interval.civil_start_time < "2026-02-15T00:00:00"`,
				"10000", rng("2026-02-12", 3))
			checkGet(t, got, "g/reconcile/floors/2026-01-31_2026-02-14", "/v4/users/me/dataTypes/floors/dataPoints:reconcile",
				`floors.interval.civil_start_time >= "2026-01-31T00:00:00" AND floors.interval.civil_start_time < "2026-02-15T00:00:00"`,
				"10000", rng("2026-01-31", 15))
			checkGet(t, got, "g/"+m+"/daily-resting-heart-rate/2026-01-01_2026-02-14", "/v4/users/me/dataTypes/daily-resting-heart-rate/dataPoints"+method,
				`daily_resting_heart_rate.date >= "2026-01-01" AND daily_resting_heart_rate.date < "2026-02-15"`, "10000", r)
			checkGet(t, got, "g/"+m+"/sleep/2026-01-15_2026-01-28", "/v4/users/me/dataTypes/sleep/dataPoints"+method,
				`sleep.interval.civil_end_time >= "2026-01-15T00:00:00" AND sleep.interval.civil_end_time < "2026-01-29T00:00:00"`,
				"25", rng("2026-01-15", 14))
			checkRollup(t, got, "total-calories", rng("2026-01-29", 14), 14)
			checkRollup(t, got, "total-calories", rng("2026-02-12", 3), 14)
			checkRollup(t, got, "activity-level", r, 90)
		})
	}

	o := DefaultOptions()
	o.HeartDetail = "1sec"
	got := planSource(t, Google, o, rng("2026-10-25", 1), "heart_rate")
	if _, ok := got["g/reconcile/heart-rate/1sec/2026-10-25_2026-10-25"]; !ok || len(got) != 1 {
		t.Errorf("1sec plan = %v", sortedKeys(got))
	}
}

// checkGet asserts a planned list/reconcile request.
func checkGet(t *testing.T, got map[string]Request, key, path, filter, pageSize string, days dates.Range) {
	t.Helper()
	req, ok := got[key]
	if !ok {
		t.Errorf("no request %s among %v", key, sortedKeys(got))
		return
	}
	if req.Method != "" || req.Path != path || req.Query.Get("filter") != filter || req.Query.Get("pageSize") != pageSize ||
		len(req.Query) != 2 || req.Paging != GoogleToken || req.Days != days || req.Body != nil {
		t.Errorf("%s = %+v\nwant path %s filter %s pageSize %s days %s", key, req, path, filter, pageSize, days)
	}
}

// checkRollup asserts a planned dailyRollUp request and its body.
func checkRollup(t *testing.T, got map[string]Request, name string, days dates.Range, pageSize int) {
	t.Helper()
	key := rangeKey("g/rollup/"+name, days)
	req, ok := got[key]
	if !ok {
		t.Errorf("no request %s among %v", key, sortedKeys(got))
		return
	}
	if req.Method != "POST" || req.Path != "/v4/users/me/dataTypes/"+name+"/dataPoints:dailyRollUp" ||
		req.Paging != GoogleToken || req.Days != days || len(req.Query) != 0 {
		t.Errorf("%s = %+v", key, req)
	}
	var body health.DailyRollUpDataPointsRequest
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatalf("%s: body %s: %v", key, req.Body, err)
	}
	end := days.To.AddDays(1)
	if body.Range == nil || body.Range.Start == nil || body.Range.End == nil || body.WindowSizeDays != 1 || body.PageSize != int64(pageSize) ||
		!sameDate(body.Range.Start.Date, days.From) || !sameDate(body.Range.End.Date, end) || body.Range.Start.Time != nil {
		t.Errorf("%s: body %s", key, req.Body)
	}
}

func sameDate(g *health.Date, d dates.Date) bool {
	return g != nil && g.Year == int64(d.Year) && g.Month == int64(d.Month) && g.Day == int64(d.Day)
}

func TestGoogleRollupChunks(t *testing.T) {
	r := rng("2026-01-01", 200) // to 2026-07-19
	got := planSource(t, Google, DefaultOptions(), r, "daily_activity")
	// total-calories: 15 chunks of at most 14 days; the six others: 90,
	// 90 and 20 days.
	if len(got) != 15+6*3 || countPrefix(got, "g/rollup/total-calories/") != 15 {
		t.Errorf("daily_activity over 200 days = %d requests: %v", len(got), sortedKeys(got))
	}
	for _, name := range []string{"steps", "distance", "floors", "altitude", "active-energy-burned", "activity-level"} {
		for _, c := range []string{"2026-01-01_2026-03-31", "2026-04-01_2026-06-29", "2026-06-30_2026-07-19"} {
			if _, ok := got["g/rollup/"+name+"/"+c]; !ok {
				t.Errorf("missing g/rollup/%s/%s", name, c)
			}
		}
	}
	checkRollup(t, got, "total-calories", rng("2026-01-01", 14), 14)
	checkRollup(t, got, "total-calories", rng("2026-07-16", 4), 14)
	checkRollup(t, got, "steps", rng("2026-04-01", 90), 90)
	// Every day covered once per type, no span over its limit.
	perType := map[string]int{}
	for k, req := range got {
		name := keyParts(k)[2]
		limit := 90
		if name == "total-calories" {
			limit = 14
		}
		if req.Days.Days() > limit {
			t.Errorf("%s spans %d days, limit %d", k, req.Days.Days(), limit)
		}
		perType[name] += req.Days.Days()
	}
	for name, n := range perType {
		if n != 200 {
			t.Errorf("%s rollups cover %d days, want 200", name, n)
		}
	}
	checkKeys(t, got, r)
}

func TestGoogleRegistry(t *testing.T) {
	reg := Default()
	for _, n := range googleEleven {
		d, _ := reg.Get(n)
		spec, ok := d.Sources[Google]
		if n == "heart_rate_zones" {
			if ok {
				t.Error("heart_rate_zones has a Google spec; Google's zones do not fit its columns")
			}
			continue
		}
		if !ok || spec.Requests == nil || spec.Transform == nil || len(spec.Scopes) != 1 {
			t.Errorf("%s: incomplete Google spec", n)
			continue
		}
		if !strings.HasPrefix(spec.Scopes[0], "https://www.googleapis.com/auth/googlehealth.") || !strings.HasSuffix(spec.Scopes[0], ".readonly") {
			t.Errorf("%s: scope %s", n, spec.Scopes[0])
		}
		if spec.Notes != "" && !strings.HasSuffix(spec.Notes, ".") {
			t.Errorf("%s: notes %q", n, spec.Notes)
		}
		for col, note := range spec.ColumnNotes {
			if len(d.Schema.FieldIndices(col)) != 1 {
				t.Errorf("%s: a note for column %s, which the schema lacks", n, col)
			}
			if !strings.HasSuffix(note, ".") {
				t.Errorf("%s.%s: note %q", n, col, note)
			}
			if strings.HasPrefix(note, "Null:") {
				if i := d.Schema.FieldIndices(col); len(i) == 1 && !d.Schema.Field(i[0]).Nullable {
					t.Errorf("%s.%s is null on Google but not nullable", n, col)
				}
			}
		}
	}
}

func TestGoogleMarkdown(t *testing.T) {
	md := MarkdownTable(Default(), Google)
	act := "https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly"
	for _, s := range []string{
		"| `heart_rate` | time series | https://www.googleapis.com/auth/googlehealth.health_metrics_and_measurements.readonly | 1/day |",
		"| `steps` | time series | " + act + " | 61/year |",
		"| `floors` | time series | " + act + " | 13/year |",
		"| `daily_activity` | daily | " + act + " | 57/year |",
		"| `resting_heart_rate` | daily | https://www.googleapis.com/auth/googlehealth.health_metrics_and_measurements.readonly | 1/year |",
		"| `sleep_sessions` | sessions | https://www.googleapis.com/auth/googlehealth.sleep.readonly | 27/year |",
		"| column | type | unit | meaning | on google-health |",
		"| `level` | int8, nullable |  | Fitbit activity level: 0 sedentary, 1 lightly, 2 fairly, 3 very active (null from Google Health). | Null: Google has no per-minute activity level. |",
		"| `efficiency` | int32, nullable | % | Fitbit's sleep efficiency score. | Derived: round(100 × minutesAsleep / minutesInSleepPeriod); Google has no efficiency score. |",
		"| `date` | date |  | The local calendar day (profile time zone) the values belong to. |\n", // resting_heart_rate: no notes column
		"On google-health: The API serves raw samples",
	} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q", s)
		}
	}
	i := strings.Index(md, "Not available from google-health: ")
	if i < 0 || !strings.Contains(md[i:i+strings.IndexByte(md[i:], '\n')], "`heart_rate_zones`") {
		t.Error("markdown does not say heart_rate_zones is not available from google-health")
	}
	if strings.Contains(md, "### `heart_rate_zones`") {
		t.Error("markdown documents heart_rate_zones for google-health")
	}
}

// gHeartPage renders reconcile heart-rate points in the API's shape.
func gHeartPage(pts []sim.Point, token string) []byte {
	var sb strings.Builder
	sb.WriteString(`{"dataPoints":[`)
	for i, p := range pts {
		if i > 0 {
			sb.WriteByte(',')
		}
		_, off := p.Local.Zone()
		l := p.Local
		fmt.Fprintf(&sb, `{"dataPointName":"users/me/dataTypes/heart-rate/dataPoints/%d","heartRate":{"sampleTime":{"physicalTime":%q,"utcOffset":"%ds","civilTime":{"date":{"year":%d,"month":%d,"day":%d},"time":{"hours":%d,"minutes":%d,"seconds":%d}}},"beatsPerMinute":"%d","metadata":{"motionContext":"SEDENTARY","sensorLocation":"WRIST"}}}`,
			p.Time.UnixMilli(), p.Time.UTC().Format(time.RFC3339Nano), off, l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), int(p.Value))
	}
	sb.WriteString("]")
	if token != "" {
		fmt.Fprintf(&sb, `,"nextPageToken":%q`, token)
	}
	sb.WriteString("}")
	return []byte(sb.String())
}

// gHeartPages splits a day's samples into pages of n, newest first.
func gHeartPages(samples []sim.Point, n int) [][]byte {
	rev := slices.Clone(samples)
	slices.Reverse(rev)
	var pages [][]byte
	for i := 0; i < len(rev); i += n {
		tok := ""
		if i+n < len(rev) {
			tok = fmt.Sprintf("p%d", i/n+2)
		}
		pages = append(pages, gHeartPage(rev[i:min(i+n, len(rev))], tok))
	}
	return pages
}

func TestGoogleTimeParsing(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{"3600s", 3600000, false}, {"-18000s", -18000000, false}, {"0s", 0, false}, {"19800s", 19800000, false},
		{"20700.5s", 20700500, false}, {"3600", 0, true}, {"", 0, true}, {"1e3s", 0, true}, {"NaNs", 0, true},
		{"90000s", 0, true}, {"s", 0, true}, {"0x10s", 0, true},
	} {
		got, err := gOffset(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("gOffset(%q) = %d, %v", tc.in, got, err)
		}
	}
	if ms, err := gDuration("86400s"); err != nil || ms != 86400000 {
		t.Errorf("gDuration(86400s) = %d, %v", ms, err)
	}
	utc, wall, err := gStamp("2026-10-25T01:00:10.250Z", "3600s")
	if err != nil || utc != time.Date(2026, 10, 25, 1, 0, 10, 250e6, time.UTC).UnixMilli() || wall != utc+3600000 {
		t.Errorf("gStamp = %d %d %v", utc, wall, err)
	}
	if _, _, err := gStamp("2026-10-25 01:00:10", "0s"); err == nil {
		t.Error("gStamp accepted a time without zone")
	}
	for _, tc := range []struct {
		name string
		want int64
	}{
		{"users/me/dataTypes/sleep/dataPoints/26837462001", 26837462001},
		{"users/me/dataTypes/sleep/dataPoints/b7e4c2a0-5f1d-4c3e-9a8b-0d1e2f3a4b5c", 6924306157162558532},
		{"users/me/dataTypes/sleep/dataPoints/-5", -1}, // hashed, not negative
	} {
		got, err := gSleepID(tc.name)
		if err != nil || got < 0 || (tc.want >= 0 && got != tc.want) {
			t.Errorf("gSleepID(%s) = %d, %v", tc.name, got, err)
		}
	}
	if _, err := gSleepID("users/me/dataTypes/sleep/dataPoints/"); err == nil {
		t.Error("gSleepID accepted an empty id")
	}
	if _, err := gDate(&health.Date{Year: 2026, Month: 2, Day: 30}); err == nil {
		t.Error("gDate accepted 2026-02-30")
	}
}

// BenchmarkHeartRateGoogleDay transforms one day of raw heart-rate samples
// (86,400 at one a second, more than the API's 10k–90k) in pages of
// 10,000, decoded with the official client's types, at 1min.
func BenchmarkHeartRateGoogleDay(b *testing.B) {
	loc, _ := time.LoadLocation("Europe/Berlin")
	d := dates.MustParse("2026-10-25")
	var pts []sim.Point
	for t := d.Time(loc); t.Before(d.AddDays(1).Time(loc)); t = t.Add(time.Second) {
		pts = append(pts, sim.Point{Time: t.UTC(), Local: t.In(loc), Value: float64(60 + t.Second()%40)})
	}
	pages := gHeartPages(pts, 10000)
	var size int64
	for _, p := range pages {
		size += int64(len(p))
	}
	req := gHeartRate().requests(Options{}, dates.Range{From: d, To: d}, "1min")[0]
	in := Input{
		Dataset:   "heart_rate",
		Responses: []Response{{Request: req, Pages: pages}},
		Want:      func(dates.Date, string) bool { return true },
	}
	schema := heartRate().Schema
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		if err := heartRateGoogleTransform(in, rb); err != nil {
			b.Fatal(err)
		}
		rec := rb.NewRecordBatch()
		if rec.NumRows() != 25*60 {
			b.Fatalf("%d rows", rec.NumRows())
		}
		rec.Release()
		rb.Release()
	}
}

// gFetch sends req to the simulator's Google face and follows its pages as
// the extract client does (pageToken in the query for GET, in the body for
// POST).
func gFetch(srv *sim.Server, access string, req Request) ([][]byte, error) {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	q := url.Values{}
	for k, v := range req.Query {
		q[k] = slices.Clone(v)
	}
	body := req.Body
	var pages [][]byte
	for range 1000 {
		target := req.Path
		if len(q) > 0 {
			target += "?" + q.Encode()
		}
		hr := httptest.NewRequest(method, target, bytes.NewReader(body))
		hr.Header.Set("Authorization", "Bearer "+access)
		if body != nil {
			hr.Header.Set("Content-Type", "application/json")
		}
		rr := httptest.NewRecorder()
		srv.ServeHTTP(rr, hr)
		if rr.Code != http.StatusOK {
			return nil, fmt.Errorf("%s %s: %d %s", method, target, rr.Code, rr.Body)
		}
		pages = append(pages, rr.Body.Bytes())
		var next struct {
			NextPageToken string `json:"nextPageToken"`
		}
		if err := json.Unmarshal(rr.Body.Bytes(), &next); err != nil {
			return nil, err
		}
		if next.NextPageToken == "" {
			return pages, nil
		}
		if body != nil {
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				return nil, err
			}
			m["pageToken"] = next.NextPageToken
			body, _ = json.Marshal(m)
		} else {
			q.Set("pageToken", next.NextPageToken)
		}
	}
	return nil, fmt.Errorf("%s: pagination does not end", req.Key)
}

// TestGoogleAgainstSimulator plans the Google requests of the eleven
// datasets over DST weeks, fetches them from the simulator's Google face
// (following pages), runs the Google transforms and compares the rows with
// the simulator's ground truth.
func TestGoogleAgainstSimulator(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	srv := sim.New(sim.Config{Seed: 7, Now: func() time.Time { return now }, Quota: 1 << 30, GoogleQuota: 1 << 30})
	// Few days: decoding a day of heart rate is slow under -race. 1sec is
	// the raw samples, which the golden cases cover.
	for _, tc := range []struct {
		user, detail, mode string
		from               string
		days               int
	}{
		{"SIM001", "1min", "reconcile", "2026-10-24", 2},  // Europe/Berlin fall-back on the 25th
		{"SIM002", "5min", "list", "2026-03-08", 1},       // America/New_York spring-forward
		{"SIM002", "15min", "reconcile", "2026-11-01", 1}, // and fall-back
	} {
		t.Run(tc.user+"/"+tc.from+"/"+tc.mode, func(t *testing.T) {
			access, _ := srv.IssueGoogleTokens(tc.user, "", sim.GoogleScopes())
			truth := srv.Truth(tc.user)
			r := rng(tc.from, tc.days)
			o := DefaultOptions()
			o.HeartDetail, o.GoogleMode = tc.detail, tc.mode
			reqs := planSource(t, Google, o, r, googleEleven...)
			var resps []Response
			levels := true
			for _, k := range sortedKeys(reqs) {
				req := reqs[k]
				pages, err := gFetch(srv, access, req)
				if err != nil && strings.HasPrefix(k, "g/rollup/activity-level/") {
					t.Logf("the simulator does not serve the activity-level rollup (%v): minutes_* stay null", err)
					levels = false
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				resps = append(resps, Response{Request: req, Pages: pages})
			}
			in := Input{
				Responses: resps,
				Want:      func(d dates.Date, key string) bool { return reqs[key].Days.Contains(d) && r.Contains(d) },
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			reg := Default()
			recs := map[string]arrow.RecordBatch{}
			defer func() {
				for _, rec := range recs {
					rec.Release()
				}
			}()
			for _, n := range googleEleven {
				d, _ := reg.Get(n)
				spec, ok := d.Sources[Google]
				if !ok {
					continue
				}
				in.Dataset = n
				b := array.NewRecordBuilder(mem, d.Schema)
				err := spec.Transform(in, b)
				recs[n] = b.NewRecordBatch()
				b.Release()
				if err != nil {
					t.Fatalf("%s: %v", n, err)
				}
				if err := checkOrder(d, recs[n], false); err != nil {
					t.Error(err)
				}
			}
			nonZero := func(res string, scale float64) func(dates.Date) []sim.Point {
				return func(d dates.Date) []sim.Point {
					var out []sim.Point
					for _, p := range truth.Activity(d, res, "1min") {
						if p.Value != 0 {
							p.Value *= scale
							out = append(out, p)
						}
					}
					return out
				}
			}
			compareSeries(t, recs["heart_rate"], "bpm", func(d dates.Date) []sim.Point { return truth.Heart(d, tc.detail) }, r, 1)
			gCompareSeries(t, recs["steps"], "steps", nonZero("steps", 1), r, 0)
			gCompareSeries(t, recs["distance"], "distance_m", nonZero("distance", 1000), r, 0.0005)
			gCompareSeries(t, recs["floors"], "floors", nonZero("floors", 1), r, 0)
			gCompareSeries(t, recs["elevation"], "elevation_m", nonZero("elevation", 1), r, 0.0005)
			gCompareDaily(t, recs, truth, r, levels)
			compareSleep(t, recs, truth, r)
		})
	}
}

// gCompareSeries compares a Google series with the truth's rows (instants,
// wall clocks, values within tol).
func gCompareSeries(t *testing.T, rec arrow.RecordBatch, col string, truth func(dates.Date) []sim.Point, r dates.Range, tol float64) {
	t.Helper()
	var want []sim.Point
	r.Each(func(d dates.Date) { want = append(want, truth(d)...) })
	if int(rec.NumRows()) != len(want) || len(want) == 0 {
		t.Fatalf("%s: %d rows, truth has %d", col, rec.NumRows(), len(want))
	}
	utc := column(rec, "time_utc").(*array.Timestamp)
	loc := column(rec, "time_local").(*array.Timestamp)
	val := column(rec, col)
	for i, p := range want {
		if int64(utc.Value(i)) != ms(p.Time) || int64(loc.Value(i)) != wallMS(p.Local) || math.Abs(num(val, i)-p.Value) > tol {
			t.Fatalf("%s row %d = %d/%d/%v, truth %s/%s/%v", col, i, utc.Value(i), loc.Value(i), num(val, i),
				p.Time.Format(time.RFC3339), p.Local.Format("15:04:05"), p.Value)
		}
	}
}

func gCompareDaily(t *testing.T, recs map[string]arrow.RecordBatch, truth *sim.Truth, r dates.Range, levels bool) {
	t.Helper()
	da := recs["daily_activity"]
	if int(da.NumRows()) != r.Days() {
		t.Fatalf("daily_activity: %d rows, want %d", da.NumRows(), r.Days())
	}
	var cal float64
	cals := column(recs["calories"], "calories_kcal").(*array.Float64)
	for i := 0; i < cals.Len(); i++ {
		cal += cals.Value(i)
	}
	var active float64
	var wantRHR []int
	i := 0
	r.Each(func(d dates.Date) {
		day := truth.Day(d)
		tot := day.Totals
		for col, want := range map[string][2]float64{
			"steps": {float64(tot.Steps), 0}, "calories_kcal": {float64(tot.Calories), 0.5},
			"distance_m": {tot.DistanceKm * 1000, 0.5}, "floors": {float64(tot.Floors), 0}, "elevation_m": {tot.ElevationM, 0.001},
		} {
			if got := num(column(da, col), i); math.Abs(got-want[0]) > want[1] {
				t.Errorf("daily_activity %s %s = %v, truth %v", d, col, got, want[0])
			}
		}
		total, act := num(column(da, "calories_kcal"), i), num(column(da, "activity_calories_kcal"), i)
		if bmr := num(column(da, "calories_bmr_kcal"), i); math.Abs(bmr-(total-act)) > 1e-3 {
			t.Errorf("daily_activity %s: calories_bmr_kcal %v, total − active %v", d, bmr, total-act)
		}
		active += act
		for j, col := range []string{"minutes_sedentary", "minutes_lightly_active", "minutes_fairly_active", "minutes_very_active"} {
			c := column(da, col)
			want := []int{tot.MinutesSedentary, tot.MinutesLightlyActive, tot.MinutesFairlyActive, tot.MinutesVeryActive}[j]
			if !levels && !c.IsNull(i) || levels && (c.IsNull(i) || num(c, i) != float64(want)) {
				t.Errorf("daily_activity %s %s = %v (null %v), truth %d", d, col, c.ValueStr(i), c.IsNull(i), want)
			}
		}
		if day.RestingHR != nil {
			wantRHR = append(wantRHR, *day.RestingHR)
		}
		i++
	})
	// The per-minute active energy adds up to the daily rollup.
	if math.Abs(cal-active) > 0.01 || cal == 0 {
		t.Errorf("calories rows sum to %v kcal, the rollups to %v", cal, active)
	}
	rhr := recs["resting_heart_rate"]
	if int(rhr.NumRows()) != len(wantRHR) {
		t.Fatalf("resting_heart_rate: %d rows, truth %d", rhr.NumRows(), len(wantRHR))
	}
	for i, w := range wantRHR {
		if got := num(column(rhr, "bpm"), i); got != float64(w) {
			t.Errorf("resting_heart_rate row %d = %v, truth %d", i, got, w)
		}
	}
}
