package extract

import (
	"fmt"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
)

func days(from string, n int) []dates.Date {
	var out []dates.Date
	d := dates.MustParse(from)
	for i := 0; i < n; i++ {
		out = append(out, d.AddDays(i))
	}
	return out
}

// TestPlanIsTheMinimum checks the planner's request count against the
// minimum worked out by hand for several ranges and dataset mixes.
func TestPlanIsTheMinimum(t *testing.T) {
	reg := dataset.Default()
	intraday := 6 // heart + steps, calories, distance, floors, elevation
	cases := []struct {
		names []string
		from  string
		n     int
		want  int
	}{
		// Every day: 6 intraday answers (heart's also carries resting HR
		// and zones; activity's carry daily_activity's totals); plus 6 daily
		// series (caloriesBMR, activityCalories, 4 minute buckets) and 1
		// sleep chunk for the 45 days.
		{[]string{"heart_rate", "steps", "calories", "distance", "floors", "elevation", "daily_activity", "resting_heart_rate", "heart_rate_zones", "sleep_sessions", "sleep_stages"}, "2026-01-01", 45, 45*intraday + 6 + 1},
		{[]string{"heart_rate", "resting_heart_rate", "heart_rate_zones"}, "2026-01-01", 45, 45},
		// Alone, resting heart rate uses the summary range: 400 days = 2 chunks of ≤ 365.
		{[]string{"resting_heart_rate"}, "2025-01-01", 400, 2},
		{[]string{"resting_heart_rate", "heart_rate_zones"}, "2025-01-01", 400, 2},
		// Sleep: 250 days = 3 chunks of ≤ 100; both sleep datasets share them.
		{[]string{"sleep_sessions", "sleep_stages"}, "2026-01-01", 250, 3},
		// daily_activity alone: 11 daily series, each in one chunk of ≤ 1095 days.
		{[]string{"daily_activity"}, "2024-01-01", 1000, 11},
		{[]string{"daily_activity"}, "2023-01-01", 1200, 22},
		// with steps selected, steps' total comes from the per-day answers.
		{[]string{"steps", "daily_activity"}, "2026-01-01", 30, 30 + 10},
	}
	for _, c := range cases {
		ds, err := reg.Select(dataset.Fitbit, c.names)
		if err != nil {
			t.Fatal(err)
		}
		o := dataset.DefaultOptions()
		need := map[string][]dates.Date{}
		for _, d := range ds {
			o.Selected[d.Name] = true
			need[d.Name] = days(c.from, c.n)
		}
		p := PlanRequests(ds, dataset.Fitbit, o, need, nil, false)
		if len(p.Requests) != c.want {
			t.Errorf("%v over %d days: %d requests, want %d", c.names, c.n, len(p.Requests), c.want)
		}
		sum := 0
		for _, n := range p.PerDataset {
			sum += n
		}
		if sum != len(p.Requests) {
			t.Errorf("%v: per-dataset counts sum to %d, want %d", c.names, sum, len(p.Requests))
		}
	}
}

// TestPlanSkipsWhatTheCacheCovers: a request whose days are all held
// complete by cached answers of the same endpoint is not sent, whatever
// span those answers had; an incomplete day is fetched again.
func TestPlanSkipsWhatTheCacheCovers(t *testing.T) {
	reg := dataset.Default()
	ds, _ := reg.Select(dataset.Fitbit, []string{"resting_heart_rate"})
	o := dataset.DefaultOptions()
	o.Selected["resting_heart_rate"] = true
	c, err := OpenCache(t.TempDir(), "fitbit", "U1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	first := ds[0].Sources[dataset.Fitbit].Requests(o, dates.Range{From: dates.MustParse("2026-01-01"), To: dates.MustParse("2026-01-31")})
	if len(first) != 1 {
		t.Fatalf("%d requests", len(first))
	}
	// Cached Jan 1–31, complete through Jan 29.
	if _, err := c.Put(first[0], [][]byte{[]byte(`{}`)}, Meta{FetchedAt: time.Now(), CompleteThrough: dates.MustParse("2026-01-29"), Zone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		days []dates.Date
		want int
	}{
		{days("2026-01-10", 10), 0}, // inside, complete: a different key, same endpoint
		{days("2026-01-25", 5), 0},
		{days("2026-01-28", 3), 1}, // Jan 30 was incomplete
		{days("2026-02-01", 1), 1},
	} {
		p := PlanRequests(ds, dataset.Fitbit, o, map[string][]dates.Date{"resting_heart_rate": tc.days}, c, false)
		if len(p.Requests) != tc.want {
			t.Errorf("days %v: %d requests, want %d", tc.days, len(p.Requests), tc.want)
		}
		if r := PlanRequests(ds, dataset.Fitbit, o, map[string][]dates.Date{"resting_heart_rate": tc.days}, c, true); len(r.Requests) != 1 {
			t.Errorf("--refetch of %v: %d requests, want 1", tc.days, len(r.Requests))
		}
	}
}

func TestRuns(t *testing.T) {
	d := dates.MustParse
	got := Runs([]dates.Date{d("2026-01-05"), d("2026-01-01"), d("2026-01-02"), d("2026-01-02"), d("2026-01-04"), d("2026-01-09")})
	if fmt.Sprint(got) != "[2026-01-01..2026-01-02 2026-01-04..2026-01-05 2026-01-09..2026-01-09]" {
		t.Fatalf("runs %v", got)
	}
}
