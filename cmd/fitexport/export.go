package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/extract"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/pipeline"
)

// exportFlags are the export command's flags (also accepted by the root
// command, so `fitexport --from … --to …` is an export).
type exportFlags struct {
	from, to, since string
	format, out     string
	datasets        string
	source, profile string
	heartDetail     string
	dryRun, refetch bool
	maxRequests     int
	deadline        time.Duration
	report          string
	quiet           bool
	concurrency     int
	dailyRangeCap   int
	googleMode      string
	sandboxAPI      string
	takeout         string
	takeoutZone     string
}

func (f *exportFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.from, "from", "", "first day to export, YYYY-MM-DD, in the user's time zone (default: continue after the last complete day)")
	fs.StringVar(&f.to, "to", "", "last day to export, inclusive (default: the last day the device has fully synced)")
	fs.StringVar(&f.since, "since", "", "where a first run without --from starts: a date, a number of days back like 30d, or all (the profile's memberSince); default 30d (a Takeout archive: all of it)")
	fs.StringVar(&f.format, "format", "parquet", "output format: parquet, csv or ndjson")
	fs.StringVar(&f.out, "out", "fitbit", "output folder")
	fs.StringVar(&f.datasets, "datasets", "", "comma-separated datasets (default: every dataset the token's scopes allow; see `fitexport datasets`)")
	fs.StringVar(&f.source, "source", "", "data source: fitbit, google-health or sandbox (default: the profile's, else fitbit)")
	fs.StringVar(&f.profile, "profile", "default", "profile name (tokens and settings under FITEXPORT_HOME)")
	fs.StringVar(&f.heartDetail, "heart-detail", "1min", "heart-rate resolution: 1sec, 1min, 5min or 15min")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the plan (requests per dataset and the time the rate limit makes it take) and send no data request")
	fs.BoolVar(&f.refetch, "refetch", false, "fetch the range again even where complete data is cached")
	fs.IntVar(&f.maxRequests, "max-requests", 0, "stop cleanly after this many API requests (exit 3, resumable)")
	fs.DurationVar(&f.deadline, "deadline", 0, "stop cleanly after this long, e.g. 45m (exit 3, resumable)")
	fs.StringVar(&f.report, "report", "", "write a JSON run report to this file")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress output (warnings are still printed)")
	fs.IntVar(&f.concurrency, "concurrency", 4, "requests in flight")
	fs.StringVar(&f.googleMode, "google-mode", "reconcile", "Google Health reads: reconcile (one merged stream, what the Fitbit app shows) or list (per-device points)")
	fs.StringVar(&f.takeout, "takeout", "", "with --source takeout: the Takeout archive's .zip parts (comma-separated) or its unpacked folder")
	fs.StringVar(&f.takeoutZone, "takeout-zone", "", "with --source takeout: the IANA zone to read local times in, only if the archive's profile lacks one")
	fs.StringVar(&f.sandboxAPI, "sandbox-api", "fitbit", "the protocol --source sandbox speaks: fitbit or google-health")
	fs.IntVar(&f.dailyRangeCap, "daily-range-cap", 1095, "days per daily time-series request (Fitbit documents 1095; lower it if the API refuses)")
}

func newExportCmd(app *App, f *exportFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export data (the default command)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExport(cmd.Context(), app, f)
		},
	}
	f.register(cmd.Flags())
	return cmd
}

var heartDetails = map[string]bool{"1sec": true, "1min": true, "5min": true, "15min": true}

// checked holds validated flags.
type checked struct {
	from, to  dates.Date
	format    load.Format
	names     []string
	outDir    string
	sinceDays int
	sinceAll  bool
	sinceDate dates.Date
	// sinceDefault: --since was not given.
	sinceDefault bool
}

