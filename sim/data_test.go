package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/sim"
)

func TestDSTDayLengths(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 3})
	acc2, _ := e.s.IssueTokens("SIM002", "", nil)
	cases := []struct {
		tok, date string
		want      int
	}{
		{e.access, "2026-03-29", 1380}, {e.access, "2026-03-28", 1440}, {e.access, "2026-10-25", 1500},
		{acc2, "2026-03-08", 1380}, {acc2, "2026-07-01", 1440}, {acc2, "2026-11-01", 1500},
	}
	for _, c := range cases {
		for _, res := range []string{"steps", "calories", "distance", "floors", "elevation"} {
			_, ds := intraday(t, e.getTok(t, c.tok, "/1/user/-/activities/"+res+"/date/"+c.date+"/1d/1min.json"), res)
			if len(ds.Dataset) != c.want || ds.DatasetInterval != 1 || ds.DatasetType != "minute" {
				t.Errorf("%s %s: %d entries (%d %s), want %d", res, c.date, len(ds.Dataset), ds.DatasetInterval, ds.DatasetType, c.want)
			}
		}
		_, ds := intraday(t, e.getTok(t, c.tok, "/1/user/-/activities/steps/date/"+c.date+"/1d/15min.json"), "steps")
		if len(ds.Dataset) != c.want/15 || ds.DatasetInterval != 15 {
			t.Errorf("15min %s: %d entries, want %d", c.date, len(ds.Dataset), c.want/15)
		}
	}

	// Fall-back: 02:00–02:59 appears twice, in order; spring-forward skips 02:xx.
	_, ds := intraday(t, e.get(t, "/1/user/-/activities/steps/date/2026-10-25/1d/1min.json"), "steps")
	var labels []string
	for _, p := range ds.Dataset {
		labels = append(labels, p.Time)
	}
	for i := 0; i < 60; i++ {
		want := fmt.Sprintf("02:%02d:00", i)
		if labels[120+i] != want || labels[180+i] != want {
			t.Fatalf("fall-back entries %d/%d = %s/%s, want %s twice", 120+i, 180+i, labels[120+i], labels[180+i], want)
		}
	}
	if labels[240] != "03:00:00" || labels[1499] != "23:59:00" {
		t.Errorf("after the repeated hour: %s … %s", labels[240], labels[1499])
	}
	_, ds = intraday(t, e.get(t, "/1/user/-/activities/steps/date/2026-03-29/1d/1min.json"), "steps")
	if ds.Dataset[119].Time != "01:59:00" || ds.Dataset[120].Time != "03:00:00" {
		t.Errorf("spring-forward: %s then %s", ds.Dataset[119].Time, ds.Dataset[120].Time)
	}

	// Truth agrees: instants strictly increase, local clock repeats.
	tr := e.s.Truth("SIM001")
	pts := tr.Activity(d("2026-10-25"), "steps", "1min")
	for i := 1; i < len(pts); i++ {
		if pts[i].Time.Sub(pts[i-1].Time) != time.Minute {
			t.Fatalf("instants not one minute apart at %d", i)
		}
	}
	if pts[120].Local.Format("15:04") != "02:00" || pts[180].Local.Format("15:04") != "02:00" || pts[180].Time.Sub(pts[120].Time) != time.Hour {
		t.Errorf("repeated hour in truth: %v %v", pts[120], pts[180])
	}
	// Heart samples at fall-back: instants increase, the wall clock steps back once.
	hs := tr.Heart(d("2026-10-25"), "1sec")
	back := 0
	for i := 1; i < len(hs); i++ {
		if !hs[i].Time.After(hs[i-1].Time) {
			t.Fatal("heart instants not increasing")
		}
		if hs[i].Local.Format("15:04:05") < hs[i-1].Local.Format("15:04:05") {
			back++
		}
	}
	if back != 1 {
		t.Errorf("wall clock stepped back %d times on fall-back day, want 1", back)
	}
}

