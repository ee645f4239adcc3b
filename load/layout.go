package load

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"path"

	"github.com/apache/arrow-go/v18/arrow"
)

// PartitionPath is where one month of a dataset goes:
// <dataset>/month=YYYY-MM/<dataset>-YYYY-MM<ext>. monthKey is "YYYY-MM".
func PartitionPath(dataset, monthKey string, f Format) string {
	return path.Join(dataset, "month="+monthKey, dataset+"-"+monthKey+f.Ext())
}

// PartitionPathUser is PartitionPath for one participant of a cohort:
// <dataset>/user=<id>/month=YYYY-MM/<dataset>-<id>-YYYY-MM<ext>. An empty
// user gives PartitionPath. user must be filename-safe.
func PartitionPathUser(dataset, user, monthKey string, f Format) string {
	if user == "" {
		return PartitionPath(dataset, monthKey, f)
	}
	return path.Join(dataset, "user="+user, "month="+monthKey, dataset+"-"+user+"-"+monthKey+f.Ext())
}

// FileInfo describes one written file, as the manifest lists it.
type FileInfo struct {
	// Path is relative to the output folder, slash-separated.
	Path   string `json:"path"`
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// hashingWriter passes bytes on while hashing and counting them.
type hashingWriter struct {
	w File
	h hash.Hash
	n int64
}

func (hw *hashingWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

// WritePartition writes recs (all of schema) as one file of format f at
// name and commits it atomically, replacing any file there. When recs hold
// no rows it writes nothing and removes an existing file at name, so a
// month whose data disappeared leaves no stale file; the result then has
// Rows 0 and no checksum.
func WritePartition(fsys FS, name string, f Format, schema *arrow.Schema, recs []arrow.RecordBatch) (FileInfo, error) {
	info := FileInfo{Path: name}
	for _, r := range recs {
		info.Rows += r.NumRows()
	}
	if info.Rows == 0 {
		if err := fsys.Remove(name); err != nil {
			return info, fmt.Errorf("remove empty partition %s: %w", name, err)
		}
		return info, nil
	}
	file, err := fsys.Create(name)
	if err != nil {
		return info, err
	}
	defer file.Abort()
	hw := &hashingWriter{w: file, h: sha256.New()}
	rw, err := NewRecordWriter(f, hw, schema)
	if err != nil {
		return info, fmt.Errorf("write %s: %w", name, err)
	}
	for _, r := range recs {
		if err := rw.Write(r); err != nil {
			rw.Close()
			return info, fmt.Errorf("write %s: %w", name, err)
		}
	}
	if err := rw.Close(); err != nil {
		return info, fmt.Errorf("write %s: %w", name, err)
	}
	if err := file.Commit(); err != nil {
		return info, err
	}
	info.Bytes = hw.n
	info.SHA256 = hex.EncodeToString(hw.h.Sum(nil))
	return info, nil
}
