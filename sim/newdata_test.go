package sim_test

import (
	"bytes"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/sim"
)

// Tests of the issue-6 endpoints: nightly metrics, Active Zone Minutes,
// body logs and the activity log list.

// TestNewEndpointsGolden pins the wire format of the new endpoints
// (go test ./sim -run TestNewEndpointsGolden -update rewrites only these).
func TestNewEndpointsGolden(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 7})
	mask := map[string]string{e.access: "ACCESS_TOKEN", e.srv.URL: "http://HOST"}
	cases := []struct {
		name, path string
		status     int
		hdr        []string
	}{
		{"spo2_range", "/1/user/-/spo2/date/2026-11-18/2026-11-21.json", 200, nil},
		{"spo2_date", "/1/user/-/spo2/date/2026-11-20.json", 200, nil},
		{"spo2_all", "/1/user/-/spo2/date/2026-11-20/2026-11-20/all.json", 200, nil},
		{"hrv_range", "/1/user/-/hrv/date/2026-11-18/2026-11-21.json", 200, nil},
		{"hrv_all", "/1/user/-/hrv/date/2026-11-20/2026-11-20/all.json", 200, nil},
		{"br_range", "/1/user/-/br/date/2026-11-18/2026-11-21.json", 200, nil},
		{"br_all", "/1/user/-/br/date/2026-11-18/2026-11-21/all.json", 200, nil},
		{"temp_skin_range", "/1/user/-/temp/skin/date/2026-11-18/2026-11-21.json", 200, nil},
		{"cardioscore_range", "/1/user/-/cardioscore/date/2026-11-01/2026-11-21.json", 200, nil},
		{"azm_daily", "/1/user/-/activities/active-zone-minutes/date/2026-11-18/2026-11-21.json", 200, nil},
		{"azm_1min", "/1/user/-/activities/active-zone-minutes/date/2026-11-20/1d/1min.json", 200, nil},
		{"weight_range", "/1/user/-/body/log/weight/date/2026-11-01/2026-11-24.json", 200, nil},
		{"weight_range_en_US", "/1/user/-/body/log/weight/date/2026-11-01/2026-11-10.json", 200, []string{"Accept-Language", "en_US"}},
		{"fat_range", "/1/user/-/body/log/fat/date/2026-11-01/2026-11-24.json", 200, nil},
		{"activity_list_asc", "/1/user/-/activities/list.json?afterDate=2026-11-20&sort=asc&limit=2&offset=2", 200, nil},
		{"activity_list_desc", "/1/user/-/activities/list.json?beforeDate=2026-11-20&sort=desc&limit=1&offset=0", 200, nil},
		{"error_400_range_spo2_all", "/1/user/-/spo2/date/2026-10-01/2026-10-31/all.json", 400, nil},
		{"error_400_range_hrv", "/1/user/-/hrv/date/2026-10-01/2026-10-31.json", 400, nil},
		{"error_400_range_weight", "/1/user/-/body/log/weight/date/2026-10-01/2026-11-01.json", 400, nil},
		{"error_400_range_fat", "/1/user/-/body/log/fat/date/2026-10-01/2026-10-31.json", 400, nil},
		{"error_400_range_azm", "/1/user/-/activities/active-zone-minutes/date/2023-11-24/2026-11-23.json", 400, nil},
		{"error_400_activity_list_limit", "/1/user/-/activities/list.json?afterDate=2026-11-20&sort=asc&limit=101", 400, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.get(t, c.path, c.hdr...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, trunc(r.body))
			}
			checkGolden(t, c.name, r.body, mask)
		})
	}
}

