package takeout_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/pipeline"
	"github.com/fitexport/fitexport/sim"
	"github.com/fitexport/fitexport/takeout"
	"github.com/fitexport/fitexport/takeout/takeoutsim"
)

// The simulated user and days: 40 days of SIM001 (Europe/Berlin) across
// the fall-back night of 2026-10-25, fully synced.
var (
	span     = dates.Range{From: dates.MustParse("2026-10-01"), To: dates.MustParse("2026-11-09")}
	simNow   = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	simUsers = func() []sim.User {
		us := sim.DefaultUsers()
		for i := range us {
			us[i].LastSync = simNow.Add(-time.Hour)
		}
		return us
	}
)

// fixture is the simulated user and its archive in both forms, written
// once for the package's tests.
type fixture struct {
	sim  *sim.Server
	user sim.User
	opts map[string]takeoutsim.Options
	// paths per form: "folder" (Takeout/Fitbit/) and "zip" (two parts,
	// Takeout/Google Health/).
	paths map[string][]string
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
	fixDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixDir != "" {
		os.RemoveAll(fixDir)
	}
	os.Exit(code)
}

func getFixture(t *testing.T) *fixture {
	t.Helper()
	fixOnce.Do(func() {
		us := simUsers()
		f := &fixture{sim: sim.New(sim.Config{Seed: 1, Users: us, Now: func() time.Time { return simNow }}), user: us[0],
			opts: map[string]takeoutsim.Options{}, paths: map[string][]string{}}
		if fixDir, fixErr = os.MkdirTemp("", "takeout-test-"); fixErr != nil {
			return
		}
		tr := f.sim.Truth(f.user.ID)
		o := takeoutsim.Options{Range: span, Floors: true, Extras: true, Root: takeoutsim.Fitbit}
		folder := filepath.Join(fixDir, "unpacked")
		f.opts["folder"], f.paths["folder"] = o, []string{folder}
		files := takeoutsim.Files(tr, f.user, o)
		if fixErr = takeoutsim.WriteDir(folder, files); fixErr != nil {
			return
		}
		// The same files under the newer root, in two zip parts (read
		// back rather than generated again).
		o.Root = takeoutsim.GoogleHealth
		f.opts["zip"] = o
		f.paths["zip"] = []string{filepath.Join(fixDir, "takeout-20261120T120000Z-001.zip"), filepath.Join(fixDir, "takeout-20261120T120000Z-002.zip")}
		for i := range files {
			p := filepath.Join(folder, filepath.FromSlash(files[i].Name))
			files[i].Name = strings.Replace(files[i].Name, takeoutsim.Fitbit, takeoutsim.GoogleHealth, 1)
			files[i].Body = func() []byte { b, _ := os.ReadFile(p); return b }
		}
		fixErr = takeoutsim.WriteZips(f.paths["zip"], files)
		fix = f
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix
}

// archive opens the user's archive in one of its forms.
func archive(t *testing.T, form string) (*takeout.Archive, takeoutsim.Options) {
	t.Helper()
	f := getFixture(t)
	a, err := takeout.Open(f.paths[form]...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, f.opts[form]
}

// export runs the pipeline over the archive for the profile's whole span
// and returns the rows of every dataset.
func export(t *testing.T, a *takeout.Archive, names []string, detail string, r dates.Range) (*pipeline.Result, map[string][]map[string]string) {
	t.Helper()
	return exportFrom(t, a, "takeout", a.Profile(), names, detail, r)
}

// exportFrom runs the pipeline with fetcher f (the archive, or the
// simulated API) as source name for profile p's user and zone.
func exportFrom(t *testing.T, f pipeline.Fetcher, source string, p takeout.Profile, names []string, detail string, r dates.Range) (*pipeline.Result, map[string][]map[string]string) {
	t.Helper()
	reg := dataset.Default()
	ds, err := reg.Select(dataset.Fitbit, names)
	if err != nil {
		t.Fatal(err)
	}
	opts := dataset.DefaultOptions()
	opts.HeartDetail = detail
	for _, d := range ds {
		opts.Selected[d.Name] = true
	}
	out := t.TempDir()
	job := pipeline.Job{
		Source: dataset.Fitbit, SourceName: source, User: p.UserID,
		Datasets: ds, AllNames: reg.Names(), Options: opts, Format: load.CSV, OutDir: out,
		From: r.From, To: r.To, LastSync: p.LastSync(), Zone: p.Zone,
		Now: func() time.Time { return simNow },
	}
	res, err := pipeline.Run(context.Background(), job, f)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]map[string]string{}
	fsys := load.DirFS(out)
	for _, d := range ds {
		files, err := fsys.List(d.Name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			r, err := load.ReadRows(fsys, f, load.CSV)
			if err != nil {
				t.Fatal(err)
			}
			rows[d.Name] = append(rows[d.Name], r...)
		}
	}
	return res, rows
}

// truthRows renders the simulator's ground truth for days r as the rows an
// API export of the same user writes (see cmd/fitexport's export test),
// restricted to the columns an archive carries.
func truthRows(tr *sim.Truth, r dates.Range, detail string, names []string) map[string][]map[string]string {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string][]map[string]string{}
	add := func(ds string, kv ...string) {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		out[ds] = append(out[ds], m)
	}
	f := load.TextFloat
	itoa := strconv.Itoa
	zone := tr.Zone()
	r.Each(func(d dates.Date) {
		for _, p := range tr.Heart(d, detail) {
			add("heart_rate", "time_utc", load.TextInstant(p.Time), "time_local", load.TextWallClock(p.Local), "bpm", f(p.Value))
		}
		for _, res := range []string{"steps", "calories", "distance", "floors", "elevation"} {
			if !want[res] {
				continue
			}
			for _, p := range tr.Activity(d, res, "1min") {
				ts := []string{"time_utc", load.TextInstant(p.Time), "time_local", load.TextWallClock(p.Local)}
				switch res {
				case "steps", "floors":
					add(res, append(ts, res, f(p.Value))...)
				case "calories": // the archive has no level or mets: null
					add(res, append(ts, "calories_kcal", f(p.Value), "level", "", "mets", "")...)
				case "distance":
					add(res, append(ts, "distance_m", f(p.Value*1000))...)
				case "elevation":
					add(res, append(ts, "elevation_m", f(p.Value))...)
				}
			}
		}
		day := tr.Day(d)
		t := day.Totals
		add("daily_activity", "date", d.String(), "steps", itoa(t.Steps), "calories_kcal", itoa(t.Calories),
			"calories_bmr_kcal", "", "activity_calories_kcal", "", // not in an archive: null
			"distance_m", f(t.DistanceKm*1000), "floors", itoa(t.Floors), "elevation_m", f(t.ElevationM),
			"minutes_sedentary", itoa(t.MinutesSedentary), "minutes_lightly_active", itoa(t.MinutesLightlyActive),
			"minutes_fairly_active", itoa(t.MinutesFairlyActive), "minutes_very_active", itoa(t.MinutesVeryActive))
		if day.RestingHR != nil {
			add("resting_heart_rate", "date", d.String(), "bpm", itoa(*day.RestingHR))
		}
		if n := tr.Nightly(d); n != nil {
			ds := d.String()
			// min, max, deep RMSSD, the per-stage rates, the absolute
			// temperatures and the log type are not in archives: null.
			add("spo2_daily", "date", ds, "avg_percent", f(n.SpO2Avg), "min_percent", "", "max_percent", "")
			for _, s := range n.SpO2 {
				add("spo2_intraday", "time_utc", load.TextInstant(s.Time), "time_local", load.TextWallClock(s.Local), "spo2_percent", f(s.Percent))
			}
			add("hrv_daily", "date", ds, "daily_rmssd_ms", f(n.DailyRMSSD), "deep_rmssd_ms", "")
			add("breathing_rate", "date", ds, "breaths_per_min", f(n.BreathingRate),
				"deep_breaths_per_min", "", "light_breaths_per_min", "", "rem_breaths_per_min", "")
			add("skin_temperature", "date", ds, "nightly_relative_c", f(n.SkinTempRelative), "nightly_c", "", "baseline_c", "", "log_type", "")
		}
		if w := tr.Weight(d); w != nil {
			id := strconv.FormatInt(w.LogID, 10)
			ts := []string{"time_utc", load.TextInstant(w.Time), "time_local", load.TextWallClock(w.Local), "source", w.Source, "log_id", id}
			fat := ""
			if w.Fat != nil {
				fat = f(*w.Fat)
				add("body_fat", append(ts, "fat_percent", fat)...)
			}
			add("weight", append(ts, "weight_kg", f(w.WeightKg), "bmi", f(w.BMI), "fat_percent", fat)...)
		}
		for _, lg := range day.Sleep {
			id := strconv.FormatInt(lg.LogID, 10)
			add("sleep_sessions", "log_id", id, "date_of_sleep", lg.DateOfSleep.String(),
				"start_utc", load.TextInstant(lg.Start), "start_local", load.TextWallClock(lg.Start.In(zone)),
				"end_utc", load.TextInstant(lg.End), "end_local", load.TextWallClock(lg.End.In(zone)),
				"minutes_asleep", itoa(lg.MinutesAsleep), "minutes_awake", itoa(lg.MinutesAwake),
				"time_in_bed_min", itoa(lg.TimeInBed), "efficiency", itoa(lg.Efficiency),
				"is_main_sleep", strconv.FormatBool(lg.IsMainSleep), "type", lg.Type, "log_type", lg.LogType)
			for _, s := range lg.Stages {
				add("sleep_stages", "log_id", id, "start_utc", load.TextInstant(s.Start),
					"start_local", load.TextWallClock(s.Start.In(zone)), "level", s.Level,
					"seconds", itoa(s.Seconds), "short", strconv.FormatBool(s.Short))
			}
		}
	})
	return out
}

func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(x))
}

