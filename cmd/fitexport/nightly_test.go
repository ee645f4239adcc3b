package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/sim"
)

// TestMain lets tests run the test binary as the fitexport command, so
// tests that need a process boundary (kill -9) drive a real process.
func TestMain(m *testing.M) {
	if os.Getenv("FITEXPORT_TEST_AS_MAIN") == "1" {
		os.Exit(Main(os.Args[1:], defaultApp()))
	}
	os.Exit(m.Run())
}

var dayInPath = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// intradayDays returns, per day, how often the heart intraday endpoint was
// asked for it since the previous call (a proxy for "that day was fetched").
type pathCounter struct {
	w    *world
	seen map[string]int
}

func newPathCounter(w *world) *pathCounter { return &pathCounter{w: w, seen: map[string]int{}} }

// heartDays returns the days whose heart intraday was requested since the
// last call, sorted.
func (p *pathCounter) heartDays() []string {
	now := p.w.sim.Stats(p.w.user).ByPath
	var out []string
	for path, n := range now {
		if strings.Contains(path, "/activities/heart/date/") && strings.Contains(path, "/1d/") && n > p.seen[path] {
			out = append(out, dayInPath.FindString(path))
		}
	}
	for path, n := range now {
		p.seen[path] = n
	}
	sort.Strings(out)
	return out
}

func syncAfter(d string, zone *time.Location) time.Time {
	return dates.MustParse(d).AddDays(1).Time(zone).Add(30 * time.Minute)
}

func daysOf(from, to string) []string {
	var out []string
	dates.Range{From: dates.MustParse(from), To: dates.MustParse(to)}.Each(func(d dates.Date) { out = append(out, d.String()) })
	return out
}

// TestNightlyIncrementalAndLateSync runs "nights" the way the README's
// workflow does: no dates, the tracker syncing a little further each night.
func TestNightlyIncrementalAndLateSync(t *testing.T) {
	w := newWorld(t, "SIM001", sim.Config{})
	zone := w.sim.Truth(w.user).Zone()
	pc := newPathCounter(w)
	out := t.TempDir()
	sets := "heart_rate,steps,resting_heart_rate,sleep_sessions,daily_activity"
	exportArgs := func(extra ...string) []string {
		return append([]string{"--out", out, "--quiet", "--datasets", sets}, extra...)
	}

	// Night 1: days 1–6; the tracker synced in the middle of day 6.
	w.sim.SetLastSync(w.user, dates.MustParse("2026-10-06").Time(zone).Add(9*time.Hour))
	if code, _, e := w.run(exportArgs("--from", "2026-10-01", "--to", "2026-10-06")...); code != 0 {
		t.Fatalf("night 1: exit %d: %s", code, e)
	}
	if got := pc.heartDays(); fmt.Sprint(got) != fmt.Sprint(daysOf("2026-10-01", "2026-10-06")) {
		t.Fatalf("night 1 fetched %v", got)
	}
	// Night 2, on day 10: synced through day 9 → day 6 again (it was
	// incomplete) and days 7–9, nothing else.
	w.sim.SetLastSync(w.user, syncAfter("2026-10-09", zone))
	if code, _, e := w.run(exportArgs()...); code != 0 {
		t.Fatalf("night 2: exit %d: %s", code, e)
	}
	if got := pc.heartDays(); fmt.Sprint(got) != fmt.Sprint(daysOf("2026-10-06", "2026-10-09")) {
		t.Fatalf("night 2 fetched %v, want days 6–9", got)
	}
	// Night 3: nothing new synced → no data request at all.
	before := w.sim.Stats(w.user).Requests
	if code, _, e := w.run(exportArgs()...); code != 0 {
		t.Fatalf("night 3: exit %d: %s", code, e)
	}
	if n := w.sim.Stats(w.user).Requests - before; n != 2 {
		t.Fatalf("night 3 sent %d requests, want 2 (profile, devices)", n)
	}
	// The output equals the ground truth of days 1–9, no duplicates.
	want := truthRows(w.sim.Truth(w.user), dates.Range{From: dates.MustParse("2026-10-01"), To: dates.MustParse("2026-10-09")})
	for _, ds := range strings.Split(sets, ",") {
		compareDataset(t, ds, readDataset(t, out, ds, load.Parquet), want[ds])
	}
}