func TestTimezoneUTC(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 3})
	top, ds := intraday(t, e.get(t, "/1/user/-/activities/steps/date/2026-10-25/1d/1min.json?timezone=UTC"), "steps")
	if len(ds.Dataset) != 1440 || ds.Dataset[0].Time != "00:00:00" || ds.Dataset[1439].Time != "23:59:00" {
		t.Fatalf("UTC day: %d entries %s…", len(ds.Dataset), ds.Dataset[0].Time)
	}
	tr := e.s.Truth("SIM001")
	pts := tr.ActivityUTC(d("2026-10-25"), "steps", "1min")
	sum := 0.0
	for i, p := range pts {
		if p.Time != d("2026-10-25").UTC().Add(time.Duration(i)*time.Minute) || p.Value != ds.Dataset[i].Value {
			t.Fatalf("entry %d: truth %v, served %v", i, p, ds.Dataset[i])
		}
		sum += p.Value
	}
	if top[0]["value"] != strconv.Itoa(int(sum)) {
		t.Errorf("UTC day total %v, sum of entries %v", top[0]["value"], sum)
	}
	// The UTC day's minutes are the same minutes the local days serve.
	var local []sim.Point
	for _, day := range []string{"2026-10-24", "2026-10-25", "2026-10-26"} {
		local = append(local, tr.Activity(d(day), "steps", "1min")...)
	}
	byInstant := map[time.Time]float64{}
	for _, p := range local {
		byInstant[p.Time] = p.Value
	}
	for _, p := range pts {
		if v, ok := byInstant[p.Time]; !ok || v != p.Value {
			t.Fatalf("UTC minute %v = %v, local days say %v (%v)", p.Time, p.Value, v, ok)
		}
	}
	_, hds := intraday(t, e.get(t, "/1/user/-/activities/heart/date/2026-11-20/1d/1min.json?timezone=UTC"), "heart")
	hpts := tr.HeartUTC(d("2026-11-20"), "1min")
	if len(hds.Dataset) != len(hpts) || len(hpts) == 0 {
		t.Fatalf("UTC heart: served %d, truth %d", len(hds.Dataset), len(hpts))
	}
	if hds.Dataset[0].Time != hpts[0].Time.UTC().Format("15:04:05") {
		t.Errorf("UTC heart label %s, want %s", hds.Dataset[0].Time, hpts[0].Time.UTC().Format("15:04:05"))
	}
	r := e.get(t, "/1/user/-/activities/steps/date/2026-11-18/2026-11-20.json?timezone=UTC")
	if r.status != 200 {
		t.Fatalf("daily UTC: %d %s", r.status, r.body)
	}
	wantErr(t, e.get(t, "/1/user/-/activities/steps/date/2026-11-20/1d/1min.json?timezone=PST"), 400, "validation")
}

