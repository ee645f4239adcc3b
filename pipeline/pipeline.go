// Package pipeline runs an export: plan → fetch (bounded concurrency through
// one rate-limited client) → raw cache → transform → write → manifest.
//
// Transform and load are pure functions of the raw cache: a month partition
// is rebuilt from the cached responses that supply its days, so a rerun, a
// resumed run and `fitexport rebuild` all give the same bytes, and a schema
// change never costs API quota.
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"golang.org/x/sync/errgroup"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/extract"
	"github.com/fitexport/fitexport/load"
)

// Fetcher sends one planned request (following its pages).
type Fetcher interface {
	Fetch(ctx context.Context, req dataset.Request) ([][]byte, error)
}

// Paths inside OUT.
const (
	MetaDir      = "_fitexport"
	ManifestPath = load.ManifestPath
	StatePath    = MetaDir + "/state.json"
	ReportPath   = MetaDir + "/last-report.json"
	RawDir       = MetaDir + "/raw"
)

// Job is one export run for one user.
type Job struct {
	// Source is the protocol datasets are planned for (fitbit or
	// google-health); SourceName names the cache namespace and manifest
	// source (fitbit, google-health, sandbox).
	Source     dataset.Source
	SourceName string
	User       string
	Datasets   []*dataset.Dataset
	// AllNames are every dataset's names (for reuse decisions).
	AllNames []string
	Options  dataset.Options
	Format   load.Format
	// OutDir is the local output folder; Out is its FS.
	OutDir string
	Out    load.FS

	// From/To: the days to export. A zero From continues after the last
	// complete day (Since on a first run); a zero To stops at the last day
	// the device has fully synced.
	From, To dates.Date
	Since    dates.Date
	// LastSync is the tracker's last sync; days that ended before it are
	// complete.
	LastSync time.Time
	Zone     *time.Location
	Refetch  bool
	DryRun   bool
	// Deadline: no request starts after it (the run stops, resumable).
	Deadline time.Time
	// Force rewrites every month partition, changed or not (rebuild).
	Force bool
	// Concurrency bounds requests in flight (default 4).
	Concurrency int
	// Alloc is the Arrow allocator (tests pass a checked one).
	Alloc memory.Allocator
	// Log receives progress lines; nil discards.
	Log      io.Writer
	Progress Progress
	Now      func() time.Time
}

// Progress is told about fetches as they happen (a terminal bar, say).
type Progress interface {
	Planned(perDataset map[string]int)
	Fetched(datasetName string)
	Done()
}

// Result is what a run did.
type Result struct {
	Range    dates.Range
	Plan     extract.Plan
	Datasets map[string]*DatasetResult
	// Skipped maps a dataset to why it was skipped (a missing scope).
	Skipped map[string]string
	Fetched int
}

// DatasetResult is one dataset's part of a run.
type DatasetResult struct {
	Requests       int    `json:"requests"`
	RowsWritten    int64  `json:"rows_written"`
	FilesWritten   int    `json:"files_written"`
	Rows           int64  `json:"rows_total"`
	DaysComplete   int    `json:"days_complete"`
	DaysIncomplete int    `json:"days_incomplete"`
	DaysEmpty      int    `json:"days_empty"`
	Skipped        string `json:"skipped,omitempty"`
}

