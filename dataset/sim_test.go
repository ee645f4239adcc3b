package dataset

import (
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/sim"
)

// TestAgainstSimulator fetches every dataset's requests from the in-process
// simulator over DST weeks in two zones, runs the transforms, and compares
// the rows with the simulator's ground truth (instants, not wall clocks).
func TestAgainstSimulator(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	srv := sim.New(sim.Config{Seed: 7, Now: func() time.Time { return now }, Quota: 1 << 30})
	for _, tc := range []struct {
		user, detail string
		from         string
	}{
		{"SIM001", "1min", "2026-10-24"}, // Europe/Berlin fall-back on the 25th
		{"SIM001", "1sec", "2026-03-28"}, // spring-forward on the 29th
		{"SIM002", "1min", "2026-10-31"}, // America/New_York fall-back on Nov 1
		{"SIM002", "5min", "2026-03-07"}, // spring-forward on Mar 8
	} {
		t.Run(tc.user+"/"+tc.from, func(t *testing.T) {
			access, _ := srv.IssueTokens(tc.user, "", nil)
			truth := srv.Truth(tc.user)
			r := rng(tc.from, 3)
			o := DefaultOptions()
			o.HeartDetail = tc.detail
			reg := Default()
			reqs := plan(t, o, r, reg.Names()...)
			var resps []Response
			for _, req := range reqs {
				rr := httptest.NewRecorder()
				hr := httptest.NewRequest(http.MethodGet, req.Path, nil)
				hr.Header.Set("Authorization", "Bearer "+access)
				srv.ServeHTTP(rr, hr)
				if rr.Code != http.StatusOK {
					t.Fatalf("%s: %d %s", req.Path, rr.Code, rr.Body)
				}
				resps = append(resps, Response{Request: req, Pages: [][]byte{rr.Body.Bytes()}})
			}
			in := Input{
				Responses: resps,
				Want:      func(d dates.Date, key string) bool { return reqs[key].Days.Contains(d) && r.Contains(d) },
				Zone:      func(dates.Date) *time.Location { return truth.Zone() },
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			recs := map[string]arrow.RecordBatch{}
			for _, d := range reg.All() {
				in.Dataset = d.Name
				b := array.NewRecordBuilder(mem, d.Schema)
				if err := d.Sources[Fitbit].Transform(in, b); err != nil {
					t.Fatalf("%s: %v", d.Name, err)
				}
				recs[d.Name] = b.NewRecordBatch()
				b.Release()
				if err := checkOrder(d, recs[d.Name], false); err != nil {
					t.Error(err)
				}
			}
			defer func() {
				for _, rec := range recs {
					rec.Release()
				}
			}()
			compareSeries(t, recs["heart_rate"], "bpm", func(d dates.Date) []sim.Point { return truth.Heart(d, tc.detail) }, r, 1)
			compareSeries(t, recs["steps"], "steps", func(d dates.Date) []sim.Point { return truth.Activity(d, "steps", "1min") }, r, 1)
			compareSeries(t, recs["distance"], "distance_m", func(d dates.Date) []sim.Point { return truth.Activity(d, "distance", "1min") }, r, 1000)
			compareSeries(t, recs["calories"], "calories_kcal", func(d dates.Date) []sim.Point { return truth.Activity(d, "calories", "1min") }, r, 1)
			compareDaily(t, recs, truth, r)
			compareSleep(t, recs, truth, r)
		})
	}
}

func ms(t time.Time) int64 { return t.UnixMilli() }

// wallMS is t's wall clock read as UTC.
func wallMS(t time.Time) int64 {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC).UnixMilli()
}

func column(rec arrow.RecordBatch, name string) arrow.Array {
	return rec.Column(rec.Schema().FieldIndices(name)[0])
}

func num(a arrow.Array, i int) float64 {
	switch c := a.(type) {
	case *array.Int32:
		return float64(c.Value(i))
	case *array.Int64:
		return float64(c.Value(i))
	case *array.Float64:
		return c.Value(i)
	}
	panic("num: " + a.DataType().String())
}