// TestBudgetsStopResumably: --max-requests and --deadline stop with exit 3
// and a consistent output; resuming completes with no request repeated.
// The same holds on both sources.
func TestBudgetsStopResumably(t *testing.T) {
	t.Run("fitbit", func(t *testing.T) {
		w := newWorld(t, "SIM002", sim.Config{})
		budgetScenario(t, w, nil, "heart_rate,steps", 2)
	})
	t.Run("google-health", func(t *testing.T) {
		w := newWorld(t, "SIM002", sim.Config{GoogleWindow: time.Second})
		w.loginGoogle()
		// steps answers fit one page (a budget stop between the pages of
		// one request would lose the pages already read).
		budgetScenario(t, w, []string{"--source", "google-health", "--profile", "google", "--google-mode", "list"}, "steps,resting_heart_rate,sleep_sessions", 3)
	})
}

// budgetScenario runs the budget checks; perRun is the number of requests
// each run makes before planning (profile, devices…).
func budgetScenario(t *testing.T, w *world, src []string, sets string, perRun int) {
	out, ref := t.TempDir(), t.TempDir()
	base := append(append([]string{}, src...), "--from", "2026-10-01", "--to", "2026-10-20", "--quiet", "--datasets", sets)
	args := append(append([]string{}, base...), "--out", out)
	before := w.sim.Stats(w.user).Requests
	if code, _, e := w.run(append(base, "--out", ref)...); code != 0 {
		t.Fatalf("reference run: exit %d: %s", code, e)
	}
	minimum := w.sim.Stats(w.user).Requests - before - perRun
	first := strings.Split(sets, ",")[0]
	start := w.sim.Stats(w.user).Requests
	code, _, stderr := w.run(append(args, "--max-requests", strconv.Itoa(perRun+minimum/2), "--concurrency", "1")...)
	if code != 3 || !strings.Contains(stderr, "run the same command again") {
		t.Fatalf("budget run: exit %d, stderr %q; want 3", code, stderr)
	}
	m, err := load.ReadManifest(load.DirFS(out), load.ManifestPath)
	if err != nil || m.Datasets[first] == nil {
		t.Fatalf("manifest after a budget stop: %v %v", m, err)
	}
	if rows := readDataset(t, out, first, load.Parquet); int64(len(rows)) != m.Datasets[first].Rows || len(rows) == 0 {
		t.Fatalf("after the stop: %d %s rows on disk, manifest says %d", len(rows), first, m.Datasets[first].Rows)
	}
	// A deadline already spent stops before any request.
	if code, _, _ := w.run(append(args, "--deadline", "1ns")...); code != 3 {
		t.Fatalf("deadline run: exit %d, want 3", code)
	}
	if code, _, e := w.run(args...); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, e)
	}
	// The minimum in all, plus the per-run requests of the budget run and
	// the resume (the spent deadline stops before the profile).
	if used := w.sim.Stats(w.user).Requests - start; used != minimum+2*perRun {
		t.Fatalf("budget, deadline and resume runs sent %d requests, want %d (minimum %d)", used, minimum+2*perRun, minimum)
	}
	if snapshot(t, out) != snapshot(t, ref) {
		t.Fatalf("resumed output differs from an uninterrupted run")
	}
}

// TestRebuildEqualsOnlineOutput: rebuild from the raw cache, with no network
// and no token, writes the same bytes the online run wrote, in any format.
func TestRebuildEqualsOnlineOutput(t *testing.T) {
	w := newWorld(t, "SIM001", sim.Config{})
	out, csvOut := t.TempDir(), t.TempDir()
	common := []string{"--from", "2026-10-20", "--to", "2026-11-02", "--quiet", "--heart-detail", "1sec"}
	if code, _, e := w.run(append(common, "--out", out)...); code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	if code, _, e := w.run(append(common, "--out", csvOut, "--format", "csv")...); code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	online, onlineCSV := snapshot(t, out), snapshot(t, csvOut)
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if e.Name() != "_fitexport" {
			os.RemoveAll(filepath.Join(out, e.Name()))
		}
	}
	w.env = map[string]string{"FITEXPORT_HOME": t.TempDir()} // no token, no API
	if code, _, e := w.run("rebuild", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("rebuild: exit %d: %s", code, e)
	}
	if snapshot(t, out) != online {
		t.Fatalf("rebuilt parquet differs from the online run's")
	}
	if code, _, e := w.run("rebuild", "--out", out, "--quiet", "--format", "csv"); code != 0 {
		t.Fatalf("rebuild csv: exit %d: %s", code, e)
	}
	if snapshot(t, out) != onlineCSV {
		t.Fatalf("rebuilt csv differs from an online csv run")
	}
}