// Run executes the job. On a budget stop or an interrupt it still writes
// everything fetched so far (consistently) and returns the cause.
func Run(ctx context.Context, job Job, f Fetcher) (*Result, error) {
	j := job.withDefaults()
	cache, err := extract.OpenCache(path.Join(j.OutDir, RawDir), j.SourceName, j.User)
	if err != nil {
		return nil, err
	}
	defer cache.Close()
	// Never trust a damaged local file: check the raw cache, the manifest
	// and the data files, and repair what can be repaired (verify.go).
	if err := j.verify(cache); err != nil {
		return nil, err
	}
	layers, err := j.openLayers(cache)
	if err != nil {
		return nil, err
	}
	defer closeLayers(layers)

	st := j.deriveLayers(layers)
	rng, need, err := j.need(st)
	if err != nil {
		return nil, err
	}
	res := &Result{Range: rng, Datasets: map[string]*DatasetResult{}, Skipped: map[string]string{}}
	plan := extract.PlanRequests(j.Datasets, j.Source, j.Options, need, cache, j.Refetch)
	res.Plan = plan
	for _, d := range j.Datasets {
		res.Datasets[d.Name] = &DatasetResult{Requests: plan.PerDataset[d.Name]}
	}
	if j.DryRun {
		return res, nil
	}
	if j.Progress != nil {
		j.Progress.Planned(plan.PerDataset)
	}
	fetchErr := j.fetch(ctx, f, cache, plan, res)
	if j.Progress != nil {
		j.Progress.Done()
	}
	// Whatever happened, write what the cache now holds. An interrupt must
	// not stop the flush: use a context that is not cancelled.
	buildErr := j.build(context.WithoutCancel(ctx), layers, res)
	for tries := 0; tries < 10 && fetchErr == nil; tries++ {
		var damaged *damagedError
		if !errors.As(buildErr, &damaged) || !damaged.own {
			break
		}
		// A raw answer on disk is damaged: never trust it; drop it, fetch
		// the days it carried again, and build once more.
		fmt.Fprintf(j.Log, "warning: %v: fetching it again\n", damaged.err)
		refetch := j.refetchPlan(cache, damaged.key)
		if err := cache.Drop(damaged.key); err != nil {
			return res, err
		}
		if fetchErr = j.fetch(ctx, f, cache, refetch, res); fetchErr == nil {
			buildErr = j.build(context.WithoutCancel(ctx), layers, res)
		}
	}
	if fetchErr != nil {
		return res, fetchErr
	}
	return res, buildErr
}

// damagedError reports a raw cache entry that cannot be read back.
type damagedError struct {
	key string
	own bool // in this run's namespace (else another layer's)
	err error
}

func (e *damagedError) Error() string { return e.err.Error() + " (delete it and run again to refetch)" }
func (e *damagedError) Unwrap() error { return e.err }

// refetchPlan plans the requests for every dataset day that the entry key
// supplied, before it is dropped.
func (j Job) refetchPlan(cache *extract.Cache, key string) extract.Plan {
	st := extract.DeriveState(cache.Entries(), j.Datasets, j.Source, j.Options, j.AllNames)
	need := map[string][]dates.Date{}
	for ds, days := range st {
		for d, s := range days {
			for _, k := range s.Keys {
				if k == key {
					need[ds] = append(need[ds], d)
				}
			}
		}
	}
	return extract.PlanRequests(j.Datasets, j.Source, j.Options, need, nil, true)
}

func (j Job) withDefaults() Job {
	if j.Concurrency <= 0 {
		j.Concurrency = 4
	}
	if j.Alloc == nil {
		j.Alloc = memory.NewGoAllocator()
	}
	if j.Now == nil {
		j.Now = time.Now
	}
	if j.Log == nil {
		j.Log = io.Discard
	}
	if j.Zone == nil {
		j.Zone = time.UTC
	}
	if j.Out == nil {
		j.Out = load.DirFS(j.OutDir)
	}
	return j
}

// Build rewrites the outputs from the raw cache alone: no network, no
// token. It is `fitexport rebuild`; with Force every month is rewritten.
func Build(ctx context.Context, job Job) (*Result, error) {
	j := job.withDefaults()
	cache, err := extract.OpenCache(path.Join(j.OutDir, RawDir), j.SourceName, j.User)
	if err != nil {
		return nil, err
	}
	defer cache.Close()
	layers, err := j.openLayers(cache)
	if err != nil {
		return nil, err
	}
	defer closeLayers(layers)
	res := &Result{Datasets: map[string]*DatasetResult{}, Skipped: map[string]string{}}
	for _, d := range j.Datasets {
		res.Datasets[d.Name] = &DatasetResult{}
	}
	return res, j.build(ctx, layers, res)
}

// CachedUsers lists the source/user pairs the raw cache under outDir holds.
func CachedUsers(outDir string) ([][2]string, error) {
	root := path.Join(outDir, RawDir)
	srcs, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out [][2]string
	for _, s := range srcs {
		if !s.IsDir() {
			continue
		}
		users, err := os.ReadDir(path.Join(root, s.Name()))
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.IsDir() {
				out = append(out, [2]string{s.Name(), u.Name()})
			}
		}
	}
	return out, nil
}