func (f *exportFlags) check(now time.Time) (checked, error) {
	var c checked
	var err error
	if f.from != "" {
		if c.from, err = dates.Parse(f.from); err != nil {
			return c, usagef("--from: %v", err)
		}
	}
	if f.to != "" {
		if c.to, err = dates.Parse(f.to); err != nil {
			return c, usagef("--to: %v", err)
		}
	}
	if !c.from.IsZero() && !c.to.IsZero() && c.to.Before(c.from) {
		return c, usagef("--to %s is before --from %s", c.to, c.from)
	}
	if c.format, err = load.ParseFormat(f.format); err != nil {
		return c, usagef("--format: %v", err)
	}
	if f.googleMode != "reconcile" && f.googleMode != "list" {
		return c, usagef("--google-mode %q: want reconcile or list", f.googleMode)
	}
	if f.sandboxAPI != "fitbit" && f.sandboxAPI != "google-health" {
		return c, usagef("--sandbox-api %q: want fitbit or google-health", f.sandboxAPI)
	}
	if !heartDetails[f.heartDetail] {
		return c, usagef("--heart-detail %q: want 1sec, 1min, 5min or 15min", f.heartDetail)
	}
	if f.maxRequests < 0 || f.deadline < 0 || f.concurrency < 1 || f.dailyRangeCap < 1 {
		return c, usagef("--max-requests, --deadline, --concurrency and --daily-range-cap must be positive")
	}
	switch s := strings.TrimSpace(f.since); {
	case s == "":
		c.sinceDays, c.sinceDefault = 30, true
	case s == "all":
		c.sinceAll = true
	case strings.HasSuffix(s, "d"):
		n := 0
		if _, err := fmt.Sscanf(s, "%dd", &n); err != nil || n < 1 {
			return c, usagef("--since %q: want a date, a number of days like 30d, or all", s)
		}
		c.sinceDays = n
	default:
		if c.sinceDate, err = dates.Parse(s); err != nil {
			return c, usagef("--since %q: want a date, a number of days like 30d, or all", s)
		}
	}
	for _, n := range strings.FieldsFunc(f.datasets, func(r rune) bool { return r == ',' || r == ' ' }) {
		c.names = append(c.names, n)
	}
	c.outDir = filepath.Clean(f.out)
	if err := checkOutDir(c.outDir); err != nil {
		return c, err
	}
	return c, nil
}

