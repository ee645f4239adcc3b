// Command bench measures fitexport against the targets of issue 8 and
// writes docs/benchmarks.md: `make bench` runs it after the Go benchmarks.
//
//	go run ./bench [-doc docs/benchmarks.md] [-work DIR] [-skip-python]
//
// It measures, on this machine:
//
//   - quota: an export needing five rate-limit windows against the
//     in-process simulator (scaled window) through the real client stack
//     and pipeline.Run: requests used over the computed minimum, 429s, and
//     requests per window over the quota;
//   - rebuild: a year (and a month) of 1-second heart rate fetched from the
//     simulator into the raw cache, then pipeline.Build to Parquet, CSV and
//     NDJSON in a child process each: rows per second end to end (read,
//     decompress, decode, transform, write) and the child's peak RSS, with
//     the pipeline as shipped (every row is labelled by span and format);
//   - a CPU profile of the year rebuild (pprof top);
//   - the peer baseline: bench/baseline.py (json.load, a pandas DataFrame,
//     to_csv, as python-fitbit users do) over the same responses as plain
//     JSON files, with Debian's /usr/bin/python3;
//   - start-up: `fitexport --help` and `fitexport datasets` wall time;
//   - takeout: a Takeout archive of 1 and of 3 years of 1-second heart rate
//     (takeoutsim) imported to Parquet by pipeline.Run with the archive as
//     the Fetcher, in a child process: rows/s and peak RSS, which must not
//     grow with the archive (bench/takeout.go). Alone: `go run ./bench
//     -only takeout -doc ""`.
//
// It prints a compact table and writes it, with the machine, the Go version
// and the date, to the -doc file.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/fitexport/fitexport/dataset"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-child-rebuild" {
		// -child-rebuild OUT FORMAT [CPUPROFILE]
		a := append(os.Args[2:], "", "", "")
		if err := childRebuild(a[0], a[1], a[2]); err != nil {
			fmt.Fprintln(os.Stderr, "bench child:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "-child-takeout" {
		// -child-takeout ARCHIVE OUT [CPUPROFILE]
		a := append(os.Args[2:], "", "", "")
		if err := childTakeout(a[0], a[1], a[2]); err != nil {
			fmt.Fprintln(os.Stderr, "bench child:", err)
			os.Exit(1)
		}
		return
	}
	doc := flag.String("doc", "docs/benchmarks.md", "write the results here (empty: do not write)")
	work := flag.String("work", "", "scratch folder (default: a temporary one, removed afterwards)")
	skipPython := flag.Bool("skip-python", false, "skip the pandas baseline")
	quotaWindow := flag.Duration("quota-window", 3*time.Second, "the simulator's scaled Fitbit rate-limit window (150 requests)")
	googleWindow := flag.Duration("google-window", 6*time.Second, "the simulator's scaled Google Health quota window (300 requests)")
	only := flag.String("only", "", "comma-separated parts to run: startup, quota, rebuild, profile, python, takeout (default: all)")
	flag.Parse()
	parts := map[string]bool{}
	for _, p := range strings.Split(*only, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts[p] = true
		}
	}
	want := func(part string) bool { return len(parts) == 0 || parts[part] }
	if *skipPython {
		parts["startup"], parts["quota"], parts["rebuild"], parts["profile"] = want("startup"), want("quota"), want("rebuild"), want("profile")
		parts["takeout"] = want("takeout")
		delete(parts, "python")
	}
	if err := run(*doc, *work, want, *quotaWindow, *googleWindow); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// report is everything measured.
type report struct {
	Quota    []*QuotaResult
	Rebuilds []RebuildResult
	Profiles map[string]string // name → pprof top
	Python   *pythonResult
	Startup  []startupResult
	Takeout  []TakeoutResult
	Machine  machine
	Notes    []string
}