// TestServedMatchesTruth checks that every intraday answer is exactly the
// truth, and that the truth is internally consistent.
func TestServedMatchesTruth(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 12})
	tr := e.s.Truth("SIM001")
	loc := tr.Zone()
	for _, day := range []string{"2026-03-29", "2026-06-10", "2026-10-25", "2026-11-20"} {
		dd := tr.Day(d(day))
		tot := map[string]float64{}
		for _, res := range []string{"steps", "calories", "distance", "floors", "elevation"} {
			for _, detail := range []string{"1min", "15min"} {
				top, ds := intraday(t, e.get(t, "/1/user/-/activities/"+res+"/date/"+day+"/1d/"+detail+".json"), res)
				pts := tr.Activity(d(day), res, detail)
				if len(pts) != len(ds.Dataset) {
					t.Fatalf("%s %s %s: served %d, truth %d", day, res, detail, len(ds.Dataset), len(pts))
				}
				sum := 0.0
				for i, p := range pts {
					s := ds.Dataset[i]
					if s.Time != p.Local.Format("15:04:05") || s.Value != p.Value || !p.Local.Equal(p.Time) || p.Local.Location() != loc {
						t.Fatalf("%s %s %s entry %d: served %+v, truth %+v", day, res, detail, i, s, p)
					}
					if res == "calories" && (s.Level == nil || s.Mets == nil || *s.Level != p.Level || float64(*s.Mets) != p.METs) {
						t.Fatalf("calories entry %d lacks level/mets or differs: %+v vs %+v", i, s, p)
					}
					if res != "calories" && (s.Level != nil || s.Mets != nil) {
						t.Fatalf("%s entry carries level/mets", res)
					}
					sum += p.Value
				}
				if detail == "1min" {
					tot[res] = sum
				}
				want := map[string]string{
					"steps": strconv.Itoa(dd.Totals.Steps), "calories": strconv.Itoa(dd.Totals.Calories),
					"distance": strconv.FormatFloat(dd.Totals.DistanceKm, 'f', -1, 64), "floors": strconv.Itoa(dd.Totals.Floors),
					"elevation": strconv.FormatFloat(dd.Totals.ElevationM, 'f', -1, 64),
				}[res]
				if top[0]["value"] != want || top[0]["dateTime"] != day {
					t.Errorf("%s %s top-level %v, want %s", day, res, top[0], want)
				}
			}
		}
		if tot["steps"] != float64(dd.Totals.Steps) || math.Abs(tot["calories"]-float64(dd.Totals.Calories)) > 0.5 ||
			math.Abs(tot["distance"]-dd.Totals.DistanceKm) > 1e-6 || tot["floors"] != float64(dd.Totals.Floors) {
			t.Errorf("%s: sums %v disagree with totals %+v", day, tot, dd.Totals)
		}
		if dd.Totals.Steps > 0 && (dd.Totals.DistanceKm <= 0 || dd.Totals.Calories <= dd.Totals.CaloriesBMR) {
			t.Errorf("%s: steps without distance or active calories: %+v", day, dd.Totals)
		}
		mins := dd.Totals.MinutesSedentary + dd.Totals.MinutesLightlyActive + dd.Totals.MinutesFairlyActive + dd.Totals.MinutesVeryActive
		if n := int(dd.End.Sub(dd.Start) / time.Minute); mins > n || mins < n-16*60 {
			t.Errorf("%s: activity minutes %d of %d", day, mins, n)
		}

		// Heart: served entries equal the truth; 1min = rounded mean of samples.
		for _, detail := range []string{"1sec", "1min", "5min", "15min"} {
			_, ds := intraday(t, e.get(t, "/1/user/-/activities/heart/date/"+day+"/1d/"+detail+".json"), "heart")
			pts := tr.Heart(d(day), detail)
			if len(pts) != len(ds.Dataset) || (len(pts) == 0) != dd.NoData {
				t.Fatalf("%s heart %s: served %d, truth %d", day, detail, len(ds.Dataset), len(pts))
			}
			for i, p := range pts {
				if ds.Dataset[i].Time != p.Local.Format("15:04:05") || ds.Dataset[i].Value != p.Value {
					t.Fatalf("%s heart %s entry %d: %+v vs %+v", day, detail, i, ds.Dataset[i], p)
				}
			}
			if detail == "1sec" && len(pts) != len(dd.HeartSamples) {
				t.Errorf("1sec entries %d, samples %d", len(pts), len(dd.HeartSamples))
			}
			if detail == "1min" {
				sum, n := map[int64]int{}, map[int64]int{}
				for _, h := range dd.HeartSamples {
					m := dd.Start.Add(h.Time.Sub(dd.Start).Truncate(time.Minute)).Unix()
					sum[m] += h.BPM
					n[m]++
				}
				if len(n) != len(pts) {
					t.Fatalf("1min entries %d, minutes with samples %d", len(pts), len(n))
				}
				for _, p := range pts {
					if want := math.Round(float64(sum[p.Time.Unix()]) / float64(n[p.Time.Unix()])); p.Value != want {
						t.Fatalf("1min %v = %v, mean %v", p.Time, p.Value, want)
					}
				}
			}
		}
		// Samples 5–15 s apart while worn; gaps longer only when not worn.
		gaps := 0
		for i := 1; i < len(dd.HeartSamples); i++ {
			g := dd.HeartSamples[i].Time.Sub(dd.HeartSamples[i-1].Time)
			if g < 5*time.Second {
				t.Fatalf("samples %v apart", g)
			}
			if g > 15*time.Second {
				gaps++
			}
		}
		_ = gaps
		zm := 0
		for _, z := range dd.Zones {
			zm += z.Minutes
		}
		if len(dd.Zones) != 4 || zm != len(tr.Heart(d(day), "1min")) || (dd.RestingHR == nil) != dd.NoData {
			t.Errorf("%s: zones %+v (minutes %d) rhr %v", day, dd.Zones, zm, dd.RestingHR)
		}
	}
}

