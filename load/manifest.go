package load

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
)

// ManifestPath is where the manifest lives, relative to the output folder.
// Readers that discover datasets skip "_"-prefixed folders.
const ManifestPath = "_fitexport/manifest.json"

// ManifestVersion is the version of the manifest's own format.
const ManifestVersion = 1

// Tool is the manifest's "tool" value.
const Tool = "fitexport"

// Manifest describes an output folder. Its JSON form is deterministic:
// datasets are keyed by name (sorted by encoding/json) and files sorted by
// path when written.
type Manifest struct {
	FormatVersion int    `json:"format_version"`
	Tool          string `json:"tool"`
	Source        string `json:"source"`
	Format        string `json:"format"`
	// User is the user id whose data the folder holds.
	User string `json:"user,omitempty"`
	// Options are the export choices that shape rows (heart_detail), so
	// that `fitexport rebuild` reproduces the online run.
	Options  map[string]string        `json:"options,omitempty"`
	Datasets map[string]*DatasetEntry `json:"datasets"`
}

// DatasetEntry describes one dataset's files.
type DatasetEntry struct {
	// SchemaVersion is the dataset's schema version when it was written.
	SchemaVersion int   `json:"schema_version"`
	Rows          int64 `json:"rows"`
	// FirstDay and LastDay (yyyy-mm-dd) bound the days exported.
	FirstDay string `json:"first_day,omitempty"`
	LastDay  string `json:"last_day,omitempty"`
	// EmptyDays lists exported days that had no rows.
	EmptyDays []string `json:"empty_days,omitempty"`
	// Zones are the IANA zones wall-clock times were read in.
	Zones  []string     `json:"zones"`
	Files  []FileInfo   `json:"files"`
	Schema []ColumnInfo `json:"schema"`
	// Months records, per month partition, what it was built from, so a
	// run rewrites exactly the months whose data changed.
	Months map[string]MonthInfo `json:"months,omitempty"`
}

// MonthInfo describes one month partition of a dataset.
type MonthInfo struct {
	// Fingerprint identifies the cached responses the partition was built
	// from; a different one means the month must be rewritten.
	Fingerprint string `json:"fingerprint"`
	Rows        int64  `json:"rows"`
	// Days counts the days exported in the month; EmptyDays those of them
	// with no rows.
	Days      int      `json:"days"`
	EmptyDays []string `json:"empty_days,omitempty"`
	First     string   `json:"first_day"`
	Last      string   `json:"last_day"`
	// Sources lists the raw-cache sources that supplied the month when
	// they are not only the manifest's source (a Takeout import beneath
	// API runs).
	Sources []string `json:"sources,omitempty"`
}

// ColumnInfo describes one column of a dataset.
type ColumnInfo struct {
	Name string `json:"name"`
	// Type is the Arrow type, e.g. "timestamp[ms, tz=UTC]", "int32".
	Type string `json:"type"`
	// Unit and Doc come from the field metadata keys "unit" and "doc".
	Unit string `json:"unit,omitempty"`
	Doc  string `json:"doc,omitempty"`
}

// Columns describes schema's columns for the manifest.
func Columns(schema *arrow.Schema) []ColumnInfo {
	out := make([]ColumnInfo, 0, schema.NumFields())
	for _, f := range schema.Fields() {
		c := ColumnInfo{Name: f.Name, Type: f.Type.String()}
		if i := f.Metadata.FindKey("unit"); i >= 0 {
			c.Unit = f.Metadata.Values()[i]
		}
		if i := f.Metadata.FindKey("doc"); i >= 0 {
			c.Doc = f.Metadata.Values()[i]
		}
		out = append(out, c)
	}
	return out
}

// NewManifest returns an empty manifest.
func NewManifest() *Manifest {
	return &Manifest{FormatVersion: ManifestVersion, Tool: Tool, Datasets: map[string]*DatasetEntry{}}
}