// LastSyncedDay is the last day that ended before lastSync in zone.
func LastSyncedDay(lastSync time.Time, zone *time.Location) dates.Date {
	d := dates.In(lastSync, zone)
	if dayEnd(d, zone).After(lastSync) {
		d = d.AddDays(-1)
	}
	return d
}

// dayEnd is the instant the local day d ends (the next local midnight).
func dayEnd(d dates.Date, zone *time.Location) time.Time { return d.AddDays(1).Time(zone) }

// completeThrough is the last day that had ended before the last sync.
func (j Job) completeThrough() dates.Date {
	if j.LastSync.IsZero() {
		return dates.Date{}
	}
	return LastSyncedDay(j.LastSync, j.Zone)
}

// need decides the days to fetch per dataset.
func (j Job) need(st extract.State) (dates.Range, map[string][]dates.Date, error) {
	to := j.To
	if to.IsZero() {
		if j.LastSync.IsZero() {
			return dates.Range{}, nil, errors.New("the device has never synced: pass --to")
		}
		to = LastSyncedDay(j.LastSync, j.Zone)
	}
	need := map[string][]dates.Date{}
	var overall dates.Range
	for _, d := range j.Datasets {
		from := j.From
		var earlier []dates.Date
		if from.IsZero() {
			// Continue after the last complete day; fetch earlier
			// incomplete days again.
			var last, first dates.Date
			for _, day := range st.Days(d.Name) {
				if first.IsZero() {
					first = day
				}
				if st.Satisfied(d.Name, day) {
					last = day
				} else if day.Before(to) || day == to {
					earlier = append(earlier, day)
				}
			}
			switch {
			case last.IsZero() && first.IsZero():
				from = j.Since // a first run
			case last.IsZero():
				from = first // nothing complete yet: from the first day held
			default:
				from = last.AddDays(1)
			}
		}
		var days []dates.Date
		for _, day := range earlier {
			if day.Before(from) {
				days = append(days, day)
			}
		}
		dates.Range{From: from, To: to}.Each(func(day dates.Date) {
			if j.Refetch || !st.Satisfied(d.Name, day) {
				days = append(days, day)
			}
		})
		need[d.Name] = days
		if len(days) > 0 {
			if overall.From.IsZero() || days[0].Before(overall.From) {
				overall.From = days[0]
			}
			if last := days[len(days)-1]; overall.To.IsZero() || last.After(overall.To) {
				overall.To = last
			}
		}
	}
	if j.From.IsZero() && overall.From.IsZero() {
		overall = dates.Range{From: to.AddDays(1), To: to}
	} else if !j.From.IsZero() {
		overall = dates.Range{From: j.From, To: to}
	}
	return overall, need, nil
}

func (j Job) fetch(ctx context.Context, f Fetcher, cache *extract.Cache, plan extract.Plan, res *Result) error {
	var (
		mu       sync.Mutex
		stopErr  error
		skipKeys = map[string]bool{}
	)
	stopped := func() bool { mu.Lock(); defer mu.Unlock(); return stopErr != nil }
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(j.Concurrency)
	zone := j.Zone.String()
	for _, req := range plan.Requests {
		if stopped() || gctx.Err() != nil {
			break
		}
		if !j.Deadline.IsZero() && !j.Now().Before(j.Deadline) {
			mu.Lock()
			stopErr = fmt.Errorf("deadline reached: %w", extract.ErrStopped)
			mu.Unlock()
			break
		}
		mu.Lock()
		skip := false
		for _, ds := range plan.Serves[req.Key] {
			if res.Skipped[ds] != "" {
				skip = true
			}
		}
		mu.Unlock()
		if skip {
			continue
		}
		g.Go(func() error {
			if stopped() {
				return nil
			}
			pages, err := f.Fetch(gctx, req)
			switch {
			case errors.Is(err, extract.ErrScope):
				mu.Lock()
				for _, ds := range plan.Serves[req.Key] {
					if res.Skipped[ds] == "" {
						res.Skipped[ds] = err.Error()
						fmt.Fprintf(j.Log, "warning: skipping %s: %v\n", ds, err)
					}
				}
				skipKeys[req.Key] = true
				mu.Unlock()
				return nil
			case errors.Is(err, extract.ErrStopped):
				mu.Lock()
				if stopErr == nil {
					stopErr = err
				}
				mu.Unlock()
				return nil
			case err != nil:
				return fmt.Errorf("fetch %s: %w", req.Key, err)
			}
			if _, err := cache.Put(req, pages, extract.Meta{FetchedAt: j.Now(), CompleteThrough: j.completeThrough(), LastSync: j.LastSync, Zone: zone}); err != nil {
				return err
			}
			mu.Lock()
			res.Fetched++
			mu.Unlock()
			if j.Progress != nil {
				j.Progress.Fetched(plan.Serves[req.Key][0])
			}
			return nil
		})
	}
	err := g.Wait()
	if err == nil {
		err = stopErr
	}
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return err
}