// TestNightlyFollowsMainSleep: a date has nightly metrics exactly when a
// main sleep ended on it and has synced; samples lie inside that sleep and
// the summaries are computed from them.
func TestNightlyFollowsMainSleep(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 11})
	tr := e.s.Truth("SIM001")
	cut := tr.SyncedUntil()
	with, without, classic := 0, 0, 0
	r := dates.Range{From: d("2026-09-20"), To: d("2026-11-25")}
	r.Each(func(day dates.Date) {
		var main *sim.SleepLog
		for _, lg := range tr.Day(day).Sleep {
			if lg.IsMainSleep {
				lg := lg
				main = &lg
			}
		}
		n := tr.Nightly(day)
		if (main == nil) != (n == nil) {
			t.Fatalf("%s: main sleep %v, nightly %v", day, main != nil, n != nil)
		}
		if n == nil {
			without++
			return
		}
		with++
		if n.Sleep.LogID != main.LogID || n.Sleep.End.After(cut) {
			t.Fatalf("%s: nightly tied to log %d, main sleep %d", day, n.Sleep.LogID, main.LogID)
		}
		lo, hi, sum := math.Inf(1), math.Inf(-1), 0.0
		for _, s := range n.SpO2 {
			if s.Time.Before(main.Start) || !s.Time.Before(main.End) || s.Local.Location() != tr.Zone() {
				t.Fatalf("%s: SpO2 sample at %s outside the sleep %s–%s", day, s.Time, main.Start, main.End)
			}
			lo, hi, sum = math.Min(lo, s.Percent), math.Max(hi, s.Percent), sum+s.Percent
		}
		if len(n.SpO2) < 200 || n.SpO2Min != lo || n.SpO2Max != hi || math.Abs(n.SpO2Avg-sum/float64(len(n.SpO2))) > 0.05 {
			t.Errorf("%s: SpO2 summary %v/%v/%v, samples %d %v/%v", day, n.SpO2Avg, n.SpO2Min, n.SpO2Max, len(n.SpO2), lo, hi)
		}
		if want := int(main.End.Sub(main.Start) / (5 * time.Minute)); len(n.HRV) != want {
			t.Errorf("%s: %d HRV windows, want %d", day, len(n.HRV), want)
		}
		if main.Type == "classic" {
			classic++
			if n.DeepBR != nil || n.DeepRMSSD != nil {
				t.Errorf("%s: classic sleep with per-stage values", day)
			}
		} else if n.DeepBR == nil {
			t.Errorf("%s: stages sleep without per-stage breathing rates", day)
		}
		if v := n.VO2Max; (v.Low == nil) != (v.High == nil) || (v.Low != nil && (*v.Low+*v.High)/2 != v.Value) {
			t.Errorf("%s: VO2 max %+v", day, v)
		}
	})
	if with < 40 || without == 0 {
		t.Errorf("%d nights with metrics, %d without", with, without)
	}

	// The range answers list exactly those dates, ascending.
	type entry struct {
		DateTime string `json:"dateTime"`
	}
	got := decode[map[string][]entry](t, e.get(t, "/1/user/-/hrv/date/2026-10-27/2026-11-25.json").body)["hrv"]
	var want []string
	dates.Range{From: d("2026-10-27"), To: d("2026-11-25")}.Each(func(day dates.Date) {
		if tr.Nightly(day) != nil {
			want = append(want, day.String())
		}
	})
	var gotDates []string
	for _, x := range got {
		gotDates = append(gotDates, x.DateTime)
	}
	if strings.Join(gotDates, " ") != strings.Join(want, " ") {
		t.Errorf("hrv dates %v, truth %v", gotDates, want)
	}
	spo2 := decode[[]entry](t, e.get(t, "/1/user/-/spo2/date/2026-10-27/2026-11-25.json").body)
	if len(spo2) != len(want) {
		t.Errorf("spo2 range: %d entries, truth %d", len(spo2), len(want))
	}

	// Fall-back night: the SpO2 minutes' wall clock goes back once.
	n := tr.Nightly(d("2026-10-25"))
	if n == nil {
		t.Skip("no main sleep on the fall-back night with this seed")
	}
	back := 0
	for i := 1; i < len(n.SpO2); i++ {
		if n.SpO2[i].Local.Format("15:04:05") < n.SpO2[i-1].Local.Format("15:04:05") && n.SpO2[i].Local.Hour() == 2 {
			back++
		}
	}
	if back != 1 {
		t.Errorf("fall-back night: SpO2 wall clock went back %d times in the 02:00 hour, want 1", back)
	}
}

