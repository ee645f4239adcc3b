package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/pipeline"
	"github.com/fitexport/fitexport/sim"
	"github.com/fitexport/fitexport/takeout"
	"github.com/fitexport/fitexport/takeout/takeoutsim"
)

// takeoutEnd is the last day of the Takeout archives the import benchmark
// reads; they hold 1 and 3 years of 1-second heart rate ending on it.
var takeoutEnd = dates.MustParse("2026-10-31")

// takeoutYears are the archive spans measured: peak RSS must not follow
// the span (files are read on demand, months built one by one).
var takeoutYears = []int{1, 3}

// takeoutRuns is how many times each archive is imported.
const takeoutRuns = 1

// TakeoutResult is one Takeout import measurement.
type TakeoutResult struct {
	Years int
	Days  int
	// ArchiveBytes is the .zip's size; WriteSeconds how long takeoutsim
	// took to write it (not part of the import).
	ArchiveBytes int64
	WriteSeconds float64
	childResult
	CPUSeconds float64
}

func (r TakeoutResult) RowsPerSec() float64 { return float64(r.Rows) / r.Seconds }

// takeoutRange is the span of an archive of n years ending on takeoutEnd.
func takeoutRange(years int) dates.Range {
	return dates.Range{From: takeoutEnd.AddDays(1).AddMonths(-12 * years), To: takeoutEnd}
}

// writeTakeout writes, with takeoutsim, a one-part Takeout archive of the
// simulator's Europe/Berlin user holding r's 1-second heart rate (the
// heart_rate-YYYY-MM-DD.json files and Your Profile/Profile.csv; the other
// families are left out so that the archive stays heart rate alone).
func writeTakeout(path string, r dates.Range) error {
	// A member since before the range, so every day of it has data.
	u := sim.User{ID: benchUser, Zone: "Europe/Berlin", MemberSince: r.From.AddDays(-1), LastSync: simLastSync}
	s := sim.New(sim.Config{Seed: 1, Users: []sim.User{u}})
	var keep []takeoutsim.File
	for _, f := range takeoutsim.Files(s.Truth(u.ID), u, takeoutsim.Options{Root: takeoutsim.Fitbit, Range: r}) {
		base := f.Name[strings.LastIndexByte(f.Name, '/')+1:]
		if base == "Profile.csv" || strings.HasPrefix(base, "heart_rate-") {
			keep = append(keep, f)
		}
	}
	return takeoutsim.WriteZips([]string{path}, keep)
}

// childTakeout is the child process: the import `fitexport --source
// takeout --takeout ARCHIVE --datasets heart_rate --heart-detail 1sec
// --format parquet --out OUT` runs, i.e. pipeline.Run with the archive as
// the Fetcher and the job runExport builds for an archive (all of it:
// Since its first day, To its last, LastSync the end of that day). With
// cpuprofile it writes a CPU profile there.
func childTakeout(archive, out, cpuprofile string) error {
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
	peakLive := sampleLiveHeap()
	a, err := takeout.Open(archive)
	if err != nil {
		return err
	}
	defer a.Close()
	p := a.Profile()
	reg := dataset.Default()
	ds, err := reg.Select(dataset.Fitbit, []string{"heart_rate"})
	if err != nil {
		return err
	}
	supported := false
	for _, n := range a.SupportedDatasets() {
		supported = supported || n == "heart_rate"
	}
	if !supported {
		return errors.New("the archive does not hold heart_rate")
	}
	opts := dataset.DefaultOptions()
	opts.HeartDetail = "1sec"
	opts.Selected["heart_rate"] = true
	job := pipeline.Job{Source: dataset.Fitbit, SourceName: "takeout", User: p.UserID,
		Datasets: ds, AllNames: reg.Names(), Options: opts, Format: load.Parquet,
		OutDir: out, Since: p.FirstDay, To: p.LastDay, LastSync: p.LastSync(), Zone: p.Zone,
		Concurrency: 4, Log: io.Discard, Now: time.Now}
	start := time.Now()
	res, err := pipeline.Run(context.Background(), job, a)
	el := time.Since(start)
	if err != nil {
		return err
	}
	if w := a.Warnings(); len(w) > 0 {
		return fmt.Errorf("the archive had warnings: %v", w)
	}
	dr := res.Datasets["heart_rate"]
	var size int64
	_ = filepath.Walk(filepath.Join(out, "heart_rate"), func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			size += fi.Size()
		}
		return nil
	})
	return json.NewEncoder(os.Stdout).Encode(childResult{Rows: dr.RowsWritten, Seconds: el.Seconds(), Files: dr.FilesWritten, Bytes: size, PeakRSS: vmHWM(), PeakLive: peakLive()})
}