// build rewrites every month partition whose supplying responses changed
// (or whose file is missing), then the manifest and state.
func (j Job) build(ctx context.Context, layers []*layer, res *Result) error {
	man, err := load.ReadManifest(j.Out, ManifestPath)
	if err != nil {
		return err
	}
	formatChanged := man.Format != "" && man.Format != string(j.Format)
	man.Tool, man.FormatVersion = "fitexport", 1
	man.Source, man.Format, man.User = j.SourceName, string(j.Format), j.User
	man.Options = map[string]string{"heart_detail": j.Options.HeartDetail}
	if man.Datasets == nil {
		man.Datasets = map[string]*load.DatasetEntry{}
	}
	st := j.deriveLayers(layers)
	_ = load.CleanTemp(j.Out, "")
	for _, d := range j.Datasets {
		if res.Skipped[d.Name] != "" {
			res.Datasets[d.Name].Skipped = res.Skipped[d.Name]
		}
		if err := j.buildDataset(ctx, d, layers, st, man, formatChanged, res.Datasets[d.Name]); err != nil {
			return err
		}
	}
	if err := load.WriteManifest(j.Out, ManifestPath, man); err != nil {
		return err
	}
	return load.WriteJSON(j.Out, StatePath, stateView(st))
}

// stateView is the human-readable state file: per dataset and day, when it
// was fetched and whether it was complete.
func stateView(st extract.State) map[string]map[string]extract.DayState {
	out := map[string]map[string]extract.DayState{}
	for ds, days := range st {
		m := map[string]extract.DayState{}
		for d, s := range days {
			m[d.String()] = s
		}
		out[ds] = m
	}
	return out
}