func sortRows(rows []map[string]string) {
	keys := make(map[*map[string]string]string, len(rows))
	ptrs := make([]*map[string]string, len(rows))
	for i := range rows {
		m := rows[i]
		ptrs[i] = &m
		keys[&m] = m["time_utc"] + m["date"] + m["date_of_sleep"] + m["start_utc"] + m["log_id"] + m["short"] + m["zone"]
	}
	sort.SliceStable(ptrs, func(i, j int) bool { return keys[ptrs[i]] < keys[ptrs[j]] })
	for i, p := range ptrs {
		rows[i] = *p
	}
}

func compareDataset(t *testing.T, ds string, got, want []map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d", ds, len(got), len(want))
		return
	}
	sortRows(got)
	sortRows(want)
	bad := 0
	for i := range want {
		for k, v := range want[i] {
			if !sameValue(got[i][k], v) {
				if bad++; bad <= 5 {
					t.Errorf("%s row %d: %s = %q, want %q (row %v)", ds, i, k, got[i][k], v, got[i])
				}
			}
		}
	}
}

// oldSets are the datasets TestImportEqualsAPIExport compares with the
// simulator's ground truth.
var oldSets = []string{"heart_rate", "steps", "calories", "distance", "floors", "elevation", "daily_activity",
	"resting_heart_rate", "sleep_sessions", "sleep_stages", "spo2_daily", "spo2_intraday", "hrv_daily",
	"breathing_rate", "skin_temperature", "weight", "body_fat"}

