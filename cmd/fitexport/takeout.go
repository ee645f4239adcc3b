package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fitexport/fitexport/takeout"
)

// partialError: the run finished, but left something out that it could not
// read (a damaged file in a Takeout archive). Exit 3: what was readable is
// written and the state is consistent.
type partialError struct{ msg string }

func (e partialError) Error() string { return e.msg }

// takeoutReport is the report's account of an archive import: what was
// read, what was skipped and what was not recognised.
type takeoutReport struct {
	Root          string         `json:"root"`
	Parts         int            `json:"parts"`
	FilesIndexed  map[string]int `json:"files_indexed"`
	BytesIndexed  int64          `json:"bytes_indexed"`
	FilesRead     int64          `json:"files_read"`
	BytesRead     int64          `json:"bytes_read"`
	TwinsNotRead  int            `json:"csv_twins_not_read"`
	Unrecognised  map[string]int `json:"unrecognised,omitempty"`
	NonHealth     int            `json:"non_health_skipped"`
	Duplicates    int            `json:"duplicates"`
	DamagedFiles  []string       `json:"damaged_files_skipped,omitempty"`
	DatasetsServe []string       `json:"datasets_in_archive"`
}

func newTakeoutReport(a *takeout.Archive) *takeoutReport {
	s, st := a.Summary(), a.Stats()
	return &takeoutReport{Root: s.Root, Parts: s.Parts, FilesIndexed: s.Indexed, BytesIndexed: s.IndexedBytes,
		FilesRead: st.FilesRead, BytesRead: st.BytesRead, TwinsNotRead: s.Twins, Unrecognised: s.Unrecognised,
		NonHealth: s.NonHealth, Duplicates: s.Duplicates, DamagedFiles: a.Warnings(), DatasetsServe: a.SupportedDatasets()}
}

// finishImport prints what an import read, skipped and did not recognise,
// and turns damaged files into exit 3.
func finishImport(log io.Writer, a *takeout.Archive, rep *reportFile, err error) error {
	tr := newTakeoutReport(a)
	rep.Takeout = tr
	files := 0
	for _, n := range tr.FilesIndexed {
		files += n
	}
	fmt.Fprintf(log, "takeout: %d of %d files read (%s of %s)", tr.FilesRead, files, mib(tr.BytesRead), mib(tr.BytesIndexed))
	if tr.TwinsNotRead > 0 {
		fmt.Fprintf(log, "; %d *_GoogleData CSV twins not read (the JSON files are canonical)", tr.TwinsNotRead)
	}
	if tr.NonHealth > 0 {
		fmt.Fprintf(log, "; %d non-health files skipped", tr.NonHealth)
	}
	fmt.Fprintln(log)
	if len(tr.Unrecognised) > 0 {
		var names []string
		for n, c := range tr.Unrecognised {
			names = append(names, fmt.Sprintf("%s (%d)", n, c))
		}
		sort.Strings(names)
		fmt.Fprintf(log, "takeout: not recognised, not imported: %s\n", strings.Join(names, ", "))
	}
	for _, w := range tr.DamagedFiles {
		fmt.Fprintf(log, "warning: skipped %s\n", w)
	}
	if n := len(tr.DamagedFiles); n > 0 && err == nil {
		return partialError{fmt.Sprintf("%d damaged file(s) of the archive skipped (see the warnings); everything else was imported", n)}
	}
	return err
}

// mib formats a byte count.
func mib(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
