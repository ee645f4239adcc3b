package takeout

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/sim"
	"github.com/fitexport/fitexport/takeout/takeoutsim"
)

const profileCSV = "id,full_name,timezone,member_since\nU1,Test User,Europe/Berlin,2026-01-01\n"

// writeTree writes files (paths relative to dir) and returns dir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func open(t *testing.T, files map[string]string) *Archive {
	t.Helper()
	a, err := Open(writeTree(t, files))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func fetch(t *testing.T, a *Archive, key string, days dates.Range) []byte {
	t.Helper()
	pages, err := a.Fetch(context.Background(), dataset.Request{Key: key, Days: days})
	if err != nil {
		t.Fatalf("fetch %s: %v", key, err)
	}
	if len(pages) != 1 {
		t.Fatalf("fetch %s: %d pages", key, len(pages))
	}
	return pages[0]
}

func oneDay(s string) dates.Range { d := dates.MustParse(s); return dates.Range{From: d, To: d} }

type point struct {
	Time  string  `json:"time"`
	Value float64 `json:"value"`
}

// intraday decodes the dataset and the day total of an intraday answer.
func intraday(t *testing.T, body []byte, res string) ([]point, string) {
	t.Helper()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	var set struct {
		Dataset []point `json:"dataset"`
	}
	if err := json.Unmarshal(doc["activities-"+res+"-intraday"], &set); err != nil {
		t.Fatal(err)
	}
	var top []struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(doc["activities-"+res], &top); err != nil || len(top) != 1 {
		t.Fatalf("activities-%s: %v %s", res, err, body)
	}
	return set.Dataset, string(top[0].Value)
}

func pointsText(ps []point) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Time + "=" + strconv.FormatFloat(p.Value, 'f', -1, 64) + " ")
	}
	return strings.TrimSpace(b.String())
}

