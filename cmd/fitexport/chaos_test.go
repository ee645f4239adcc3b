package main

import (
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/sim"
)

// TestChaos runs the export under seeded random faults on the API — 5xx,
// connection resets, truncated bodies, slow answers, 429 bursts and an
// access token expiring mid-run — one fault pattern per run; each run must
// finish (exit 0) or stop resumably (exit 3), never fail, never lose the
// token, and the last run (faults off) must hold exactly the ground truth.
func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: retries back off")
	}
	w := newWorld(t, "SIM002", sim.Config{})
	rng := rand.New(rand.NewSource(7))
	kinds := []sim.FaultKind{sim.Fault5xx, sim.FaultReset, sim.FaultTruncate, sim.FaultSlow, sim.Fault429, sim.FaultExpireToken}
	paths := []string{"", "/activities/heart/", "/activities/steps/", "/sleep/", "/activities/minutes"}
	out := t.TempDir()
	rep := filepath.Join(t.TempDir(), "report.json")
	var recovered int64
	args := []string{"--from", "2026-10-01", "--to", "2026-10-14", "--out", out, "--quiet",
		"--datasets", "heart_rate,steps,resting_heart_rate,sleep_stages,daily_activity", "--max-requests", "12"}
	for run := 0; run < 8; run++ {
		f := sim.Fault{Kind: kinds[rng.Intn(len(kinds))], Every: 2 + rng.Intn(3), Count: 1 + rng.Intn(4),
			PathContains: paths[rng.Intn(len(paths))], Delay: 300 * time.Millisecond}
		w.sim.SetFault(f)
		code, _, stderr := w.run(append(args, "--report", rep)...)
		if code != 0 && code != 3 {
			t.Fatalf("run %d under %+v: exit %d: %s", run, f, code, stderr)
		}
		var r reportFile
		b, err := os.ReadFile(rep)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		recovered += r.Retries + r.RateLimits + r.Refreshes
	}
	if recovered < 5 {
		t.Fatalf("the faults were barely hit: %d retries, 429s and refreshes in all", recovered)
	}
	t.Logf("%d retries, 429s and refreshes recovered from", recovered)
	w.sim.SetFault(sim.Fault{})
	code, _, stderr := w.run(args[:len(args)-2]...)
	if code != 0 {
		t.Fatalf("final run: exit %d: %s", code, stderr)
	}
	if st := w.sim.Stats(w.user); st.InvalidGrant != 0 {
		t.Fatalf("%d invalid_grant: a rotated refresh token was lost", st.InvalidGrant)
	}
	want := truthRows(w.sim.Truth(w.user), dates.Range{From: dates.MustParse("2026-10-01"), To: dates.MustParse("2026-10-14")})
	for _, ds := range []string{"heart_rate", "steps", "resting_heart_rate", "sleep_stages", "daily_activity"} {
		compareDataset(t, ds, readDataset(t, out, ds, load.Parquet), want[ds])
	}
}