// measureTakeout writes each archive once and imports it in a child
// process (a fresh OUT each run), keeping the fastest of runs and the
// highest peak RSS.
func measureTakeout(rep *report, work string, runs int) error {
	for _, years := range takeoutYears {
		r := takeoutRange(years)
		zip := filepath.Join(work, fmt.Sprintf("takeout-%dy.zip", years))
		logf("writing a Takeout archive of %d year(s) of 1-second heart rate (%s)", years, r)
		t0 := time.Now()
		if err := writeTakeout(zip, r); err != nil {
			return fmt.Errorf("writing the Takeout archive: %w", err)
		}
		res := TakeoutResult{Years: years, Days: r.Days(), WriteSeconds: time.Since(t0).Seconds()}
		fi, err := os.Stat(zip)
		if err != nil {
			return err
		}
		res.ArchiveBytes = fi.Size()
		logf("  %d MiB in %.1f s", res.ArchiveBytes>>20, res.WriteSeconds)
		for i := range runs {
			out := filepath.Join(work, fmt.Sprintf("takeout-%dy-out-%d", years, i))
			logf("import %d year(s) → parquet, run %d of %d", years, i+1, runs)
			c, cpu, err := runChild("-child-takeout", zip, out)
			if err != nil {
				return err
			}
			os.RemoveAll(out)
			peak, live := max(res.PeakRSS, c.PeakRSS), max(res.PeakLive, c.PeakLive)
			if i == 0 || c.Seconds < res.Seconds {
				res.childResult, res.CPUSeconds = c, cpu
			}
			res.PeakRSS, res.PeakLive = peak, live
		}
		os.Remove(zip)
		rep.Takeout = append(rep.Takeout, res)
	}
	return nil
}

// takeoutRows are the table rows of the Takeout import benchmark.
func (r *report) takeoutRows() []row {
	var out []row
	for _, t := range r.Takeout {
		out = append(out, row{
			fmt.Sprintf("takeout import, %d year(s) of 1-second heart rate → parquet", t.Years),
			fmt.Sprintf("%s, %s peak RSS, %s peak live heap (%.2f M rows in %.2f s; %.2f M rows per CPU-second; archive %s, written in %.1f s)",
				mrows(t.RowsPerSec()), mib(t.PeakRSS), mib(t.PeakLive), float64(t.Rows)/1e6, t.Seconds, float64(t.Rows)/t.CPUSeconds/1e6, mib(t.ArchiveBytes), t.WriteSeconds),
			"< 300 MiB", mark(t.PeakRSS < rssTarget),
		})
	}
	if n := len(r.Takeout); n >= 2 {
		a, b := r.Takeout[0], r.Takeout[n-1]
		ratio := float64(b.PeakLive) / float64(a.PeakLive)
		out = append(out, row{
			fmt.Sprintf("takeout import: peak live heap %d years / %d year (%.1f× the rows)", b.Years, a.Years, float64(b.Rows)/float64(a.Rows)),
			fmt.Sprintf("%.2f (%s / %s; peak RSS %.2f: %s / %s)", ratio, mib(b.PeakLive), mib(a.PeakLive),
				float64(b.PeakRSS)/float64(a.PeakRSS), mib(b.PeakRSS), mib(a.PeakRSS)),
			"<= 1.25 (does not grow with the archive)", mark(ratio <= 1.25),
		})
	}
	return out
}

// sampleLiveHeap samples the live heap every 5 ms until the process ends
// and returns a func giving the largest seen.
func sampleLiveHeap() func() int64 {
	var peak atomic.Int64
	go func() {
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			metrics.Read(s)
			if v := int64(s[0].Value.Uint64()); v > peak.Load() {
				peak.Store(v)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return func() int64 {
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(s)
		return max(peak.Load(), int64(s[0].Value.Uint64()))
	}
}
