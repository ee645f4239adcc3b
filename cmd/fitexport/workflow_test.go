package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/sim"
)

// TestReadmeNightlyWorkflow runs two nights of docs/nightly-export.yml
// against the simulator, step by step: restore the cache, bootstrap with
// `auth import` from the secret when there is no token, export with no dates
// (exit 0 or 3 accepted), save the cache, and next night restore it into a
// fresh workspace. Between the nights a day passes on the API's clock, so the
// access token has expired and the refresh token rotates: the second night
// only works if the rotated token was kept.
func TestReadmeNightlyWorkflow(t *testing.T) {
	wf, err := os.ReadFile("../../docs/nightly-export.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"fitexport auth import", "fitexport --format parquet --out data --deadline 45m --report report.json", "$code -ne 3", "if: always()"} {
		if !strings.Contains(string(wf), step) {
			t.Fatalf("workflow no longer contains %q: update this test with it", step)
		}
	}

	var shift atomic.Int64 // the API's clock offset
	users := sim.DefaultUsers()
	w := newWorld(t, "SIM001", sim.Config{Users: users, AccessTTL: 8 * time.Hour,
		Now: func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }})
	zone := w.sim.Truth(w.user).Zone()
	_, secret := w.sim.IssueTokens(w.user, sim.SandboxClient.ID, nil) // what the user pasted into the secret
	cache := t.TempDir()                                              // actions/cache

	night := func(n int, syncedThrough string) string {
		ws := t.TempDir() // a fresh runner workspace
		home := filepath.Join(ws, ".fitexport-home")
		copyTree(t, filepath.Join(cache, "home"), home)
		copyTree(t, filepath.Join(cache, "data"), filepath.Join(ws, "data"))
		w.home = home
		w.env["FITEXPORT_HOME"] = home
		w.sim.SetLastSync(w.user, syncAfter(syncedThrough, zone))
		if _, err := os.Stat(filepath.Join(home, "profiles", "default", "token.json")); err != nil {
			var out, errb strings.Builder
			app := &App{Stdin: strings.NewReader(secret), Stdout: &out, Stderr: &errb,
				Getenv: func(k string) string { return w.env[k] }, Now: time.Now}
			if code := run(t.Context(), []string{"auth", "import"}, app); code != 0 {
				t.Fatalf("night %d: auth import: exit %d: %s", n, code, errb.String())
			}
		}
		data := filepath.Join(ws, "data")
		code, _, stderr := w.run("--format", "parquet", "--out", data, "--deadline", "45m", "--report", filepath.Join(ws, "report.json"))
		if code != 0 && code != 3 {
			t.Fatalf("night %d: exit %d: %s", n, code, stderr)
		}
		// Save the cache (always).
		os.RemoveAll(cache)
		copyTree(t, home, filepath.Join(cache, "home"))
		copyTree(t, data, filepath.Join(cache, "data"))
		return data
	}

	today := dates.In(time.Now(), zone)
	before := w.sim.Stats(w.user)
	night(1, today.AddDays(-3).String())
	shift.Store(int64(24 * time.Hour))
	data := night(2, today.AddDays(-1).String())
	after := w.sim.Stats(w.user)
	if after.InvalidGrant != before.InvalidGrant {
		t.Fatalf("a refresh token was reused (invalid_grant): the rotated token was not kept")
	}
	if after.Refreshes-before.Refreshes < 2 {
		t.Fatalf("refreshes: %d, want the import's and night 2's", after.Refreshes-before.Refreshes)
	}
	// Night 1 began 30 days back (--since default); together the nights
	// hold every day up to the last synced one, with no duplicate.
	rows := readDataset(t, data, "steps", load.Parquet)
	m, err := load.ReadManifest(load.DirFS(data), load.ManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	e := m.Datasets["steps"]
	if e.FirstDay != today.AddDays(-30).String() || e.LastDay != today.AddDays(-1).String() || int64(len(rows)) != e.Rows {
		t.Fatalf("after two nights: steps days %s..%s, %d rows on disk, manifest %d", e.FirstDay, e.LastDay, len(rows), e.Rows)
	}
	want := truthRows(w.sim.Truth(w.user), dates.Range{From: dates.MustParse(e.FirstDay), To: dates.MustParse(e.LastDay)})
	compareDataset(t, "steps", rows, want["steps"])
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	if _, err := os.Stat(from); err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", from, to).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v: %s", err, out)
	}
}