// checkOutDir makes sure --out is (or can become) a writable folder.
func checkOutDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return usagef("--out %s is not a folder", dir)
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return usagef("--out %s cannot be created: %v", dir, err)
		}
	case err != nil:
		return usagef("--out %s: %v", dir, err)
	}
	probe, err := os.CreateTemp(dir, ".fitexport-probe-*")
	if err != nil {
		return usagef("--out %s is not writable: %v", dir, errors.Unwrap(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

func runExport(ctx context.Context, app *App, f *exportFlags) error {
	started := app.Now()
	c, err := f.check(started)
	if err != nil {
		return err
	}
	reg := dataset.Default()
	log := app.Stderr
	if f.quiet {
		log = warningsOnly{app.Stderr}
	}
	so := sessionOptions{source: f.source, profile: f.profile, maxRequests: f.maxRequests, log: log, sandboxAPI: f.sandboxAPI,
		takeoutZone: f.takeoutZone}
	for _, p := range strings.Split(f.takeout, ",") {
		if p = strings.TrimSpace(p); p != "" {
			so.takeout = append(so.takeout, p)
		}
	}
	if f.deadline > 0 {
		so.deadline = started.Add(f.deadline)
	}
	sess, err := openSession(ctx, app, so)
	if err != nil {
		return err
	}
	defer sess.Close()
	rep := newReport(app, f, c, sess)
	finish := func(res *pipeline.Result, runErr error) error {
		rep.finish(app.Now(), res, sess.Stats(), runErr)
		if werr := rep.write(c.outDir, f.report); werr != nil && runErr == nil {
			runErr = werr
		}
		return runErr
	}

	prof, err := sess.Profile(ctx)
	if err != nil {
		return finish(nil, err)
	}
	rep.User, rep.Zone = prof.UserID, prof.Zone.String()
	ds, err := reg.Select(sess.Protocol, c.names)
	if err != nil {
		return finish(nil, usageError{err})
	}
	ds = sess.Allowed(ds, log)
	opts := dataset.DefaultOptions()
	opts.HeartDetail = f.heartDetail
	opts.DailyRangeCap = f.dailyRangeCap
	opts.GoogleMode = f.googleMode
	for _, d := range ds {
		opts.Selected[d.Name] = true
	}
	since := c.sinceDate
	switch {
	case sess.archive != nil && !prof.FirstDay.IsZero() && c.sinceDefault:
		since = prof.FirstDay // an archive: all of it
	case c.sinceAll:
		since = prof.MemberSince
	case c.sinceDays > 0:
		since = dates.In(app.Now(), prof.Zone).AddDays(-c.sinceDays)
	}
	job := pipeline.Job{
		Source: sess.Protocol, SourceName: sess.Name, User: prof.UserID,
		Datasets: ds, AllNames: reg.Names(), Options: opts, Format: c.format,
		OutDir: c.outDir, From: c.from, To: c.to, Since: since,
		LastSync: prof.LastSync, Zone: prof.Zone, Refetch: f.refetch, DryRun: f.dryRun,
		Concurrency: f.concurrency, Log: log, Now: app.Now, Deadline: so.deadline,
	}
	if sess.archive != nil && c.to.IsZero() && !prof.LastDay.IsZero() {
		// The archive's last day is imported; it counts as incomplete
		// (LastSync), so the next API run fetches it again.
		job.To = prof.LastDay
	}
	if !f.quiet && !f.dryRun {
		pr := newProgress(app, log)
		if a := sess.archive; a != nil {
			pr.read = func() (int64, int64) { st := a.Stats(); return st.FilesRead, st.BytesRead }
			pr.readTotal = a.Summary().IndexedBytes
		}
		job.Progress = pr
	}
	res, err := pipeline.Run(ctx, job, sess)
	if err == nil && f.dryRun {
		printPlan(app.Stdout, res, sess)
		return nil
	}
	if err == nil && !f.quiet {
		fmt.Fprintf(log, "done: %s → %s (%d requests)\n", res.Range, c.outDir, res.Fetched)
	}
	if sess.archive != nil {
		err = finishImport(log, sess.archive, rep, err)
	}
	if errors.Is(err, extract.ErrStopped) {
		err = fmt.Errorf("%w: run the same command again to continue", err)
	}
	return finish(res, err)
}

func printPlan(w io.Writer, res *pipeline.Result, sess *session) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "plan for %s\n", res.Range)
	fmt.Fprintln(tw, "dataset\trequests")
	names := make([]string, 0, len(res.Plan.PerDataset))
	for n := range res.Plan.PerDataset {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(tw, "%s\t%d\n", n, res.Plan.PerDataset[n])
	}
	total := len(res.Plan.Requests)
	fmt.Fprintf(tw, "total\t%d\n", total)
	if res.Plan.Reused > 0 {
		fmt.Fprintf(tw, "cached (not sent)\t%d\n", res.Plan.Reused)
	}
	tw.Flush()
	fmt.Fprintf(w, "estimated time: %s (%s)\n", sess.ETA(total).Round(time.Second), sess.QuotaText())
}

// reportFile is the JSON run report (--report FILE, and the last one is kept
// in OUT/_fitexport/last-report.json).
type reportFile struct {
	Tool       string                             `json:"tool"`
	Started    time.Time                          `json:"started"`
	Finished   time.Time                          `json:"finished"`
	DurationS  float64                            `json:"duration_s"`
	Source     string                             `json:"source"`
	Profile    string                             `json:"profile"`
	User       string                             `json:"user,omitempty"`
	Zone       string                             `json:"zone,omitempty"`
	Format     string                             `json:"format"`
	Out        string                             `json:"out"`
	From       string                             `json:"from,omitempty"`
	To         string                             `json:"to,omitempty"`
	Requests   int64                              `json:"requests"`
	Reused     int                                `json:"cached_reused"`
	RateLimits int64                              `json:"rate_limited_429"`
	Retries    int64                              `json:"retries"`
	Refreshes  int64                              `json:"token_refreshes"`
	Bytes      int64                              `json:"bytes_received"`
	Datasets   map[string]*pipeline.DatasetResult `json:"datasets"`
	// Takeout is set for an archive import.
	Takeout  *takeoutReport `json:"takeout,omitempty"`
	ExitCode int            `json:"exit_code"`
	Reason   string         `json:"reason"`
	started  time.Time
}

func newReport(app *App, f *exportFlags, c checked, sess *session) *reportFile {
	return &reportFile{Tool: "fitexport", Started: app.Now().UTC(), Source: sess.Name, Profile: f.profile,
		Format: string(c.format), Out: c.outDir}
}

func (r *reportFile) finish(now time.Time, res *pipeline.Result, st extract.StatsSnapshot, err error) {
	r.Finished = now.UTC()
	r.DurationS = r.Finished.Sub(r.Started).Seconds()
	r.Requests, r.RateLimits, r.Retries, r.Refreshes, r.Bytes = st.Requests, st.RateLimited, st.Retries, st.Refreshes, st.Bytes
	if res != nil {
		r.Datasets = res.Datasets
		r.Reused = res.Plan.Reused
		if !res.Range.From.IsZero() {
			r.From, r.To = res.Range.From.String(), res.Range.To.String()
		}
	}
	r.ExitCode = exitCode(context.Background(), err)
	if err != nil {
		r.Reason = oneLine(err.Error())
		if errors.Is(err, context.Canceled) {
			r.ExitCode, r.Reason = exitInterrupted, "interrupted"
		}
	} else {
		r.Reason = "done"
	}
}

func (r *reportFile) write(outDir, extra string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if err := load.WriteJSON(load.DirFS(outDir), pipeline.ReportPath, json.RawMessage(b)); err != nil {
		return err
	}
	if extra != "" {
		if err := os.WriteFile(extra, b, 0o644); err != nil {
			return fmt.Errorf("--report: %w", err)
		}
	}
	return nil
}
