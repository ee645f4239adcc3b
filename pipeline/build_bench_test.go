package pipeline_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/extract"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/pipeline"
	"github.com/fitexport/fitexport/sim"
)

// heartCache fills the raw cache under out with the days of rng of
// 1-second heart rate for the simulator's first user (Europe/Berlin; about
// 260,000 samples a month), served by the simulator's handler in-process.
func heartCache(b *testing.B, out string, rng dates.Range) {
	b.Helper()
	users := sim.DefaultUsers()
	sync := time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC)
	users[0].LastSync = sync
	s := sim.New(sim.Config{Seed: 1, Users: users, Quota: 1 << 30})
	access, _ := s.IssueTokens(users[0].ID, sim.SandboxClient.ID, nil)
	c, err := extract.OpenCache(filepath.Join(out, pipeline.RawDir), "sandbox", users[0].ID)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	d, _ := dataset.Default().Get("heart_rate")
	opts := dataset.DefaultOptions()
	opts.HeartDetail = "1sec"
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, req := range d.Sources[dataset.Fitbit].Requests(opts, rng) {
		g.Go(func() error {
			r := httptest.NewRequest(http.MethodGet, req.Path, nil)
			r.Header.Set("Authorization", "Bearer "+access)
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			body, _ := io.ReadAll(w.Result().Body)
			if w.Code != http.StatusOK {
				b.Errorf("%s: %d %s", req.Path, w.Code, body)
				return nil
			}
			_, err := c.Put(req, [][]byte{body}, extract.Meta{FetchedAt: sync, CompleteThrough: rng.To, LastSync: sync, Zone: users[0].Zone})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	if b.Failed() {
		b.FailNow()
	}
}

// benchmarkBuild rebuilds heart_rate from the raw cache under out (read,
// decompress, decode, transform, write, manifest) in each format and
// reports rows/s (wall) and rows per CPU-second (user + system time of the
// whole process while the loop ran, which is what two cores can share).
func benchmarkBuild(b *testing.B, out string) {
	reg := dataset.Default()
	d, _ := reg.Get("heart_rate")
	opts := dataset.DefaultOptions()
	opts.HeartDetail = "1sec"
	zone, _ := time.LoadLocation("Europe/Berlin")
	for _, f := range []load.Format{load.Parquet, load.CSV, load.NDJSON} {
		b.Run(string(f), func(b *testing.B) {
			job := pipeline.Job{Source: dataset.Fitbit, SourceName: "sandbox", User: "SIM001",
				Datasets: []*dataset.Dataset{d}, AllNames: reg.Names(), Options: opts, Format: f,
				OutDir: out, Zone: zone, Force: true}
			var rows int64
			cpu0 := cpuTime()
			for b.Loop() {
				res, err := pipeline.Build(context.Background(), job)
				if err != nil {
					b.Fatal(err)
				}
				rows += res.Datasets["heart_rate"].RowsWritten
			}
			cpu := cpuTime() - cpu0
			if rows == 0 {
				b.Fatal("no rows")
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
			if cpu > 0 {
				b.ReportMetric(float64(rows)/cpu.Seconds(), "rows/cpu-s")
			}
		})
	}
}

// BenchmarkBuildHeart1secMonth rebuilds July 2026 of 1-second heart rate
// (one partition). Profile it with
//
//	go test -run '^$' -bench BuildHeart1secMonth/csv -cpuprofile cpu.out ./pipeline
//	go tool pprof -top -cum cpu.out
func BenchmarkBuildHeart1secMonth(b *testing.B) {
	out := b.TempDir()
	heartCache(b, out, dates.Range{From: dates.MustParse("2026-07-01"), To: dates.MustParse("2026-07-31")})
	benchmarkBuild(b, out)
}

// BenchmarkBuildHeart1secYear rebuilds the year the bench driver measures
// (2025-11-01 to 2026-10-31, about 2.8 M rows in 12 partitions, two DST
// changes). Filling its cache takes a few seconds; set
// FITEXPORT_BENCH_YEAR to a folder to fill it once and reuse it across
// runs (-count).
func BenchmarkBuildHeart1secYear(b *testing.B) {
	out := os.Getenv("FITEXPORT_BENCH_YEAR")
	if out == "" {
		out = b.TempDir()
	}
	if _, err := os.Stat(filepath.Join(out, pipeline.RawDir, "sandbox", "SIM001", "journal.ndjson")); err != nil {
		heartCache(b, out, dates.Range{From: dates.MustParse("2025-11-01"), To: dates.MustParse("2026-10-31")})
	}
	benchmarkBuild(b, out)
}
