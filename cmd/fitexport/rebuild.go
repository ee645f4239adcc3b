package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/pipeline"
)

func newRebuildCmd(app *App) *cobra.Command {
	var out, format, user, source, detail string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "rebuild",
		Short: "Regenerate every output file from the raw cache (no network, no token)",
		Long: `rebuild rewrites OUT/<dataset>/… from OUT/_fitexport/raw alone: after a schema
change, to switch format, or when output files were lost. Its output equals
what the online run wrote.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutDir(out); err != nil {
				return err
			}
			fsys := load.DirFS(out)
			man, err := load.ReadManifest(fsys, load.ManifestPath)
			if err != nil {
				return err
			}
			pairs, err := pipeline.CachedUsers(out)
			if err != nil {
				return err
			}
			var pick [][2]string
			for _, p := range pairs {
				if (source == "" || p[0] == source) && (user == "" || p[1] == user) {
					pick = append(pick, p)
				}
			}
			if len(pick) > 1 && source == "" && user == "" {
				// A Takeout import and API runs share an OUT: rebuild as the
				// manifest's run did; the other caches are layered in.
				for _, p := range pick {
					if p[0] == man.Source && p[1] == man.User {
						pick = [][2]string{p}
						break
					}
				}
			}
			switch {
			case len(pick) == 0:
				return usagef("%s holds no raw cache to rebuild from (expected %s/<source>/<user>/)", out, pipeline.RawDir)
			case len(pick) > 1:
				var names []string
				for _, p := range pick {
					names = append(names, p[0]+"/"+p[1])
				}
				return usagef("the raw cache holds several users (%s): pass --source and --user", strings.Join(names, ", "))
			}
			if format == "" {
				format = man.Format
			}
			if format == "" {
				format = "parquet"
			}
			f, err := load.ParseFormat(format)
			if err != nil {
				return usagef("--format: %v", err)
			}
			protocol := dataset.Fitbit
			if pick[0][0] == string(dataset.Google) {
				protocol = dataset.Google
			}
			reg := dataset.Default()
			var names []string
			for n := range man.Datasets {
				names = append(names, n)
			}
			ds, err := reg.Select(protocol, names)
			if err != nil {
				return err
			}
			opts := dataset.DefaultOptions()
			if detail == "" {
				detail = man.Options["heart_detail"]
			}
			if detail != "" {
				if !heartDetails[detail] {
					return usagef("--heart-detail %q: want 1sec, 1min, 5min or 15min", detail)
				}
				opts.HeartDetail = detail
			}
			for _, d := range ds {
				opts.Selected[d.Name] = true
			}
			var log io.Writer = app.Stderr
			if quiet {
				log = warningsOnly{app.Stderr}
			}
			res, err := pipeline.Build(cmd.Context(), pipeline.Job{
				Source: protocol, SourceName: pick[0][0], User: pick[0][1],
				Datasets: ds, AllNames: reg.Names(), Options: opts, Format: f,
				OutDir: out, Force: true, Log: log, Now: app.Now,
			})
			if err != nil {
				return err
			}
			var rows int64
			for _, d := range res.Datasets {
				rows += d.RowsWritten
			}
			if !quiet {
				fmt.Fprintf(log, "rebuilt %d datasets, %d rows, in %s\n", len(ds), rows, out)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&out, "out", "fitbit", "output folder holding _fitexport/raw")
	fl.StringVar(&format, "format", "", "output format (default: the manifest's)")
	fl.StringVar(&user, "user", "", "user id, when the cache holds several")
	fl.StringVar(&source, "source", "", "source, when the cache holds several")
	fl.StringVar(&detail, "heart-detail", "", "heart-rate detail to prefer (default: the manifest's)")
	fl.BoolVar(&quiet, "quiet", false, "no progress output (warnings are still printed)")
	return cmd
}