func TestSleepConsistency(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 5})
	tr := e.s.Truth("SIM001")
	naps, classic, mains, nights := 0, 0, 0, 0
	for day := d("2026-01-01"); day.Before(d("2026-11-24")); day = day.AddDays(1) {
		dd := tr.Day(day)
		nights++
		for _, lg := range dd.Sleep {
			if lg.DateOfSleep != day || lg.MinutesAsleep+lg.MinutesAwake != lg.TimeInBed ||
				lg.Duration != int64(lg.TimeInBed)*60000 || lg.End.Sub(lg.Start) != time.Duration(lg.Duration)*time.Millisecond {
				t.Fatalf("%s: inconsistent log %+v", day, lg)
			}
			if eff := int(math.Round(100 * float64(lg.MinutesAsleep) / float64(lg.TimeInBed))); eff != lg.Efficiency {
				t.Fatalf("efficiency %d, want %d", lg.Efficiency, eff)
			}
			at, secs := lg.Start, 0
			perLevel := map[string]int{}
			for _, st := range lg.Stages {
				if st.Short {
					if st.Level != "wake" || st.Seconds > 180 || st.Start.Before(lg.Start) || st.Start.Add(time.Duration(st.Seconds)*time.Second).After(lg.End) {
						t.Fatalf("bad short wake %+v", st)
					}
					continue
				}
				if !st.Start.Equal(at) {
					t.Fatalf("%s: data not contiguous at %v", day, st.Start)
				}
				at = at.Add(time.Duration(st.Seconds) * time.Second)
				secs += st.Seconds
				perLevel[st.Level] += st.Seconds / 60
			}
			if int64(secs)*1000 != lg.Duration {
				t.Fatalf("%s: stages cover %d s of %d ms", day, secs, lg.Duration)
			}
			sumMin := 0
			for _, ls := range lg.Levels {
				sumMin += ls.Minutes
			}
			if sumMin != lg.TimeInBed {
				t.Fatalf("summary minutes %d, timeInBed %d", sumMin, lg.TimeInBed)
			}
			if lg.IsMainSleep {
				mains++
				if h := lg.Start.In(tr.Zone()).Hour(); (h < 22 && h != 0) || lg.End.In(tr.Zone()).Hour() > 8 {
					t.Errorf("main sleep %v–%v", lg.Start.In(tr.Zone()), lg.End.In(tr.Zone()))
				}
			} else {
				naps++
			}
			if lg.Type == "classic" {
				classic++
			}
			// No steps while asleep.
			for _, p := range tr.Activity(day, "steps", "1min") {
				if !p.Time.Before(lg.Start) && p.Time.Before(lg.End) && p.Value != 0 {
					t.Fatalf("%s: %v steps at %v while asleep", day, p.Value, p.Time)
				}
			}
		}
	}
	if naps == 0 || classic == 0 || mains < nights*3/4 || mains == nights {
		t.Errorf("over %d days: %d main sleeps, %d naps, %d classic", nights, mains, naps, classic)
	}

	// Served JSON: wall clock at the start's offset, levels, summary.
	type level struct {
		DateTime string `json:"dateTime"`
		Level    string `json:"level"`
		Seconds  int    `json:"seconds"`
	}
	type log struct {
		DateOfSleep, StartTime, EndTime, Type string
		LogID                                 int64
		Duration                              int64
		MinutesAsleep, MinutesAwake           int
		TimeInBed                             int
		IsMainSleep                           bool
		Levels                                struct {
			Data, ShortData []level
			Summary         map[string]map[string]int
		}
	}
	// 2026-10-25: the night crosses the fall-back change.
	r := e.get(t, "/1.2/user/-/sleep/date/2026-10-25.json")
	body := decode[struct {
		Sleep   []log
		Summary struct {
			TotalMinutesAsleep, TotalSleepRecords, TotalTimeInBed int
		}
	}](t, r.body)
	logs := tr.Day(d("2026-10-25")).Sleep
	if len(body.Sleep) != len(logs) || body.Summary.TotalSleepRecords != len(logs) {
		t.Fatalf("served %d logs, truth %d", len(body.Sleep), len(logs))
	}
	for _, lg := range logs {
		off := time.FixedZone("", lg.Offset)
		var got *log
		for i := range body.Sleep {
			if body.Sleep[i].LogID == lg.LogID {
				got = &body.Sleep[i]
			}
		}
		if got == nil || got.StartTime != lg.Start.In(off).Format("2006-01-02T15:04:05.000") || got.EndTime != lg.End.In(off).Format("2006-01-02T15:04:05.000") {
			t.Fatalf("log %d: served %+v, truth %v–%v", lg.LogID, got, lg.Start, lg.End)
		}
		if lg.IsMainSleep {
			_, startOff := lg.Start.In(tr.Zone()).Zone()
			_, endOff := lg.End.In(tr.Zone()).Zone()
			if lg.Offset != startOff || startOff == endOff {
				t.Errorf("expected the main sleep of 2026-10-25 to span the change: offsets %d %d", startOff, endOff)
			}
		}
	}
}

