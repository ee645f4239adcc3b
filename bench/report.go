package main

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
)

// row is one line of the results table.
type row struct{ measure, value, target, ok string }

func mark(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

func mrows(v float64) string { return fmt.Sprintf("%.2f M rows/s", v/1e6) }
func mib(b int64) string     { return fmt.Sprintf("%d MiB", b>>20) }

// rateTarget is the rows/s target of a format.
func rateTarget(format string) float64 {
	if format == "parquet" {
		return 3e6
	}
	return 8e6
}

const rssTarget = 300 << 20

func (r *report) rows() []row {
	var out []row
	for _, q := range r.Quota {
		ratio := float64(q.Used) / float64(q.Planned)
		src := string(q.Source)
		out = append(out,
			row{fmt.Sprintf("quota, %s (%d per %s, %s): requests used / computed minimum", src, q.Quota, q.Window, strings.Join(q.DatasetsNames, "+")),
				fmt.Sprintf("%.2f (%d / %d)", ratio, q.Used, q.Planned), "1.00", mark(q.Used == q.Planned)},
			row{"quota, " + src + ": 429s received", fmt.Sprint(q.Status429), "0", mark(q.Status429 == 0)},
			row{"quota, " + src + ": sustained requests per window / quota", fmt.Sprintf("%.2f (worst %.2f; per window %v; %s)", q.Sustained, q.SustainedMin, q.PerWindow, q.Elapsed.Round(100_000_000)),
				">= 0.95", mark(q.Sustained >= 0.95)},
		)
		if q.Err != "" {
			out = append(out, row{"quota, " + src + ": run error", q.Err, "none", "NO"})
		}
	}
	for _, b := range r.Rebuilds {
		rate := b.RowsPerSec()
		out = append(out, row{
			fmt.Sprintf("rebuild %s → %s", b.Span, b.Format),
			fmt.Sprintf("%s, %s peak RSS (%.2f M rows in %.2f s; %.2f M rows per CPU-second)", mrows(rate), mib(b.PeakRSS), float64(b.Rows)/1e6, b.Seconds, float64(b.Rows)/b.CPUSeconds/1e6),
			fmt.Sprintf(">= %.0f M rows/s, < 300 MiB", rateTarget(b.Format)/1e6),
			mark(rate >= rateTarget(b.Format) && b.PeakRSS < rssTarget),
		})
	}
	out = append(out, r.takeoutRows()...)
	if p := r.Python; p != nil {
		prate := float64(p.Rows) / p.Seconds
		out = append(out, row{fmt.Sprintf("pandas baseline, year → csv (python %s, pandas %s)", p.Python, p.Pandas),
			fmt.Sprintf("%s, %s peak RSS (%.2f M rows in %.2f s)", mrows(prate), mib(p.PeakRSS), float64(p.Rows)/1e6, p.Seconds), "", ""})
		for _, b := range r.Rebuilds {
			if b.Span == "year" && b.Format == "csv" {
				out = append(out, row{"fitexport / pandas, year → csv",
					fmt.Sprintf("%.1f× faster, %.1f× less memory", b.RowsPerSec()/prate, float64(p.PeakRSS)/float64(b.PeakRSS)), "", ""})
			}
		}
	}
	for _, s := range r.Startup {
		out = append(out, row{"start-up: fitexport " + s.Args, fmt.Sprintf("%.1f ms (median of %d)", float64(s.Median.Microseconds())/1000, s.Runs), "", ""})
	}
	return out
}

func (r *report) table() string {
	var sb strings.Builder
	tw := tabwriter.NewWriter(&sb, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "measure\tvalue\ttarget\tmet")
	for _, x := range r.rows() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.measure, x.value, x.target, x.ok)
	}
	tw.Flush()
	return sb.String()
}

func (r *report) markdown(_ string) string {
	var sb strings.Builder
	m := r.Machine
	sb.WriteString("Written by `make bench` (`go run ./bench`; the Go micro-benchmarks run first, `go test -bench`).\n")
	sb.WriteString("Rerun it after a change that touches the hot path and commit this file with the code.\n\n")
	fmt.Fprintf(&sb, "- Machine: %s, %s cores, %s, %s\n- Go: %s\n- Date: %s\n", m.CPU, m.Cores, m.Memory, m.OS, m.Go, m.Date)
	fmt.Fprintf(&sb, "- Load average (1, 5, 15 min) before / after: %s / %s (2 cores; other builds and tests may share the machine)\n", m.LoadBefore, m.LoadAfter)
	if m.Commit != "" {
		fmt.Fprintf(&sb, "- Commit: %s\n", m.Commit)
	}
	sb.WriteString("\n## Results\n\n| measure | value | target | met |\n|---|---|---|---|\n")
	for _, x := range r.rows() {
		fmt.Fprintf(&sb, "| %s | %s | %s | %s |\n", x.measure, x.value, x.target, x.ok)
	}
	sb.WriteString(methodNotes)
	if len(r.Profiles) > 0 {
		sb.WriteString("\n## Where the time goes (CPU profiles of the year rebuild)\n")
		names := make([]string, 0, len(r.Profiles))
		for n := range r.Profiles {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&sb, "\n### %s\n\n```\n%s\n```\n", n, r.Profiles[n])
		}
	}
	return sb.String()
}

const methodNotes = `
## How each number is measured

- **Quota**: the simulator (sim.New) with a scaled window, behind an httptest
  server, and the real client stack (config token store in a temp folder,
  extract.NewTokenSource, extract.NewClient with the same quota and window)
  under pipeline.Run. Fitbit: heart_rate (1min) and steps, one request per
  dataset and day, up to 2026-11-19; Google Health: heart_rate, one list
  request per day, for days before the simulated user's first day (empty
  answers: a day of raw Google heart samples is about 3 MB, which the
  simulator cannot generate 50 times a second on 2 cores, so a scaled run
  with data would measure the simulator, not the client's pacing); in each
  case enough days to need 4.7 windows of quota, started at a window
  boundary. "Used" is what the simulator counted against the quota; the
  computed minimum is the plan's request count plus any further pages the
  answers had. Sustained rate is the mean number of requests the simulator
  received per window, over every window but the last (which holds the
  remainder), divided by the quota.
- **Rebuild**: a year (2025-11-01 to 2026-10-31) of 1-second heart rate for
  the simulator's Europe/Berlin user (a sample every 5 to 15 s while worn,
  about 3 M samples), fetched from the in-process simulator through the real
  client stack into the raw cache; the month is July's entries copied into a
  cache of its own. Each rebuild is pipeline.Build with Force (every month
  rewritten) in a child process: rows/s is rows written over the Build call's
  wall time (read the zstd cache entry, decompress, decode, DST-correct times,
  Arrow builders, write and fsync the partition, manifest); peak RSS is the
  child's peak RSS (VmHWM). Every rebuild row measures the pipeline as
  shipped: the registry's heart_rate dataset (transform.ScanIntraday), the
  text or Parquet writer, months built two at a time. Rows per CPU-second
  is rows over the child's user + system time (the whole process).
- **Peer baseline**: bench/baseline.py, with Debian's /usr/bin/python3 and
  python3-pandas, over the same year of responses decompressed to one plain
  JSON file per day: json.load, a DataFrame, a datetime column, concat,
  to_csv. It does less than fitexport (no decompression, no UTC instants, no
  DST handling, one time column).
- **Start-up**: wall time of the built binary, median of 21 runs.
`