type pythonResult struct {
	Rows      int64   `json:"rows"`
	Seconds   float64 `json:"seconds"`
	Pandas    string  `json:"pandas"`
	Python    string  `json:"python"`
	PeakRSS   int64   `json:"peak_rss"`
	JSONBytes int64   `json:"-"`
}

type startupResult struct {
	Args   string
	Median time.Duration
	Runs   int
}

func logf(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...) }

// hasSource reports whether the registry serves dataset name from src.
func hasSource(name string, src dataset.Source) bool {
	d, ok := dataset.Default().Get(name)
	if !ok {
		return false
	}
	_, ok = d.Sources[src]
	return ok
}

func run(docPath, work string, want func(part string) bool, quotaWindow, googleWindow time.Duration) error {
	ctx := context.Background()
	if work == "" {
		d, err := os.MkdirTemp("", "fitexport-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		work = d
	}
	rep := &report{Profiles: map[string]string{}, Machine: describeMachine()}
	rep.Machine.LoadBefore = loadAvg()

	if want("startup") {
		logf("building fitexport")
		bin := filepath.Join(work, "fitexport")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/fitexport").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v: %s", err, out)
		}
		for _, args := range [][]string{{"--help"}, {"datasets"}} {
			r, err := startup(bin, work, args)
			if err != nil {
				return err
			}
			rep.Startup = append(rep.Startup, r)
		}
	}
	if err := measure(ctx, rep, work, want, quotaWindow, googleWindow); err != nil {
		return err
	}
	rep.Machine.LoadAfter = loadAvg()

	table := rep.table()
	fmt.Println(table)
	if docPath != "" {
		old, err := os.ReadFile(docPath)
		if err != nil && !os.IsNotExist(err) {
			return err
		}
		if err := os.WriteFile(docPath, []byte(spliceDoc(string(old), rep.markdown(table))), 0o644); err != nil {
			return err
		}
		logf("wrote %s", docPath)
	}
	return nil
}

// The generated part of the benchmarks document sits between these
// markers; text outside them (the analysis) is kept as it is.
const (
	beginMark = "<!-- bench:begin (generated by go run ./bench; edit outside these markers) -->"
	endMark   = "<!-- bench:end -->"
)

// spliceDoc replaces the generated part of doc with gen (or starts a
// document holding only gen).
func spliceDoc(doc, gen string) string {
	block := beginMark + "\n" + gen + endMark + "\n"
	i, j := strings.Index(doc, beginMark), strings.Index(doc, endMark)
	if i < 0 || j < i {
		return "# Benchmarks\n\n" + block
	}
	return doc[:i] + block + strings.TrimPrefix(doc[j+len(endMark):], "\n")
}

// measure runs the quota, rebuild, profile and python parts.
func measure(ctx context.Context, rep *report, work string, want func(string) bool, quotaWindow, googleWindow time.Duration) error {
	if want("quota") {
		if err := measureQuota(ctx, rep, quotaWindow, googleWindow); err != nil {
			return err
		}
	}
	if want("takeout") {
		if err := measureTakeout(rep, work, takeoutRuns); err != nil {
			return err
		}
	}
	if !want("rebuild") && !want("profile") && !want("python") {
		return nil
	}
	logf("filling the raw cache with a year of 1-second heart rate from the simulator")
	year, month := filepath.Join(work, "year"), filepath.Join(work, "month")
	t0 := time.Now()
	if err := fillCache(ctx, year, month); err != nil {
		return err
	}
	logf("  %s", time.Since(t0).Round(time.Millisecond))

	const runs = 3
	for _, span := range []struct{ name, dir string }{{"month", month}, {"year", year}} {
		if !want("rebuild") {
			break
		}
		for _, f := range []string{"parquet", "csv", "ndjson"} {
			logf("rebuild %s %s, best of %d", span.name, f, runs)
			res := RebuildResult{Span: span.name, Format: f, Runs: runs}
			for i := range runs {
				r, cpu, err := runChild("-child-rebuild", span.dir, f)
				if err != nil {
					return err
				}
				peak := max(res.PeakRSS, r.PeakRSS)
				if i == 0 || r.Seconds < res.Seconds {
					res.childResult, res.CPUSeconds = r, cpu
				}
				res.PeakRSS = peak
			}
			rep.Rebuilds = append(rep.Rebuilds, res)
		}
	}
	for _, f := range []string{"csv", "ndjson", "parquet"} {
		if !want("profile") {
			break
		}
		prof := filepath.Join(work, "cpu-"+f+".pprof")
		if _, _, err := runChild("-child-rebuild", year, f, prof); err != nil {
			return err
		}
		top, err := pprofTop(prof)
		if err != nil {
			return err
		}
		rep.Profiles["year → "+f] = top
	}

	if want("python") {
		logf("peer baseline: pandas")
		jsonDir := filepath.Join(work, "json")
		n, err := dumpJSON(year, jsonDir)
		if err != nil {
			return err
		}
		p, err := runPython(jsonDir, filepath.Join(work, "pandas.csv"))
		if err != nil {
			return err
		}
		p.JSONBytes = n
		rep.Python = p
	}
	return nil
}

