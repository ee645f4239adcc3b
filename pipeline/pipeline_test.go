package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/extract"
	"github.com/fitexport/fitexport/load"
)

// toy is a one-request-per-day dataset: rows (date, value) where value is
// the day of month times 10 plus the fetch generation, so a refetch shows.
func toy() *dataset.Dataset {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "date", Type: arrow.FixedWidthTypes.Date32},
		{Name: "value", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	return &dataset.Dataset{
		Name: "toy", Kind: dataset.Daily, Schema: schema, Version: 1,
		Sources: map[dataset.Source]dataset.Spec{dataset.Fitbit: {
			Requests: func(o dataset.Options, r dates.Range) []dataset.Request {
				var out []dataset.Request
				r.Each(func(d dates.Date) {
					out = append(out, dataset.Request{Key: "toy/" + d.String(), Path: "/toy/" + d.String(), Days: dates.Range{From: d, To: d}})
				})
				return out
			},
			Transform: func(in dataset.Input, b *array.RecordBuilder) error {
				for _, resp := range in.Responses {
					var v struct {
						Date  string `json:"date"`
						Value int64  `json:"value"`
					}
					if err := json.Unmarshal(resp.Pages[0], &v); err != nil {
						return err
					}
					d := dates.MustParse(v.Date)
					if !in.Want(d, resp.Request.Key) || v.Value < 0 {
						continue
					}
					b.Field(0).(*array.Date32Builder).Append(arrow.Date32FromTime(d.UTC()))
					b.Field(1).(*array.Int64Builder).Append(v.Value)
				}
				return nil
			},
		}},
	}
}

// fakeAPI answers toy requests; a negative value means "no data that day".
type fakeAPI struct {
	mu     sync.Mutex
	gen    int64
	sent   []string
	stopAt int // ErrStopped once this many requests were sent (0 = never)
}

func (f *fakeAPI) Fetch(ctx context.Context, req dataset.Request) ([][]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopAt > 0 && len(f.sent) >= f.stopAt {
		return nil, fmt.Errorf("budget: %w", extract.ErrStopped)
	}
	f.sent = append(f.sent, req.Key)
	d := req.Days.From
	v := int64(d.Day)*10 + f.gen
	if d.Day == 13 {
		v = -1
	}
	return [][]byte{[]byte(fmt.Sprintf(`{"date":%q,"value":%d}`, d, v))}, nil
}

func (f *fakeAPI) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.sent
	f.sent = nil
	sort.Strings(s)
	return s
}

var berlin, _ = time.LoadLocation("Europe/Berlin")

func job(t *testing.T, out string, alloc memory.Allocator) Job {
	ds := toy()
	return Job{
		Source: dataset.Fitbit, SourceName: "fitbit", User: "U1",
		Datasets: []*dataset.Dataset{ds}, AllNames: []string{"toy"},
		Options: dataset.DefaultOptions(), Format: load.CSV, OutDir: out,
		Zone: berlin, Alloc: alloc, Concurrency: 3,
	}
}

// syncedThrough returns a last-sync instant an hour after day d ended.
func syncedThrough(d string) time.Time {
	return dates.MustParse(d).AddDays(1).Time(berlin).Add(time.Hour)
}

func keys(days ...string) []string {
	var out []string
	for _, d := range days {
		out = append(out, "toy/"+d)
	}
	sort.Strings(out)
	return out
}

