package pipeline_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/extract"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/pipeline"
	"github.com/fitexport/fitexport/sim"
)

// heartMonthCache fills the raw cache under out with July 2026 of 1-second
// heart rate for the simulator's first user (about 260,000 samples),
// served by the simulator's handler in-process.
func heartMonthCache(b *testing.B, out string) {
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
	month := dates.Range{From: dates.MustParse("2026-07-01"), To: dates.MustParse("2026-07-31")}
	for _, req := range d.Sources[dataset.Fitbit].Requests(opts, month) {
		r := httptest.NewRequest(http.MethodGet, req.Path, nil)
		r.Header.Set("Authorization", "Bearer "+access)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		body, _ := io.ReadAll(w.Result().Body)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", req.Path, w.Code, body)
		}
		if _, err := c.Put(req, [][]byte{body}, extract.Meta{FetchedAt: sync, CompleteThrough: month.To, LastSync: sync, Zone: users[0].Zone}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildHeart1secMonth rebuilds a month of 1-second heart rate from
// the raw cache (read, decompress, decode, transform, write, manifest) in
// each format and reports rows/s. Profile it with
//
//	go test -run '^$' -bench BuildHeart1secMonth/csv -cpuprofile cpu.out ./pipeline
//	go tool pprof -top -cum cpu.out
func BenchmarkBuildHeart1secMonth(b *testing.B) {
	out := b.TempDir()
	heartMonthCache(b, out)
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
			for b.Loop() {
				res, err := pipeline.Build(context.Background(), job)
				if err != nil {
					b.Fatal(err)
				}
				rows += res.Datasets["heart_rate"].RowsWritten
			}
			if rows == 0 {
				b.Fatal("no rows")
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
