package dataset

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// The issue-6 datasets, in registry order (after the first eleven).
const newDatasetNames = " spo2_daily spo2_intraday hrv_daily hrv_intraday breathing_rate skin_temperature vo2_max" +
	" active_zone_minutes active_zone_minutes_daily weight body_fat exercises devices profile"

// newDatasetRequests45 is what the issue-6 datasets add to a 45-day plan of
// every dataset: 7 nightly endpoints × 2 chunks of ≤30 days, 45 AZM days,
// 1 AZM daily series, 2 weight chunks (≤31 days), 2 fat chunks (≤30), 1
// paged activity list, 1 devices and 1 profile snapshot.
const newDatasetRequests45 = 7*2 + 45 + 1 + 2 + 2 + 1 + 1 + 1

// TestRequestsNewDatasetLimits: each new dataset alone plans the fewest
// requests its endpoint's documented range limit allows.
func TestRequestsNewDatasetLimits(t *testing.T) {
	for _, tc := range []struct {
		dataset, kind, path string // path of the first request
		limit               int    // days per request (0: one request per range)
		days                []int  // range lengths to try
	}{
		{"spo2_daily", "spo2", "/1/user/-/spo2/date/2026-01-01/2026-01-30.json", 30, []int{1, 30, 31, 60, 61, 365}},
		{"spo2_intraday", "spo2-all", "/1/user/-/spo2/date/2026-01-01/2026-01-30/all.json", 30, []int{1, 30, 31, 61}},
		{"hrv_daily", "hrv", "/1/user/-/hrv/date/2026-01-01/2026-01-30.json", 30, []int{30, 31, 90, 91}},
		{"hrv_intraday", "hrv-all", "/1/user/-/hrv/date/2026-01-01/2026-01-30/all.json", 30, []int{30, 31}},
		{"breathing_rate", "br-all", "/1/user/-/br/date/2026-01-01/2026-01-30/all.json", 30, []int{30, 31}},
		{"skin_temperature", "temp-skin", "/1/user/-/temp/skin/date/2026-01-01/2026-01-30.json", 30, []int{30, 31}},
		{"vo2_max", "cardioscore", "/1/user/-/cardioscore/date/2026-01-01/2026-01-30.json", 30, []int{30, 31}},
		{"weight", "weight", "/1/user/-/body/log/weight/date/2026-01-01/2026-01-31.json", 31, []int{1, 31, 32, 62, 63}},
		{"body_fat", "fat", "/1/user/-/body/log/fat/date/2026-01-01/2026-01-30.json", 30, []int{30, 31, 60, 61}},
		{"active_zone_minutes_daily", "azm-daily", "/1/user/-/activities/active-zone-minutes/date/2026-01-01/2028-12-30.json", 1095, []int{1095, 1096}},
		{"active_zone_minutes", "azm/1min", "/1/user/-/activities/active-zone-minutes/date/2026-01-01/1d/1min.json", 1, []int{1, 45}},
	} {
		for _, n := range tc.days {
			r := rng("2026-01-01", n)
			got := plan(t, DefaultOptions(), r, tc.dataset)
			want := (n + tc.limit - 1) / tc.limit
			if len(got) != want || countPrefix(got, tc.kind+"/") != want {
				t.Errorf("%s over %d days: %d requests %v, want %d", tc.dataset, n, len(got), sortedKeys(got), want)
			}
			checkKeys(t, got, r)
			for k, req := range got {
				if req.Days.Days() > tc.limit {
					t.Errorf("%s: %s spans %d days, limit %d", tc.dataset, k, req.Days.Days(), tc.limit)
				}
				if keyKind(k) != tc.kind {
					t.Errorf("%s: key %s, want kind %s", tc.dataset, k, tc.kind)
				}
			}
			if n == tc.days[len(tc.days)-1] {
				first := sortedKeys(got)[0]
				if tc.limit > 1 && n >= tc.limit {
					if p := got[first].Path; p != tc.path {
						t.Errorf("%s: first path %s, want %s", tc.dataset, p, tc.path)
					}
				}
			}
		}
	}

	// AZM daily follows the daily range cap.
	o := DefaultOptions()
	o.DailyRangeCap = 30
	if got := plan(t, o, rng("2026-01-01", 45), "active_zone_minutes_daily"); len(got) != 2 {
		t.Errorf("AZM daily with cap 30 over 45 days: %v", sortedKeys(got))
	}
	if p := plan(t, DefaultOptions(), rng("2026-01-01", 1), "active_zone_minutes")["azm/1min/2026-01-01"].Path; p != "/1/user/-/activities/active-zone-minutes/date/2026-01-01/1d/1min.json" {
		t.Errorf("AZM intraday path %s", p)
	}
}