func TestNoDataDaysAndSync(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 2})
	tr := e.s.Truth("SIM001")
	var empty dates.Date
	for day := d("2026-01-01"); day.Before(d("2026-11-01")); day = day.AddDays(1) {
		if tr.Day(day).NoData {
			empty = day
			break
		}
	}
	if empty.IsZero() {
		t.Fatal("no day without data in 10 months")
	}
	dd := tr.Day(empty)
	if len(dd.HeartSamples) != 0 || dd.RestingHR != nil || len(dd.Sleep) != 0 || dd.Totals.Steps != 0 || dd.Totals.Calories == 0 || dd.Totals.Calories != dd.Totals.CaloriesBMR {
		t.Fatalf("no-data day %s: %+v", empty, dd)
	}
	r := e.get(t, "/1/user/-/activities/heart/date/"+empty.String()+"/1d/1min.json")
	if bytes.Contains(r.body, []byte("restingHeartRate")) {
		t.Errorf("restingHeartRate served on a day without data: %s", trunc(r.body))
	}
	_, ds := intraday(t, r, "heart")
	if len(ds.Dataset) != 0 {
		t.Errorf("heart entries on a day without data: %d", len(ds.Dataset))
	}
	_, ds = intraday(t, e.get(t, "/1/user/-/activities/steps/date/"+empty.String()+"/1d/1min.json"), "steps")
	if len(ds.Dataset) != 1440 && len(ds.Dataset) != 1380 && len(ds.Dataset) != 1500 {
		t.Errorf("steps on a day without data: %d entries, want every minute", len(ds.Dataset))
	}

	// Partial sync: SIM001 synced 2026-11-25 07:12:03 local.
	r = e.get(t, "/1/user/-/devices.json")
	if !bytes.Contains(r.body, []byte(`"lastSyncTime":"2026-11-25T07:12:03.000"`)) || !bytes.Contains(r.body, []byte(`"type":"TRACKER"`)) {
		t.Errorf("devices: %s", r.body)
	}
	cut := time.Date(2026, 11, 25, 7, 12, 3, 0, tr.Zone())
	if !tr.SyncedUntil().Equal(cut) {
		t.Errorf("SyncedUntil %v, want %v", tr.SyncedUntil(), cut)
	}
	e.s.SetLastSync("SIM001", time.Date(2026, 11, 24, 15, 0, 0, 0, tr.Zone()))
	day := tr.Day(d("2026-11-24"))
	if len(day.HeartSamples) == 0 || !day.HeartSamples[len(day.HeartSamples)-1].Time.Before(time.Date(2026, 11, 24, 15, 0, 0, 0, tr.Zone())) {
		t.Errorf("heart samples after the sync instant")
	}
	pts := tr.Activity(d("2026-11-24"), "calories", "1min")
	if len(pts) != 1440 || pts[15*60].Value != 0 || pts[15*60-1].Value == 0 {
		t.Errorf("calories around the sync instant: %v %v", pts[15*60-1], pts[15*60])
	}
	_, ds = intraday(t, e.get(t, "/1/user/-/activities/heart/date/2026-11-24/1d/1min.json"), "heart")
	if last := ds.Dataset[len(ds.Dataset)-1].Time; last >= "15:00:00" {
		t.Errorf("heart served until %s, synced until 15:00", last)
	}
	if len(tr.Day(d("2026-11-25")).Sleep) != 0 {
		t.Error("a sleep that ended after the sync instant is served")
	}
	e.s.SetLastSync("SIM001", time.Time{}) // an hour before Now
	if got := tr.SyncedUntil(); !got.Equal(testNow.Add(-time.Hour)) {
		t.Errorf("default sync %v", got)
	}
	// Before memberSince: nothing.
	if pre := tr.Day(d("2023-12-31")); !pre.NoData || pre.Totals.Calories != 0 || len(pre.HeartSamples) != 0 {
		t.Errorf("data before memberSince: %+v", pre.Totals)
	}
}

