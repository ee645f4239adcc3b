package main

import (
	"path/filepath"
	"strings"
	"testing"

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
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "warning: skipped") {
		t.Errorf("the truncated file was not reported: %s", stderr)
	}
	want := truthRows(s.Truth(users[0].ID), r)
	for _, ds := range []string{"heart_rate", "steps", "resting_heart_rate", "sleep_stages"} {
		compareDataset(t, ds, readDataset(t, out, ds, load.CSV), want[ds])
	}
	m, err := load.ReadManifest(load.DirFS(out), load.ManifestPath)
	if err != nil || m.Source != "takeout" {
		t.Fatalf("manifest source %q, %v", m.Source, err)
	}
}