// TestRequestsListsAndSnapshots: the activity list is one paged request
// per range, however long; devices and profile are one request per range
// too (their rows are filed under its last day).
func TestRequestsListsAndSnapshots(t *testing.T) {
	for _, n := range []int{1, 45, 400} {
		r := rng("2026-01-01", n)
		got := plan(t, DefaultOptions(), r, "exercises", "devices", "profile")
		checkKeys(t, got, r)
		ex, ok := got[rangeKey("exercises", r)]
		if len(got) != 3 || !ok {
			t.Fatalf("%d days: %v", n, sortedKeys(got))
		}
		path, query, _ := strings.Cut(ex.Path, "?")
		q, err := url.ParseQuery(query)
		if err != nil || path != "/1/user/-/activities/list.json" || ex.Paging != FitbitNext ||
			q.Get("afterDate") != "2026-01-01" || q.Get("sort") != "asc" || q.Get("limit") != "100" || q.Get("offset") != "0" {
			t.Errorf("exercises request %+v", ex)
		}
		for _, k := range []string{rangeKey("devices", r), rangeKey("profile", r)} {
			if req, ok := got[k]; !ok || req.Days != r {
				t.Errorf("%d days: %s = %+v", n, k, req)
			}
		}
	}
	if got := plan(t, DefaultOptions(), rng("2026-01-01", 3), "devices")["devices/2026-01-01_2026-01-03"].Path; got != "/1/user/-/devices.json" {
		t.Errorf("devices path %s", got)
	}
	if got := plan(t, DefaultOptions(), rng("2026-01-01", 3), "profile")["profile/2026-01-01_2026-01-03"].Path; got != "/1/user/-/profile.json" {
		t.Errorf("profile path %s", got)
	}
}

// TestNewDatasetsRegistry: one scope each, as documented.
func TestNewDatasetsRegistry(t *testing.T) {
	want := map[string]string{
		"spo2_daily": "oxygen_saturation", "spo2_intraday": "oxygen_saturation",
		"hrv_daily": "heartrate", "hrv_intraday": "heartrate", "breathing_rate": "respiratory_rate",
		"skin_temperature": "temperature", "vo2_max": "cardio_fitness", "active_zone_minutes": "activity",
		"active_zone_minutes_daily": "activity", "weight": "weight", "body_fat": "weight", "exercises": "activity",
		"devices": "settings", "profile": "profile",
	}
	reg := Default()
	for name, scope := range want {
		d, ok := reg.Get(name)
		if !ok {
			t.Errorf("no dataset %s", name)
			continue
		}
		if got := fmt.Sprint(d.Sources[Fitbit].Scopes); got != "["+scope+"]" {
			t.Errorf("%s scopes %s, want [%s]", name, got, scope)
		}
	}
	for _, f := range mustGet(t, reg, "profile").Schema.Fields() {
		for _, personal := range []string{"name", "birth", "age", "gender", "height", "weight_kg"} {
			if strings.Contains(f.Name, personal) {
				t.Errorf("profile exports %s", f.Name)
			}
		}
	}
}

func mustGet(t *testing.T, reg *Registry, name string) *Dataset {
	t.Helper()
	d, ok := reg.Get(name)
	if !ok {
		t.Fatalf("no dataset %s", name)
	}
	return d
}