// measureQuota runs the quota benchmark for Fitbit, and for Google Health
// when the registry serves heart_rate from it.
func measureQuota(ctx context.Context, rep *report, quotaWindow, googleWindow time.Duration) error {
	logf("quota (fitbit): an export needing five windows of 150 requests per %s", quotaWindow)
	q, err := runQuota(ctx, dataset.Fitbit, 150, quotaWindow)
	if err != nil {
		return err
	}
	rep.Quota = append(rep.Quota, q)
	if hasSource("heart_rate", dataset.Google) {
		logf("quota (google-health): an export needing five windows of 300 requests per %s", googleWindow)
		q, err := runQuota(ctx, dataset.Google, 300, googleWindow)
		if err != nil {
			return err
		}
		rep.Quota = append(rep.Quota, q)
	}
	return nil
}

// startup runs bin with args 21 times and returns the median wall time.
func startup(bin, work string, args []string) (startupResult, error) {
	const runs = 21
	var ds []time.Duration
	for range runs {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "FITEXPORT_HOME="+filepath.Join(work, "home"))
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		t := time.Now()
		if err := cmd.Run(); err != nil {
			return startupResult{}, fmt.Errorf("fitexport %s: %v", strings.Join(args, " "), err)
		}
		ds = append(ds, time.Since(t))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return startupResult{Args: strings.Join(args, " "), Median: ds[runs/2], Runs: runs}, nil
}

// phases are the functions whose cumulative CPU time says where a rebuild
// spends it.
var phases = []struct{ name, fn string }{
	{"pipeline.Build (everything)", "github.com/fitexport/fitexport/pipeline.Build"},
	{"raw cache read + zstd (extract.Cache.Get)", "github.com/fitexport/fitexport/extract.(*Cache).Get"},
	{"  of which zstd", "github.com/klauspost/compress/zstd.(*Decoder).DecodeAll"},
	{"transform (registry heart_rate)", "github.com/fitexport/fitexport/dataset.heartRateTransform"},
	{"  of which JSON scan (ScanIntraday)", "github.com/fitexport/fitexport/transform.(*scanner).fastEntry"},
	{"  of which DayClock", "github.com/fitexport/fitexport/transform.(*DayClock).Clock"},
	{"  of which value parsing (Num)", "github.com/fitexport/fitexport/transform.(*Parser).Int32"},
	{"  of which Arrow appends", "github.com/fitexport/fitexport/transform.Series.Append"},
	{"write (load.WritePartition)", "github.com/fitexport/fitexport/load.WritePartition"},
	{"write (load.StagePartition)", "github.com/fitexport/fitexport/load.StagePartition"},
	{"  of which CSV rows", "github.com/fitexport/fitexport/load.(*csvWriter).Write"},
	{"  of which NDJSON rows", "github.com/fitexport/fitexport/load.(*ndjsonWriter).Write"},
	{"  of which timestamp text", "github.com/fitexport/fitexport/load.(*tsText).appendTS"},
	{"  of which sha256 of the file", "crypto/internal/fips140/sha256.(*Digest).Write"},
	{"  of which file writes (syscall)", "syscall.write"},
	{"  of which parquet encoding (pqarrow Write)", "github.com/apache/arrow-go/v18/parquet/pqarrow.(*FileWriter).WriteBuffered"},
	{"  of which parquet page zstd (pqarrow Close)", "github.com/apache/arrow-go/v18/parquet/pqarrow.(*FileWriter).Close"},
	{"commit (fsync, rename: load.Staged.Commit)", "github.com/fitexport/fitexport/load.(*Staged).Commit"},
	{"pipeline.daysWithData", "github.com/fitexport/fitexport/pipeline.daysWithData"},
	{"garbage collector (background)", "runtime.gcBgMarkWorker"},
}