// TestImportEqualsAPIExport imports a simulator-written archive, as an
// unpacked folder (Takeout/Fitbit/) and as two zip parts (Takeout/Google
// Health/), through the export pipeline and finds exactly what an API
// export of the same user writes for every dataset both carry — across
// the fall-back night, with heart files that hold UTC days, month files
// named by the start of their period, a "no data" file, an empty file, a
// truncated file (reported, skipped) and a CSV twin with wrong values
// (never read).
func TestImportEqualsAPIExport(t *testing.T) {
	// The zip parts: the whole span, for the datasets with a few rows a
	// day; the folder (the same files, read another way): every dataset
	// around the fall-back night.
	spans := map[string]dates.Range{"zip": span, "folder": {From: dates.MustParse("2026-10-21"), To: dates.MustParse("2026-10-28")}}
	sets := map[string][]string{"zip": {"heart_rate", "daily_activity", "resting_heart_rate", "sleep_sessions", "sleep_stages",
		"spo2_daily", "spo2_intraday", "hrv_daily", "breathing_rate", "skin_temperature", "weight", "body_fat"}}
	for _, form := range []string{"zip", "folder"} {
		t.Run(form, func(t *testing.T) {
			a, o := archive(t, form)
			fx := getFixture(t)
			tr := fx.sim.Truth(fx.user.ID)

			p := a.Profile()
			if p.UserID != "SIM001" || p.Zone.String() != "Europe/Berlin" || p.MemberSince != fx.user.MemberSince ||
				p.FirstDay != span.From || p.LastDay != span.To {
				t.Fatalf("profile = %+v, want SIM001 Europe/Berlin member since %s, data %s", p, fx.user.MemberSince, span)
			}
			want := []string{"heart_rate", "steps", "calories", "distance", "floors", "elevation", "daily_activity",
				"resting_heart_rate", "sleep_sessions", "sleep_stages", "spo2_daily", "spo2_intraday", "hrv_daily",
				"hrv_intraday", "breathing_rate", "skin_temperature", "vo2_max", "active_zone_minutes",
				"active_zone_minutes_daily", "weight", "body_fat", "exercises"}
			if got := a.SupportedDatasets(); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("supported datasets %v, want %v", got, want)
			}

			r, names := spans[form], sets[form]
			if names == nil {
				names = oldSets // the new families: TestImportMoreEqualsAPIExport
			}
			res, rows := export(t, a, names, "1min", r)
			truth := truthRows(tr, r, "1min", names)
			if len(truth["heart_rate"]) < 5000 || len(truth["sleep_stages"]) == 0 || len(truth["resting_heart_rate"]) == 0 ||
				len(truth["spo2_intraday"]) < 1000 || len(truth["hrv_daily"]) < 3 || len(truth["weight"]) == 0 || len(truth["body_fat"]) == 0 {
				t.Fatalf("simulator truth looks thin: %d heart rows", len(truth["heart_rate"]))
			}
			for _, ds := range names {
				compareDataset(t, ds, rows[ds], truth[ds])
				if dr := res.Datasets[ds]; dr.DaysComplete != r.Days() || dr.DaysIncomplete != 0 {
					t.Errorf("%s: %d complete and %d incomplete days, want %d complete", ds, dr.DaysComplete, dr.DaysIncomplete, r.Days())
				}
			}

			warns := a.Warnings()
			if len(warns) != 1 || !strings.Contains(warns[0], o.Root+takeoutsim.Truncated(o)) || !strings.Contains(warns[0], "line 5") {
				t.Errorf("warnings = %q, want one naming %s at line 5", warns, takeoutsim.Truncated(o))
			}
			sum := a.Summary()
			if sum.Twins != 2 || sum.NonHealth != 2 || sum.Unrecognised["time_in_heart_rate_zones"] != 1 || sum.Parts != map[string]int{"folder": 1, "zip": 2}[form] {
				t.Errorf("summary = %+v", sum)
			}
		})
	}
}

