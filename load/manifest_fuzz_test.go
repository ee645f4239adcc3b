package load

import (
	"bytes"
	"io"
	"io/fs"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// FuzzReadManifest reads arbitrary bytes as the manifest: no panic; an
// error names the manifest and says how to recover; a manifest that reads
// can be written, and what is written reads back the same (a fixpoint after
// one write, which sorts files and fills empty lists).
func FuzzReadManifest(f *testing.F) {
	f.Add([]byte(`{"format_version":1,"tool":"fitexport","source":"sandbox","format":"parquet","user":"SIM001","options":{"heart_detail":"1min"},"datasets":{"heart_rate":{"schema_version":1,"rows":10,"first_day":"2026-11-01","last_day":"2026-11-02","zones":["Europe/Berlin"],"files":[{"path":"heart_rate/month=2026-11/part-0.parquet","rows":10,"bytes":100,"sha256":"ab"}],"schema":[{"name":"bpm","type":"int32","unit":"beats/min","doc":"x"}],"months":{"2026-11":{"fingerprint":"f","rows":10,"days":2,"empty_days":["2026-11-02"],"first_day":"2026-11-01","last_day":"2026-11-02"}}}}}`))
	f.Add([]byte(`{"format_version":1,"tool":"fitexport","datasets":{"x":null}}`))
	f.Add([]byte(`{"format_version":2,"tool":"fitexport"}`))
	f.Add([]byte(`{"format_version":1,"tool":"fitexport"} {}`))
	f.Add([]byte(`{"format_version":1,"tool":"fitexport","datasets":{}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		// In memory: DirFS's atomic replace fsyncs, which would make
		// each input cost milliseconds (TestCommitReplacesAtomically and
		// friends cover DirFS).
		fsys := memFS{ManifestPath: data}
		m, err := ReadManifest(fsys, ManifestPath)
		if err != nil {
			if !strings.Contains(err.Error(), ManifestPath) {
				t.Fatalf("the error does not name the manifest: %v", err)
			}
			return
		}
		if m.Datasets == nil {
			t.Fatal("a manifest with nil Datasets")
		}
		if err := WriteManifest(fsys, ManifestPath, m); err != nil {
			t.Fatalf("a manifest that reads cannot be written: %v", err)
		}
		m2, err := ReadManifest(fsys, ManifestPath)
		if err != nil {
			t.Fatalf("a manifest fitexport wrote does not read back: %v", err)
		}
		if err := WriteManifest(fsys, ManifestPath, m2); err != nil {
			t.Fatal(err)
		}
		m3, err := ReadManifest(fsys, ManifestPath)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(m2, m3) {
			t.Fatalf("writing the manifest again changes it:\n%+v\n%+v", m2, m3)
		}
	})
}

// memFS is an in-memory FS for fuzzing.
type memFS map[string][]byte

func (m memFS) Create(name string) (File, error) { return &memFile{fs: m, name: name}, nil }

func (m memFS) Open(name string) (io.ReadCloser, error) {
	b, ok := m[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (m memFS) List(dir string) ([]string, error) {
	var out []string
	for n := range m {
		if dir == "" || strings.HasPrefix(n, dir+"/") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (m memFS) Remove(name string) error { delete(m, name); return nil }

func (m memFS) Stat(name string) (int64, error) {
	b, ok := m[name]
	if !ok {
		return 0, fs.ErrNotExist
	}
	return int64(len(b)), nil
}

type memFile struct {
	fs   memFS
	name string
	buf  bytes.Buffer
	done bool
}

func (f *memFile) Write(p []byte) (int, error) { return f.buf.Write(p) }

func (f *memFile) Commit() error {
	if !f.done {
		f.fs[f.name], f.done = bytes.Clone(f.buf.Bytes()), true
	}
	return nil
}

func (f *memFile) Abort() error { f.done = true; return nil }
