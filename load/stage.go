package load

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// Staged is a partition written to its temporary file and not yet
// committed: what StagePartition returns. The bytes are rendered and
// hashed; what is left is waiting for the disk (flush, fsync, rename), so a
// caller can start computing the next partition on this core while
// another goroutine commits this one. Exactly one of Commit and Abort takes
// effect; Abort after Commit does nothing.
type Staged struct {
	fsys  FS
	file  File // nil when there are no rows (Commit removes name)
	info  FileInfo
	hw    *hashingWriter
	done  bool
	empty bool
}

// StagePartition is the first half of WritePartition: it writes recs (all
// of schema) in format f to a temporary file beside name and returns
// without committing it. StagePartition then Commit gives the same file,
// FileInfo and errors as WritePartition; a Staged holds no record (recs may
// be released as soon as it returns), only an open file.
func StagePartition(fsys FS, name string, f Format, schema *arrow.Schema, recs []arrow.RecordBatch) (*Staged, error) {
	s := &Staged{fsys: fsys, info: FileInfo{Path: name}}
	for _, r := range recs {
		s.info.Rows += r.NumRows()
	}
	if s.info.Rows == 0 {
		s.empty = true
		return s, nil
	}
	file, err := fsys.Create(name)
	if err != nil {
		return nil, err
	}
	s.file = file
	s.hw = &hashingWriter{w: file, h: sha256.New()}
	rw, err := NewRecordWriter(f, s.hw, schema)
	if err != nil {
		file.Abort()
		return nil, fmt.Errorf("write %s: %w", name, err)
	}
	for _, r := range recs {
		if err := rw.Write(r); err != nil {
			rw.Close()
			file.Abort()
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
	}
	if err := rw.Close(); err != nil {
		file.Abort()
		return nil, fmt.Errorf("write %s: %w", name, err)
	}
	return s, nil
}

// Rows is the number of rows staged.
func (s *Staged) Rows() int64 { return s.info.Rows }

// Commit makes the staged file durable at its name (replacing any file
// there) and returns what the manifest records of it. With no rows it
// removes any file at the name instead (Rows 0, no checksum).
func (s *Staged) Commit() (FileInfo, error) {
	if s.done {
		return s.info, fmt.Errorf("commit %s: already committed or aborted", s.info.Path)
	}
	s.done = true
	if s.empty {
		if err := s.fsys.Remove(s.info.Path); err != nil {
			return s.info, fmt.Errorf("remove empty partition %s: %w", s.info.Path, err)
		}
		return s.info, nil
	}
	if err := s.file.Commit(); err != nil {
		return s.info, err
	}
	s.info.Bytes = s.hw.n
	s.info.SHA256 = hex.EncodeToString(s.hw.h.Sum(nil))
	return s.info, nil
}

// Abort discards the staged file; the file at the name is left as it was.
func (s *Staged) Abort() error {
	if s.done {
		return nil
	}
	s.done = true
	if s.file == nil {
		return nil
	}
	return s.file.Abort()
}
