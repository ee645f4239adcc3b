package takeout_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/pipeline"
	"github.com/fitexport/fitexport/takeout"
)

var update = flag.Bool("update", false, "rewrite the expected files under testdata/golden/*/want from what the import produces")

// TestGolden imports each small, hand-checked archive under
// testdata/golden/<case>/archive (an unpacked Takeout tree) through the
// export pipeline, as `fitexport --source takeout` does, and compares with
// testdata/golden/<case>/want:
//
//   - import.txt: what Open found (profile, datasets served, files indexed,
//     warnings with paths relative to archive/) and the rows per dataset;
//   - <dataset>.csv: every row the export wrote for the dataset (the CSV of
//     each month partition in month order, header once).
//
// testdata/golden/<case>/case.txt says what the case is about (lines
// starting with #) and may set "datasets:" (default: all the archive
// serves), "from:" and "to:" (default: the archive's days with data) and
// "heart-detail:" (default 1sec). Run with -update to rewrite want/ after
// a deliberate change, then read the diff: the expected files are checked
// by hand, not blessed.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("testdata", "golden", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no golden cases under testdata/golden")
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			got := goldenRun(t, dir)
			want := filepath.Join(dir, "want")
			if *update {
				if err := os.RemoveAll(want); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(want, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, body := range got {
					if err := os.WriteFile(filepath.Join(want, name), body, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			entries, err := os.ReadDir(want)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to create it, then check it by hand)", err)
			}
			seen := map[string]bool{}
			for _, e := range entries {
				seen[e.Name()] = true
				wb, err := os.ReadFile(filepath.Join(want, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				gb, ok := got[e.Name()]
				if !ok {
					t.Errorf("%s: expected, but the import produced no such file", e.Name())
					continue
				}
				if !bytes.Equal(gb, wb) {
					t.Errorf("%s differs from %s:\n%s", e.Name(), filepath.Join(want, e.Name()), lineDiff(string(wb), string(gb)))
				}
			}
			for name := range got {
				if !seen[name] {
					t.Errorf("%s: produced but not expected:\n%s", name, got[name])
				}
			}
		})
	}
}

// goldenCase is a case.txt.
type goldenCase struct {
	datasets    []string
	from, to    dates.Date
	heartDetail string
}

func readCase(t *testing.T, dir string) goldenCase {
	t.Helper()
	c := goldenCase{heartDetail: "1sec"}
	b, err := os.ReadFile(filepath.Join(dir, "case.txt"))
	if err != nil {
		t.Fatalf("%v: every case says what it checks", err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		v = strings.TrimSpace(v)
		switch k = strings.TrimSpace(k); {
		case !ok:
			t.Fatalf("case.txt line %d: want key: value", i+1)
		case k == "datasets":
			for _, n := range strings.Split(v, ",") {
				c.datasets = append(c.datasets, strings.TrimSpace(n))
			}
		case k == "from" || k == "to":
			d, err := dates.Parse(v)
			if err != nil {
				t.Fatalf("case.txt line %d: %v", i+1, err)
			}
			if k == "from" {
				c.from = d
			} else {
				c.to = d
			}
		case k == "heart-detail":
			c.heartDetail = v
		default:
			t.Fatalf("case.txt line %d: unknown key %q", i+1, k)
		}
	}
	return c
}

// goldenRun imports one case and returns the files it produced.
func goldenRun(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	c := readCase(t, dir)
	root, err := filepath.Abs(filepath.Join(dir, "archive"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := takeout.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	p := a.Profile()
	names := c.datasets
	if names == nil {
		names = a.SupportedDatasets()
	}
	r := dates.Range{From: c.from, To: c.to}
	if r.From.IsZero() {
		r.From = p.FirstDay
	}
	if r.To.IsZero() {
		r.To = p.LastDay
	}

	var rep strings.Builder
	fmt.Fprintf(&rep, "user: %s\nzone: %s\nmember since: %s\ndays with data: %s..%s\n", p.UserID, p.Zone, p.MemberSince, p.FirstDay, p.LastDay)
	fmt.Fprintf(&rep, "datasets served: %s\n", strings.Join(a.SupportedDatasets(), ", "))
	sum := a.Summary()
	fmt.Fprintf(&rep, "root: %s\nindexed files:%s\n", sum.Root, countList(sum.Indexed))
	fmt.Fprintf(&rep, "not read: twins %d, non-health %d, unrecognised:%s\n", sum.Twins, sum.NonHealth, countList(sum.Unrecognised))
	fmt.Fprintf(&rep, "exported: %s, %s, heart detail %s\n", r, strings.Join(names, ", "), c.heartDetail)

	out := map[string][]byte{}
	rows := map[string]int{}
	if len(names) > 0 && !r.From.IsZero() {
		reg := dataset.Default()
		ds, err := reg.Select(dataset.Fitbit, names)
		if err != nil {
			t.Fatal(err)
		}
		opts := dataset.DefaultOptions()
		opts.HeartDetail = c.heartDetail
		for _, d := range ds {
			opts.Selected[d.Name] = true
		}
		outDir := t.TempDir()
		job := pipeline.Job{
			Source: dataset.Fitbit, SourceName: "takeout", User: p.UserID,
			Datasets: ds, AllNames: reg.Names(), Options: opts, Format: load.CSV, OutDir: outDir,
			From: r.From, To: r.To, LastSync: p.LastSync(), Zone: p.Zone,
			Now: func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) },
		}
		res, err := pipeline.Run(context.Background(), job, a)
		if err != nil {
			t.Fatal(err)
		}
		for name, why := range res.Skipped {
			fmt.Fprintf(&rep, "skipped %s: %s\n", name, why)
		}
		fsys := load.DirFS(outDir)
		for _, d := range ds {
			files, err := fsys.List(d.Name)
			if err != nil {
				t.Fatal(err)
			}
			var body bytes.Buffer
			for i, f := range files {
				rc, err := fsys.Open(f)
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
				if i > 0 { // the header once
					if _, rest, ok := bytes.Cut(b, []byte("\n")); ok {
						b = rest
					}
				}
				body.Write(b)
			}
			if n := bytes.Count(body.Bytes(), []byte("\n")) - 1; n > 0 {
				rows[d.Name] = n
				out[d.Name+".csv"] = body.Bytes()
			} else {
				rows[d.Name] = 0
			}
		}
	}
	fmt.Fprintf(&rep, "rows:%s\n", countList(rows))
	rep.WriteString("warnings:\n")
	warns := a.Warnings() // in the order files were read: sorted here
	sort.Strings(warns)
	for _, w := range warns {
		fmt.Fprintf(&rep, "  %s\n", strings.ReplaceAll(w, root+string(filepath.Separator), ""))
	}
	out["import.txt"] = []byte(rep.String())
	return out
}

// countList renders counts as " a 1, b 2" in name order (" none" when empty).
func countList(m map[string]int) string {
	if len(m) == 0 {
		return " none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, " %s %d", k, m[k])
	}
	return b.String()
}

// lineDiff shows the first lines that differ (a golden file can be long).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < max(len(w), len(g)) && n < 10; i++ {
		var x, y string
		if i < len(w) {
			x = w[i]
		}
		if i < len(g) {
			y = g[i]
		}
		if x != y {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, x, y)
			n++
		}
	}
	if len(w) != len(g) {
		fmt.Fprintf(&b, "(%d lines, want %d)\n", len(g), len(w))
	}
	return b.String()
}