// TestReportMatchesSimulatorCounts: the JSON report's numbers are the
// simulator's own.
func TestReportMatchesSimulatorCounts(t *testing.T) {
	w := newWorld(t, "SIM002", sim.Config{})
	w.sim.SetFault(sim.Fault{Kind: sim.Fault5xx, Every: 7, Count: 3})
	out := t.TempDir()
	rep := filepath.Join(t.TempDir(), "report.json")
	before := w.sim.Stats(w.user)
	code, _, e := w.run("--from", "2026-10-01", "--to", "2026-10-10", "--out", out, "--quiet", "--report", rep)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	after := w.sim.Stats(w.user)
	var r reportFile
	b, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Requests != int64(after.Requests-before.Requests) {
		t.Errorf("report requests %d, simulator counted %d", r.Requests, after.Requests-before.Requests)
	}
	if r.Retries < 3 || r.RateLimits != int64(after.Status429-before.Status429) || r.ExitCode != 0 || r.Reason != "done" {
		t.Errorf("report: retries %d (want ≥3), 429s %d (sim %d), exit %d %q", r.Retries, r.RateLimits, after.Status429-before.Status429, r.ExitCode, r.Reason)
	}
	m, _ := load.ReadManifest(load.DirFS(out), load.ManifestPath)
	for name, d := range r.Datasets {
		if d.Rows != m.Datasets[name].Rows || d.DaysComplete != 10 {
			t.Errorf("%s: report rows %d days complete %d; manifest rows %d", name, d.Rows, d.DaysComplete, m.Datasets[name].Rows)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "_fitexport", "last-report.json")); err != nil {
		t.Errorf("last report not kept: %v", err)
	}
}

// TestKillNineAnywhere kills the exporter with SIGKILL at 20 seeded random
// moments, then lets a run finish: the output is byte-identical to an
// uninterrupted run's, and all runs together sent at most the minimum plus
// one request per kill (plus the per-run profile requests). Both sources.
func TestKillNineAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	t.Run("fitbit", func(t *testing.T) {
		// A tight quota (20 per second) makes the export last a few
		// seconds, so the kills land all over it: while fetching, waiting
		// for the rate limit, writing partitions and the manifest.
		w := newWorld(t, "SIM001", sim.Config{Quota: 20})
		killScenario(t, w, nil, "heart_rate,steps,sleep_stages,daily_activity", 2)
	})
	t.Run("google-health", func(t *testing.T) {
		w := newWorld(t, "SIM001", sim.Config{GoogleQuota: 6, GoogleWindow: time.Second})
		w.loginGoogle()
		// Single-page answers: a kill between the pages of one request
		// would lose the pages already read.
		killScenario(t, w, []string{"--source", "google-health", "--profile", "google", "--google-mode", "list"}, "steps,distance,resting_heart_rate,sleep_sessions", 3)
	})
}

func killScenario(t *testing.T, w *world, src []string, sets string, perRun int) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// One request in flight: a kill loses at most the one answer it
	// interrupts (with --concurrency N, up to N).
	args := append(append([]string{}, src...), "--from", "2026-09-01", "--to", "2026-10-31", "--quiet", "--concurrency", "1", "--datasets", sets)
	ref := t.TempDir()
	start := w.sim.Stats(w.user).Requests
	if code, _, e := w.run(append(args, "--out", ref)...); code != 0 {
		t.Fatalf("reference: exit %d: %s", code, e)
	}
	minimum := w.sim.Stats(w.user).Requests - start - perRun
	out := t.TempDir()
	env := os.Environ()
	env = append(env, "FITEXPORT_TEST_AS_MAIN=1")
	for k, v := range w.env {
		env = append(env, k+"="+v)
	}
	rng := rand.New(rand.NewSource(42))
	start = w.sim.Stats(w.user).Requests
	runs, kills := 0, 0
	for kills < 20 {
		cmd := exec.Command(exe, append(args, "--out", out)...)
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		runs++
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run %d failed before its kill: %v", runs, err)
			}
			// It finished before its kill point: later runs have nothing
			// left to fetch, and kills then land in idle runs.
		case <-time.After(time.Duration(5+rng.Intn(600)) * time.Millisecond):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
		}
		if runs > 200 {
			t.Fatalf("too many runs")
		}
	}
	cmd := exec.Command(exe, append(args, "--out", out)...)
	cmd.Env = env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("final run: %v: %s", err, b)
	}
	runs++
	used := w.sim.Stats(w.user).Requests - start
	if used > minimum+kills+perRun*runs {
		t.Errorf("%d runs (%d killed) sent %d requests; minimum %d + 1 per kill + %d per run = %d", runs, kills, used, minimum, perRun, minimum+kills+perRun*runs)
	}
	t.Logf("%d runs, %d kills, %d requests (minimum %d), 429s %d", runs, kills, used, minimum, w.sim.Stats(w.user).Status429)
	if snapshot(t, out) != snapshot(t, ref) {
		t.Fatalf("output after kills differs from an uninterrupted run")
	}
	if left, _ := filepath.Glob(filepath.Join(out, "*", "month=*", ".*")); len(left) != 0 {
		t.Fatalf("temp files left behind: %v", left)
	}
}