func compareSeries(t *testing.T, rec arrow.RecordBatch, col string, truth func(dates.Date) []sim.Point, r dates.Range, scale float64) {
	t.Helper()
	var want []sim.Point
	r.Each(func(d dates.Date) { want = append(want, truth(d)...) })
	if int(rec.NumRows()) != len(want) {
		t.Fatalf("%s: %d rows, truth has %d", col, rec.NumRows(), len(want))
	}
	utc := column(rec, "time_utc").(*array.Timestamp)
	loc := column(rec, "time_local").(*array.Timestamp)
	val := column(rec, col)
	for i, p := range want {
		if int64(utc.Value(i)) != ms(p.Time) || int64(loc.Value(i)) != wallMS(p.Local) ||
			math.Abs(num(val, i)-p.Value*scale) > 1e-9*math.Max(1, p.Value*scale) {
			t.Fatalf("%s row %d = %d/%d/%v, truth %s/%s/%v", col, i, utc.Value(i), loc.Value(i), num(val, i),
				p.Time.Format(time.RFC3339), p.Local.Format("15:04:05"), p.Value*scale)
		}
	}
	if col == "calories_kcal" {
		lvl := column(rec, "level").(*array.Int8)
		mets := column(rec, "mets").(*array.Float64)
		for i, p := range want {
			if int(lvl.Value(i)) != p.Level || math.Abs(mets.Value(i)-p.METs/10) > 1e-9 {
				t.Fatalf("calories row %d: level %d mets %v, truth %d %v", i, lvl.Value(i), mets.Value(i), p.Level, p.METs)
			}
		}
	}
}

func compareDaily(t *testing.T, recs map[string]arrow.RecordBatch, truth *sim.Truth, r dates.Range) {
	t.Helper()
	da := recs["daily_activity"]
	if int(da.NumRows()) != r.Days() {
		t.Fatalf("daily_activity: %d rows, want %d", da.NumRows(), r.Days())
	}
	rhr := recs["resting_heart_rate"]
	var wantRHR []int
	i := 0
	r.Each(func(d dates.Date) {
		day := truth.Day(d)
		tot := day.Totals
		for col, want := range map[string]float64{
			"steps": float64(tot.Steps), "calories_kcal": float64(tot.Calories), "calories_bmr_kcal": float64(tot.CaloriesBMR),
			"activity_calories_kcal": float64(tot.ActivityCalories), "distance_m": tot.DistanceKm * 1000, "floors": float64(tot.Floors),
			"elevation_m": tot.ElevationM, "minutes_sedentary": float64(tot.MinutesSedentary),
			"minutes_lightly_active": float64(tot.MinutesLightlyActive), "minutes_fairly_active": float64(tot.MinutesFairlyActive),
			"minutes_very_active": float64(tot.MinutesVeryActive),
		} {
			if got := num(column(da, col), i); math.Abs(got-want) > 1e-6 {
				t.Errorf("daily_activity %s %s = %v, truth %v", d, col, got, want)
			}
		}
		if day.RestingHR != nil {
			wantRHR = append(wantRHR, *day.RestingHR)
		}
		i++
	})
	if int(rhr.NumRows()) != len(wantRHR) {
		t.Fatalf("resting_heart_rate: %d rows, truth %d", rhr.NumRows(), len(wantRHR))
	}
	for i, w := range wantRHR {
		if got := num(column(rhr, "bpm"), i); got != float64(w) {
			t.Errorf("resting_heart_rate row %d = %v, truth %d", i, got, w)
		}
	}
	if recs["heart_rate_zones"].NumRows() == 0 {
		t.Error("heart_rate_zones: no rows")
	}
}

func compareSleep(t *testing.T, recs map[string]arrow.RecordBatch, truth *sim.Truth, r dates.Range) {
	t.Helper()
	var logs []sim.SleepLog
	r.Each(func(d dates.Date) { logs = append(logs, truth.Day(d).Sleep...) })
	ss, st := recs["sleep_sessions"], recs["sleep_stages"]
	if int(ss.NumRows()) != len(logs) || len(logs) == 0 {
		t.Fatalf("sleep_sessions: %d rows, truth %d logs", ss.NumRows(), len(logs))
	}
	start := column(ss, "start_utc").(*array.Timestamp)
	end := column(ss, "end_utc").(*array.Timestamp)
	ids := column(ss, "log_id").(*array.Int64)
	stages := map[int64]bool{}
	nStages := 0
	for i, lg := range logs {
		if ids.Value(i) != lg.LogID || int64(start.Value(i)) != ms(lg.Start) || int64(end.Value(i)) != ms(lg.End) {
			t.Errorf("sleep_sessions row %d = %d %d..%d, truth %d %s..%s", i, ids.Value(i), start.Value(i), end.Value(i),
				lg.LogID, lg.Start.Format(time.RFC3339), lg.End.Format(time.RFC3339))
		}
		for _, s := range lg.Stages {
			stages[ms(s.Start)*10+boolInt(s.Short)] = true
			nStages++
		}
	}
	if int(st.NumRows()) != nStages {
		t.Fatalf("sleep_stages: %d rows, truth %d", st.NumRows(), nStages)
	}
	su := column(st, "start_utc").(*array.Timestamp)
	short := column(st, "short").(*array.Boolean)
	for i := 0; i < int(st.NumRows()); i++ {
		if !stages[int64(su.Value(i))*10+boolInt(short.Value(i))] {
			t.Errorf("sleep_stages row %d starts at %s, no such stage in the truth", i, time.UnixMilli(int64(su.Value(i))).UTC())
		}
	}
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