// pprofTop summarises a CPU profile: the phases' cumulative times, then
// `go tool pprof -top` (flat).
func pprofTop(prof string) (string, error) {
	cum, err := exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount=100000", prof).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("pprof: %v: %s", err, cum)
	}
	var sb strings.Builder
	byFn := map[string]string{}
	for _, l := range strings.Split(string(cum), "\n") {
		f := strings.Fields(l)
		if len(f) >= 6 && strings.HasSuffix(f[4], "%") {
			fn := strings.Join(f[5:], " ")
			fn = strings.TrimSuffix(fn, " (inline)")
			if _, ok := byFn[fn]; !ok {
				byFn[fn] = f[3] + " " + f[4]
			}
		}
		if strings.HasPrefix(l, "Duration:") {
			sb.WriteString(l + "\n\n")
		}
	}
	fmt.Fprintf(&sb, "%-45s %s\n", "phase (cumulative CPU)", "time  share")
	for _, p := range phases {
		if v, ok := byFn[p.fn]; ok {
			fmt.Fprintf(&sb, "%-45s %s\n", p.name, v)
		}
	}
	flat, err := exec.Command("go", "tool", "pprof", "-top", "-nodecount=15", prof).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("pprof: %v: %s", err, flat)
	}
	sb.WriteString("\n")
	started := false
	for _, l := range strings.Split(string(flat), "\n") {
		if strings.Contains(l, "flat%") {
			started = true
		}
		if started && strings.TrimSpace(l) != "" {
			sb.WriteString(l + "\n")
		}
	}
	return strings.TrimRight(sb.String(), "\n"), nil
}

// runPython runs bench/baseline.py with Debian's python3 (which has
// python3-pandas; a pyenv python3 on PATH may not).
func runPython(dir, out string) (*pythonResult, error) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		py = "python3"
	}
	cmd := exec.Command(py, "bench/baseline.py", dir, out)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("bench/baseline.py: %v: %s (install python3-pandas: make bench does)", err, strings.TrimSpace(e.String()))
	}
	var r pythonResult
	if err := json.Unmarshal(o.Bytes(), &r); err != nil {
		return nil, fmt.Errorf("bench/baseline.py printed %q: %v", o.String(), err)
	}
	return &r, nil
}

type machine struct {
	CPU, Cores, Memory, OS, Go, Date, Commit string
	// LoadBefore and LoadAfter are /proc/loadavg around the run: the
	// machine may be shared (other builds and tests).
	LoadBefore, LoadAfter string
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func describeMachine() machine {
	m := machine{Go: runtime.Version(), Cores: fmt.Sprint(runtime.NumCPU()), Date: time.Now().UTC().Format("2006-01-02 15:04 MST"),
		OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(strings.TrimPrefix(strings.SplitN(string(b), "\n", 2)[0], "MemTotal:"), "%d", &kb)
		m.Memory = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.OS += ", Linux " + strings.TrimSpace(string(b))
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
			m.Commit += " (with uncommitted changes)"
		}
	}
	return m
}