func readAll(t *testing.T, out string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(filepath.Join(out, "toy"), func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		fmt.Fprintf(&b, "== %s\n%s", strings.TrimPrefix(p, out), data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestIncrementalRunsFetchOnlyWhatIsNew(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	out := t.TempDir()
	api := &fakeAPI{}
	ctx := context.Background()

	// Night 1: days 1–6 explicitly; the tracker synced through day 6.
	j := job(t, out, alloc)
	j.From, j.To = dates.MustParse("2026-10-01"), dates.MustParse("2026-10-06")
	j.LastSync = syncedThrough("2026-10-06")
	if _, err := Run(ctx, j, api); err != nil {
		t.Fatal(err)
	}
	if got, want := api.take(), keys("2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("night 1 sent %v, want %v", got, want)
	}

	// Night 2, on day 10, no dates: synced through day 9 → days 7–9 only.
	j = job(t, out, alloc)
	j.LastSync = syncedThrough("2026-10-09")
	res, err := Run(ctx, j, api)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := api.take(), keys("2026-10-07", "2026-10-08", "2026-10-09"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("night 2 sent %v, want %v", got, want)
	}
	if res.Datasets["toy"].RowsWritten != 9 || res.Datasets["toy"].Rows != 9 {
		t.Fatalf("rows written %d total %d, want 9 and 9", res.Datasets["toy"].RowsWritten, res.Datasets["toy"].Rows)
	}
	rows, err := load.ReadRows(load.DirFS(out), load.PartitionPath("toy", "2026-10", load.CSV), load.CSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 9 || rows[0]["date"] != "2026-10-01" || rows[8]["value"] != "90" {
		t.Fatalf("rows = %v", rows)
	}

	// Night 3: nothing new → nothing sent, files untouched.
	before := readAll(t, out)
	j = job(t, out, alloc)
	j.LastSync = syncedThrough("2026-10-09")
	res, err = Run(ctx, j, api)
	if err != nil {
		t.Fatal(err)
	}
	if got := api.take(); len(got) != 0 || res.Datasets["toy"].FilesWritten != 0 {
		t.Fatalf("idle night sent %v and wrote %d files", got, res.Datasets["toy"].FilesWritten)
	}
	if after := readAll(t, out); after != before {
		t.Fatalf("idle night changed output:\n%s\nvs\n%s", before, after)
	}
}

func TestLateSyncRefetchesIncompleteDaysOnly(t *testing.T) {
	out := t.TempDir()
	api := &fakeAPI{}
	ctx := context.Background()
	j := job(t, out, nil)
	j.From, j.To = dates.MustParse("2026-10-01"), dates.MustParse("2026-10-04")
	// Synced in the middle of day 3: days 3 and 4 are incomplete.
	j.LastSync = dates.MustParse("2026-10-03").Time(berlin).Add(9 * time.Hour)
	if _, err := Run(ctx, j, api); err != nil {
		t.Fatal(err)
	}
	api.take()
	api.gen = 1 // the API now has more data for refetched days

	j = job(t, out, nil)
	j.LastSync = syncedThrough("2026-10-04")
	if _, err := Run(ctx, j, api); err != nil {
		t.Fatal(err)
	}
	if got, want := api.take(), keys("2026-10-03", "2026-10-04"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("late sync sent %v, want %v", got, want)
	}
	rows, err := load.ReadRows(load.DirFS(out), load.PartitionPath("toy", "2026-10", load.CSV), load.CSV)
	if err != nil {
		t.Fatal(err)
	}
	var vals []string
	for _, r := range rows {
		vals = append(vals, r["value"])
	}
	if got := strings.Join(vals, ","); got != "10,20,31,41" {
		t.Fatalf("values %s, want 10,20,31,41 (days 3–4 replaced, 1–2 kept)", got)
	}
}

func TestBudgetStopKeepsWhatWasFetchedAndResumes(t *testing.T) {
	out := t.TempDir()
	ctx := context.Background()
	api := &fakeAPI{stopAt: 5}
	j := job(t, out, nil)
	j.Concurrency = 1
	j.From, j.To = dates.MustParse("2026-09-28"), dates.MustParse("2026-10-12")
	j.LastSync = syncedThrough("2026-10-20")
	_, err := Run(ctx, j, api)
	if !errors.Is(err, extract.ErrStopped) {
		t.Fatalf("err = %v, want ErrStopped", err)
	}
	first := api.take()
	if len(first) != 5 {
		t.Fatalf("sent %d before the budget stop, want 5", len(first))
	}
	m, err := load.ReadManifest(load.DirFS(out), ManifestPath)
	if err != nil || m.Datasets["toy"].Rows != 5 {
		t.Fatalf("manifest after stop: %+v %v", m.Datasets["toy"], err)
	}
	api.stopAt = 0
	if _, err := Run(ctx, j, api); err != nil {
		t.Fatal(err)
	}
	second := api.take()
	if len(second)+len(first) != 15 {
		t.Fatalf("resume sent %d more; %d in all, want 15 (no request repeated)", len(second), len(second)+len(first))
	}
	m, _ = load.ReadManifest(load.DirFS(out), ManifestPath)
	e := m.Datasets["toy"]
	if e.Rows != 15 || len(e.EmptyDays) != 0 {
		t.Fatalf("manifest: rows %d empty %v", e.Rows, e.EmptyDays)
	}
	if e.FirstDay != "2026-09-28" || e.LastDay != "2026-10-12" || len(e.Files) != 2 {
		t.Fatalf("manifest coverage %s..%s files %d", e.FirstDay, e.LastDay, len(e.Files))
	}
}

func TestDeletedOutputIsRebuiltFromCacheWithoutRequests(t *testing.T) {
	out := t.TempDir()
	ctx := context.Background()
	api := &fakeAPI{}
	j := job(t, out, nil)
	j.From, j.To = dates.MustParse("2026-10-10"), dates.MustParse("2026-10-15")
	j.LastSync = syncedThrough("2026-10-20")
	if _, err := Run(ctx, j, api); err != nil {
		t.Fatal(err)
	}
	want := readAll(t, out)
	api.take()
	if err := os.RemoveAll(filepath.Join(out, "toy")); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, j, api); err != nil {
		t.Fatal(err)
	}
	if got := api.take(); len(got) != 0 {
		t.Fatalf("rebuild sent %v", got)
	}
	if got := readAll(t, out); got != want {
		t.Fatalf("rebuilt output differs:\n%s\nwant\n%s", got, want)
	}
	m, _ := load.ReadManifest(load.DirFS(out), ManifestPath)
	if fmt.Sprint(m.Datasets["toy"].EmptyDays) != "[2026-10-13]" {
		t.Fatalf("empty days %v, want [2026-10-13]", m.Datasets["toy"].EmptyDays)
	}
}

// TestDamagedCacheEntryIsRefetched: a raw answer damaged on disk is never
// trusted: the run says so, fetches that request again and writes the same
// output as before.
func TestDamagedCacheEntryIsRefetched(t *testing.T) {
	out := t.TempDir()
	ctx := context.Background()
	api := &fakeAPI{}
	var log strings.Builder
	j := job(t, out, nil)
	j.From, j.To = dates.MustParse("2026-10-10"), dates.MustParse("2026-10-12")
	j.LastSync = syncedThrough("2026-10-20")
	if _, err := Run(ctx, j, api); err != nil {
		t.Fatal(err)
	}
	want := readAll(t, out)
	api.take()
	entry := filepath.Join(out, RawDir, "fitbit", "U1", "toy", "2026-10-11.resp.zst")
	if err := os.WriteFile(entry, []byte("not zstd at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(out, "toy")); err != nil {
		t.Fatal(err)
	}
	j.Log = &log
	if _, err := Run(ctx, j, api); err != nil {
		t.Fatal(err)
	}
	if got := api.take(); fmt.Sprint(got) != "[toy/2026-10-11]" {
		t.Fatalf("refetched %v, want [toy/2026-10-11]", got)
	}
	if !strings.Contains(log.String(), "damaged") {
		t.Fatalf("no warning about the damaged entry: %q", log.String())
	}
	if got := readAll(t, out); got != want {
		t.Fatalf("output after the repair differs:\n%s\nwant\n%s", got, want)
	}
}