// TestImportHeartDetail1sec: every recorded sample comes through at
// 1sec, in order, with the right instants in the repeated hour.
func TestImportHeartDetail1sec(t *testing.T) {
	a, _ := archive(t, "zip")
	fx := getFixture(t)
	r := dates.Range{From: dates.MustParse("2026-10-24"), To: dates.MustParse("2026-10-26")}
	_, rows := export(t, a, []string{"heart_rate"}, "1sec", r)
	truth := truthRows(fx.sim.Truth(fx.user.ID), r, "1sec", nil)
	if len(truth["heart_rate"]) < 20000 {
		t.Fatalf("simulator truth looks thin: %d heart rows", len(truth["heart_rate"]))
	}
	compareDataset(t, "heart_rate", rows["heart_rate"], truth["heart_rate"])
}

// TestIndexHoldsNoContents: after Open the archive holds only its index —
// memory does not grow with the size of the files.
func TestIndexHoldsNoContents(t *testing.T) {
	f := getFixture(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a, err := takeout.Open(f.paths["zip"]...)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	runtime.GC()
	runtime.ReadMemStats(&after)
	sum := a.Summary()
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("archive content %d bytes; heap held after Open %d bytes", sum.IndexedBytes, held)
	if sum.IndexedBytes < 20<<20 {
		t.Fatalf("archive content only %d bytes: the test needs a bigger archive", sum.IndexedBytes)
	}
	if held > 512<<10 {
		t.Errorf("Open holds %d bytes for %d bytes of content: the index must not hold file contents", held, sum.IndexedBytes)
	}
	if st := a.Stats(); st.CachedFiles != 0 || st.FilesRead == 0 {
		t.Errorf("after Open: %+v, want files read (profile, first and last files) and none cached", st)
	}
}
