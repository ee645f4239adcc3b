package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fitexport/fitexport/config"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/sim"
)

// world is a simulator behind an httptest server, a FITEXPORT_HOME holding
// a login for one simulated user, and a way to run the CLI in-process.
type world struct {
	t    *testing.T
	sim  *sim.Server
	srv  *httptest.Server
	home string
	user string
	env  map[string]string
}

// lastSync is when the simulated trackers last synced: every day up to
// 2026-11-19 is complete. The simulator's clock is the real one, so its
// scaled rate-limit windows (150 per second here) turn over.
var lastSync = time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC)

func newWorld(t *testing.T, user string, cfg sim.Config) *world {
	t.Helper()
	if cfg.Users == nil {
		cfg.Users = sim.DefaultUsers()
		for i := range cfg.Users {
			cfg.Users[i].LastSync = lastSync
		}
	}
	if cfg.Window == 0 {
		cfg.Window = time.Second
	}
	cfg.Seed = 1
	s := sim.New(cfg)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	w := &world{t: t, sim: s, srv: srv, home: t.TempDir(), user: user}
	w.env = map[string]string{
		"FITEXPORT_HOME":            w.home,
		"FITEXPORT_FITBIT_API_URL":  srv.URL,
		"FITEXPORT_FITBIT_AUTH_URL": srv.URL + "/oauth2/authorize",
		"FITEXPORT_CLIENT_ID":       sim.SandboxClient.ID,
		"FITEXPORT_CLIENT_SECRET":   sim.SandboxClient.Secret,
	}
	w.login()
	return w
}

// login stores a fresh token pair for the user, as `auth import` would.
func (w *world) login() {
	access, refresh := w.sim.IssueTokens(w.user, sim.SandboxClient.ID, nil)
	st, err := config.NewStore(w.home, "default")
	if err != nil {
		w.t.Fatal(err)
	}
	if err := st.Save(&config.Token{AccessToken: access, RefreshToken: refresh, Expiry: time.Now().Add(time.Hour),
		UserID: w.user, TokenType: "Bearer", Source: "fitbit", ClientID: sim.SandboxClient.ID, ObtainedAt: time.Now()}); err != nil {
		w.t.Fatal(err)
	}
}

// run runs fitexport with args and returns the exit code, stdout and stderr.
func (w *world) run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return w.env[k] }, Now: time.Now}
	code := run(context.Background(), args, app)
	for _, tok := range w.sim.IssuedTokens() {
		if strings.Contains(out.String(), tok) || strings.Contains(errb.String(), tok) {
			w.t.Fatalf("a token appears in the output of %v", args)
		}
	}
	return code, out.String(), errb.String()
}

// readDataset reads every file of a dataset under out, in path order.
func readDataset(t *testing.T, out, ds string, f load.Format) []map[string]string {
	t.Helper()
	fsys := load.DirFS(out)
	files, err := fsys.List(ds)
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, name := range files {
		if !strings.HasSuffix(name, f.Ext()) {
			t.Fatalf("%s: unexpected file %s", ds, name)
		}
		r, err := load.ReadRows(fsys, name, f)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r...)
	}
	return rows
}

// truthRows renders the simulator's ground truth for days r as the rows
// each dataset must contain, in the writers' text forms.
func truthRows(tr *sim.Truth, r dates.Range) map[string][]map[string]string {
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
	r.Each(func(d dates.Date) {
		for _, p := range tr.Heart(d, "1min") {
			add("heart_rate", "time_utc", load.TextInstant(p.Time), "time_local", load.TextWallClock(p.Local), "bpm", f(p.Value))
		}
		for _, res := range []string{"steps", "calories", "distance", "floors", "elevation"} {
			for _, p := range tr.Activity(d, res, "1min") {
				ts := []string{"time_utc", load.TextInstant(p.Time), "time_local", load.TextWallClock(p.Local)}
				switch res {
				case "steps", "floors":
					add(res, append(ts, res, f(p.Value))...)
				case "calories":
					add(res, append(ts, "calories_kcal", f(p.Value), "level", itoa(p.Level), "mets", f(p.METs/10))...)
				case "distance":
					add(res, append(ts, "distance_m", f(p.Value*1000))...)
				case "elevation":
					add(res, append(ts, "elevation_m", f(p.Value))...)
				}
			}
		}
		day := tr.Day(d)
		t := day.Totals
		hr := tr.Heart(d, "1min")
		add("coverage", "date", d.String(), "wear_minutes", itoa(len(hr)), "has_heart_rate", strconv.FormatBool(len(hr) > 0),
			"has_resting_heart_rate", strconv.FormatBool(day.RestingHR != nil), "has_steps", strconv.FormatBool(t.Steps > 0),
			"has_sleep", strconv.FormatBool(len(day.Sleep) > 0))
		add("daily_activity", "date", d.String(), "steps", itoa(t.Steps), "calories_kcal", itoa(t.Calories),
			"calories_bmr_kcal", itoa(t.CaloriesBMR), "activity_calories_kcal", itoa(t.ActivityCalories),
			"distance_m", f(t.DistanceKm*1000), "floors", itoa(t.Floors), "elevation_m", f(t.ElevationM),
			"minutes_sedentary", itoa(t.MinutesSedentary), "minutes_lightly_active", itoa(t.MinutesLightlyActive),
			"minutes_fairly_active", itoa(t.MinutesFairlyActive), "minutes_very_active", itoa(t.MinutesVeryActive))
		if day.RestingHR != nil {
			add("resting_heart_rate", "date", d.String(), "bpm", itoa(*day.RestingHR))
		}
		for _, z := range day.Zones {
			add("heart_rate_zones", "date", d.String(), "zone", z.Name, "min_bpm", itoa(z.Min), "max_bpm", itoa(z.Max),
				"minutes", itoa(z.Minutes), "calories_kcal", f(z.CaloriesOut))
		}
		for _, lg := range day.Sleep {
			id := strconv.FormatInt(lg.LogID, 10)
			zone := tr.Zone() // *_local is the real wall clock at each instant
			add("sleep_sessions", "log_id", id, "date_of_sleep", lg.DateOfSleep.String(),
				"start_utc", load.TextInstant(lg.Start), "start_local", load.TextWallClock(lg.Start.In(zone)),
				"end_utc", load.TextInstant(lg.End), "end_local", load.TextWallClock(lg.End.In(zone)),
				"minutes_asleep", itoa(lg.MinutesAsleep), "minutes_awake", itoa(lg.MinutesAwake),
				"time_in_bed_min", itoa(lg.TimeInBed), "efficiency", itoa(lg.Efficiency),
				"is_main_sleep", strconv.FormatBool(lg.IsMainSleep), "type", lg.Type)
			for _, s := range lg.Stages {
				add("sleep_stages", "log_id", id, "start_utc", load.TextInstant(s.Start),
					"start_local", load.TextWallClock(s.Start.In(zone)), "level", s.Level,
					"seconds", itoa(s.Seconds), "short", strconv.FormatBool(s.Short))
			}
		}
	})
	return out
}

