package dataset

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/fitexport/fitexport/dates"
)

// plan unions the requests of the named datasets by key, as the planner does.
func plan(t *testing.T, o Options, r dates.Range, names ...string) map[string]Request {
	t.Helper()
	reg := Default()
	if o.Selected == nil {
		o.Selected = map[string]bool{}
	}
	for _, n := range names {
		o.Selected[n] = true
	}
	out := map[string]Request{}
	for _, n := range names {
		d, ok := reg.Get(n)
		if !ok {
			t.Fatalf("no dataset %s", n)
		}
		for _, req := range d.Sources[Fitbit].Requests(o, r) {
			if prev, dup := out[req.Key]; dup && (prev.Path != req.Path || prev.Days != req.Days) {
				t.Fatalf("key %s planned twice with different requests: %+v vs %+v", req.Key, prev, req)
			}
			out[req.Key] = req
		}
	}
	return out
}

func rng(from string, days int) dates.Range {
	f := dates.MustParse(from)
	return dates.Range{From: f, To: f.AddDays(days - 1)}
}

func countPrefix(m map[string]Request, prefix string) int {
	n := 0
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			n++
		}
	}
	return n
}

func TestRequestsAllDatasets45Days(t *testing.T) {
	r := rng("2026-01-01", 45)
	got := plan(t, DefaultOptions(), r, Default().Names()...)
	// 45 days × (heart + 5 activity resources) + 6 daily series (BMR,
	// activityCalories, 4 minutes*) + 1 sleep chunk; resting heart rate,
	// zones and the daily totals ride on the intraday answers. The issue-6
	// datasets add newDatasetRequests45 (see requests_new_test.go).
	if want := 45*6 + 6 + 1 + newDatasetRequests45; len(got) != want {
		t.Errorf("requests = %d, want %d", len(got), want)
	}
	for prefix, want := range map[string]int{
		"heart/1min/": 45, "activity/steps/1min/": 45, "activity/calories/1min/": 45,
		"activity/distance/1min/": 45, "activity/floors/1min/": 45, "activity/elevation/1min/": 45,
		"series/": 6, "heart-summary/": 0, "sleep/": 1,
	} {
		if n := countPrefix(got, prefix); n != want {
			t.Errorf("%s*: %d requests, want %d", prefix, n, want)
		}
	}
	req, ok := got["series/minutesVeryActive/2026-01-01_2026-02-14"]
	if !ok || req.Path != "/1/user/-/activities/minutesVeryActive/date/2026-01-01/2026-02-14.json" || req.Days != r {
		t.Errorf("minutesVeryActive series = %+v", req)
	}
	req = got["sleep/2026-01-01_2026-02-14"]
	if req.Path != "/1.2/user/-/sleep/date/2026-01-01/2026-02-14.json" || req.Days != r {
		t.Errorf("sleep = %+v", req)
	}
	req = got["heart/1min/2026-02-03"]
	d := dates.MustParse("2026-02-03")
	if req.Path != "/1/user/-/activities/heart/date/2026-02-03/1d/1min.json" || req.Days != (dates.Range{From: d, To: d}) {
		t.Errorf("heart day = %+v", req)
	}
	req = got["activity/floors/1min/2026-02-03"]
	if req.Path != "/1/user/-/activities/floors/date/2026-02-03/1d/1min.json" || req.Days != (dates.Range{From: d, To: d}) {
		t.Errorf("floors day = %+v", req)
	}
	checkKeys(t, got, r)

	// A 30-day cap splits each daily series in two.
	o := DefaultOptions()
	o.DailyRangeCap = 30
	got = plan(t, o, r, Default().Names()...)
	if want := 45*6 + 12 + 1 + newDatasetRequests45 + 1; len(got) != want {
		t.Errorf("cap 30: requests = %d, want %d", len(got), want)
	}
	for _, k := range []string{"series/caloriesBMR/2026-01-01_2026-01-30", "series/caloriesBMR/2026-01-31_2026-02-14"} {
		if _, ok := got[k]; !ok {
			t.Errorf("cap 30: missing %s", k)
		}
	}
}