// TestNewRangeLimits: the documented maximum ranges, exactly and one day
// over (with the validation body).
func TestNewRangeLimits(t *testing.T) {
	// A recent memberSince keeps the long ranges cheap.
	users := testUsers(t)
	users[0].MemberSince = d("2026-10-01")
	e := newEnv(t, sim.Config{Seed: 1, Users: users})
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/1/user/-/spo2/date/2026-10-01/2026-12-31.json", 200}, // no documented limit
		{"/1/user/-/spo2/date/2026-10-01/2026-10-30/all.json", 200},
		{"/1/user/-/spo2/date/2026-10-01/2026-10-31/all.json", 400},
		{"/1/user/-/hrv/date/2026-10-01/2026-10-30.json", 200},
		{"/1/user/-/hrv/date/2026-10-01/2026-10-31.json", 400},
		{"/1/user/-/hrv/date/2026-10-01/2026-10-30/all.json", 200},
		{"/1/user/-/hrv/date/2026-10-01/2026-10-31/all.json", 400},
		{"/1/user/-/br/date/2026-10-01/2026-10-30.json", 200},
		{"/1/user/-/br/date/2026-10-01/2026-10-31/all.json", 400},
		{"/1/user/-/temp/skin/date/2026-10-01/2026-10-30.json", 200},
		{"/1/user/-/temp/skin/date/2026-10-01/2026-10-31.json", 400},
		{"/1/user/-/cardioscore/date/2026-10-01/2026-10-30.json", 200},
		{"/1/user/-/cardioscore/date/2026-10-01/2026-10-31.json", 400},
		{"/1/user/-/body/log/weight/date/2026-10-01/2026-10-31.json", 200},
		{"/1/user/-/body/log/weight/date/2026-10-01/2026-11-01.json", 400},
		{"/1/user/-/body/log/fat/date/2026-10-01/2026-10-30.json", 200},
		{"/1/user/-/body/log/fat/date/2026-10-01/2026-10-31.json", 400},
		{"/1/user/-/activities/active-zone-minutes/date/2023-11-24/2026-11-22.json", 200},
		{"/1/user/-/activities/active-zone-minutes/date/2023-11-23/2026-11-22.json", 400},
		{"/1/user/-/activities/active-zone-minutes/date/2026-11-20/2026-11-21/1min.json", 400},
		{"/1/user/-/hrv/date/2026-10-02/2026-10-01.json", 400},
		{"/1/user/-/body/log/weight/date/2026-02-30.json", 400},
		{"/1/user/-/activities/active-zone-minutes/date/2026-11-20/1d/1sec.json", 400},
	} {
		r := e.get(t, c.path)
		if c.status == 400 {
			fe := wantErr(t, r, 400, "validation")
			if strings.Contains(fe.Errors[0].Message, "days requested") && !strings.Contains(fe.Errors[0].Message, "maximum range") {
				t.Errorf("%s: message %q", c.path, fe.Errors[0].Message)
			}
			continue
		}
		if r.status != 200 {
			t.Errorf("%s: %d %s", c.path, r.status, trunc(r.body))
		}
	}
	for _, p := range []string{"/1/user/-/spo2/date/2026-11-20/x/y.json", "/1/user/-/temp/core/date/2026-11-20.json",
		"/1/user/-/cardioscore/date/2026-11-20/all.json", "/1/user/-/body/log/bmi/date/2026-11-20.json"} {
		wantErr(t, e.get(t, p), 404, "not_found")
	}
}

// TestActivityListPagination follows pagination.next over three weeks and
// finds every served exercise once, in order; the descending list mirrors it.
func TestActivityListPagination(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 9})
	tr := e.s.Truth("SIM001")
	type page struct {
		Activities []struct {
			LogID     int64  `json:"logId"`
			StartTime string `json:"startTime"`
			Steps     int    `json:"steps"`
		} `json:"activities"`
		Pagination struct {
			Next, Previous string
		} `json:"pagination"`
	}
	walk := func(first string, enough int) ([]int64, int) {
		var ids []int64
		pages := 0
		for next := first; next != "" && len(ids) < enough; pages++ {
			r := e.get(t, next)
			if r.status != 200 {
				t.Fatalf("%s: %d %s", next, r.status, r.body)
			}
			p := decode[page](t, r.body)
			for _, a := range p.Activities {
				ids = append(ids, a.LogID)
			}
			if pages > 0 && p.Pagination.Previous == "" {
				t.Error("no previous link on a later page")
			}
			next = ""
			if p.Pagination.Next != "" {
				u, err := url.Parse(p.Pagination.Next)
				if err != nil || u.Host != e.srv.Listener.Addr().String() {
					t.Fatalf("next %q is not a full URL on the request's host", p.Pagination.Next)
				}
				next = u.RequestURI()
			}
		}
		return ids, pages
	}
	asc, pages := walk("/1/user/-/activities/list.json?afterDate=2026-11-04&sort=asc&limit=7&offset=0", 1<<30)
	var want []int64
	for day := d("2026-11-04"); !day.After(d("2026-11-25")); day = day.AddDays(1) {
		for _, x := range tr.Exercises(day) {
			if x.End.After(tr.SyncedUntil()) {
				t.Fatalf("truth lists an unsynced exercise %d", x.LogID)
			}
			want = append(want, x.LogID)
		}
	}
	if len(asc) != len(want) || len(want) < 20 || pages != (len(want)+6)/7 {
		t.Fatalf("paged %d logs in %d pages, truth %d", len(asc), pages, len(want))
	}
	for i := range want {
		if asc[i] != want[i] {
			t.Fatalf("log %d = %d, truth %d", i, asc[i], want[i])
		}
	}
	desc, _ := walk("/1/user/-/activities/list.json?beforeDate=2026-11-26&sort=desc&limit=5&offset=0", len(want))
	if len(desc) < len(want) {
		t.Fatalf("descending list has %d logs", len(desc))
	}
	for i := range want {
		if desc[i] != want[len(want)-1-i] {
			t.Fatalf("descending log %d = %d, want %d", i, desc[i], want[len(want)-1-i])
		}
	}
	for _, bad := range []string{
		"/1/user/-/activities/list.json?afterDate=2026-11-04&sort=desc&limit=7",
		"/1/user/-/activities/list.json?beforeDate=2026-11-04&sort=asc&limit=7",
		"/1/user/-/activities/list.json?afterDate=2026-11-04&sort=asc&limit=0",
		"/1/user/-/activities/list.json?sort=asc&limit=10",
	} {
		wantErr(t, e.get(t, bad), 400, "validation")
	}
}

