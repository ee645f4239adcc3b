package dataset

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/sim"
)

// transformAll runs src's transform of every named dataset over resps
// (release the records with releaseAll).
func transformAll(t *testing.T, mem memory.Allocator, src Source, in Input, names []string) map[string]arrow.RecordBatch {
	t.Helper()
	reg := Default()
	recs := map[string]arrow.RecordBatch{}
	for _, name := range names {
		d := mustGet(t, reg, name)
		in.Dataset = name
		b := array.NewRecordBuilder(mem, d.Schema)
		err := d.Sources[src].Transform(in, b)
		recs[name] = b.NewRecordBatch()
		b.Release()
		if err != nil {
			t.Fatalf("%s %s: %v", src, name, err)
		}
		assertOrdered(t, d, recs[name])
	}
	return recs
}

// TestGoogleMoreAgainstSimulator plans the Google requests of the issue-6
// datasets over DST weeks, fetches them from the simulator's Google face
// (following pages), runs the Google transforms and compares every row
// with the simulator's ground truth, then with the Fitbit face's rows of
// the same server wherever both sources have a value.
func TestGoogleMoreAgainstSimulator(t *testing.T) {
	for _, tc := range []struct {
		user, from, mode string
		days             int
	}{
		{"SIM001", "2026-10-22", "reconcile", 6}, // Europe/Berlin fall-back on the 25th
		{"SIM002", "2026-03-06", "list", 4},      // America/New_York spring-forward on Mar 8
		{"SIM002", "2026-10-30", "reconcile", 4}, // and fall-back on Nov 1
	} {
		t.Run(tc.user+"/"+tc.from+"/"+tc.mode, func(t *testing.T) {
			r := rng(tc.from, tc.days)
			now := r.To.AddDays(2).UTC().Add(12 * time.Hour)
			srv := sim.New(sim.Config{Seed: 7, Now: func() time.Time { return now }, Quota: 1 << 30, GoogleQuota: 1 << 30})
			gAccess, _ := srv.IssueGoogleTokens(tc.user, "", sim.GoogleScopes())
			fAccess, _ := srv.IssueTokens(tc.user, "", nil)
			truth := srv.Truth(tc.user)
			o := DefaultOptions()
			o.GoogleMode = tc.mode
			names := newDatasets()
			greqs := planSource(t, Google, o, r, names...)
			var gresps []Response
			for _, k := range sortedKeys(greqs) {
				pages, err := gFetch(srv, gAccess, greqs[k])
				if err != nil {
					t.Fatal(err)
				}
				gresps = append(gresps, Response{Request: greqs[k], Pages: pages})
			}
			freqs := plan(t, DefaultOptions(), r, names...)
			var fresps []Response
			for _, req := range freqs {
				fresps = append(fresps, Response{Request: req, Pages: simFetch(t, srv, fAccess, req)})
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			g := transformAll(t, mem, Google, Input{
				Responses: gresps,
				Want:      func(d dates.Date, key string) bool { return greqs[key].Days.Contains(d) && r.Contains(d) },
				Zone: func(dates.Date) *time.Location {
					t.Error("a Google transform asked for the profile zone")
					return time.UTC
				},
			}, names)
			defer releaseAll(g)
			f := transformAll(t, mem, Fitbit, Input{
				Responses: fresps,
				Want:      func(d dates.Date, key string) bool { return freqs[key].Days.Contains(d) && r.Contains(d) },
				Zone:      func(dates.Date) *time.Location { return truth.Zone() },
			}, names)
			defer releaseAll(f)
			c := &rowCmp{t: t, recs: g}
			gCompareNightly(c, truth, r)
			gCompareAZM(c, truth, r)
			gCompareBody(c, truth, r, tc.mode == "list")
			gCompareExercises(c, truth, r, tc.mode == "list")
			gCompareSnapshots(c, truth, r)
			compareSources(t, g, f)
		})
	}
}

// sourceDiffs lists, per dataset, the columns whose values differ between
// the sources by design (documented in the Google specs' ColumnNotes), and
// how rows are matched.
var sourceDiffs = map[string]struct {
	key  string   // the column matching rows
	skip []string // columns not compared
	// subset: the Google rows are a subset of the Fitbit rows (the
	// intraday nights are partitioned by another day; the AZM rollup skips
	// days without data).
	subset bool
}{
	"spo2_daily":                {"date", []string{"min_percent", "max_percent"}, false},
	"spo2_intraday":             {"time_utc", nil, true},
	"hrv_daily":                 {"date", nil, false},
	"hrv_intraday":              {"time_utc", []string{"coverage"}, true},
	"breathing_rate":            {"date", []string{"deep_breaths_per_min", "light_breaths_per_min", "rem_breaths_per_min"}, false},
	"skin_temperature":          {"date", []string{"nightly_c", "baseline_c", "log_type"}, false},
	"vo2_max":                   {"date", []string{"vo2_max_low", "vo2_max_high"}, false},
	"active_zone_minutes":       {"", nil, false},
	"active_zone_minutes_daily": {"date", nil, true},
	"weight":                    {"time_utc", []string{"bmi", "source"}, false},
	"body_fat":                  {"time_utc", []string{"source"}, false},
	"exercises":                 {"log_id", []string{"activity_type_id", "log_type", "fat_burn_zone_min", "cardio_zone_min", "peak_zone_min", "source_device"}, false},
	"devices":                   {"id", nil, false},
	"profile":                   {"date", nil, false},
}

// compareSources compares the Google rows with the Fitbit rows, column by
// column, except the documented differences.
func compareSources(t *testing.T, g, f map[string]arrow.RecordBatch) {
	t.Helper()
	for _, name := range newDatasets() {
		diff, ok := sourceDiffs[name]
		if !ok {
			t.Errorf("%s: no source comparison", name)
			continue
		}
		gr, fr := g[name], f[name]
		key := func(rec arrow.RecordBatch, i int) string {
			if diff.key == "" { // every column is the key: whole rows
				var sb strings.Builder
				for _, col := range rec.Columns() {
					sb.WriteString(col.ValueStr(i) + "|")
				}
				return sb.String()
			}
			return column(rec, diff.key).ValueStr(i)
		}
		fRows := map[string]int{}
		for i := 0; i < int(fr.NumRows()); i++ {
			fRows[key(fr, i)] = i
		}
		if !diff.subset && gr.NumRows() != fr.NumRows() {
			t.Errorf("%s: Google %d rows, Fitbit %d", name, gr.NumRows(), fr.NumRows())
		}
		if gr.NumRows() == 0 {
			t.Errorf("%s: no Google rows", name)
		}
		matched := 0
		for i := 0; i < int(gr.NumRows()); i++ {
			j, ok := fRows[key(gr, i)]
			if !ok {
				if !diff.subset || name == "active_zone_minutes_daily" {
					t.Errorf("%s: Google row %s has no Fitbit twin", name, key(gr, i))
				}
				continue
			}
			matched++
			for ci, fld := range gr.Schema().Fields() {
				if contains(diff.skip, fld.Name) {
					continue
				}
				ga, fa := gr.Column(ci), column(fr, fld.Name)
				gs, fs := ga.ValueStr(i), fa.ValueStr(j)
				if gs == fs {
					continue
				}
				if gn, fn, ok := floats(ga, fa, i, j); ok && math.Abs(gn-fn) <= 1e-6*math.Max(1, math.Abs(fn)) {
					continue
				}
				t.Errorf("%s %s: %s = %s on Google, %s on Fitbit", name, key(gr, i), fld.Name, gs, fs)
			}
		}
		if diff.subset && matched == 0 {
			t.Errorf("%s: no Google row matches a Fitbit row", name)
		}
		if name == "active_zone_minutes_daily" { // Fitbit's extra days are zeros
			gd := map[string]bool{}
			for i := 0; i < int(gr.NumRows()); i++ {
				gd[key(gr, i)] = true
			}
			for k, j := range fRows {
				if !gd[k] && num(column(fr, "active_zone_minutes"), j) != 0 {
					t.Errorf("%s %s: Fitbit has AZM, Google no row", name, k)
				}
			}
		}
	}
}

func releaseAll(recs map[string]arrow.RecordBatch) {
	for _, rec := range recs {
		rec.Release()
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// floats reads two numeric cells.
func floats(a, b arrow.Array, i, j int) (float64, float64, bool) {
	if a.IsNull(i) || b.IsNull(j) {
		return 0, 0, false
	}
	switch a.(type) {
	case *array.Float64, *array.Int32, *array.Int64:
		return num(a, i), num(b, j), true
	}
	return 0, 0, false
}

func gCompareNightly(c *rowCmp, truth *sim.Truth, r dates.Range) {
	var nights []*sim.Nightly
	r.Each(func(d dates.Date) {
		if n := truth.Nightly(d); n != nil {
			nights = append(nights, n)
		}
	})
	if len(nights) == 0 {
		c.t.Fatal("no nights with metrics")
	}
	for _, ds := range []string{"spo2_daily", "hrv_daily", "breathing_rate", "skin_temperature", "vo2_max"} {
		if !c.rows(ds, len(nights)) {
			return
		}
	}
	base := truth.SkinTempBaseline()
	for i, n := range nights {
		c.eq("spo2_daily", "date", i, day32(n.Date))
		c.eq("spo2_daily", "avg_percent", i, n.SpO2Avg)
		c.eq("spo2_daily", "min_percent", i, math.NaN())
		c.eq("hrv_daily", "daily_rmssd_ms", i, n.DailyRMSSD)
		c.eq("hrv_daily", "deep_rmssd_ms", i, opt(n.DeepRMSSD))
		c.eq("breathing_rate", "breaths_per_min", i, n.BreathingRate)
		c.eq("breathing_rate", "deep_breaths_per_min", i, math.NaN())
		c.eq("skin_temperature", "nightly_relative_c", i, n.SkinTempRelative)
		c.eq("skin_temperature", "baseline_c", i, base)
		c.eq("skin_temperature", "nightly_c", i, math.Round((base+n.SkinTempRelative)*100)/100)
		c.eqStr("skin_temperature", "log_type", i, "<null>")
		c.eq("vo2_max", "vo2_max", i, n.VO2Max.Value)
		c.eq("vo2_max", "vo2_max_low", i, math.NaN())
	}
	// Intraday: the readings whose local day lies in r, from the nights
	// filed under those days and the day after.
	var spo2 []sim.SpO2Sample
	var hrv []sim.HRVSample
	in := func(t time.Time) bool { return r.Contains(dates.In(t, truth.Zone())) }
	r.Each(func(d dates.Date) {
		if n := truth.Nightly(d); n != nil {
			for _, s := range n.SpO2 {
				if in(s.Time) {
					spo2 = append(spo2, s)
				}
			}
			for _, s := range n.HRV {
				if in(s.Time) {
					hrv = append(hrv, s)
				}
			}
		}
	})
	if n := truth.Nightly(r.To.AddDays(1)); n != nil {
		for _, s := range n.SpO2 {
			if in(s.Time) {
				spo2 = append(spo2, s)
			}
		}
		for _, s := range n.HRV {
			if in(s.Time) {
				hrv = append(hrv, s)
			}
		}
	}
	if c.rows("spo2_intraday", len(spo2)) {
		for i, s := range spo2 {
			c.eq("spo2_intraday", "time_utc", i, float64(ms(s.Time)))
			c.eq("spo2_intraday", "time_local", i, float64(wallMS(s.Local)))
			c.eq("spo2_intraday", "spo2_percent", i, s.Percent)
		}
	}
	if c.rows("hrv_intraday", len(hrv)) {
		for i, s := range hrv {
			c.eq("hrv_intraday", "time_utc", i, float64(ms(s.Time)))
			c.eq("hrv_intraday", "time_local", i, float64(wallMS(s.Local)))
			c.eq("hrv_intraday", "rmssd_ms", i, s.RMSSD)
			c.eq("hrv_intraday", "coverage", i, math.NaN())
			c.eq("hrv_intraday", "hf", i, s.HF)
			c.eq("hrv_intraday", "lf", i, s.LF)
		}
	}
}

func gCompareAZM(c *rowCmp, truth *sim.Truth, r dates.Range) {
	n, i := 0, 0
	r.Each(func(d dates.Date) {
		for _, m := range truth.ActiveZoneMinutes(d, "1min") {
			zone, v := "fat_burn", m.FatBurn
			switch {
			case m.Peak > 0:
				zone, v = "peak", m.Peak
			case m.Cardio > 0:
				zone, v = "cardio", m.Cardio
			}
			if i < int(c.recs["active_zone_minutes"].NumRows()) {
				c.eq("active_zone_minutes", "time_utc", i, float64(ms(m.Time)))
				c.eq("active_zone_minutes", "time_local", i, float64(wallMS(m.Local)))
				c.eqStr("active_zone_minutes", "zone", i, zone)
				c.eq("active_zone_minutes", "minutes", i, float64(v))
			}
			i++
		}
	})
	c.rows("active_zone_minutes", i)
	daily := c.recs["active_zone_minutes_daily"]
	j := 0
	r.Each(func(d dates.Date) {
		if j >= int(daily.NumRows()) || c.cell("active_zone_minutes_daily", "date", j) != day32(d) {
			return // a day without data has no rollup window
		}
		day := truth.ActiveZoneMinutesDay(d)
		c.eq("active_zone_minutes_daily", "active_zone_minutes", j, float64(day.Total))
		c.eq("active_zone_minutes_daily", "fat_burn_active_zone_minutes", j, float64(day.FatBurn))
		c.eq("active_zone_minutes_daily", "cardio_active_zone_minutes", j, float64(day.Cardio))
		c.eq("active_zone_minutes_daily", "peak_active_zone_minutes", j, float64(day.Peak))
		n += day.Total
		j++
	})
	if j != int(daily.NumRows()) || j < r.Days()-1 || n == 0 {
		c.t.Errorf("active_zone_minutes_daily: %d rows matched of %d (range %d days), %d AZM", j, daily.NumRows(), r.Days(), n)
	}
}

func gCompareBody(c *rowCmp, truth *sim.Truth, r dates.Range, list bool) {
	var logs, fat []*sim.WeightLog
	r.Each(func(d dates.Date) {
		if w := truth.Weight(d); w != nil {
			logs = append(logs, w)
			if w.Fat != nil {
				fat = append(fat, w)
			}
		}
	})
	src := func(w *sim.WeightLog) string {
		switch {
		case !list:
			return "<null>"
		case w.Source == "Aria":
			return "Aria Air"
		}
		return "MANUAL"
	}
	if c.rows("weight", len(logs)) {
		for i, w := range logs {
			c.eq("weight", "time_utc", i, float64(ms(w.Time)))
			c.eq("weight", "time_local", i, float64(wallMS(w.Local)))
			c.eq("weight", "weight_kg", i, w.WeightKg)
			c.eq("weight", "bmi", i, math.NaN())
			c.eq("weight", "fat_percent", i, opt(w.Fat))
			c.eqStr("weight", "source", i, src(w))
			c.eq("weight", "log_id", i, float64(w.LogID))
		}
	}
	if c.rows("body_fat", len(fat)) {
		for i, w := range fat {
			c.eq("body_fat", "time_utc", i, float64(ms(w.Time)))
			c.eq("body_fat", "fat_percent", i, *w.Fat)
			c.eqStr("body_fat", "source", i, src(w))
			c.eq("body_fat", "log_id", i, float64(w.LogID))
		}
	}
}

func gCompareExercises(c *rowCmp, truth *sim.Truth, r dates.Range, list bool) {
	var ex []sim.Exercise
	r.Each(func(d dates.Date) { ex = append(ex, truth.Exercises(d)...) })
	if len(ex) == 0 {
		c.t.Error("no exercises in the range")
	}
	if !c.rows("exercises", len(ex)) {
		return
	}
	loc := truth.Zone()
	for i, e := range ex {
		c.eq("exercises", "log_id", i, float64(e.LogID))
		c.eqStr("exercises", "activity_name", i, e.Name)
		c.eq("exercises", "activity_type_id", i, math.NaN())
		c.eqStr("exercises", "log_type", i, "<null>")
		c.eq("exercises", "start_utc", i, float64(ms(e.Start)))
		c.eq("exercises", "start_local", i, float64(wallMS(e.Start.In(loc))))
		c.eq("exercises", "end_utc", i, float64(ms(e.End)))
		c.eq("exercises", "end_local", i, float64(wallMS(e.End.In(loc))))
		c.eq("exercises", "duration_ms", i, float64(e.DurationMS))
		c.eq("exercises", "active_duration_ms", i, float64(e.DurationMS))
		c.eq("exercises", "steps", i, float64(e.Steps))
		c.eq("exercises", "calories_kcal", i, float64(e.Calories))
		c.eq("exercises", "distance_m", i, math.Round(e.DistanceKm*1e6)/1000)
		c.eq("exercises", "average_heart_rate_bpm", i, optInt(e.AverageHR))
		azm := float64(e.AZM)
		if e.AverageHR == nil && e.AZM == 0 {
			azm = math.NaN()
		}
		c.eq("exercises", "active_zone_minutes", i, azm)
		c.eq("exercises", "cardio_zone_min", i, math.NaN())
		want := "<null>"
		if list {
			want = "Charge 6"
		}
		c.eqStr("exercises", "source_device", i, want)
	}
}

func gCompareSnapshots(c *rowCmp, truth *sim.Truth, r dates.Range) {
	devs := truth.Devices()
	if c.rows("devices", len(devs)) {
		for i, d := range devs {
			c.eq("devices", "date", i, day32(r.To))
			c.eqStr("devices", "id", i, d.ID)
			c.eqStr("devices", "type", i, d.Type)
			c.eqStr("devices", "version", i, d.Version)
			c.eqStr("devices", "battery", i, d.Battery)
			c.eq("devices", "battery_level", i, float64(d.BatteryLevel))
			c.eq("devices", "last_sync_utc", i, float64(d.LastSync.Truncate(time.Second).UnixMilli()))
		}
	}
	p := truth.Profile()
	if c.rows("profile", 1) {
		c.eq("profile", "date", 0, day32(r.To))
		c.eqStr("profile", "timezone", 0, p.Timezone)
		c.eq("profile", "utc_offset_s", 0, float64(p.OffsetFromUTCMillis/1000))
		c.eq("profile", "member_since", 0, day32(p.MemberSince))
		c.eqStr("profile", "distance_unit", 0, p.DistanceUnit)
		c.eqStr("profile", "weight_unit", 0, p.WeightUnit)
	}
}

var genGoogleMore = flag.Bool("gen-google-more", false, "regenerate testdata/google/<issue-6 dataset>/sim_* from the simulator (then run -update)")

// TestGenGoogleMoreGolden writes golden cases of the issue-6 datasets from
// the simulator's Google face (only with -gen-google-more): SIM001 over
// the Berlin fall-back weekend, reconcile mode, and SIM002 in list mode,
// each list trimmed to its first points so the files stay small.
func TestGenGoogleMoreGolden(t *testing.T) {
	if !*genGoogleMore {
		t.Skip("run with -gen-google-more to regenerate")
	}
	for _, tc := range []struct {
		user, from, mode string
		days             int
	}{{"SIM001", "2026-10-24", "reconcile", 2}, {"SIM002", "2026-03-07", "list", 2}} {
		r := rng(tc.from, tc.days)
		now := r.To.AddDays(2).UTC().Add(12 * time.Hour)
		srv := sim.New(sim.Config{Seed: 7, Now: func() time.Time { return now }, Quota: 1 << 30, GoogleQuota: 1 << 30})
		access, _ := srv.IssueGoogleTokens(tc.user, "", sim.GoogleScopes())
		o := DefaultOptions()
		o.GoogleMode = tc.mode
		for _, name := range newDatasets() {
			reqs := planSource(t, Google, o, r, name)
			dir := filepath.Join("testdata", "google", name, "sim_"+tc.mode)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			var gc struct {
				Responses []map[string]any `json:"responses"`
			}
			for i, k := range sortedKeys(reqs) {
				pages, err := gFetch(srv, access, reqs[k])
				if err != nil {
					t.Fatal(err)
				}
				var files []string
				for j, p := range pages {
					f := fmt.Sprintf("r%dp%d.json", i+1, j+1)
					if err := os.WriteFile(filepath.Join(dir, f), trimPoints(t, p, 8), 0o644); err != nil {
						t.Fatal(err)
					}
					files = append(files, f)
				}
				gc.Responses = append(gc.Responses, map[string]any{"key": k, "pages": files})
			}
			b, _ := json.MarshalIndent(gc, "", "  ")
			if err := os.WriteFile(filepath.Join(dir, "case.json"), append(b, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// trimPoints keeps the first n data points of a list or reconcile page,
// and indents it.
func trimPoints(t *testing.T, page []byte, n int) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(page, &m); err != nil {
		t.Fatal(err)
	}
	if raw, ok := m["dataPoints"]; ok {
		var pts []json.RawMessage
		if err := json.Unmarshal(raw, &pts); err != nil {
			t.Fatal(err)
		}
		if len(pts) > n {
			pts = pts[:n]
		}
		m["dataPoints"], _ = json.Marshal(pts)
	}
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestGoogleMoreRequests(t *testing.T) {
	r := rng("2026-01-01", 45)
	for _, mode := range []string{"reconcile", "list"} {
		o := DefaultOptions()
		o.GoogleMode = mode
		got := planSource(t, Google, o, r, newDatasets()...)
		// daily types one request a year; oxygen-saturation 14 days;
		// heart-rate-variability, active-zone-minutes and exercise 30;
		// weight and body-fat a year (weight plans body-fat too: one key);
		// the AZM rollup 90 days; three snapshots.
		want := map[string]int{
			"g/" + mode + "/daily-oxygen-saturation/":             1,
			"g/" + mode + "/daily-heart-rate-variability/":        1,
			"g/" + mode + "/daily-respiratory-rate/":              1,
			"g/" + mode + "/daily-sleep-temperature-derivations/": 1,
			"g/" + mode + "/daily-vo2-max/":                       1,
			"g/" + mode + "/oxygen-saturation/":                   4,
			"g/" + mode + "/heart-rate-variability/":              2,
			"g/" + mode + "/active-zone-minutes/":                 2,
			"g/" + mode + "/weight/":                              1,
			"g/" + mode + "/body-fat/":                            1,
			"g/" + mode + "/exercise/":                            2,
			"g/rollup/active-zone-minutes/":                       1,
			"g/devices/":                                          1,
			"g/settings/":                                         1,
			"g/profile/":                                          1,
		}
		n := 0
		for prefix, c := range want {
			n += c
			if got := countPrefix(got, prefix); got != c {
				t.Errorf("%s*: %d requests, want %d", prefix, got, c)
			}
		}
		if len(got) != n {
			t.Errorf("%s: %d requests, want %d: %v", mode, len(got), n, sortedKeys(got))
		}
		checkKeys(t, got, r)
		method := ""
		if mode == "reconcile" {
			method = ":reconcile"
		}
		checkGet(t, got, "g/"+mode+"/exercise/2026-01-31_2026-02-14", "/v4/users/me/dataTypes/exercise/dataPoints"+method,
			`exercise.interval.civil_start_time >= "2026-01-31T00:00:00" AND exercise.interval.civil_start_time < "2026-02-15T00:00:00"`,
			"25", rng("2026-01-31", 15))
		checkGet(t, got, "g/"+mode+"/oxygen-saturation/2026-01-15_2026-01-28", "/v4/users/me/dataTypes/oxygen-saturation/dataPoints"+method,
			`oxygen_saturation.sample_time.civil_time >= "2026-01-15T00:00:00" AND oxygen_saturation.sample_time.civil_time < "2026-01-29T00:00:00"`,
			"10000", rng("2026-01-15", 14))
		checkGet(t, got, "g/"+mode+"/daily-vo2-max/2026-01-01_2026-02-14", "/v4/users/me/dataTypes/daily-vo2-max/dataPoints"+method,
			`daily_vo2_max.date >= "2026-01-01" AND daily_vo2_max.date < "2026-02-15"`, "10000", r)
		checkRollup(t, got, "active-zone-minutes", r, 90)
		if req := got["g/devices/2026-01-01_2026-02-14"]; req.Path != "/v4/users/me/pairedDevices" || req.Query.Get("pageSize") != "100" || req.Paging != GoogleToken {
			t.Errorf("devices request %+v", req)
		}
	}
	// The AZM rollup: 90-day chunks (active-zone-minutes is not a 14-day
	// type).
	got := planSource(t, Google, DefaultOptions(), rng("2026-01-01", 200), "active_zone_minutes_daily")
	if len(got) != 3 {
		t.Errorf("AZM rollups over 200 days: %v", sortedKeys(got))
	}
	checkRollup(t, got, "active-zone-minutes", rng("2026-01-01", 90), 90)
	checkRollup(t, got, "active-zone-minutes", rng("2026-06-30", 20), 90)
}

// TestGoogleMoreRequestCounts counts the pages the simulator serves: the
// exercise list in pages of 25, the AZM rollup in one page per 90 days.
func TestGoogleMoreRequestCounts(t *testing.T) {
	r := rng("2026-09-01", 60)
	now := r.To.AddDays(1).UTC().Add(12 * time.Hour)
	srv := sim.New(sim.Config{Seed: 7, Now: func() time.Time { return now }, Quota: 1 << 30, GoogleQuota: 1 << 30})
	access, _ := srv.IssueGoogleTokens("SIM001", "", sim.GoogleScopes())
	truth := srv.Truth("SIM001")
	got := planSource(t, Google, DefaultOptions(), r, "exercises", "active_zone_minutes_daily")
	pages, want := 0, 0
	for _, k := range sortedKeys(got) {
		p, err := gFetch(srv, access, got[k])
		if err != nil {
			t.Fatal(err)
		}
		pages += len(p)
		if strings.HasPrefix(k, "g/rollup/") {
			want++
			continue
		}
		n := 0
		got[k].Days.Each(func(d dates.Date) { n += len(truth.Exercises(d)) })
		if n <= 25 {
			t.Logf("%s: %d exercises", k, n)
		}
		want += max(1, (n+24)/25)
	}
	if pages != want || want <= len(got) {
		t.Errorf("%d pages for %d requests, want %d (several exercise pages)", pages, len(got), want)
	}
}
