package dataset_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/load"
)

// FuzzFitbitTransform feeds arbitrary bytes, as the one page of a response
// with an arbitrary request key, to the Fitbit transform of an arbitrary
// dataset. The seeds are every page of the golden fixtures under
// testdata/fitbit (with their dataset and key) plus "{}" for every dataset,
// so each dataset's transform is fuzzed from realistic answers. It checks:
// no panic, no hang; rows only from a well-formed page; no null in a
// non-nullable column; and the rows render as CSV and NDJSON.
func FuzzFitbitTransform(f *testing.F) { fuzzTransform(f, dataset.Fitbit, "fitbit") }

// FuzzGoogleTransform is FuzzFitbitTransform for the Google Health
// transforms (the list and reconcile answers, rollups, paged answers),
// seeded from testdata/google.
func FuzzGoogleTransform(f *testing.F) { fuzzTransform(f, dataset.Google, "google") }

func fuzzTransform(f *testing.F, src dataset.Source, golden string) {
	reg := dataset.Default()
	day := dates.MustParse("2026-03-29") // a DST change in Europe/Berlin
	for _, d := range reg.All() {
		spec, ok := d.Sources[src]
		if !ok {
			continue
		}
		opts := dataset.DefaultOptions()
		for _, r := range spec.Requests(opts, dates.Range{From: day, To: day}) {
			f.Add(d.Name, r.Key, []byte(`{}`))
		}
	}
	cases, _ := filepath.Glob(filepath.Join("testdata", golden, "*", "*", "case.json"))
	for _, c := range cases {
		var gc struct {
			Responses []struct {
				Key   string   `json:"key"`
				Pages []string `json:"pages"`
			} `json:"responses"`
		}
		b, err := os.ReadFile(c)
		if err != nil || json.Unmarshal(b, &gc) != nil {
			continue
		}
		name := filepath.Base(filepath.Dir(filepath.Dir(c)))
		for _, r := range gc.Responses {
			for _, p := range r.Pages {
				if body, err := os.ReadFile(filepath.Join(filepath.Dir(c), p)); err == nil {
					f.Add(name, r.Key, body)
				}
			}
		}
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, key string, body []byte) {
		d, ok := reg.Get(name)
		if !ok {
			t.Skip()
		}
		spec, ok := d.Sources[src]
		if !ok {
			t.Skip()
		}
		in := dataset.Input{
			Dataset:   name,
			Responses: []dataset.Response{{Request: dataset.Request{Key: key}, Pages: [][]byte{body}}},
			Want:      func(dates.Date, string) bool { return true },
			Zone:      func(dates.Date) *time.Location { return berlin },
		}
		rec, err := transformWithin(t, 10*time.Second, spec, d.Schema, in)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error message")
			}
			return
		}
		defer rec.Release()
		if !json.Valid(body) && rec.NumRows() > 0 {
			t.Fatalf("%s: %d rows from a malformed page %q", name, rec.NumRows(), body)
		}
		for i, fld := range d.Schema.Fields() {
			if !fld.Nullable && rec.Column(i).NullN() > 0 {
				t.Fatalf("%s: %d nulls in non-nullable column %s", name, rec.Column(i).NullN(), fld.Name)
			}
		}
		for _, format := range []load.Format{load.CSV, load.NDJSON} {
			w, err := load.NewRecordWriter(format, io.Discard, d.Schema)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(rec); err != nil {
				t.Fatalf("%s: writing %s: %v", name, format, err)
			}
			if err := w.Close(); err != nil {
				t.Fatalf("%s: closing %s: %v", name, format, err)
			}
		}
	})
}

// transformWithin runs the transform and fails the test if it takes longer
// than limit (a hang).
func transformWithin(t *testing.T, limit time.Duration, spec dataset.Spec, schema *arrow.Schema, in dataset.Input) (arrow.RecordBatch, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	type result struct {
		rec arrow.RecordBatch
		err error
	}
	done := make(chan result, 1)
	go func() {
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: panicError{fmt.Sprintf("%v\n%s", p, debug.Stack())}}
			}
		}()
		var r result
		if r.err = spec.Transform(in, b); r.err == nil {
			r.rec = b.NewRecordBatch()
		}
		done <- r
	}()
	select {
	case r := <-done:
		if pe, ok := r.err.(panicError); ok {
			t.Fatalf("%s: panic on key %q: %v", in.Dataset, in.Responses[0].Request.Key, pe.v)
		}
		return r.rec, r.err
	case <-ctx.Done():
		t.Fatalf("%s: the transform did not finish within %s", in.Dataset, limit)
		return nil, nil
	}
}

type panicError struct{ v any }

func (p panicError) Error() string { return fmt.Sprint("panic: ", p.v) }