// TestExercisesMatchMinutes: an exercise's steps are the steps the intraday
// series serves over its minutes, and runs are faster than walks.
func TestExercisesMatchMinutes(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 4})
	tr := e.s.Truth("SIM001")
	runs := 0
	for day := d("2026-10-20"); !day.After(d("2026-11-10")); day = day.AddDays(1) {
		pts := tr.Activity(day, "steps", "1min")
		for _, x := range tr.Exercises(day) {
			steps := 0
			for _, p := range pts {
				if !p.Time.Before(x.Start) && p.Time.Before(x.End) {
					steps += int(p.Value)
					if p.Value < 60 {
						t.Errorf("%s: minute %s of exercise %d has %v steps", day, p.Time, x.LogID, p.Value)
					}
				}
			}
			if steps != x.Steps || x.DurationMS < 10*60000 || x.AZM != x.FatBurnMin+2*x.CardioMin+2*x.PeakMin {
				t.Errorf("%s: exercise %+v, minutes give %d steps", day, x, steps)
			}
			if x.Name == "Run" {
				runs++
				if x.Steps < 140*int(x.DurationMS/60000) {
					t.Errorf("slow run %+v", x)
				}
			}
		}
	}
	if runs == 0 {
		t.Error("no runs in three weeks")
	}
}