func TestDeterminism(t *testing.T) {
	paths := []string{
		"/1/user/-/activities/heart/date/2026-06-01/1d/1sec.json",
		"/1/user/-/activities/calories/date/2026-06-01/1d/1min.json",
		"/1/user/-/activities/distance/date/2026-05-01/2026-06-01.json",
		"/1.2/user/-/sleep/date/2026-05-01/2026-06-01.json",
	}
	bodies := func(seed int64) [][]byte {
		e := newEnv(t, sim.Config{Seed: seed})
		var out [][]byte
		for _, p := range paths {
			out = append(out, e.get(t, p).body)
		}
		return out
	}
	a, b, c := bodies(42), bodies(42), bodies(43)
	for i := range paths {
		if !bytes.Equal(a[i], b[i]) {
			t.Errorf("%s: same seed, different bytes", paths[i])
		}
		if bytes.Equal(a[i], c[i]) {
			t.Errorf("%s: different seeds, same bytes", paths[i])
		}
	}
	// A day is the same whichever request serves it.
	e := newEnv(t, sim.Config{Seed: 42})
	one := decode[map[string][]map[string]string](t, e.get(t, "/1/user/-/activities/steps/date/2026-05-20/2026-05-20.json").body)
	many := decode[map[string][]map[string]string](t, e.get(t, "/1/user/-/activities/steps/date/2026-05-01/2026-06-01.json").body)
	if one["activities-steps"][0]["value"] != many["activities-steps"][19]["value"] || many["activities-steps"][19]["dateTime"] != "2026-05-20" {
		t.Errorf("day differs between ranges: %v vs %v", one["activities-steps"][0], many["activities-steps"][19])
	}
}

func TestRangeLimits(t *testing.T) {
	// A recent memberSince keeps the long ranges cheap.
	users := testUsers(t)
	users[0].MemberSince = d("2026-10-01")
	e := newEnv(t, sim.Config{Seed: 1, Users: users})
	cases := []struct {
		path   string
		status int
		n      int
	}{
		{"/1/user/-/activities/steps/date/2023-11-24/2026-11-22.json", 200, 1095},
		{"/1/user/-/activities/steps/date/2023-11-23/2026-11-22.json", 400, 1096},
		{"/1/user/-/activities/minutesSedentary/date/2026-11-22/1y.json", 200, 365},
		{"/1/user/-/activities/heart/date/2025-11-22/2026-11-22.json", 200, 366},
		{"/1/user/-/activities/heart/date/2025-11-21/2026-11-22.json", 400, 367},
		{"/1.2/user/-/sleep/date/2026-08-15/2026-11-22.json", 200, 100},
		{"/1.2/user/-/sleep/date/2026-08-14/2026-11-22.json", 400, 101},
		{"/1/user/-/activities/steps/date/2026-11-22/2026-11-21.json", 400, 0},
		{"/1/user/-/activities/steps/date/2026-11-31/2026-12-01.json", 400, 0},
	}
	for _, c := range cases {
		r := e.get(t, c.path)
		if c.status == 400 {
			fe := wantErr(t, r, 400, "validation")
			if c.n > 0 && !strings.Contains(fe.Errors[0].Message, "maximum") {
				t.Errorf("%s: message %q", c.path, fe.Errors[0].Message)
			}
			continue
		}
		if r.status != 200 {
			t.Fatalf("%s: %d %s", c.path, r.status, trunc(r.body))
		}
		m := decode[map[string]json.RawMessage](t, r.body)
		for _, v := range m {
			if n := len(decode[[]json.RawMessage](t, v)); !strings.Contains(c.path, "sleep") && n != c.n {
				t.Errorf("%s: %d days, want %d", c.path, n, c.n)
			}
		}
	}
}

