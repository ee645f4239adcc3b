package load

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// TestStageThenCommitIsWritePartition: the two halves give the same file
// and FileInfo as WritePartition; until Commit the old file stays, and
// Abort keeps it and leaves no temporary file.
func TestStageThenCommitIsWritePartition(t *testing.T) {
	mem := checkedMem(t)
	recs := []arrow.RecordBatch{heartBatch(mem, 0, 3000), heartBatch(mem, 3000*60_000, 7)}
	defer releaseAll(recs)
	old := []arrow.RecordBatch{heartBatch(mem, 0, 2)}
	defer releaseAll(old)
	for _, f := range Formats() {
		dirA, dirB := DirFS(t.TempDir()), DirFS(t.TempDir())
		name := PartitionPath("heart_rate", "2026-11", f)
		want, err := WritePartition(dirA, name, f, heartSchema, recs)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := WritePartition(dirB, name, f, heartSchema, old); err != nil {
			t.Fatal(err)
		}
		before := readString(t, dirB, name)

		aborted, err := StagePartition(dirB, name, f, heartSchema, recs)
		if err != nil {
			t.Fatal(err)
		}
		if err := aborted.Abort(); err != nil {
			t.Fatal(err)
		}
		st, err := StagePartition(dirB, name, f, heartSchema, recs)
		if err != nil {
			t.Fatal(err)
		}
		if st.Rows() != 3007 {
			t.Errorf("%s: Rows() = %d, want 3007", f, st.Rows())
		}
		if readString(t, dirB, name) != before {
			t.Errorf("%s: staging changed the file before Commit", f)
		}
		got, err := st.Commit()
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: Commit gave %+v, WritePartition %+v", f, got, want)
		}
		if readString(t, dirB, name) != readString(t, dirA, name) {
			t.Errorf("%s: staged file differs from WritePartition's", f)
		}
		if _, err := st.Commit(); err == nil {
			t.Errorf("%s: second Commit succeeded", f)
		}
		if err := st.Abort(); err != nil {
			t.Errorf("%s: Abort after Commit: %v", f, err)
		}
		names, _ := dirB.List("")
		for _, n := range names {
			if IsTemp(n) {
				t.Errorf("%s: temp file left: %s", f, n)
			}
		}
	}
}

func TestStageEmptyRemovesOnCommit(t *testing.T) {
	mem := checkedMem(t)
	recs := []arrow.RecordBatch{heartBatch(mem, 0, 4)}
	defer releaseAll(recs)
	fsys := DirFS(t.TempDir())
	name := PartitionPath("heart_rate", "2026-11", CSV)
	if _, err := WritePartition(fsys, name, CSV, heartSchema, recs); err != nil {
		t.Fatal(err)
	}
	st, err := StagePartition(fsys, name, CSV, heartSchema, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.Stat(name); err != nil {
		t.Errorf("the old file went before Commit: %v", err)
	}
	info, err := st.Commit()
	if err != nil || info.Rows != 0 || info.SHA256 != "" || info.Path != name {
		t.Errorf("Commit = %+v, %v", info, err)
	}
	if _, err := fsys.Stat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty partition left a file: %v", err)
	}
}

// failAfter accepts n bytes, then fails every write.
type failAfter struct {
	n   int
	got bytes.Buffer
}

var errSink = errors.New("disk full")

func (w *failAfter) Write(p []byte) (int, error) {
	if w.got.Len()+len(p) > w.n {
		return 0, errSink
	}
	return w.got.Write(p)
}

// TestTextWriterSinkErrors: the text writers hand full buffers to another
// goroutine; a failing sink still surfaces (from a later Write or from
// Close), and everything before the failure arrived in order.
func TestTextWriterSinkErrors(t *testing.T) {
	mem := checkedMem(t)
	var recs []arrow.RecordBatch
	for d := range 40 {
		recs = append(recs, heartBatch(mem, int64(d)*86400_000, 1440))
	}
	defer releaseAll(recs)
	for _, f := range []Format{CSV, NDJSON} {
		var full bytes.Buffer
		w, _ := NewRecordWriter(f, &full, heartSchema)
		for _, r := range recs {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if full.Len() < 3*flushAt {
			t.Fatalf("%s: only %d bytes: the test needs several flushes", f, full.Len())
		}
		for _, limit := range []int{0, flushAt + 10, 2*flushAt + 4096, full.Len() - 1} {
			t.Run(fmt.Sprintf("%s/%d", f, limit), func(t *testing.T) {
				sink := &failAfter{n: limit}
				w, _ := NewRecordWriter(f, sink, heartSchema)
				var err error
				for _, r := range recs {
					if err = w.Write(r); err != nil {
						break
					}
				}
				cerr := w.Close()
				if err == nil {
					err = cerr
				}
				if !errors.Is(err, errSink) {
					t.Fatalf("error %v, want %v", err, errSink)
				}
				if !strings.HasPrefix(full.String(), sink.got.String()) {
					t.Error("the bytes before the failure are not a prefix of the output")
				}
				if err := w.Write(recs[0]); err == nil {
					t.Error("Write after a failure and Close succeeded")
				}
			})
		}
	}
}