// checkKeys: filename-safe keys, and every request's Days inside r.
func checkKeys(t *testing.T, m map[string]Request, r dates.Range) {
	t.Helper()
	safe := regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+$`)
	for k, req := range m {
		if !safe.MatchString(k) || strings.Contains(k, "..") || strings.HasPrefix(k, "/") {
			t.Errorf("key %q is not filename-safe", k)
		}
		if !r.Contains(req.Days.From) || !r.Contains(req.Days.To) || req.Days.To.Before(req.Days.From) {
			t.Errorf("%s: Days %s outside %s", k, req.Days, r)
		}
		if got, err := keyDays(Request{Key: k}); err != nil || got != req.Days {
			t.Errorf("%s: key says %v (%v), Days %s", k, got, err, req.Days)
		}
	}
}

func TestRequestsReuse(t *testing.T) {
	r := rng("2026-03-01", 10)
	heart := plan(t, DefaultOptions(), r, "heart_rate")
	both := plan(t, DefaultOptions(), r, "heart_rate", "resting_heart_rate", "heart_rate_zones")
	if len(both) != len(heart) || len(heart) != 10 {
		t.Errorf("heart_rate alone %d requests, with resting_heart_rate and zones %d; want 10 and 10", len(heart), len(both))
	}

	alone := plan(t, DefaultOptions(), rng("2025-01-01", 400), "resting_heart_rate", "heart_rate_zones")
	keys := sortedKeys(alone)
	want := []string{"heart-summary/2025-01-01_2025-12-31", "heart-summary/2026-01-01_2026-02-04"}
	if strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Errorf("summary alone over 400 days = %v, want %v", keys, want)
	}

	o := DefaultOptions()
	o.HeartDetail = "1sec"
	sec := plan(t, o, rng("2026-03-29", 1), "heart_rate", "resting_heart_rate")
	if req, ok := sec["heart/1sec/2026-03-29"]; !ok || len(sec) != 1 || req.Path != "/1/user/-/activities/heart/date/2026-03-29/1d/1sec.json" {
		t.Errorf("1sec plan = %v", sec)
	}

	// daily_activity alone: 11 series; with steps selected, steps comes
	// from the per-day intraday answers instead.
	da := plan(t, DefaultOptions(), r, "daily_activity")
	if len(da) != 11 || countPrefix(da, "series/") != 11 {
		t.Errorf("daily_activity alone = %v", sortedKeys(da))
	}
	ds := plan(t, DefaultOptions(), r, "daily_activity", "steps")
	if len(ds) != 10+10 || countPrefix(ds, "series/steps/") != 0 || countPrefix(ds, "activity/steps/1min/") != 10 {
		t.Errorf("daily_activity + steps = %v", sortedKeys(ds))
	}
}

func TestRequestsSleepChunks(t *testing.T) {
	got := sortedKeys(plan(t, DefaultOptions(), rng("2026-01-01", 250), "sleep_sessions", "sleep_stages"))
	want := []string{"sleep/2026-01-01_2026-04-10", "sleep/2026-04-11_2026-07-19", "sleep/2026-07-20_2026-09-07"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("sleep chunks = %v, want %v", got, want)
	}
}

func sortedKeys(m map[string]Request) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestRegistry(t *testing.T) {
	reg := Default()
	want := "heart_rate steps calories distance floors elevation daily_activity resting_heart_rate heart_rate_zones sleep_sessions sleep_stages" + newDatasetNames + " coverage"
	if got := strings.Join(reg.Names(), " "); got != want {
		t.Errorf("order = %s", got)
	}
	if Default().All()[0] == reg.All()[0] {
		t.Error("Default shares values between calls")
	}
	for _, d := range reg.All() {
		if d.Version != 1 || d.Doc == "" || !strings.HasSuffix(d.Doc, ".") {
			t.Errorf("%s: version %d, doc %q", d.Name, d.Version, d.Doc)
		}
		for _, f := range d.Schema.Fields() {
			if i := f.Metadata.FindKey("doc"); i < 0 || f.Metadata.Values()[i] == "" {
				t.Errorf("%s.%s has no doc", d.Name, f.Name)
			}
		}
		spec := d.Sources[Fitbit]
		if len(spec.Scopes) == 0 || spec.Requests == nil || spec.Transform == nil {
			t.Errorf("%s: incomplete Fitbit spec", d.Name)
		}
	}
}

func TestMarkdownTable(t *testing.T) {
	md := MarkdownTable(Default(), Fitbit)
	for _, s := range []string{
		"| `heart_rate` | time series | heartrate | 1/day |",
		"| `daily_activity` | daily | activity | 11/year |",
		"| `resting_heart_rate` | daily | heartrate | 1/year |",
		"| `sleep_sessions` | sessions | sleep | 4/year |",
		"| `time_utc` | timestamp (UTC) |  |",
		"| `distance_m` | float64 | m |",
		"| `calories_kcal` | float64, nullable | kcal |",
		"### `sleep_stages` (schema version 1)",
	} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}
	if strings.Contains(md, "on fitbit |") {
		t.Error("the Fitbit tables have a notes column, but no Fitbit spec has column notes")
	}
}
