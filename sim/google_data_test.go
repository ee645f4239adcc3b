package sim_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"

	"google.golang.org/api/option"

	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/sim"
)

// bearer adds a fixed access token to every request.
type bearer struct {
	tok  string
	base http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.tok)
	return b.base.RoundTrip(r)
}

// service is the official Go client of the Health API, pointed at the simulator.
func (g *genv) service(t *testing.T, tok string) *health.Service {
	t.Helper()
	hc := &http.Client{Transport: bearer{tok, g.srv.Client().Transport}}
	svc, err := health.NewService(context.Background(), option.WithHTTPClient(hc), option.WithEndpoint(g.srv.URL+"/"))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("bad timestamp %q: %v", s, err)
	}
	return ts
}

func civilClock(c *health.CivilDateTime) string {
	if c == nil || c.Date == nil {
		return "<nil>"
	}
	var h, m, s int64
	if c.Time != nil {
		h, m, s = c.Time.Hours, c.Time.Minutes, c.Time.Seconds
	}
	return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", c.Date.Year, c.Date.Month, c.Date.Day, h, m, s)
}

// TestGooglePagingCompleteness reads Berlin's fall-back day (25 hours, the
// 02:00–03:00 hour twice) through the official client: all pages of the
// heart-rate list are exactly the Fitbit face's 1sec samples of that local
// day, and the steps reconcile points are its non-zero 1min steps.
func TestGooglePagingCompleteness(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 3})
	ctx := context.Background()
	svc := g.service(t, g.gAccess)
	tr := g.s.Truth("SIM001")
	loc := berlin(t)
	day := d("2026-10-25")
	if h := day.AddDays(1).Time(loc).Sub(day.Time(loc)); h != 25*time.Hour {
		t.Fatalf("2026-10-25 in Berlin lasts %v", h)
	}

	var got []*health.DataPoint
	pages := 0
	err := svc.Users.DataTypes.DataPoints.List("users/me/dataTypes/heart-rate").
		Filter(`heart_rate.sample_time.civil_time >= "2026-10-25T00:00:00" AND heart_rate.sample_time.civil_time < "2026-10-26T00:00:00"`).
		PageSize(1500).Pages(ctx, func(r *health.ListDataPointsResponse) error {
		pages++
		if len(r.DataPoints) > 1500 {
			t.Errorf("page of %d points, pageSize 1500", len(r.DataPoints))
		}
		got = append(got, r.DataPoints...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := tr.Heart(day, "1sec")
	if len(want) < 3000 || pages < 3 {
		t.Fatalf("%d samples in %d pages: the test needs several pages", len(want), pages)
	}
	fitbit := g.get(t, "/1/user/-/activities/heart/date/2026-10-25/1d/1sec.json")
	_, ds := intraday(t, fitbit, "heart")
	if len(got) != len(want) || len(ds.Dataset) != len(want) {
		t.Fatalf("google %d points, truth %d, fitbit face %d", len(got), len(want), len(ds.Dataset))
	}
	repeated := 0
	for i, w := range want {
		p := got[len(got)-1-i] // newest first
		hr := p.HeartRate
		if hr == nil || hr.SampleTime == nil || p.DataSource == nil || p.DataSource.Platform != "FITBIT" {
			t.Fatalf("point %d: %+v", i, p)
		}
		at := mustTime(t, hr.SampleTime.PhysicalTime)
		if !at.Equal(w.Time) || float64(hr.BeatsPerMinute) != w.Value {
			t.Fatalf("point %d: %v %d bpm, want %v %v", i, at, hr.BeatsPerMinute, w.Time, w.Value)
		}
		_, off := w.Local.Zone()
		if hr.SampleTime.UtcOffset != fmt.Sprintf("%ds", off) {
			t.Fatalf("point %d: utcOffset %s at %v", i, hr.SampleTime.UtcOffset, w.Local)
		}
		if c, f := civilClock(hr.SampleTime.CivilTime), "2026-10-25 "+ds.Dataset[i].Time; c != f || ds.Dataset[i].Value != w.Value {
			t.Fatalf("point %d: google civil %s, fitbit %s", i, c, f)
		}
		if off == 3600 && w.Local.Hour() == 2 {
			repeated++
		}
		if i > 0 && !at.After(want[i-1].Time) {
			t.Fatalf("point %d out of order", i)
		}
	}
	if repeated == 0 {
		t.Error("no samples in the repeated 02:00 hour (second pass)")
	}

	// Steps: reconcile points of the day = the non-zero minutes of the
	// Fitbit face's 1min series, newest first, in one page.
	var steps []*health.ReconciledDataPoint
	err = svc.Users.DataTypes.DataPoints.Reconcile("users/me/dataTypes/steps").
		Filter(`steps.interval.civil_start_time >= "2026-10-25" AND steps.interval.civil_start_time < "2026-10-26"`).
		PageSize(10000).Pages(ctx, func(r *health.ReconcileDataPointsResponse) error {
		steps = append(steps, r.DataPoints...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var nonzero []sim.Point
	total := int64(0)
	for _, p := range tr.Activity(day, "steps", "1min") {
		if p.Value != 0 {
			nonzero = append(nonzero, p)
		}
	}
	if len(steps) != len(nonzero) || len(steps) == 0 {
		t.Fatalf("%d steps points, %d non-zero Fitbit minutes", len(steps), len(nonzero))
	}
	for i, w := range nonzero {
		p := steps[len(steps)-1-i]
		if p.Steps == nil || p.DataPointName == "" {
			t.Fatalf("point %d: %+v", i, p)
		}
		iv := p.Steps.Interval
		if s := mustTime(t, iv.StartTime); !s.Equal(w.Time) || mustTime(t, iv.EndTime).Sub(s) != time.Minute || float64(p.Steps.Count) != w.Value {
			t.Fatalf("point %d: %s..%s %d, want %v %v", i, iv.StartTime, iv.EndTime, p.Steps.Count, w.Time, w.Value)
		}
		total += p.Steps.Count
	}
	if tot := tr.Day(day).Totals.Steps; total != int64(tot) {
		t.Errorf("steps points sum to %d, the day's total is %d", total, tot)
	}
}

// TestGoogleRollupsMatchFitbit checks the daily rollups of a week (the
// fall-back day included) against the Fitbit face's daily totals and the
// Google truth, through the official client.
func TestGoogleRollupsMatchFitbit(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 5})
	ctx := context.Background()
	svc := g.service(t, g.gAccess)
	tr := g.s.Truth("SIM001")
	from, to := d("2026-10-22"), d("2026-10-29") // a week, end exclusive
	civ := func(x dates.Date) *health.CivilDateTime {
		return &health.CivilDateTime{Date: &health.Date{Year: int64(x.Year), Month: int64(x.Month), Day: int64(x.Day)}}
	}
	roll := func(typ string, pageSize int64) map[string]*health.DailyRollupDataPoint {
		out := map[string]*health.DailyRollupDataPoint{}
		req := &health.DailyRollUpDataPointsRequest{Range: &health.CivilTimeInterval{Start: civ(from), End: civ(to)}, WindowSizeDays: 1, PageSize: pageSize}
		err := svc.Users.DataTypes.DataPoints.DailyRollUp("users/me/dataTypes/"+typ, req).Pages(ctx, func(r *health.DailyRollUpDataPointsResponse) error {
			if int64(len(r.RollupDataPoints)) > pageSize {
				t.Errorf("%s: page of %d, pageSize %d", typ, len(r.RollupDataPoints), pageSize)
			}
			for _, p := range r.RollupDataPoints {
				day := civilClock(p.CivilStartTime)[:10]
				if end := civilClock(p.CivilEndTime)[:10]; end != d(day).AddDays(1).String() {
					t.Errorf("%s: window %s..%s", typ, day, end)
				}
				out[day] = p
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		return out
	}
	steps, dist, floors, alt := roll("steps", 3), roll("distance", 90), roll("floors", 90), roll("altitude", 90)
	total, active, heart := roll("total-calories", 14), roll("active-energy-burned", 90), roll("heart-rate", 14)
	(dates.Range{From: from, To: to.AddDays(-1)}).Each(func(x dates.Date) {
		k := x.String()
		ft := tr.Day(x).Totals
		gt := tr.GoogleDailyRollup(x, x.AddDays(1))
		if steps[k] == nil || dist[k] == nil || floors[k] == nil || alt[k] == nil || total[k] == nil || active[k] == nil {
			t.Fatalf("%s: a rollup window is missing", k)
		}
		if steps[k].Steps.CountSum != int64(ft.Steps) || gt.Steps != int64(ft.Steps) {
			t.Errorf("%s: steps %d, Fitbit %d", k, steps[k].Steps.CountSum, ft.Steps)
		}
		if mm := int64(math.Round(ft.DistanceKm * 1e6)); dist[k].Distance.MillimetersSum != mm {
			t.Errorf("%s: distance %d mm, Fitbit %v km", k, dist[k].Distance.MillimetersSum, ft.DistanceKm)
		}
		if floors[k].Floors.CountSum != int64(ft.Floors) {
			t.Errorf("%s: floors %d, Fitbit %d", k, floors[k].Floors.CountSum, ft.Floors)
		}
		if mm := int64(math.Round(ft.ElevationM * 1000)); alt[k].Altitude.GainMillimetersSum != mm {
			t.Errorf("%s: altitude %d mm, Fitbit %v m", k, alt[k].Altitude.GainMillimetersSum, ft.ElevationM)
		}
		if kc := total[k].TotalCalories.KcalSum; int(math.Round(kc)) != ft.Calories || kc != gt.TotalKcal {
			t.Errorf("%s: total calories %v, Fitbit %d, truth %v", k, kc, ft.Calories, gt.TotalKcal)
		}
		if kc := active[k].ActiveEnergyBurned.KcalSum; kc != gt.ActiveKcal || math.Abs(kc-float64(ft.ActivityCalories)) > 2 {
			t.Errorf("%s: active energy %v, truth %v, Fitbit activityCalories %d", k, kc, gt.ActiveKcal, ft.ActivityCalories)
		}
		day := tr.Day(x)
		if (heart[k] != nil) != (len(day.HeartSamples) > 0) {
			t.Fatalf("%s: heart window present %v with %d samples", k, heart[k] != nil, len(day.HeartSamples))
		}
		if h := heart[k]; h != nil {
			lo, hi := 999, 0
			for _, s := range day.HeartSamples {
				lo, hi = min(lo, s.BPM), max(hi, s.BPM)
			}
			if h.HeartRate.BeatsPerMinuteMin != float64(lo) || h.HeartRate.BeatsPerMinuteMax != float64(hi) || h.HeartRate.BeatsPerMinuteAvg != gt.HeartAvg {
				t.Errorf("%s: heart %+v, want min %d max %d avg %v", k, h.HeartRate, lo, hi, gt.HeartAvg)
			}
		}
	})

	// Physical rollUp: hourly windows of the fall-back day sum to the day.
	req := &health.RollUpDataPointsRequest{Range: &health.Interval{
		StartTime: d("2026-10-25").Time(berlin(t)).UTC().Format(time.RFC3339), EndTime: d("2026-10-26").Time(berlin(t)).UTC().Format(time.RFC3339)},
		WindowSize: "3600s", PageSize: 10}
	var n int
	var sum int64
	err := svc.Users.DataTypes.DataPoints.RollUp("users/me/dataTypes/steps", req).Pages(ctx, func(r *health.RollUpDataPointsResponse) error {
		for _, p := range r.RollupDataPoints {
			n++
			sum += p.Steps.CountSum
			if mustTime(t, p.EndTime).Sub(mustTime(t, p.StartTime)) != time.Hour {
				t.Errorf("window %s..%s", p.StartTime, p.EndTime)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 25 || sum != int64(tr.Day(d("2026-10-25")).Totals.Steps) {
		t.Errorf("%d hourly windows summing to %d; want 25 and %d", n, sum, tr.Day(d("2026-10-25")).Totals.Steps)
	}
}

// TestGoogleSleepAndDaily checks sleep sessions and resting heart rate
// against the Fitbit face's facts, and the identity and paired device.
func TestGoogleSleepAndDaily(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 9})
	ctx := context.Background()
	svc := g.service(t, g.gAccess)
	tr := g.s.Truth("SIM001")
	from, to := d("2026-10-20"), d("2026-11-10")

	var logs []*health.DataPoint
	err := svc.Users.DataTypes.DataPoints.List("users/me/dataTypes/sleep").
		Filter(`sleep.interval.civil_end_time >= "2026-10-20" AND sleep.interval.civil_end_time < "2026-11-10"`).
		PageSize(8).Pages(ctx, func(r *health.ListDataPointsResponse) error {
		if len(r.DataPoints) > 8 {
			t.Errorf("sleep page of %d (pageSize 8)", len(r.DataPoints))
		}
		logs = append(logs, r.DataPoints...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []sim.SleepLog
	(dates.Range{From: from, To: to.AddDays(-1)}).Each(func(x dates.Date) { want = append(want, tr.Day(x).Sleep...) })
	if len(logs) != len(want) || len(logs) <= 16 {
		t.Fatalf("%d sleep points, Fitbit has %d logs (want more than a page)", len(logs), len(want))
	}
	for i, w := range want {
		p := logs[len(logs)-1-i]
		s := p.Sleep
		if p.Name != fmt.Sprintf("users/me/dataTypes/sleep/dataPoints/%d", w.LogID) {
			t.Fatalf("log %d: name %s, logId %d", i, p.Name, w.LogID)
		}
		if !mustTime(t, s.Interval.StartTime).Equal(w.Start) || !mustTime(t, s.Interval.EndTime).Equal(w.End) {
			t.Fatalf("log %d: %s..%s, want %v..%v", i, s.Interval.StartTime, s.Interval.EndTime, w.Start, w.End)
		}
		if s.Summary.MinutesAsleep != int64(w.MinutesAsleep) || s.Summary.MinutesInSleepPeriod != int64(w.TimeInBed) ||
			s.Metadata.MainSleep != w.IsMainSleep || s.Metadata.Nap == w.IsMainSleep {
			t.Fatalf("log %d: summary %+v metadata %+v, Fitbit %+v", i, s.Summary, s.Metadata, w)
		}
		var long, short int
		for _, st := range w.Stages {
			if st.Short {
				short++
			} else {
				long++
			}
		}
		if len(s.Stages) != long || len(s.ShortAwakenings) != short {
			t.Fatalf("log %d: %d stages %d short, want %d %d", i, len(s.Stages), len(s.ShortAwakenings), long, short)
		}
		var secs int64
		for _, st := range s.Stages {
			secs += mustTime(t, st.EndTime).Unix() - mustTime(t, st.StartTime).Unix()
			if w.Type == "stages" && st.Type != "LIGHT" && st.Type != "DEEP" && st.Type != "REM" && st.Type != "AWAKE" {
				t.Fatalf("log %d: stage type %s", i, st.Type)
			}
		}
		if secs != int64(w.TimeInBed)*60 {
			t.Fatalf("log %d: stages cover %ds of %d min", i, secs, w.TimeInBed)
		}
	}

	var rhr []*health.ReconciledDataPoint
	err = svc.Users.DataTypes.DataPoints.Reconcile("users/me/dataTypes/daily-resting-heart-rate").
		Filter(`daily_resting_heart_rate.date >= "2026-10-20" AND daily_resting_heart_rate.date < "2026-11-10"`).
		Pages(ctx, func(r *health.ReconcileDataPointsResponse) error { rhr = append(rhr, r.DataPoints...); return nil })
	if err != nil {
		t.Fatal(err)
	}
	byDay := map[string]int64{}
	for _, p := range rhr {
		dd := p.DailyRestingHeartRate.Date
		byDay[fmt.Sprintf("%04d-%02d-%02d", dd.Year, dd.Month, dd.Day)] = p.DailyRestingHeartRate.BeatsPerMinute
	}
	(dates.Range{From: from, To: to.AddDays(-1)}).Each(func(x dates.Date) {
		r := tr.Day(x).RestingHR
		if got, ok := byDay[x.String()]; ok != (r != nil) || (r != nil && got != int64(*r)) {
			t.Errorf("%s: resting HR %d (present %v), Fitbit %v", x, got, ok, r)
		}
	})

	id, err := svc.Users.GetIdentity("users/me/identity").Do()
	if err != nil || id.LegacyUserId != "SIM001" || id.HealthUserId != tr.GoogleUserID() {
		t.Fatalf("identity %+v, %v", id, err)
	}
	devs, err := svc.Users.PairedDevices.List("users/me").Do()
	if err != nil || len(devs.PairedDevices) != 1 {
		t.Fatalf("paired devices %+v, %v", devs, err)
	}
	if got := mustTime(t, devs.PairedDevices[0].LastSyncTime); !got.Equal(tr.SyncedUntil()) {
		t.Errorf("lastSyncTime %v, sync cutoff %v", got, tr.SyncedUntil())
	}
	// By Health User ID instead of "me"; another id is refused.
	if _, err := svc.Users.GetSettings("users/" + tr.GoogleUserID() + "/settings").Do(); err != nil {
		t.Errorf("settings by health user id: %v", err)
	}
	if _, err := svc.Users.GetSettings("users/123/settings").Do(); err == nil {
		t.Error("another user's settings were served")
	}
}