// heartPoints decodes the dataset of a heart intraday answer.
func heartPoints(t *testing.T, body []byte) []point {
	t.Helper()
	var doc struct {
		Intraday struct {
			Dataset []point `json:"dataset"`
		} `json:"activities-heart-intraday"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return doc.Intraday.Dataset
}

const ge = "Takeout/Fitbit/Global Export Data/"

// fallBack is Berlin's fall-back night: 02:00–02:59 happens twice, first
// at +02:00 (00:00Z–00:59Z) then at +01:00 (01:00Z–01:59Z).
func fallBack() map[string]string {
	return map[string]string{
		"Takeout/Fitbit/Your Profile/Profile.csv": profileCSV,
		ge + "heart_rate-2026-10-25.json": `[
{"dateTime":"10/25/26 01:59:58","value":{"bpm":60,"confidence":2}},
{"dateTime":"10/25/26 02:00:10","value":{"bpm":"70","confidence":2}},
{"dateTime":"10/25/26 02:00:40","value":{"bpm":72,"confidence":2}},
{"dateTime":"10/25/26 02:59:50","value":{"bpm":74,"confidence":2}},
{"dateTime":"10/25/26 02:00:05","value":{"bpm":80,"confidence":2}},
{"dateTime":"10/25/26 02:00:35","value":{"bpm":83,"confidence":2}},
{"dateTime":"10/25/26 03:00:00","value":{"bpm":90,"confidence":2}}]`,
		ge + "steps-2026-10-01.json": `[
{"dateTime":"10/25/26 02:00:00","value":"5"},
{"dateTime":"10/25/26 02:30:00","value":"7"},
{"dateTime":"10/25/26 02:00:00","value":"9"}]`,
	}
}

// TestFallBackHourIsResolvedByFileOrder: the repeated hour's two passes
// keep the order the archive lists them in, so the first pass gets the
// earlier offset; at 1min the passes are separate intervals.
func TestFallBackHourIsResolvedByFileOrder(t *testing.T) {
	a := open(t, fallBack())
	d := oneDay("2026-10-25")
	if got, want := pointsText(heartPoints(t, fetch(t, a, "heart/1sec/2026-10-25", d))), "01:59:58=60 02:00:10=70 02:00:40=72 02:59:50=74 02:00:05=80 02:00:35=83 03:00:00=90"; got != want {
		t.Errorf("1sec = %s\nwant  %s", got, want)
	}
	for det, want := range map[string]string{
		"1min":  "01:59:00=60 02:00:00=71 02:59:00=74 02:00:00=82 03:00:00=90", // 81.5 rounds half away from zero
		"5min":  "01:55:00=60 02:00:00=71 02:55:00=74 02:00:00=82 03:00:00=90",
		"15min": "01:45:00=60 02:00:00=71 02:45:00=74 02:00:00=82 03:00:00=90",
	} {
		if got := pointsText(heartPoints(t, fetch(t, a, "heart/"+det+"/2026-10-25", d))); got != want {
			t.Errorf("%s = %s\nwant %s", det, got, want)
		}
	}

	// The Fitbit transform, given the answer, puts each pass at its instant.
	body := fetch(t, a, "heart/1min/2026-10-25", d)
	rows := transformRows(t, "heart_rate", "heart/1min/2026-10-25", d, body)
	want := []string{"2026-10-25T00:59:00Z", "2026-10-25T01:00:00Z" /* not here: 01:59 CEST is 23:59Z the day before */}
	_ = want
	utc := []string{}
	for _, r := range rows {
		utc = append(utc, r[0])
	}
	if got := strings.Join(utc, " "); got != "2026-10-24T23:59:00Z 2026-10-25T00:00:00Z 2026-10-25T00:59:00Z 2026-10-25T01:00:00Z 2026-10-25T02:00:00Z" {
		t.Errorf("heart_rate time_utc = %s", got)
	}

	// Minutes: 1,500 of them; each pass of 02:00 is its own minute.
	steps, total := intraday(t, fetch(t, a, "activity/steps/1min/2026-10-25", d), "steps")
	if len(steps) != 1500 || total != `"21"` {
		t.Fatalf("steps: %d minutes, total %s; want 1500 and \"21\"", len(steps), total)
	}
	for i, want := range map[int]point{120: {"02:00:00", 5}, 150: {"02:30:00", 7}, 180: {"02:00:00", 9}, 210: {"02:30:00", 0}, 181: {"02:01:00", 0}} {
		if steps[i] != want {
			t.Errorf("steps minute %d = %v, want %v", i, steps[i], want)
		}
	}
}

// transformRows runs dataset ds's Fitbit transform over one answer and
// returns time_utc (as text) and the last column of each row.
func transformRows(t *testing.T, ds, key string, d dates.Range, body []byte) [][2]string {
	t.Helper()
	spec := func() *dataset.Dataset { x, _ := dataset.Default().Get(ds); return x }()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	in := dataset.Input{Dataset: ds,
		Responses: []dataset.Response{{Request: dataset.Request{Key: key, Days: d}, Pages: [][]byte{body}}},
		Want:      func(dates.Date, string) bool { return true },
		Zone:      func(dates.Date) *time.Location { return berlin }}
	b := array.NewRecordBuilder(memory.NewGoAllocator(), spec.Schema)
	defer b.Release()
	if err := spec.Sources[dataset.Fitbit].Transform(in, b); err != nil {
		t.Fatal(err)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	var out [][2]string
	ts := rec.Column(0).(*array.Timestamp)
	last := rec.Column(int(rec.NumCols()) - 1)
	for i := 0; i < int(rec.NumRows()); i++ {
		out = append(out, [2]string{ts.Value(i).ToTime(arrow.Millisecond).UTC().Format(time.RFC3339), last.ValueStr(i)})
	}
	return out
}

// TestFilesMergeByTheirEntriesDays: a file's date is the start of its
// period; every file of a family is merged and entries go to their own
// local day.
func TestFilesMergeByTheirEntriesDays(t *testing.T) {
	a := open(t, map[string]string{
		"Takeout/Fitbit/Your Profile/Profile.csv": profileCSV,
		ge + "steps-2026-10-01.json": `[{"dateTime":"10/31/26 23:59:00","value":"4"},
{"dateTime":"11/01/26 00:00:00","value":"1"},{"dateTime":"11/01/26 00:01:00","value":"2"}]`,
		ge + "steps-2026-11-01.json":      `[{"dateTime":"11/01/26 00:02:00","value":"3"},{"dateTime":"11/02/26 10:00:00","value":"6"}]`,
		ge + "distance-2026-11-01.json":   `[{"dateTime":"11/01/26 00:00:00","value":"8640"},{"dateTime":"11/01/26 00:01:00","value":"1063.9"}]`,
		ge + "altitude-2026-11-01.json":   `[{"dateTime":"11/01/26 08:00:00","value":"10"},{"dateTime":"11/01/26 08:05:00","value":"20"}]`,
		ge + "heart_rate-2026-10-31.json": `[{"dateTime":"10/31/26 23:59:59","value":{"bpm":61,"confidence":1}},{"dateTime":"11/01/26 00:00:01","value":{"bpm":62,"confidence":1}}]`,
		ge + "heart_rate-2026-11-01.json": `[{"dateTime":"11/01/26 00:00:09","value":{"bpm":64,"confidence":1}}]`,
		ge + "resting_heart_rate-2026-10-01.json": `[{"dateTime":"10/31/26 00:00:00","value":{"date":"10/31/26","value":0.0,"error":0.0}},
{"dateTime":"11/01/26 00:00:00","value":{"date":"11/01/26","value":57.61,"error":6.5}}]`,
		ge + "very_active_minutes-2026-11-01.json": `[{"dateTime":"11/01/26 00:00:00","value":"17"}]`,
		ge + "sleep-2026-10-01.json": `[{"logId":31001,"dateOfSleep":"2026-11-01","startTime":"2026-10-31T23:10:00.000",
"endTime":"2026-11-01T06:40:00.000","duration":27000000,"minutesAsleep":420,"minutesAwake":30,"timeInBed":450,
"efficiency":93,"type":"stages","infoCode":0,"logType":"auto_detected","mainSleep":true,
"levels":{"summary":{},"data":[],"shortData":[]}},
{"logId":30001,"dateOfSleep":"2026-10-31","startTime":"2026-10-30T23:00:00.000","endTime":"2026-10-31T07:00:00.000",
"duration":28800000,"mainSleep":true,"type":"classic","levels":{"summary":{},"data":[],"shortData":[]}}]`,
		ge + "sleep-2026-11-01.json": `[{"logId":31002,"dateOfSleep":"2026-11-01","startTime":"2026-11-01T14:00:00.000",
"endTime":"2026-11-01T14:30:00.000","duration":1800000,"mainSleep":false,"type":"classic","levels":{"summary":{},"data":[],"shortData":[]}}]`,
	})
	if n := a.cache.len(); n != 0 {
		t.Errorf("after Open the cache holds %d files, want none", n)
	}
	p := a.Profile()
	if p.UserID != "U1" || p.Zone.String() != "Europe/Berlin" || p.MemberSince != dates.MustParse("2026-01-01") ||
		p.FirstDay != dates.MustParse("2026-10-31") || p.LastDay != dates.MustParse("2026-11-02") {
		t.Errorf("profile = %+v", p)
	}
	if got, want := p.LastSync(), time.Date(2026, 11, 2, 23, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("LastSync = %v, want %v (local midnight after the last day)", got, want)
	}

	steps, total := intraday(t, fetch(t, a, "activity/steps/1min/2026-11-01", oneDay("2026-11-01")), "steps")
	if len(steps) != 1440 || total != `"6"` || pointsText(steps[:4]) != "00:00:00=1 00:01:00=2 00:02:00=3 00:03:00=0" {
		t.Errorf("11-01 steps: %d minutes, total %s, first %s", len(steps), total, pointsText(steps[:4]))
	}
	steps, total = intraday(t, fetch(t, a, "activity/steps/1min/2026-10-31", oneDay("2026-10-31")), "steps")
	if total != `"4"` || pointsText(steps[1439:]) != "23:59:00=4" {
		t.Errorf("10-31 steps: total %s, last %s", total, pointsText(steps[1439:]))
	}
	dist, total := intraday(t, fetch(t, a, "activity/distance/1min/2026-11-01", oneDay("2026-11-01")), "distance")
	if total != `"0.097039"` || pointsText(dist[:2]) != "00:00:00=0.0864 00:01:00=0.010639" {
		t.Errorf("distance (cm → km): total %s, first %s", total, pointsText(dist[:2]))
	}
	elev, total := intraday(t, fetch(t, a, "activity/elevation/1min/2026-11-01", oneDay("2026-11-01")), "elevation")
	if total != `"9.144"` || elev[480].Value != 3.048 || elev[485].Value != 6.096 || elev[481].Value != 0 {
		t.Errorf("elevation (ft → m): total %s, %v %v %v", total, elev[480], elev[481], elev[485])
	}

	var heart struct {
		Summary []struct {
			DateTime string `json:"dateTime"`
			Value    struct {
				RestingHeartRate *int `json:"restingHeartRate"`
			} `json:"value"`
		} `json:"activities-heart"`
		Intraday struct {
			Dataset []point `json:"dataset"`
		} `json:"activities-heart-intraday"`
	}
	if err := json.Unmarshal(fetch(t, a, "heart/1sec/2026-11-01", oneDay("2026-11-01")), &heart); err != nil {
		t.Fatal(err)
	}
	if got := pointsText(heart.Intraday.Dataset); got != "00:00:01=62 00:00:09=64" {
		t.Errorf("11-01 heart = %s", got)
	}
	if rhr := heart.Summary[0].Value.RestingHeartRate; rhr == nil || *rhr != 58 {
		t.Errorf("11-01 restingHeartRate = %v, want 58 (57.61 rounded)", rhr)
	}
	heart.Summary = nil
	if err := json.Unmarshal(fetch(t, a, "heart-summary/2026-10-31_2026-11-02", dates.Range{From: dates.MustParse("2026-10-31"), To: dates.MustParse("2026-11-02")}), &heart); err != nil {
		t.Fatal(err)
	}
	if len(heart.Summary) != 3 || heart.Summary[0].Value.RestingHeartRate != nil || heart.Summary[1].Value.RestingHeartRate == nil || heart.Summary[2].Value.RestingHeartRate != nil {
		t.Errorf("heart summary: %+v (want 3 days, an estimate on 11-01 only: 0.0 is no estimate)", heart.Summary)
	}

	if got := string(fetch(t, a, "series/steps/2026-10-31_2026-11-02", dates.Range{From: dates.MustParse("2026-10-31"), To: dates.MustParse("2026-11-02")})); got != `{"activities-steps":[{"dateTime":"2026-10-31","value":"4"},{"dateTime":"2026-11-01","value":"6"},{"dateTime":"2026-11-02","value":"6"}]}` {
		t.Errorf("steps series = %s", got)
	}
	if got := string(fetch(t, a, "series/minutesVeryActive/2026-10-31_2026-11-01", dates.Range{From: dates.MustParse("2026-10-31"), To: dates.MustParse("2026-11-01")})); got != `{"activities-minutesVeryActive":[{"dateTime":"2026-11-01","value":"17"}]}` {
		t.Errorf("minutesVeryActive series = %s", got)
	}
	if got := string(fetch(t, a, "series/caloriesBMR/2026-10-31_2026-11-01", dates.Range{From: dates.MustParse("2026-10-31"), To: dates.MustParse("2026-11-01")})); got != `{"activities-caloriesBMR":[]}` {
		t.Errorf("caloriesBMR series = %s, want an empty list (not in archives)", got)
	}

	var sl struct {
		Sleep []map[string]any `json:"sleep"`
	}
	if err := json.Unmarshal(fetch(t, a, "sleep/2026-11-01_2026-11-05", dates.Range{From: dates.MustParse("2026-11-01"), To: dates.MustParse("2026-11-05")}), &sl); err != nil {
		t.Fatal(err)
	}
	if len(sl.Sleep) != 2 || sl.Sleep[0]["logId"] != 31002.0 || sl.Sleep[1]["logId"] != 31001.0 ||
		sl.Sleep[1]["isMainSleep"] != true || sl.Sleep[0]["isMainSleep"] != false || sl.Sleep[1]["mainSleep"] != nil {
		t.Errorf("sleep 11-01..11-05 = %v\nwant logs 31002 then 31001 (newest first), mainSleep renamed isMainSleep", sl.Sleep)
	}
	if n := a.cache.len(); n > DefaultCacheFiles {
		t.Errorf("cache holds %d files, over its bound %d", n, DefaultCacheFiles)
	}
}

// TestMalformedFilesAreReportedAndSkipped: truncated and malformed files
// are reported with their path and line (or entry) and skipped; "no data",
// [] and empty files mean nothing was recorded.
func TestMalformedFilesAreReportedAndSkipped(t *testing.T) {
	a := open(t, map[string]string{
		"Takeout/Fitbit/Your Profile/Profile.csv":                     profileCSV,
		ge + "steps-2026-10-01.json":                                  "[{\"dateTime\":\"10/05/26 08:00:00\",\"value\":\"5\"},\n{\"dateTime\":\"10/05/26 08:01:00\",\n\"val",
		ge + "steps-2026-11-01.json":                                  `[{"dateTime":"2026/11/01 08:00","value":"5"}]`,
		ge + "steps-2026-12-01.json":                                  "no data",
		ge + "calories-2026-10-01.json":                               `[{"dateTime":"10/05/26 08:00:00","value":"1.5x"}]`,
		ge + "heart_rate-2026-10-05.json":                             "[]",
		ge + "heart_rate-2026-10-06.json":                             "",
		ge + "heart_rate-2026-10-07.json":                             `[{"dateTime":"10/07/26 08:00:00","value":{"bpm":61}}]`,
		"Takeout/Fitbit/Heart Rate_GoogleData/heart_rate_2026-10.csv": "timestamp,beats per minute,data source\n",
	})
	steps, total := intraday(t, fetch(t, a, "activity/steps/1min/2026-10-05", oneDay("2026-10-05")), "steps")
	if len(steps) != 1440 || total != `"0"` {
		t.Errorf("steps of a skipped file: %d minutes, total %s; want 1440 zeros", len(steps), total)
	}
	fetch(t, a, "activity/calories/1min/2026-10-05", oneDay("2026-10-05"))
	fetch(t, a, "heart/1sec/2026-10-06", oneDay("2026-10-06"))
	w := strings.Join(a.Warnings(), "\n")
	for _, want := range []string{
		"steps-2026-10-01.json: line 3: unexpected end of JSON input",
		`steps-2026-11-01.json: entry 1 (dateTime "2026/11/01 08:00"): invalid dateTime`,
		`calories-2026-10-01.json: entry 1 (dateTime "10/05/26 08:00:00"): value: not a number: "1.5x"`,
	} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings lack %q:\n%s", want, w)
		}
	}
	if n := len(a.Warnings()); n != 3 {
		t.Errorf("%d warnings, want 3 (no-data, [] and empty files are not errors):\n%s", n, w)
	}
	if p := a.Profile(); p.LastDay != dates.MustParse("2026-10-07") {
		t.Errorf("last day %s, want 2026-10-07", p.LastDay)
	}
}

// TestRequestsOutsideTheArchive: other requests fail with ErrNotInArchive.
func TestRequestsOutsideTheArchive(t *testing.T) {
	a := open(t, fallBack())
	for _, key := range []string{"spo2/2026-10-01_2026-10-30", "activity/floors/1min/2026-10-25", "activity/steps/15min/2026-10-25", "azm/2026-10-25", "heart/2sec/2026-10-25"} {
		_, err := a.Fetch(context.Background(), dataset.Request{Key: key, Path: "/x"})
		if !errors.Is(err, ErrNotInArchive) || !strings.Contains(err.Error(), "not in a Takeout archive") {
			t.Errorf("%s: err = %v, want ErrNotInArchive", key, err)
		}
	}
	if got := strings.Join(a.SupportedDatasets(), ","); got != "heart_rate,steps,daily_activity" {
		t.Errorf("supported = %s", got)
	}
}

// TestOpenFindsTheRootAndZone: the newer root wins over the older one;
// an archive without a zone needs one passed (the last resort); an
// archive without health data is refused.
func TestOpenFindsTheRootAndZone(t *testing.T) {
	files := map[string]string{
		"Takeout/Google Health/Your Profile/Profile.csv":                 profileCSV,
		"Takeout/Google Health/Global Export Data/steps-2026-10-01.json": `[{"dateTime":"10/05/26 08:00:00","value":"5"}]`,
		"Takeout/Fitbit/Global Export Data/steps-2026-10-01.json":        `[{"dateTime":"10/05/26 08:00:00","value":"500"}]`,
	}
	a := open(t, files)
	if s := a.Summary(); s.Root != RootGoogleHealth || s.Indexed["steps"] != 1 || s.NonHealth != 1 || len(a.Warnings()) != 1 {
		t.Errorf("summary %+v, warnings %q", s, a.Warnings())
	}

	noProfile := writeTree(t, map[string]string{ge + "steps-2026-10-01.json": `[]`})
	if _, err := Open(noProfile); err == nil || !strings.Contains(err.Error(), "time zone") {
		t.Errorf("open without a profile: err = %v, want one about the time zone", err)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	b, err := OpenWith(Options{Zone: tokyo}, noProfile)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if p := b.Profile(); p.UserID != "takeout" || p.Zone != tokyo || p.MemberSince != dates.MustParse("2026-10-01") || !p.LastDay.IsZero() {
		t.Errorf("profile = %+v", p)
	}

	if _, err := Open(writeTree(t, map[string]string{"Takeout/Mail/All mail.mbox": "x"})); err == nil || !strings.Contains(err.Error(), "Takeout/Fitbit") {
		t.Errorf("open without health data: err = %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.zip")); err == nil {
		t.Error("open of a missing file succeeded")
	}
}

// BenchmarkHeartDay renders a day of 1sec heart rate from a zip (decode
// included: the cache is bypassed), reporting samples per second.
func BenchmarkHeartDay(b *testing.B) {
	zipPath := filepath.Join(b.TempDir(), "takeout-001.zip")
	writeSimZip(b, zipPath, dates.Range{From: dates.MustParse("2026-10-01"), To: dates.MustParse("2026-10-03")})
	a, err := OpenWith(Options{CacheFiles: 1}, zipPath)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	req := dataset.Request{Key: "heart/1sec/2026-10-02", Days: oneDay("2026-10-02")}
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for i := 0; i < b.N; i++ {
		a.cache = newFileCache(1)
		pages, err := a.Fetch(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		n += strings.Count(string(pages[0]), `"time"`)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "samples/s")
}

// writeSimZip writes the archive of simulated user SIM001 for days r.
func writeSimZip(t testing.TB, path string, r dates.Range) {
	t.Helper()
	us := sim.DefaultUsers()
	us[0].LastSync = time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC)
	s := sim.New(sim.Config{Seed: 1, Users: us, Now: func() time.Time { return us[0].LastSync }})
	if err := takeoutsim.WriteZips([]string{path}, takeoutsim.Files(s.Truth(us[0].ID), us[0], takeoutsim.Options{Range: r})); err != nil {
		t.Fatal(err)
	}
}

// TestNightlyCSVs: CSV families are found by file name in any folder; a
// Minute SpO2 file may hold two nights, each filed under the day it ended;
// a reading listed in two files is served once; a CSV without a column it
// needs is reported and skipped.
func TestNightlyCSVs(t *testing.T) {
	const gh = "Takeout/Fitbit/"
	a := open(t, map[string]string{
		gh + "Your Profile/Profile.csv": profileCSV,
		// Two nights in one file: 10-04 evening to 10-05, then a night
		// starting after midnight on 10-06 (UTC+2).
		gh + "Oxygen Saturation (SpO2)/Minute SpO2 - 2026-10-04.csv": "timestamp,value\n" +
			"2026-10-04T21:00:00Z,95\n2026-10-04T23:30:00Z,94\n2026-10-05T02:00:00Z,96\n" +
			"2026-10-05T23:00:00Z,97\n2026-10-06T01:00:00Z,98\n",
		// The same reading again, in another folder.
		gh + "Sleep/Minute SpO2 - 2026-10-05.csv":                                     "timestamp,value\n2026-10-05T02:00:00Z,96\n",
		gh + "Heart Rate Variability/Daily Respiratory Rate Summary - 2026-10-01.csv": "timestamp,breathing_rate\n2026-10-05T00:00:00,15\n",
		gh + "Heart Rate Variability/Daily Heart Rate Variability Summary - 2026-10.csv": "timestamp,rmssd,nremhr,entropy\n" +
			"2026-10-05T00:00:00,40.5,55,2\n",
	})
	r := dates.Range{From: dates.MustParse("2026-10-04"), To: dates.MustParse("2026-10-06")}
	got := string(fetch(t, a, "spo2-all/2026-10-04_2026-10-06", r))
	want := `[{"dateTime":"2026-10-05","minutes":[{"value":95,"minute":"2026-10-04T23:00:00"},{"value":94,"minute":"2026-10-05T01:30:00"},{"value":96,"minute":"2026-10-05T04:00:00"}]},` +
		`{"dateTime":"2026-10-06","minutes":[{"value":97,"minute":"2026-10-06T01:00:00"},{"value":98,"minute":"2026-10-06T03:00:00"}]}]`
	if got != want {
		t.Errorf("spo2-all =\n%s\nwant\n%s", got, want)
	}
	if got := string(fetch(t, a, "hrv/2026-10-04_2026-10-06", r)); got != `{"hrv":[{"dateTime":"2026-10-05","value":{"dailyRmssd":40.5}}]}` {
		t.Errorf("hrv = %s (a file named for a month: read as its first day)", got)
	}
	if _, err := a.Fetch(context.Background(), dataset.Request{Key: "br-all/2026-10-04_2026-10-06", Days: r}); err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(a.Warnings(), "\n"); !strings.Contains(w, `Daily Respiratory Rate Summary - 2026-10-01.csv: line 1: no column "daily_respiratory_rate"`) {
		t.Errorf("warnings = %q, want one about the missing column", w)
	}
	if got := strings.Join(a.SupportedDatasets(), ","); got != "spo2_intraday,hrv_daily,breathing_rate" {
		t.Errorf("supported = %s", got)
	}
	for key := range map[string]bool{"spo2/2026-10-04_2026-10-06": true, "weight/2026-10-04_2026-10-06": true, "temp-skin/2026-10-04_2026-10-06": true} {
		if _, err := a.Fetch(context.Background(), dataset.Request{Key: key, Days: r}); !errors.Is(err, ErrNotInArchive) {
			t.Errorf("%s: err = %v, want ErrNotInArchive (no such files)", key, err)
		}
	}
}
