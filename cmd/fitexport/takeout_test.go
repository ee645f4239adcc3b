package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/sim"
	"github.com/fitexport/fitexport/takeout/takeoutsim"
)

// TestTakeoutImport imports a two-part Takeout zip written from the
// simulator's ground truth with no account, no network and no rate limit,
// and finds the same rows the API export gives (the archive's own damaged
// file reported and skipped, not fatal).
func TestTakeoutImport(t *testing.T) {
	users := sim.DefaultUsers()
	s := sim.New(sim.Config{Seed: 1, Users: users})
	r := dates.Range{From: dates.MustParse("2026-10-20"), To: dates.MustParse("2026-10-29")}
	o := takeoutsim.Options{Root: takeoutsim.GoogleHealth, Range: r, Extras: true}
	dir := t.TempDir()
	parts := []string{filepath.Join(dir, "takeout-001.zip"), filepath.Join(dir, "takeout-002.zip")}
	if err := takeoutsim.WriteZips(parts, takeoutsim.Files(s.Truth(users[0].ID), users[0], o)); err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, sim: s, home: t.TempDir(), user: users[0].ID, env: map[string]string{}}
	w.env["FITEXPORT_HOME"] = w.home
	out := t.TempDir()
	code, _, stderr := w.run("--source", "takeout", "--takeout", strings.Join(parts, ","), "--out", out, "--format", "csv",
		"--datasets", "heart_rate,steps,resting_heart_rate,sleep_stages")
	// The archive holds a truncated file: reported, skipped, exit 3; the
	// rest is imported.
	if code != exitResumable {
		t.Fatalf("exit %d, want 3 (a damaged file was skipped): %s", code, stderr)
	}
	for _, want := range []string{"warning: skipped", "takeout: ", "files read", "CSV twins not read", "damaged file(s) of the archive skipped"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	want := truthRows(s.Truth(users[0].ID), r)
	for _, ds := range []string{"heart_rate", "steps", "resting_heart_rate", "sleep_stages"} {
		compareDataset(t, ds, readDataset(t, out, ds, load.CSV), want[ds])
	}
	m, err := load.ReadManifest(load.DirFS(out), load.ManifestPath)
	if err != nil || m.Source != "takeout" {
		t.Fatalf("manifest source %q, %v", m.Source, err)
	}
	// The report says what was read and skipped.
	var rep struct {
		ExitCode int `json:"exit_code"`
		Takeout  struct {
			FilesRead int64    `json:"files_read"`
			Damaged   []string `json:"damaged_files_skipped"`
			Twins     int      `json:"csv_twins_not_read"`
		} `json:"takeout"`
	}
	readJSONFile(t, filepath.Join(out, "_fitexport", "last-report.json"), &rep)
	if rep.ExitCode != 3 || rep.Takeout.FilesRead == 0 || len(rep.Takeout.Damaged) != 1 || rep.Takeout.Twins == 0 {
		t.Errorf("report: %+v", rep)
	}

	// --quiet silences progress, never a warning.
	code, _, stderr = w.run("--source", "takeout", "--takeout", strings.Join(parts, ","), "--out", t.TempDir(), "--quiet",
		"--datasets", "steps")
	if code != exitResumable || !strings.Contains(stderr, "warning: skipped") || strings.Contains(stderr, "rows →") {
		t.Errorf("--quiet: exit %d, stderr:\n%s", code, stderr)
	}
}