// sameValue compares text values, numerically for numbers.
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(x))
}

// rowKey identifies a row for matching (sleep stages sort by start then short).
func sortRows(rows []map[string]string) {
	key := func(m map[string]string) string {
		return m["time_utc"] + m["date"] + m["date_of_sleep"] + m["start_utc"] + m["log_id"] + m["short"] + m["zone"]
	}
	sort.SliceStable(rows, func(i, j int) bool { return key(rows[i]) < key(rows[j]) })
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

// TestExportMatchesGroundTruth exports 45 days of every dataset from the
// simulator in all three formats and finds exactly the simulator's ground
// truth: row counts, values and instants, across Berlin's fall-back day.
func TestExportMatchesGroundTruth(t *testing.T) {
	w := newWorld(t, "SIM001", sim.Config{})
	r := dates.Range{From: dates.MustParse("2026-09-25"), To: dates.MustParse("2026-11-08")}
	want := truthRows(w.sim.Truth(w.user), r)
	if len(want["heart_rate"]) < 30000 || len(want["sleep_stages"]) == 0 {
		t.Fatalf("simulator truth looks thin: %d heart rows", len(want["heart_rate"]))
	}
	for _, f := range []load.Format{load.Parquet, load.CSV, load.NDJSON} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			out := t.TempDir()
			code, _, stderr := w.run("--from", r.From.String(), "--to", r.To.String(), "--format", string(f), "--out", out, "--quiet")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			m, err := load.ReadManifest(load.DirFS(out), load.ManifestPath)
			if err != nil {
				t.Fatal(err)
			}
			for ds, rows := range want {
				got := readDataset(t, out, ds, f)
				compareDataset(t, ds, got, rows)
				if m.Datasets[ds] == nil || m.Datasets[ds].Rows != int64(len(rows)) {
					t.Errorf("%s: manifest rows %v, want %d", ds, m.Datasets[ds], len(rows))
				}
			}
			if z := m.Datasets["heart_rate"].Zones; len(z) != 1 || z[0] != "Europe/Berlin" {
				t.Errorf("manifest zones %v, want [Europe/Berlin]", z)
			}
		})
	}
}

// TestRerunIsByteIdentical: the same export twice gives the same bytes and
// sends only the two profile requests the second time.
func TestRerunIsByteIdentical(t *testing.T) {
	w := newWorld(t, "SIM002", sim.Config{})
	out := t.TempDir()
	args := []string{"--from", "2026-10-28", "--to", "2026-11-03", "--out", out, "--quiet", "--datasets", "heart_rate,steps,sleep_stages"}
	if code, _, stderr := w.run(args...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	first := snapshot(t, out)
	before := w.sim.Stats("SIM002").Requests
	if code, _, stderr := w.run(args...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got := w.sim.Stats("SIM002").Requests - before; got != 2 {
		t.Errorf("second run sent %d requests, want 2 (profile and devices)", got)
	}
	if second := snapshot(t, out); second != first {
		t.Errorf("second run changed the data files")
	}
}

// snapshot concatenates every data file (not _fitexport) with its path.
func snapshot(t *testing.T, out string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() && fi.Name() == "_fitexport" {
			return filepath.SkipDir
		}
		if !fi.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s %x\n", strings.TrimPrefix(p, out), data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
