package main

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/takeout"
)

var update = flag.Bool("update", false, "rewrite generated docs (README dataset table, docs/datasets.md)")

// datasetDocs renders docs/datasets.md and the README's summary table from
// the registry, the one place each dataset is described.
func datasetDocs() (full, summary string) {
	reg := dataset.Default()
	fb := dataset.MarkdownTable(reg, dataset.Fitbit)
	gh := dataset.MarkdownTable(reg, dataset.Google)
	full = "# Datasets\n\nGenerated from the dataset registry (`go test ./cmd/fitexport -run TestDocsInSync -update`); do not edit.\n\n" +
		"## Source fitbit (and sandbox)\n\n" + fb + "\n## Source google-health\n\n" + gh +
		"\n## Source takeout\n\nA Google Takeout archive can serve, with the fitbit source's columns and transforms: " +
		"`" + strings.Join(takeout.AllDatasets(), "`, `") + "`. The archive's files, units and what each dataset leaves null " +
		"(e.g. calories' level and METs) are in the takeout package doc (`go doc github.com/fitexport/fitexport/takeout`).\n"
	// The README shows the summary table (up to the first blank line).
	summary, _, _ = strings.Cut(fb, "\n\n")
	return full, summary + "\n\nEvery column with its type, unit and meaning, and how the google-health source fills it: [docs/datasets.md](docs/datasets.md) (or `fitexport datasets --schema`).\n"
}

// TestDocsInSync keeps the README's dataset table and docs/datasets.md equal
// to what the registry says.
func TestDocsInSync(t *testing.T) {
	full, summary := datasetDocs()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- datasets:begin -->\n", "<!-- datasets:end -->"
	before, rest, ok1 := strings.Cut(string(readme), begin)
	_, after, ok2 := strings.Cut(rest, end)
	if !ok1 || !ok2 {
		t.Fatal("README.md lacks the datasets:begin/end markers")
	}
	wantReadme := before + begin + summary + end + after
	docs, _ := os.ReadFile("../../docs/datasets.md")
	if *update {
		if err := os.WriteFile("../../README.md", []byte(wantReadme), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("../../docs/datasets.md", []byte(full), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(readme) != wantReadme {
		t.Error("README.md's dataset table is out of date: go test ./cmd/fitexport -run TestDocsInSync -update")
	}
	if string(docs) != full {
		t.Error("docs/datasets.md is out of date: go test ./cmd/fitexport -run TestDocsInSync -update")
	}
}

// TestEveryFuzzTargetRunsInCI: make fuzz-smoke (in .ci/run) lists every
// fuzz target of the module, so a new parser's fuzz target cannot be left
// out of CI.
func TestEveryFuzzTargetRunsInCI(t *testing.T) {
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	var found int
	err = filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(b), "\n") {
			name, ok := strings.CutPrefix(line, "func Fuzz")
			if !ok {
				continue
			}
			name, _, _ = strings.Cut(name, "(")
			pkg, _ := filepath.Rel("../..", filepath.Dir(p))
			want := "./" + filepath.ToSlash(pkg) + ":Fuzz" + name
			found++
			if !strings.Contains(string(mk), want+" ") && !strings.Contains(string(mk), want+"\n") {
				t.Errorf("Makefile FUZZ_TARGETS lacks %s", want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 10 {
		t.Errorf("found only %d fuzz targets", found)
	}
}
