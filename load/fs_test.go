package load

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func readString(t *testing.T, fsys FS, name string) string {
	t.Helper()
	r, err := fsys.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCommitReplacesAtomically(t *testing.T) {
	root := t.TempDir()
	fsys := DirFS(root)
	name := "a/b/c.txt"
	for _, content := range []string{"first", "second"} {
		f, err := fsys.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(f, content); err != nil {
			t.Fatal(err)
		}
		// Until Commit the target keeps its old content (or is absent).
		if content == "second" && readString(t, fsys, name) != "first" {
			t.Error("target changed before Commit")
		}
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := f.Abort(); err != nil {
			t.Errorf("Abort after Commit: %v", err)
		}
		if _, err := f.Write([]byte("x")); err == nil {
			t.Error("Write after Commit succeeded")
		}
	}
	if got := readString(t, fsys, name); got != "second" {
		t.Errorf("content %q, want second", got)
	}
	if n, err := fsys.Stat(name); err != nil || n != int64(len("second")) {
		t.Errorf("Stat = %d, %v", n, err)
	}
	st, err := os.Stat(filepath.Join(root, "a", "b", "c.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	if names, _ := fsys.List(""); !slices.Equal(names, []string{"a/b/c.txt"}) {
		t.Errorf("List = %v: temp files left over", names)
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	fsys := DirFS(t.TempDir())
	f, err := fsys.Create("d/x.csv")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "partial")
	if err := f.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if names, _ := fsys.List("d"); len(names) != 0 {
		t.Errorf("List after Abort = %v", names)
	}
	if _, err := fsys.Stat("d/x.csv"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat = %v, want ErrNotExist", err)
	}
}

func TestFailedWriteKeepsOldPartition(t *testing.T) {
	mem := checkedMem(t)
	fsys := DirFS(t.TempDir())
	good := []arrow.RecordBatch{heartBatch(mem, 0, 10)}
	defer releaseAll(good)
	bad := []arrow.RecordBatch{buildAllTypes(mem, roundTripRows)}
	defer releaseAll(bad)
	for _, f := range Formats() {
		name := PartitionPath("heart_rate", "2026-11", f)
		before, err := WritePartition(fsys, name, f, heartSchema, good)
		if err != nil {
			t.Fatal(err)
		}
		old := readString(t, fsys, name)
		// Records that do not match the schema fail mid-write.
		if _, err := WritePartition(fsys, name, f, heartSchema, append(good[:1:1], bad...)); err == nil {
			t.Fatalf("%s: mismatched write succeeded", f)
		}
		if readString(t, fsys, name) != old {
			t.Errorf("%s: failed write changed the old file", f)
		}
		if n, _ := fsys.Stat(name); n != before.Bytes {
			t.Errorf("%s: size %d, want %d", f, n, before.Bytes)
		}
	}
	names, _ := fsys.List("heart_rate")
	for _, n := range names {
		if IsTemp(n) {
			t.Errorf("temp file left: %s", n)
		}
	}
}

func TestWritePartitionInfoAndEmpty(t *testing.T) {
	mem := checkedMem(t)
	fsys := DirFS(t.TempDir())
	recs := []arrow.RecordBatch{heartBatch(mem, 0, 5), heartBatch(mem, 5*60_000, 0), heartBatch(mem, 5*60_000, 7)}
	defer releaseAll(recs)
	name := PartitionPath("heart_rate", "2026-11", CSV)
	info, err := WritePartition(fsys, name, CSV, heartSchema, recs)
	if err != nil {
		t.Fatal(err)
	}
	content := readString(t, fsys, name)
	if info.Rows != 12 || info.Bytes != int64(len(content)) || len(info.SHA256) != 64 || info.Path != name {
		t.Errorf("info = %+v (file %d bytes)", info, len(content))
	}
	if lines := strings.Count(content, "\n"); lines != 13 {
		t.Errorf("%d lines, want header + 12", lines)
	}
	again, err := WritePartition(fsys, name, CSV, heartSchema, recs)
	if err != nil || again != info {
		t.Errorf("rewrite gave %+v, %v; want %+v", again, err, info)
	}
	// A month that no longer has rows loses its file.
	empty, err := WritePartition(fsys, name, CSV, heartSchema, recs[1:2])
	if err != nil {
		t.Fatal(err)
	}
	if empty.Rows != 0 || empty.SHA256 != "" {
		t.Errorf("empty partition info %+v", empty)
	}
	if _, err := fsys.Stat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty partition left a file: %v", err)
	}
	if _, err := WritePartition(fsys, name, CSV, heartSchema, nil); err != nil {
		t.Errorf("empty partition with no file: %v", err)
	}
}

func TestCleanTemp(t *testing.T) {
	root := t.TempDir()
	fsys := DirFS(root)
	name := PartitionPath("heart_rate", "2026-11", Parquet)
	f, err := fsys.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "a killed run's half file")
	if err := f.(*dirFile).bw.Flush(); err != nil { // as if the process died here
		t.Fatal(err)
	}
	keep := "heart_rate/month=2026-10/heart_rate-2026-10.parquet"
	if err := WriteJSON(fsys, keep, "data"); err != nil {
		t.Fatal(err)
	}
	names, _ := fsys.List("heart_rate")
	if len(names) != 2 {
		t.Fatalf("List = %v, want the data file and a temp file", names)
	}
	for _, n := range names {
		if n == keep {
			continue
		}
		base := filepath.Base(n)
		if !IsTemp(n) || !strings.HasPrefix(base, ".heart_rate-2026-11.parquet.tmp-") {
			t.Errorf("temp name %s not recognisable", n)
		}
		if ok, _ := filepath.Match("*.parquet", base); ok {
			t.Errorf("temp name %s matches *.parquet", base)
		}
	}
	if err := CleanTemp(fsys, ""); err != nil {
		t.Fatal(err)
	}
	if names, _ := fsys.List(""); !slices.Equal(names, []string{keep}) {
		t.Errorf("after CleanTemp: %v", names)
	}
	f.Abort()
}

func TestDirFSNames(t *testing.T) {
	root := t.TempDir()
	fsys := DirFS(root)
	for _, bad := range []string{"../escape.txt", "/abs.txt", "a/../../b", ""} {
		if f, err := fsys.Create(bad); err == nil {
			f.Abort()
			t.Errorf("Create(%q) succeeded", bad)
		}
	}
	if names, err := fsys.List("missing"); err != nil || len(names) != 0 {
		t.Errorf("List(missing) = %v, %v", names, err)
	}
	if err := fsys.Remove("missing.txt"); err != nil {
		t.Errorf("Remove(missing) = %v", err)
	}
	for _, n := range []string{"b/2.txt", "a.txt", "b/1.txt", "b/c/3.txt"} {
		if err := WriteJSON(fsys, n, 1); err != nil {
			t.Fatal(err)
		}
	}
	if names, _ := fsys.List(""); !slices.Equal(names, []string{"a.txt", "b/1.txt", "b/2.txt", "b/c/3.txt"}) {
		t.Errorf("List = %v", names)
	}
	if names, _ := fsys.List("b"); !slices.Equal(names, []string{"b/1.txt", "b/2.txt", "b/c/3.txt"}) {
		t.Errorf("List(b) = %v", names)
	}
}
