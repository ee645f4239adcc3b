package load

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// FS is the file access load needs: atomic create, read, list, remove and
// size. Names are slash-separated and relative to the FS root
// ("heart_rate/month=2026-11/heart_rate-2026-11.parquet"). DirFS is the
// local-disk implementation; an object store can implement the same.
type FS interface {
	// Create starts a new file that replaces name when committed. Until
	// then it is a temporary file beside name (parents are created).
	Create(name string) (File, error)
	// Open opens name for reading.
	Open(name string) (io.ReadCloser, error)
	// List returns every file under dir (recursively, temporary files
	// included), as names relative to the FS root, sorted. A missing dir
	// lists nothing.
	List(dir string) ([]string, error)
	// Remove deletes name; removing a missing file is not an error.
	Remove(name string) error
	// Stat returns the size of name, or an error matching fs.ErrNotExist.
	Stat(name string) (size int64, err error)
}

// File is a file being written. Exactly one of Commit and Abort takes
// effect; calling Abort after Commit (for example in a defer) does nothing.
type File interface {
	io.Writer
	// Commit makes the written bytes durable and puts them at the target
	// name in one step: readers see the old file or the new, never a part.
	Commit() error
	// Abort discards the file; the target is left as it was.
	Abort() error
}

// tempMarker separates a target's base name from the random suffix of its
// temporary file: ".<base>.tmp-<random>".
const tempMarker = ".tmp-"

// IsTemp reports whether name (a path or base name) is a temporary file
// made by Create, for example left behind by a killed run.
func IsTemp(name string) bool {
	base := path.Base(filepath.ToSlash(name))
	return strings.HasPrefix(base, ".") && strings.Contains(base, tempMarker)
}

// CleanTemp removes the temporary files under dir that a crashed or killed
// run left behind. Run it before writing, not while another process writes
// to the same folder.
func CleanTemp(fsys FS, dir string) error {
	names, err := fsys.List(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range names {
		if IsTemp(n) {
			if err := fsys.Remove(n); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// DirFS returns an FS rooted at the local folder root.
func DirFS(root string) FS { return dirFS{root: root} }

type dirFS struct{ root string }

// path returns the OS path of name, rejecting names that leave the root.
func (d dirFS) path(name string) (string, error) {
	if name == "" || name == "." {
		return d.root, nil
	}
	if !fs.ValidPath(name) {
		return "", fmt.Errorf("invalid file name %q: want a slash-separated path inside the output folder", name)
	}
	return filepath.Join(d.root, filepath.FromSlash(name)), nil
}

func (d dirFS) Create(name string) (File, error) {
	full, err := d.path(name)
	if err != nil {
		return nil, err
	}
	if full == d.root {
		return nil, fmt.Errorf("invalid file name %q", name)
	}
	dir := filepath.Dir(full)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create folder for %s: %w", full, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(full)+tempMarker+"*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", full, err)
	}
	return &dirFile{f: f, bw: bufio.NewWriterSize(f, 256<<10), target: full}, nil
}

func (d dirFS) Open(name string) (io.ReadCloser, error) {
	full, err := d.path(name)
	if err != nil {
		return nil, err
	}
	return os.Open(full)
}

func (d dirFS) List(dir string) ([]string, error) {
	full, err := d.path(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	err = filepath.WalkDir(full, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == full && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if e.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(d.root, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", full, err)
	}
	sort.Strings(out)
	return out, nil
}

func (d dirFS) Remove(name string) error {
	full, err := d.path(name)
	if err != nil {
		return err
	}
	if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (d dirFS) Stat(name string) (int64, error) {
	full, err := d.path(name)
	if err != nil {
		return 0, err
	}
	fi, err := os.Stat(full)
	if err != nil {
		return 0, err
	}
	if fi.IsDir() {
		return 0, fmt.Errorf("%s is a folder, not a file", full)
	}
	return fi.Size(), nil
}

type dirFile struct {
	f      *os.File
	bw     *bufio.Writer
	target string
	done   bool // committed or aborted
	err    error
}

func (w *dirFile) Write(p []byte) (int, error) {
	if w.done {
		return 0, fmt.Errorf("write %s: file already committed or aborted", w.target)
	}
	return w.bw.Write(p)
}

func (w *dirFile) Commit() error {
	if w.done {
		if w.err != nil {
			return w.err
		}
		return fmt.Errorf("commit %s: file already committed or aborted", w.target)
	}
	w.done = true
	tmp := w.f.Name()
	err := w.bw.Flush()
	if err == nil {
		// CreateTemp makes 0600 files; data files are for others to read.
		err = w.f.Chmod(0o644)
	}
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, w.target)
	}
	if err != nil {
		os.Remove(tmp)
		w.err = fmt.Errorf("write %s: %w", w.target, err)
		return w.err
	}
	if err := syncDir(filepath.Dir(w.target)); err != nil {
		w.err = fmt.Errorf("write %s: sync folder: %w", w.target, err)
		return w.err
	}
	return nil
}

func (w *dirFile) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.f.Close()
	if err := os.Remove(w.f.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// syncDir makes a rename in dir durable. Windows cannot sync folders.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