func TestSleepListPagination(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 9})
	type page struct {
		Pagination struct {
			Next, Previous string
			Offset, Limit  int
		}
		Sleep []struct {
			LogID       int64
			DateOfSleep string
			StartTime   string
		}
	}
	next := "/1.2/user/-/sleep/list.json?afterDate=2026-09-01&sort=asc&limit=7&offset=0"
	var ids []int64
	var last string
	pages := 0
	for next != "" {
		r := e.get(t, next)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", next, r.status, r.body)
		}
		p := decode[page](t, r.body)
		for _, l := range p.Sleep {
			if l.StartTime < last {
				t.Fatalf("not ascending: %s after %s", l.StartTime, last)
			}
			last = l.StartTime
			ids = append(ids, l.LogID)
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
		pages++
	}
	want := 0
	for day := d("2026-09-01"); !day.After(d("2026-11-25")); day = day.AddDays(1) {
		want += len(e.s.Truth("SIM001").Day(day).Sleep)
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("log %d twice", id)
		}
		seen[id] = true
	}
	if len(ids) != want || pages < 10 {
		t.Errorf("paged %d logs in %d pages, truth has %d", len(ids), pages, want)
	}
	for _, bad := range []string{
		"/1.2/user/-/sleep/list.json?afterDate=2026-09-01&sort=desc&limit=7",
		"/1.2/user/-/sleep/list.json?afterDate=2026-09-01&sort=asc&limit=101",
		"/1.2/user/-/sleep/list.json?sort=asc&limit=10",
	} {
		wantErr(t, e.get(t, bad), 400, "validation")
	}
}

func TestUnitsAndScopes(t *testing.T) {
	users := testUsers(t)
	users[1].Scopes = []string{"activity", "profile"}
	e := newEnv(t, sim.Config{Seed: 5, Users: users})
	metric := decode[map[string][]map[string]string](t, e.get(t, "/1/user/-/activities/distance/date/2026-11-20/1d.json").body)
	imperial := decode[map[string][]map[string]string](t, e.get(t, "/1/user/-/activities/distance/date/2026-11-20/1d.json", "Accept-Language", "en_US").body)
	km, _ := strconv.ParseFloat(metric["activities-distance"][0]["value"], 64)
	mi, _ := strconv.ParseFloat(imperial["activities-distance"][0]["value"], 64)
	if km == 0 || math.Abs(km/1.609344-mi) > 1e-4 {
		t.Errorf("distance %v km vs %v mi", km, mi)
	}
	acc, _ := e.s.IssueTokens("SIM002", "", nil)
	wantErr(t, e.getTok(t, acc, "/1.2/user/-/sleep/date/2026-11-20.json"), 403, "insufficient_scope")
	wantErr(t, e.getTok(t, acc, "/1/user/-/devices.json"), 403, "insufficient_scope")
	if r := e.getTok(t, acc, "/1/user/SIM002/activities/steps/date/2026-11-20/1d/15min.json"); r.status != 200 {
		t.Errorf("granted scope refused: %d", r.status)
	}
	wantErr(t, e.getTok(t, "", "/1/user/-/profile.json"), 401, "invalid_token")
	wantErr(t, e.get(t, "/1/user/-/activities/steps/date/2026-11-20/1d/1sec.json"), 400, "validation")
	wantErr(t, e.get(t, "/1/user/-/sleep/date/2026-11-20.json"), 404, "not_found")
}
