package load

import (
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestManifestRoundTrip(t *testing.T) {
	fsys := DirFS(t.TempDir())
	m, err := ReadManifest(fsys, ManifestPath)
	if err != nil {
		t.Fatalf("missing manifest: %v", err)
	}
	if m.FormatVersion != 1 || m.Tool != "fitexport" || m.Datasets == nil || len(m.Datasets) != 0 {
		t.Fatalf("empty manifest = %+v", m)
	}
	m.Source, m.Format = "sandbox", "parquet"
	m.Datasets["heart_rate"] = &DatasetEntry{
		SchemaVersion: 1, Rows: 2880, FirstDay: "2026-11-01", LastDay: "2026-12-02",
		EmptyDays: []string{"2026-11-15"}, Zones: []string{"Europe/London"},
		Files: []FileInfo{
			{Path: "heart_rate/month=2026-12/heart_rate-2026-12.parquet", Rows: 1440, Bytes: 10, SHA256: "bb"},
			{Path: "heart_rate/month=2026-11/heart_rate-2026-11.parquet", Rows: 1440, Bytes: 12, SHA256: "aa"},
		},
		Schema: Columns(allTypes),
	}
	m.Datasets["steps"] = &DatasetEntry{SchemaVersion: 2}
	if err := WriteManifest(fsys, ManifestPath, m); err != nil {
		t.Fatal(err)
	}
	r, _ := fsys.Open(ManifestPath)
	raw, _ := io.ReadAll(r)
	r.Close()
	text := string(raw)
	if !strings.HasSuffix(text, "}\n") || !strings.Contains(text, "\n  \"datasets\": {") {
		t.Errorf("manifest not indented with a final newline:\n%s", text)
	}
	if strings.Index(text, "month=2026-11") > strings.Index(text, "month=2026-12") {
		t.Error("files not sorted by path")
	}
	if strings.Index(text, `"heart_rate"`) > strings.Index(text, `"steps"`) {
		t.Error("datasets not sorted")
	}
	if !strings.Contains(text, `"zones": []`) {
		t.Errorf("nil zones not written as []:\n%s", text)
	}
	if !strings.Contains(text, `"unit": "m"`) || !strings.Contains(text, `"type": "timestamp[ms, tz=UTC]"`) {
		t.Errorf("schema columns missing unit/type:\n%s", text)
	}
	got, err := ReadManifest(fsys, ManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	want := *m.Datasets["heart_rate"]
	want.Files = []FileInfo{want.Files[1], want.Files[0]}
	if !reflect.DeepEqual(got.Datasets["heart_rate"], &want) {
		t.Errorf("heart_rate entry:\n got %+v\nwant %+v", got.Datasets["heart_rate"], &want)
	}
	if got.Source != "sandbox" || got.Format != "parquet" || got.Datasets["steps"].SchemaVersion != 2 {
		t.Errorf("manifest = %+v", got)
	}
	// Writing the same manifest again gives the same bytes.
	if err := WriteManifest(fsys, ManifestPath, got); err != nil {
		t.Fatal(err)
	}
	r, _ = fsys.Open(ManifestPath)
	raw2, _ := io.ReadAll(r)
	r.Close()
	if string(raw2) != text {
		t.Error("rewriting the manifest changed its bytes")
	}
}

func TestManifestCorrupt(t *testing.T) {
	for name, content := range map[string]string{
		"truncated":  `{"format_version": 1, "tool": "fitexport", "datas`,
		"not json":   "hello",
		"wrong tool": `{"format_version": 1, "tool": "other"}`,
		"two values": `{"format_version": 1, "tool": "fitexport"} {}`,
		"null entry": `{"format_version": 1, "tool": "fitexport", "datasets": {"steps": null}}`,
	} {
		t.Run(name, func(t *testing.T) {
			fsys := DirFS(t.TempDir())
			if err := writeRaw(fsys, ManifestPath, content); err != nil {
				t.Fatal(err)
			}
			_, err := ReadManifest(fsys, ManifestPath)
			if err == nil {
				t.Fatal("corrupt manifest read without error")
			}
			for _, want := range []string{ManifestPath, "is corrupt", "delete it and run fitexport rebuild"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
	fsys := DirFS(t.TempDir())
	writeRaw(fsys, ManifestPath, `{"format_version": 9, "tool": "fitexport"}`)
	if _, err := ReadManifest(fsys, ManifestPath); err == nil || !strings.Contains(err.Error(), "upgrade fitexport") {
		t.Errorf("newer manifest: %v", err)
	}
}

func writeRaw(fsys FS, name, content string) error {
	f, err := fsys.Create(name)
	if err != nil {
		return err
	}
	io.WriteString(f, content)
	return f.Commit()
}