// TestTakeoutThenAPIContinues imports an archive, then runs the nightly
// command without dates against the API: it continues from the archive's
// last day (cut at the export, so fetched again) and the output holds every
// day once, equal to the ground truth. An import afterwards into the same
// OUT does not overwrite the API's days.
func TestTakeoutThenAPIContinues(t *testing.T) {
	w := newWorld(t, "SIM001", sim.Config{})
	users := sim.DefaultUsers()
	archived := dates.Range{From: dates.MustParse("2026-10-20"), To: dates.MustParse("2026-11-05")}
	dir := t.TempDir()
	zip := filepath.Join(dir, "takeout-001.zip")
	o := takeoutsim.Options{Root: takeoutsim.GoogleHealth, Range: archived}
	if err := takeoutsim.WriteZips([]string{zip}, takeoutsim.Files(w.sim.Truth(users[0].ID), users[0], o)); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	names := "heart_rate,steps,resting_heart_rate,sleep_sessions,sleep_stages"
	code, _, stderr := w.run("--source", "takeout", "--takeout", zip, "--out", out, "--format", "csv", "--datasets", names)
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	before := w.sim.Stats(w.user).Requests
	code, _, stderr = w.run("--out", out, "--format", "csv", "--datasets", names)
	if code != 0 {
		t.Fatalf("API run: exit %d: %s", code, stderr)
	}
	// 2026-11-05 .. 2026-11-19 (lastSync 11-20 11:00 UTC): 15 days of heart
	// and of steps, one sleep range, profile and devices.
	if !strings.Contains(stderr, "done: 2026-11-05") {
		t.Errorf("the API run did not continue from the archive's last day:\n%s", stderr)
	}
	if got, want := w.sim.Stats(w.user).Requests-before, 15+15+1+2; got != want {
		t.Errorf("API requests %d, want %d", got, want)
	}
	all := dates.Range{From: archived.From, To: dates.MustParse("2026-11-19")}
	want := truthRows(w.sim.Truth(w.user), all)
	for _, ds := range strings.Split(names, ",") {
		compareDataset(t, ds, readDataset(t, out, ds, load.CSV), want[ds])
	}
	m, err := load.ReadManifest(load.DirFS(out), load.ManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	if m.Source != "fitbit" {
		t.Errorf("manifest source %q", m.Source)
	}
	if got := m.Datasets["steps"].Months["2026-11"].Sources; strings.Join(got, ",") != "fitbit,takeout" {
		t.Errorf("2026-11 sources %v, want fitbit and takeout", got)
	}
	if got := m.Datasets["steps"].Months["2026-10"].Sources; strings.Join(got, ",") != "takeout" {
		t.Errorf("2026-10 sources %v, want takeout", got)
	}

	// A second import over the same OUT: the API's days stay (no
	// duplicates, nothing rendered for them), the archive's are unchanged.
	code, _, stderr = w.run("--source", "takeout", "--takeout", zip, "--out", out, "--format", "csv", "--datasets", names,
		"--from", archived.From.String(), "--to", archived.To.String())
	if code != 0 {
		t.Fatalf("second import: exit %d: %s", code, stderr)
	}
	for _, ds := range strings.Split(names, ",") {
		compareDataset(t, ds, readDataset(t, out, ds, load.CSV), want[ds])
	}
	var st map[string]map[string]struct {
		Layer string `json:"layer"`
	}
	readJSONFile(t, filepath.Join(out, "_fitexport", "state.json"), &st)
	if l := st["steps"]["2026-11-05"].Layer; l != "fitbit/SIM001" {
		t.Errorf("2026-11-05 comes from %q, want the API (fitbit/SIM001)", l)
	}
	if l := st["steps"]["2026-11-04"].Layer; l != "takeout/SIM001" {
		t.Errorf("2026-11-04 comes from %q, want the archive", l)
	}

	// rebuild (offline) rebuilds from both caches the same rows.
	if code, _, e := w.run("rebuild", "--out", out); code != 0 {
		t.Fatalf("rebuild: exit %d: %s", code, e)
	}
	for _, ds := range strings.Split(names, ",") {
		compareDataset(t, ds, readDataset(t, out, ds, load.CSV), want[ds])
	}

	// Another person's archive in the same OUT is refused.
	other := filepath.Join(dir, "other.zip")
	if err := takeoutsim.WriteZips([]string{other}, takeoutsim.Files(w.sim.Truth(users[1].ID), users[1], o)); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = w.run("--source", "takeout", "--takeout", other, "--out", out, "--format", "csv", "--datasets", names)
	if code != exitUsage || !strings.Contains(stderr, "another --out") {
		t.Errorf("another user's archive: exit %d: %s", code, stderr)
	}
}

// readJSONFile decodes a JSON file the run wrote.
func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestTakeoutThenGoogleHealthContinues: the Fitbit Web API is switched off,
// so the usual path is an archive for the history and the Google Health API
// from then on. The Google run continues from the archive's last day and
// the output equals the ground truth across the seam (a month built from
// both sources' answers, each with its own protocol).
func TestTakeoutThenGoogleHealthContinues(t *testing.T) {
	w := newWorld(t, "SIM002", sim.Config{GoogleWindow: time.Second, GoogleQuota: 300})
	w.loginGoogle()
	users := sim.DefaultUsers()
	archived := dates.Range{From: dates.MustParse("2026-10-27"), To: dates.MustParse("2026-11-06")}
	zip := filepath.Join(t.TempDir(), "takeout-001.zip")
	o := takeoutsim.Options{Root: takeoutsim.Fitbit, Range: archived}
	if err := takeoutsim.WriteZips([]string{zip}, takeoutsim.Files(w.sim.Truth(users[1].ID), users[1], o)); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	names := "heart_rate,resting_heart_rate,sleep_stages"
	if code, _, e := w.run("--source", "takeout", "--takeout", zip, "--out", out, "--format", "parquet", "--datasets", names); code != 0 {
		t.Fatalf("import: exit %d: %s", code, e)
	}
	code, _, stderr := w.run("--source", "google-health", "--profile", "google", "--out", out, "--format", "parquet", "--datasets", names)
	if code != 0 {
		t.Fatalf("google-health: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "done: 2026-11-06..2026-11-19") {
		t.Errorf("the Google run did not continue from the archive's last day:\n%s", stderr)
	}
	want := truthRows(w.sim.Truth(w.user), dates.Range{From: archived.From, To: dates.MustParse("2026-11-19")})
	for _, ds := range strings.Split(names, ",") {
		compareDataset(t, ds, readDataset(t, out, ds, load.Parquet), want[ds])
	}
}