// TestBodyAndAZMServedMatchTruth: the served weight, fat and AZM answers
// agree with the ground truth; en_US serves pounds.
func TestBodyAndAZMServedMatchTruth(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 5})
	tr := e.s.Truth("SIM001")
	type wlog struct {
		LogID  int64    `json:"logId"`
		Weight float64  `json:"weight"`
		Fat    *float64 `json:"fat"`
		Date   string   `json:"date"`
		Time   string   `json:"time"`
	}
	kg := decode[map[string][]wlog](t, e.get(t, "/1/user/-/body/log/weight/date/2026-10-20/2026-11-19.json").body)["weight"]
	lb := decode[map[string][]wlog](t, e.get(t, "/1/user/-/body/log/weight/date/2026-10-20/2026-11-19.json", "Accept-Language", "en_US").body)["weight"]
	fat := decode[map[string][]wlog](t, e.get(t, "/1/user/-/body/log/fat/date/2026-10-20/2026-11-18.json").body)["fat"]
	i, withFat := 0, 0
	for day := d("2026-10-20"); !day.After(d("2026-11-19")); day = day.AddDays(1) {
		w := tr.Weight(day)
		if w == nil {
			continue
		}
		if i >= len(kg) || kg[i].LogID != w.LogID || kg[i].Weight != w.WeightKg || kg[i].Date != day.String() ||
			kg[i].Time != w.Local.Format("15:04:05") || math.Abs(lb[i].Weight*0.45359237-w.WeightKg) > 0.01 {
			t.Fatalf("%s: served %+v / %+v, truth %+v", day, kg[min(i, len(kg)-1)], lb[min(i, len(lb)-1)], w)
		}
		if w.Fat != nil && day != d("2026-11-19") {
			if withFat >= len(fat) || fat[withFat].LogID != w.LogID || *fat[withFat].Fat != *w.Fat {
				t.Fatalf("%s: fat log missing or wrong", day)
			}
			withFat++
		}
		i++
	}
	if i != len(kg) || withFat != len(fat) || i < 5 || withFat == 0 {
		t.Errorf("served %d weight and %d fat logs; truth %d and %d", len(kg), len(fat), i, withFat)
	}

	type azmv struct {
		ActiveZoneMinutes        int
		FatBurnActiveZoneMinutes int
		CardioActiveZoneMinutes  int
		PeakActiveZoneMinutes    int
	}
	type intra struct {
		Minutes []struct {
			Minute string
			Value  azmv
		}
	}
	daily := decode[map[string][]struct {
		DateTime string
		Value    azmv
	}](t, e.get(t, "/1/user/-/activities/active-zone-minutes/date/2026-10-24/2026-10-26.json").body)["activities-active-zone-minutes"]
	for k, day := range []string{"2026-10-24", "2026-10-25", "2026-10-26"} {
		body := e.get(t, "/1/user/-/activities/active-zone-minutes/date/"+day+"/1d/1min.json").body
		in := decode[map[string][]intra](t, body)["activities-active-zone-minutes-intraday"]
		sum := 0
		for _, m := range in[0].Minutes {
			v := m.Value
			if v.ActiveZoneMinutes != v.FatBurnActiveZoneMinutes+v.CardioActiveZoneMinutes+v.PeakActiveZoneMinutes || v.ActiveZoneMinutes == 0 {
				t.Errorf("%s %s: %+v", day, m.Minute, v)
			}
			sum += v.ActiveZoneMinutes
		}
		truth := tr.ActiveZoneMinutesDay(d(day))
		if daily[k].DateTime != day || daily[k].Value.ActiveZoneMinutes != sum || sum != truth.Total || len(in[0].Minutes) != len(tr.ActiveZoneMinutes(d(day), "1min")) {
			t.Errorf("%s: daily %+v, intraday sum %d, truth %+v", day, daily[k], sum, truth)
		}
	}
}

// TestNewEndpointsScopesAndDeterminism: each endpoint needs its own scope,
// and the same seed serves the same bytes.
func TestNewEndpointsScopesAndDeterminism(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 2})
	acc, _ := e.s.IssueTokens("SIM001", "", []string{"activity"})
	for path, scope := range map[string]string{
		"/1/user/-/spo2/date/2026-11-20.json":                                   "oxygen_saturation",
		"/1/user/-/hrv/date/2026-11-20.json":                                    "heartrate",
		"/1/user/-/br/date/2026-11-20.json":                                     "respiratory_rate",
		"/1/user/-/temp/skin/date/2026-11-20.json":                              "temperature",
		"/1/user/-/cardioscore/date/2026-11-20.json":                            "cardio_fitness",
		"/1/user/-/body/log/weight/date/2026-11-20.json":                        "weight",
		"/1/user/-/body/log/fat/date/2026-11-20.json":                           "weight",
		"/1/user/-/activities/active-zone-minutes/date/2026-11-20/1d/1min.json": "activity",
		"/1/user/-/activities/list.json?afterDate=2026-11-20&sort=asc&limit=5":  "activity",
	} {
		r := e.getTok(t, acc, path)
		if scope == "activity" {
			if r.status != 200 {
				t.Errorf("%s: %d with scope activity", path, r.status)
			}
			continue
		}
		fe := wantErr(t, r, 403, "insufficient_scope")
		if !strings.Contains(fe.Errors[0].Message, scope) {
			t.Errorf("%s: message %q does not name %s", path, fe.Errors[0].Message, scope)
		}
	}
	f := newEnv(t, sim.Config{Seed: 2})
	for _, p := range []string{"/1/user/-/spo2/date/2026-11-01/2026-11-20/all.json", "/1/user/-/hrv/date/2026-11-01/2026-11-20/all.json",
		"/1/user/-/body/log/weight/date/2026-11-01/2026-11-20.json", "/1/user/-/activities/list.json?afterDate=2026-11-01&sort=asc&limit=100"} {
		a, b := e.get(t, p), f.get(t, p)
		if a.status != 200 || !bytes.Equal(a.body, b.body) {
			t.Errorf("%s: not deterministic (%d)", p, a.status)
		}
	}
}