// ReadManifest reads the manifest at name. A missing manifest is an empty
// one; an unreadable one is a *CorruptError (errors.Is ErrManifestCorrupt)
// that tells the user how to recover. The manifest is a derived view of the
// raw cache, so an export that meets a corrupt one may warn and start from
// an empty manifest, rewriting every month.
func ReadManifest(fsys FS, name string) (*Manifest, error) {
	r, err := fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return NewManifest(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", name, err)
	}
	m := &Manifest{}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(m); err != nil {
		return nil, corrupt(name, err)
	}
	if dec.More() {
		return nil, corrupt(name, errors.New("data after the JSON object"))
	}
	if m.FormatVersion > ManifestVersion {
		return nil, fmt.Errorf("manifest %s has format version %d, newer than this fitexport understands (%d): upgrade fitexport", name, m.FormatVersion, ManifestVersion)
	}
	if m.FormatVersion < 1 || m.Tool != Tool {
		return nil, corrupt(name, fmt.Errorf("not a %s manifest (format_version %d, tool %q)", Tool, m.FormatVersion, m.Tool))
	}
	if m.Datasets == nil {
		m.Datasets = map[string]*DatasetEntry{}
	}
	for k, d := range m.Datasets {
		if d == nil {
			return nil, corrupt(name, fmt.Errorf("dataset %q is null", k))
		}
	}
	return m, nil
}

// ErrManifestCorrupt matches (errors.Is) a *CorruptError.
var ErrManifestCorrupt = errors.New("manifest is corrupt")

// CorruptError is a manifest that cannot be read: not JSON, truncated, not
// a fitexport manifest.
type CorruptError struct {
	// Name is the manifest's path in the FS.
	Name string
	// Err says what is wrong with it.
	Err error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("manifest %s is corrupt: %v; delete it and run fitexport rebuild", e.Name, e.Err)
}

// Is makes errors.Is(err, ErrManifestCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrManifestCorrupt }

// Unwrap returns the cause.
func (e *CorruptError) Unwrap() error { return e.Err }

func corrupt(name string, err error) error { return &CorruptError{Name: name, Err: err} }

// VerifyFile checks that the file f describes is still what was written:
// present, f.Bytes long, with checksum f.SHA256. It returns nil when it is,
// an error matching fs.ErrNotExist when it is gone, a *MismatchError when it
// differs, and other errors when it cannot be read. It reads the whole file
// (only when the size matches).
func VerifyFile(fsys FS, f FileInfo) error {
	size, err := fsys.Stat(f.Path)
	if err != nil {
		return err
	}
	if size != f.Bytes {
		return &MismatchError{Path: f.Path, Why: fmt.Sprintf("it has %d bytes, the manifest records %d", size, f.Bytes)}
	}
	r, err := fsys.Open(f.Path)
	if err != nil {
		return err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return fmt.Errorf("read %s: %w", f.Path, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != f.SHA256 {
		return &MismatchError{Path: f.Path, Why: fmt.Sprintf("its sha256 is %s…, the manifest records %s…", sum[:12], short(f.SHA256))}
	}
	return nil
}

// MismatchError is a file that differs from its manifest record.
type MismatchError struct {
	Path string
	// Why says how, e.g. "it has 10 bytes, the manifest records 12".
	Why string
}

func (e *MismatchError) Error() string { return e.Path + " does not match the manifest: " + e.Why }

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	if s == "" {
		return "none"
	}
	return s
}

// WriteManifest replaces the manifest at name atomically. Files are sorted
// by path and empty lists written as [] so the output is stable.
func WriteManifest(fsys FS, name string, m *Manifest) error {
	c := *m
	if c.FormatVersion == 0 {
		c.FormatVersion = ManifestVersion
	}
	if c.Tool == "" {
		c.Tool = Tool
	}
	c.Datasets = make(map[string]*DatasetEntry, len(m.Datasets))
	for k, d := range m.Datasets {
		if d == nil {
			continue
		}
		e := *d
		e.Files = append([]FileInfo{}, d.Files...)
		sort.Slice(e.Files, func(i, j int) bool { return e.Files[i].Path < e.Files[j].Path })
		if e.Zones == nil {
			e.Zones = []string{}
		}
		if e.Schema == nil {
			e.Schema = []ColumnInfo{}
		}
		c.Datasets[k] = &e
	}
	return WriteJSON(fsys, name, &c)
}

// WriteJSON replaces name with v as indented JSON and a final newline,
// atomically.
func WriteJSON(fsys FS, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	b = append(b, '\n')
	f, err := fsys.Create(name)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return f.Commit()
}