// journalDays returns the days of the heart-rate answers journalled in the
// raw cache under out since the previous call (per user), sorted.
type journalReader struct {
	path string
	seen int
}

func (j *journalReader) heartDays(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(j.path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var out []string
	for _, l := range lines[j.seen:] {
		var e struct {
			Key  string `json:"key"`
			From string `json:"from"`
			To   string `json:"to"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(e.Key, "heart-rate/") {
			out = append(out, daysOf(e.From, e.To)...)
		}
	}
	j.seen = len(lines)
	sort.Strings(out)
	return out
}

// TestNightlyIncrementalGoogle is the incremental test on the Google Health
// source: the second night fetches the incomplete day again and the new
// days, nothing else; a third night fetches nothing.
func TestNightlyIncrementalGoogle(t *testing.T) {
	w := newWorld(t, "SIM001", sim.Config{GoogleWindow: time.Second})
	w.loginGoogle()
	zone := w.sim.Truth(w.user).Zone()
	out := t.TempDir()
	args := func(extra ...string) []string {
		return append([]string{"--source", "google-health", "--profile", "google", "--out", out, "--quiet", "--datasets", "heart_rate,steps,sleep_sessions"}, extra...)
	}
	w.sim.SetLastSync(w.user, dates.MustParse("2026-10-06").Time(zone).Add(9*time.Hour))
	if code, _, e := w.run(args("--from", "2026-10-01", "--to", "2026-10-06")...); code != 0 {
		t.Fatalf("night 1: exit %d: %s", code, e)
	}
	jr := &journalReader{path: filepath.Join(out, "_fitexport", "raw", "google-health", w.sim.Truth(w.user).GoogleUserID(), "journal.ndjson")}
	if got := jr.heartDays(t); fmt.Sprint(got) != fmt.Sprint(daysOf("2026-10-01", "2026-10-06")) {
		t.Fatalf("night 1 fetched heart days %v", got)
	}
	w.sim.SetLastSync(w.user, syncAfter("2026-10-09", zone))
	if code, _, e := w.run(args()...); code != 0 {
		t.Fatalf("night 2: exit %d: %s", code, e)
	}
	if got := jr.heartDays(t); fmt.Sprint(got) != fmt.Sprint(daysOf("2026-10-06", "2026-10-09")) {
		t.Fatalf("night 2 fetched heart days %v, want 6–9", got)
	}
	before := w.sim.Stats(w.user).Requests
	if code, _, e := w.run(args()...); code != 0 {
		t.Fatalf("night 3: exit %d: %s", code, e)
	}
	if n := w.sim.Stats(w.user).Requests - before; n != 3 {
		t.Fatalf("night 3 sent %d requests, want 3 (identity, settings, devices)", n)
	}
	want := truthRows(w.sim.Truth(w.user), dates.Range{From: dates.MustParse("2026-10-01"), To: dates.MustParse("2026-10-09")})
	var nz []map[string]string
	for _, r := range want["steps"] {
		if r["steps"] != "0" {
			nz = append(nz, r)
		}
	}
	compareDataset(t, "steps", readDataset(t, out, "steps", load.Parquet), nz)
	compareDataset(t, "heart_rate", readDataset(t, out, "heart_rate", load.Parquet), want["heart_rate"])
}
