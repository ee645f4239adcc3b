package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/extract"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/pipeline"
)

// The year of 1-second heart rate the rebuild benchmark reads.
var (
	yearRange  = dates.Range{From: dates.MustParse("2025-11-01"), To: dates.MustParse("2026-10-31")}
	monthRange = dates.Range{From: dates.MustParse("2026-07-01"), To: dates.MustParse("2026-07-31")}
)

// fillCache fetches a year of 1-second heart rate from the in-process
// simulator through the real client stack into OUT/_fitexport/raw under
// year, and copies July's cache entries into month.
func fillCache(ctx context.Context, year, month string) error {
	w := newWorld(1_000_000, time.Hour)
	defer w.Close()
	st, err := newStack(w, dataset.Fitbit, 1_000_000, time.Hour)
	if err != nil {
		return err
	}
	defer st.Close()
	job, err := exportJob(w, dataset.Fitbit, []string{"heart_rate"}, yearRange, "1sec", load.NDJSON, year)
	if err != nil {
		return err
	}
	job.Concurrency = 2
	if _, err := pipeline.Run(ctx, job, st); err != nil {
		return fmt.Errorf("filling the raw cache: %w", err)
	}
	src, err := extract.OpenCache(filepath.Join(year, pipeline.RawDir), "sandbox", benchUser)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := extract.OpenCache(filepath.Join(month, pipeline.RawDir), "sandbox", benchUser)
	if err != nil {
		return err
	}
	defer dst.Close()
	for _, e := range src.Entries() {
		if e.From.Before(monthRange.From) || monthRange.To.Before(e.To) {
			continue
		}
		pages, err := src.Get(e.Key)
		if err != nil {
			return err
		}
		if _, err := dst.Put(dataset.Request{Key: e.Key, Days: e.Days}, pages,
			extract.Meta{FetchedAt: e.FetchedAt, CompleteThrough: e.CompleteThrough, LastSync: e.LastSync, Zone: e.Zone}); err != nil {
			return err
		}
	}
	return nil
}

// dumpJSON writes every cached heart-rate response under out as plain
// JSON, one file per day (what the Python baseline reads), and returns the
// bytes written.
func dumpJSON(out, dir string) (int64, error) {
	c, err := extract.OpenCache(filepath.Join(out, pipeline.RawDir), "sandbox", benchUser)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	var n int64
	for _, e := range c.Entries() {
		pages, err := c.Get(e.Key)
		if err != nil {
			return 0, err
		}
		if len(pages) != 1 {
			return 0, fmt.Errorf("%s: %d pages, want 1", e.Key, len(pages))
		}
		if err := os.WriteFile(filepath.Join(dir, e.From.String()+".json"), pages[0], 0o644); err != nil {
			return 0, err
		}
		n += int64(len(pages[0]))
	}
	return n, nil
}

// childResult is what a rebuild child prints on stdout.
type childResult struct {
	Rows    int64   `json:"rows"`
	Seconds float64 `json:"seconds"`
	Files   int     `json:"files"`
	Bytes   int64   `json:"bytes"`
	// PeakRSS is the child's VmHWM (bytes) when it finishes.
	PeakRSS int64 `json:"peak_rss"`
	// PeakLive is the largest live heap after a GC (runtime/metrics
	// /gc/heap/live:bytes, sampled every 5 ms): what the run holds, without
	// the garbage the collector's pacing lets RSS carry.
	PeakLive int64 `json:"peak_live,omitempty"`
}

// childRebuild is the child process: pipeline.Build of heart_rate (every
// month, forced) from the raw cache under out, in format, with the
// registry's dataset as shipped (the transform the export uses).
func childRebuild(out, format, cpuprofile string) error {
	f, err := load.ParseFormat(format)
	if err != nil {
		return err
	}
	reg := dataset.Default()
	d, ok := reg.Get("heart_rate")
	if !ok {
		return errors.New("no heart_rate dataset")
	}
	opts := dataset.DefaultOptions()
	opts.HeartDetail = "1sec"
	opts.Selected["heart_rate"] = true
	zone, _ := time.LoadLocation("Europe/Berlin")
	job := pipeline.Job{Source: dataset.Fitbit, SourceName: "sandbox", User: benchUser,
		Datasets: []*dataset.Dataset{d}, AllNames: reg.Names(), Options: opts, Format: f,
		OutDir: out, Zone: zone, LastSync: simLastSync, Force: true}
	if cpuprofile != "" {
		pf, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	res, err := pipeline.Build(context.Background(), job)
	el := time.Since(start)
	if err != nil {
		return err
	}
	dr := res.Datasets["heart_rate"]
	var size int64
	_ = filepath.Walk(filepath.Join(out, "heart_rate"), func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			size += fi.Size()
		}
		return nil
	})
	return json.NewEncoder(os.Stdout).Encode(childResult{Rows: dr.RowsWritten, Seconds: el.Seconds(), Files: dr.FilesWritten, Bytes: size, PeakRSS: vmHWM()})
}

// vmHWM is this process's peak resident set (bytes) from /proc/self/status.
//
// It is read by the child itself because the parent cannot get it: Linux
// carries the parent's peak RSS over into a child's ru_maxrss when the
// child execs from a forked (or vforked, as Go does) copy of the parent, so
// ProcessState.SysUsage reports max(driver, child), the driver's ~200 MiB
// after filling the cache.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb * 1024
		}
	}
	return 0
}

// RebuildResult is one rebuild measurement: the fastest of Runs runs,
// with the highest peak RSS of them and the CPU time of the fastest.
type RebuildResult struct {
	Span, Format string
	childResult
	Runs       int
	CPUSeconds float64 // user + system time of the fastest run's process
}

func (r RebuildResult) RowsPerSec() float64 { return float64(r.Rows) / r.Seconds }

// runChild runs the driver itself as a child and returns its result and
// the child's CPU time (user + system, whole process).
func runChild(args ...string) (childResult, float64, error) {
	exe, err := os.Executable()
	if err != nil {
		return childResult{}, 0, err
	}
	cmd := exec.Command(exe, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return childResult{}, 0, fmt.Errorf("%v: %v: %s", args, err, strings.TrimSpace(errb.String()))
	}
	var r childResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return r, 0, fmt.Errorf("%v: %v (%q)", args, err, out.String())
	}
	return r, cpuSeconds(cmd.ProcessState), nil
}

// cpuSeconds is a finished process's user + system time.
func cpuSeconds(ps *os.ProcessState) float64 {
	return (ps.UserTime() + ps.SystemTime()).Seconds()
}