func (j Job) buildDataset(ctx context.Context, d *dataset.Dataset, layers []*layer, st extract.State, man *load.Manifest, formatChanged bool, dr *DatasetResult) error {
	entry := man.Datasets[d.Name]
	if entry == nil || entry.SchemaVersion != d.Version || formatChanged {
		if entry != nil {
			for _, f := range entry.Files {
				_ = j.Out.Remove(f.Path)
			}
		}
		entry = &load.DatasetEntry{SchemaVersion: d.Version}
		man.Datasets[d.Name] = entry
	}
	if entry.Months == nil {
		entry.Months = map[string]load.MonthInfo{}
	}
	days := st[d.Name]
	byMonth := map[string][]dates.Date{}
	for day, s := range days {
		byMonth[day.MonthKey()] = append(byMonth[day.MonthKey()], day)
		if s.Complete {
			dr.DaysComplete++
		} else {
			dr.DaysIncomplete++
		}
	}
	months := make([]string, 0, len(byMonth))
	for m := range byMonth {
		months = append(months, m)
	}
	sort.Strings(months)
	files := map[string]load.FileInfo{}
	for _, f := range entry.Files {
		files[f.Path] = f
	}
	// Months are built two at a time (one per core on the usual runner):
	// each is a pure function of the cache written to its own file; the
	// results are then recorded in month order.
	type built struct {
		m, fp, path string
		mdays       []dates.Date
		info        load.FileInfo
		withData    map[dates.Date]bool
		skip        bool
	}
	results := make([]built, len(months))
	g := newMonthGroup()
	for i, m := range months {
		mdays := byMonth[m]
		sort.Slice(mdays, func(a, b int) bool { return mdays[a].Before(mdays[b]) })
		r := built{m: m, fp: j.fingerprint(mdays, days), path: load.PartitionPath(d.Name, m, j.Format), mdays: mdays}
		old, ok := entry.Months[m]
		if ok && old.Fingerprint == r.fp && !j.Force {
			if _, err := j.Out.Stat(r.path); err == nil || old.Rows == 0 {
				r.skip = true
			}
		}
		results[i] = r
		if r.skip {
			continue
		}
		g.Go(func() (func() error, error) {
			staged, withData, err := j.buildMonth(ctx, d, layers, days, mdays, r.path)
			if err != nil {
				return nil, err
			}
			results[i].withData = withData
			return func() error {
				info, err := staged.Commit()
				results[i].info = info
				return err
			}, nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, r := range results {
		if r.skip {
			continue
		}
		var empty []string
		for _, day := range r.mdays {
			if !r.withData[day] {
				empty = append(empty, day.String())
			}
		}
		entry.Months[r.m] = load.MonthInfo{Fingerprint: r.fp, Rows: r.info.Rows, Days: len(r.mdays), EmptyDays: empty,
			First: r.mdays[0].String(), Last: r.mdays[len(r.mdays)-1].String()}
		if srcs := layerNames(layers, days, r.mdays); len(srcs) > 1 || (len(srcs) == 1 && srcs[0] != j.SourceName) {
			mi := entry.Months[r.m]
			mi.Sources = srcs
			entry.Months[r.m] = mi
		}
		delete(files, r.path)
		if r.info.Rows > 0 {
			files[r.path] = r.info
			dr.FilesWritten++
		}
		dr.RowsWritten += r.info.Rows
		fmt.Fprintf(j.Log, "%s %s: %d rows → %s\n", d.Name, r.m, r.info.Rows, r.path)
	}
	// Summarise.
	entry.Files = entry.Files[:0]
	for _, f := range files {
		entry.Files = append(entry.Files, f)
	}
	sort.Slice(entry.Files, func(a, b int) bool { return entry.Files[a].Path < entry.Files[b].Path })
	entry.Rows, entry.FirstDay, entry.LastDay, entry.EmptyDays = 0, "", "", nil
	ms := make([]string, 0, len(entry.Months))
	for m := range entry.Months {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	for _, m := range ms {
		mi := entry.Months[m]
		entry.Rows += mi.Rows
		if entry.FirstDay == "" {
			entry.FirstDay = mi.First
		}
		entry.LastDay = mi.Last
		entry.EmptyDays = append(entry.EmptyDays, mi.EmptyDays...)
		dr.DaysEmpty += len(mi.EmptyDays)
	}
	zones := map[string]bool{}
	for _, s := range days {
		zones[s.Zone] = true
	}
	entry.Zones = entry.Zones[:0]
	for z := range zones {
		entry.Zones = append(entry.Zones, z)
	}
	sort.Strings(entry.Zones)
	entry.Schema = load.Columns(d.Schema)
	dr.Rows = entry.Rows
	return nil
}

// fingerprint identifies the responses that supply a month's days (and
// their layer when it is not this run's namespace).
func (j Job) fingerprint(mdays []dates.Date, days map[dates.Date]extract.DayState) string {
	h := sha256.New()
	own := j.SourceName + "/" + j.User
	for _, d := range mdays {
		s := days[d]
		fmt.Fprintf(h, "%s", d)
		if s.Layer != own {
			fmt.Fprintf(h, "#%s", s.Layer)
		}
		for _, k := range s.Keys {
			fmt.Fprintf(h, "|%s", k)
		}
		fmt.Fprintf(h, "@%d;", s.FetchedAt.UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func (j Job) buildMonth(_ context.Context, d *dataset.Dataset, layers []*layer, days map[dates.Date]extract.DayState, mdays []dates.Date, p string) (*load.Staged, map[dates.Date]bool, error) {
	b := array.NewRecordBuilder(j.Alloc, d.Schema)
	defer b.Release()
	// Each run of consecutive days from one layer is transformed with that
	// layer's protocol, in date order, into the one partition.
	for _, r := range runs(layers, days, mdays) {
		if r.l == nil {
			continue
		}
		spec, ok := d.Sources[r.l.proto]
		if !ok {
			continue
		}
		in, err := j.input(d, r.l, days, r.days)
		if err != nil {
			return nil, nil, err
		}
		if err := spec.Transform(in, b); err != nil {
			return nil, nil, err
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	withData := daysWithData(rec)
	staged, err := load.StagePartition(j.Out, p, j.Format, d.Schema, []arrow.RecordBatch{rec})
	return staged, withData, err
}

// input gathers, in date order, the cached answers of layer l that supply
// the days mdays of dataset d.
func (j Job) input(d *dataset.Dataset, l *layer, days map[dates.Date]extract.DayState, mdays []dates.Date) (dataset.Input, error) {
	keys := map[string]bool{}
	want := map[dates.Date]map[string]bool{}
	for _, day := range mdays {
		s := days[day]
		want[day] = map[string]bool{}
		for _, k := range s.Keys {
			keys[k] = true
			want[day][k] = true
		}
	}
	var entries []extract.Entry
	for k := range keys {
		e, ok := l.cache.Lookup(k)
		if ok {
			entries = append(entries, e)
		}
	}
	// Date order, whatever order the answers arrived in; Want keeps a day's
	// rows to the answers that own it.
	sort.Slice(entries, func(a, b int) bool {
		x, y := entries[a], entries[b]
		if c := x.From.Compare(y.From); c != 0 {
			return c < 0
		}
		if c := x.To.Compare(y.To); c != 0 {
			return c < 0
		}
		return x.Seq < y.Seq
	})
	loadZone := zoneLoader(j.Zone)
	in := dataset.Input{
		Dataset: d.Name,
		Want: func(day dates.Date, key string) bool {
			return want[day][key]
		},
		Zone: func(day dates.Date) *time.Location {
			if s, ok := days[day]; ok {
				return loadZone(s.Zone)
			}
			return j.Zone
		},
	}
	all, failed, err := getAll(l.cache, entries)
	if err != nil {
		err = fmt.Errorf("%s: %w", d.Name, err)
		if !l.own {
			err = fmt.Errorf("%s (in the %s raw cache)", err, l.name)
		}
		return in, &damagedError{key: entries[failed].Key, own: l.own, err: err}
	}
	for i, e := range entries {
		pages := all[i]
		in.Responses = append(in.Responses, dataset.Response{Request: dataset.Request{Key: e.Key, Days: e.Days}, Pages: pages,
			FetchedAt: e.FetchedAt, LastSync: e.LastSync})
	}
	return in, nil
}

// zoneLoader returns a memoising time.LoadLocation that falls back to def.
func zoneLoader(def *time.Location) func(string) *time.Location {
	m := map[string]*time.Location{"": def}
	return func(name string) *time.Location {
		if z, ok := m[name]; ok {
			return z
		}
		z, err := time.LoadLocation(name)
		if err != nil {
			z = def
		}
		m[name] = z
		return z
	}
}

// daysWithData finds the local day of every row from the first of date,
// date_of_sleep, time_local or start_local.
func daysWithData(rec arrow.RecordBatch) map[dates.Date]bool {
	out := map[dates.Date]bool{}
	sch := rec.Schema()
	for _, name := range []string{"date", "date_of_sleep", "time_local", "start_local"} {
		idx := sch.FieldIndices(name)
		if len(idx) == 0 {
			continue
		}
		switch col := rec.Column(idx[0]).(type) {
		case *array.Date32:
			for i := 0; i < col.Len(); i++ {
				if col.IsValid(i) {
					out[dates.Of(col.Value(i).ToTime())] = true
				}
			}
		case *array.Timestamp:
			unit := col.DataType().(*arrow.TimestampType).Unit
			perDay := int64(86400)
			switch unit {
			case arrow.Millisecond:
				perDay *= 1e3
			case arrow.Microsecond:
				perDay *= 1e6
			case arrow.Nanosecond:
				perDay *= 1e9
			}
			last, seen := int64(0), false
			for i := 0; i < col.Len(); i++ {
				if !col.IsValid(i) {
					continue
				}
				v := int64(col.Value(i))
				day := v / perDay
				if v%perDay < 0 {
					day--
				}
				if seen && day == last {
					continue
				}
				last, seen = day, true
				out[dates.Of(time.Unix(day*86400, 0).UTC())] = true
			}
		}
		return out
	}
	return out
}
