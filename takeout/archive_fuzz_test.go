package takeout

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
)

// FuzzArchiveFile puts one arbitrary file, at an arbitrary path under the
// health root, into an archive with a valid profile, opens it and asks for
// every dataset it says it serves over the days it says it holds. The
// seeds are every file of the golden fixtures (testdata/golden/*/archive).
// It checks: no panic and no hang (each file family's decoder and the
// renderer); a damaged file is a warning, not an error; an error has a
// message; and whatever is rendered is an answer the Fitbit transforms
// accept (the renderer never produces what the API would not send).
func FuzzArchiveFile(f *testing.F) {
	roots, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "archive"))
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, "Profile.csv") {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(filepath.ToSlash(rel), b)
			}
			return nil
		})
	}
	f.Add("Takeout/Fitbit/Global Export Data/heart_rate-2026-10-25.json", []byte(`[{"dateTime":"10/25/26 02:30:00","value":{"bpm":"61","confidence":2}}]`))
	f.Add("Takeout/Fitbit/Global Export Data/steps-2026-10-01.json", []byte(`[{"dateTime":"10/25/26 02:30:00","value":"12"}]`))
	reg := dataset.Default()
	f.Fuzz(func(t *testing.T, rel string, body []byte) {
		if !strings.HasPrefix(rel, "Takeout/") || strings.Contains(rel, "..") || strings.Contains(rel, "\\") ||
			strings.Contains(rel, "//") || strings.HasSuffix(rel, "/") || strings.ContainsRune(rel, 0) || len(rel) > 200 ||
			strings.HasSuffix(rel, "Profile.csv") {
			t.Skip()
		}
		root := "Takeout/Fitbit/"
		if strings.HasPrefix(rel, "Takeout/Google Health/") {
			root = "Takeout/Google Health/"
		}
		dir := t.TempDir()
		for name, b := range map[string][]byte{root + "Your Profile/Profile.csv": []byte(profileCSV), rel: body} {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Skip() // a path the file system refuses
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Skip()
			}
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			check(t, reg, dir)
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: the import did not finish within 20 s", rel)
		}
	})
}

// check opens the archive in dir and renders and transforms every request
// of every dataset it serves.
func check(t *testing.T, reg *dataset.Registry, dir string) {
	a, err := Open(dir)
	if err != nil {
		if err.Error() == "" {
			t.Error("an empty error message")
		}
		return
	}
	defer a.Close()
	p := a.Profile()
	if p.FirstDay.IsZero() {
		return
	}
	r := dates.Range{From: p.FirstDay, To: p.LastDay}
	if r.To.After(r.From.AddDays(40)) {
		r.To = r.From.AddDays(40) // a fuzzed date far away: bound the work
	}
	opts := dataset.DefaultOptions()
	opts.HeartDetail = "1sec"
	for _, name := range a.SupportedDatasets() {
		opts.Selected[name] = true
	}
	for _, name := range a.SupportedDatasets() {
		d, ok := reg.Get(name)
		if !ok {
			t.Fatalf("served dataset %s is not in the registry", name)
		}
		spec := d.Sources[dataset.Fitbit]
		for _, req := range spec.Requests(opts, r) {
			pages, err := a.Fetch(context.Background(), req)
			if errors.Is(err, ErrNotInArchive) {
				continue
			}
			if err != nil {
				if err.Error() == "" {
					t.Errorf("%s: an empty error message", req.Key)
				}
				continue
			}
			for _, pg := range pages {
				if !json.Valid(pg) {
					t.Fatalf("%s: rendered invalid JSON: %.200q", req.Key, pg)
				}
			}
			b := array.NewRecordBuilder(memory.DefaultAllocator, d.Schema)
			in := dataset.Input{Dataset: name, Responses: []dataset.Response{{Request: req, Pages: pages}},
				Want: func(dates.Date, string) bool { return true },
				Zone: func(dates.Date) *time.Location { return p.Zone }}
			if err := spec.Transform(in, b); err != nil {
				t.Fatalf("%s: the Fitbit transform rejects the rendered answer: %v\n%.300s", req.Key, err, pages[0])
			}
			b.Release()
		}
	}
}
