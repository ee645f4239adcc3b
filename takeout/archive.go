package takeout

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// Roots of the health data inside an archive; the newer one wins when an
// archive holds both.
const (
	RootGoogleHealth = "Takeout/Google Health/"
	RootFitbit       = "Takeout/Fitbit/"
)

// globalExport is the folder of the canonical JSON families.
const globalExport = "Global Export Data/"

// DefaultCacheFiles is how many decoded files an Archive keeps by default.
const DefaultCacheFiles = 24

// maxEntryBytes refuses to decode a single archive entry larger than this
// (a corrupt size field, not health data).
const maxEntryBytes = 1 << 30

// Options tune Open.
type Options struct {
	// Zone overrides the account's time zone. A last resort: the profile's
	// zone (Your Profile/Profile.csv) is the zone the tracker recorded in;
	// use this only for an archive without a profile, or one whose profile
	// names a zone this system does not know.
	Zone *time.Location
	// CacheFiles bounds the decoded files kept in memory (default
	// DefaultCacheFiles). One decoded file is at most a month of minutes or
	// a day of heart-rate samples.
	CacheFiles int
}

// Profile is what an offline import knows about the account.
type Profile struct {
	// UserID is Profile.csv's id, or "takeout" when the archive has none.
	UserID string
	// Zone is the account's time zone: every local time in the archive is
	// read in it.
	Zone *time.Location
	// MemberSince is Profile.csv's member_since, else the start of the
	// earliest file.
	MemberSince dates.Date
	// FirstDay and LastDay are the first and last local days with data in
	// the archive (zero when it holds none). Every day up to LastDay counts
	// as complete: the archive is the export's "last sync".
	FirstDay, LastDay dates.Date
}

// LastSync is the instant the archive counts as synced: the end of
// LastDay (the next local midnight), so that pipeline.LastSyncedDay gives
// LastDay. Zero when the archive holds no data.
func (p Profile) LastSync() time.Time {
	if p.LastDay.IsZero() {
		return time.Time{}
	}
	return p.LastDay.AddDays(1).Time(p.Zone)
}

// Summary counts what Open found.
type Summary struct {
	// Root is the health root in use (RootGoogleHealth or RootFitbit).
	Root string
	// Parts is the number of zip parts and folders opened.
	Parts int
	// Indexed counts the indexed files per family (JSON families by
	// their file prefix, "steps"; CSV families by theirs, "Minute SpO2");
	// IndexedBytes is
	// their total uncompressed size (what an import reads at most once per
	// file, for progress).
	Indexed      map[string]int
	IndexedBytes int64
	// Twins counts the *_GoogleData CSV files, never read (the JSON family
	// is canonical).
	Twins int
	// Unrecognised counts the files under the root that fitexport does not
	// read, by family (file prefix) or folder.
	Unrecognised map[string]int
	// NonHealth counts the files outside the health root (other Google
	// products, archive_browser.html), skipped.
	NonHealth int
	// Duplicates counts files present in more than one part (the first is
	// used).
	Duplicates int
}

// Stats counts the reading done so far.
type Stats struct {
	// FilesRead and BytesRead count the entries read and their
	// uncompressed bytes (a file evicted from the cache and needed again
	// is read again).
	FilesRead int64
	BytesRead int64
	// CachedFiles is the number of decoded files held now (at most
	// Options.CacheFiles).
	CachedFiles int
}

// fileRef is one indexed archive entry: where it is, not what it holds.
type fileRef struct {
	fam   *family
	start dates.Date
	// last and index are set for the exercise files, whose names hold an
	// index, not a date: start and last are then the first and last days
	// their logs start on (zero when they hold none).
	last  dates.Date
	index int
	name  string    // path inside the archive (or on disk), for messages
	zf    *zip.File // set for a zip entry
	disk  string    // set for a file of an unpacked folder
	size  int64
}

// Archive is an opened Takeout archive: an index of its health files and
// a bounded cache of decoded ones. It is safe for concurrent use and
// implements pipeline.Fetcher.
type Archive struct {
	zone    *time.Location
	profile Profile
	summary Summary
	fams    map[string]*family // by family name
	byRes   map[string]*family // by API resource
	files   map[string][]*fileRef
	closers []io.Closer

	cache *fileCache

	mu       sync.Mutex
	warnings []string
	warned   map[string]bool

	filesRead, bytesRead atomic.Int64
}

// Open indexes one or more Takeout zip parts or unpacked folders with the
// default options. See OpenWith.
func Open(paths ...string) (*Archive, error) { return OpenWith(Options{}, paths...) }

// OpenWith indexes the archive made of paths (zip parts and/or unpacked
// folders). It reads the central directories (or walks the folders), the
// profile, the first and last files of each family (to find the days with
// data) and every exercise file (their names hold no date); file contents
// are read later, on demand. Call Close when done.
func OpenWith(o Options, paths ...string) (*Archive, error) {
	if len(paths) == 0 {
		return nil, errors.New("takeout: no archive given: pass the .zip parts or the unpacked folder")
	}
	a := &Archive{fams: map[string]*family{}, byRes: map[string]*family{}, files: map[string][]*fileRef{},
		warned: map[string]bool{}}
	for _, f := range families() {
		a.fams[f.name] = &f
		a.byRes[f.resource] = &f
	}
	a.summary = Summary{Indexed: map[string]int{}, Unrecognised: map[string]int{}}
	ix := newIndexer()
	for _, p := range paths {
		if err := a.add(ix, p); err != nil {
			a.Close()
			return nil, err
		}
	}
	if err := a.finishIndex(ix); err != nil {
		a.Close()
		return nil, err
	}
	a.indexExercises()
	n := o.CacheFiles
	if n <= 0 {
		n = DefaultCacheFiles
	}
	a.cache = newFileCache(n)
	if err := a.readProfile(ix.profile, o.Zone); err != nil {
		a.Close()
		return nil, err
	}
	a.findDataSpan()
	return a, nil
}

// indexer collects candidate entries while the parts are listed.
type indexer struct {
	// entries per root, by path relative to the root
	byRoot  map[string]map[string]*fileRef
	order   map[string][]string
	profile *fileRef
}

func newIndexer() *indexer {
	return &indexer{byRoot: map[string]map[string]*fileRef{}, order: map[string][]string{}}
}

// add lists one zip part or folder.
func (a *Archive) add(ix *indexer, p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("takeout: %w", err)
	}
	a.summary.Parts++
	if fi.IsDir() {
		return a.addDir(ix, p)
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		return fmt.Errorf("takeout: %s is neither a folder nor a readable .zip: %w", p, err)
	}
	a.closers = append(a.closers, zr)
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		a.offer(ix, zf.Name, &fileRef{name: filepath.Base(p) + ":" + zf.Name, zf: zf, size: int64(zf.UncompressedSize64)})
	}
	return nil
}

func (a *Archive) addDir(ix *indexer, dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("takeout: %w", err)
	}
	// An unpacked archive is the folder holding Takeout/, Takeout/ itself,
	// or the health root itself (Global Export Data/ directly inside).
	slashed := filepath.ToSlash(abs)
	prefix := ""
	if _, err := os.Stat(filepath.Join(abs, filepath.FromSlash(globalExport))); err == nil && !strings.Contains(slashed+"/", "/"+RootGoogleHealth) && !strings.Contains(slashed+"/", "/"+RootFitbit) {
		prefix = RootFitbit // a renamed root folder: read it as one
	}
	return filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("takeout: %w", err)
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("takeout: %w", err)
		}
		rel, _ := filepath.Rel(abs, p)
		name := filepath.ToSlash(p)
		if prefix != "" {
			name = prefix + filepath.ToSlash(rel)
		}
		a.offer(ix, name, &fileRef{name: p, disk: p, size: info.Size()})
		return nil
	})
}

// offer files an entry under its root (or counts it as non-health).
func (a *Archive) offer(ix *indexer, name string, ref *fileRef) {
	for _, root := range []string{RootGoogleHealth, RootFitbit} {
		i := strings.Index(name, root)
		if i < 0 || (i > 0 && name[i-1] != '/') {
			continue
		}
		rel := name[i+len(root):]
		m := ix.byRoot[root]
		if m == nil {
			m = map[string]*fileRef{}
			ix.byRoot[root] = m
		}
		if _, dup := m[rel]; dup {
			a.summary.Duplicates++
			a.warnf("%s appears in more than one part: the first is used", root+rel)
			return
		}
		m[rel] = ref
		ix.order[root] = append(ix.order[root], rel)
		return
	}
	a.summary.NonHealth++
}

// finishIndex picks the root and classifies its entries.
func (a *Archive) finishIndex(ix *indexer) error {
	root := RootGoogleHealth
	if len(ix.byRoot[root]) == 0 {
		root = RootFitbit
	}
	if len(ix.byRoot[root]) == 0 {
		return fmt.Errorf("takeout: no %s or %s folder in the archive: is this a Google Takeout export of Fitbit data?", strings.TrimSuffix(RootGoogleHealth, "/"), strings.TrimSuffix(RootFitbit, "/"))
	}
	if root == RootGoogleHealth && len(ix.byRoot[RootFitbit]) > 0 {
		a.warnf("the archive holds both %s and %s: reading %s only", RootGoogleHealth, RootFitbit, RootGoogleHealth)
		a.summary.NonHealth += len(ix.byRoot[RootFitbit])
	}
	a.summary.Root = root
	for _, rel := range ix.order[root] {
		ref := ix.byRoot[root][rel]
		dir, base := path.Split(rel)
		switch {
		case strings.EqualFold(base, "Profile.csv"):
			if ix.profile == nil {
				ix.profile = ref
			}
		case isTwinDir(dir):
			a.summary.Twins++
		case strings.HasSuffix(strings.ToLower(base), ".csv") && a.csvFamily(base) != nil:
			f := a.csvFamily(base)
			start, ok := parseCSVFileDate(base[len(f.csv.prefix):])
			if !ok {
				a.summary.Unrecognised[unrecognisedKey(dir, base)]++
				continue
			}
			ref.fam, ref.start = f, start
			a.files[f.name] = append(a.files[f.name], ref)
			a.summary.Indexed[f.name]++
			a.summary.IndexedBytes += ref.size
		case dir == globalExport && strings.HasPrefix(base, famExercise+"-"):
			fam, n, ok := parseIndexedName(base)
			if f, _, dated := parseFileName(base); !ok && dated && f == famExercise {
				fam, ok = f, true // named by a date: its logs say its days all the same
			}
			if !ok {
				a.summary.Unrecognised[unrecognisedKey(dir, base)]++
				continue
			}
			ref.fam, ref.index = a.fams[fam], n
			a.files[fam] = append(a.files[fam], ref)
			a.summary.Indexed[fam]++
			a.summary.IndexedBytes += ref.size
		case dir == globalExport:
			fam, start, ok := parseFileName(base)
			if !ok {
				a.summary.Unrecognised[unrecognisedKey(dir, base)]++
				continue
			}
			f := a.fams[fam]
			if f == nil {
				a.summary.Unrecognised[fam]++
				continue
			}
			ref.fam, ref.start = f, start
			a.files[fam] = append(a.files[fam], ref)
			a.summary.Indexed[fam]++
			a.summary.IndexedBytes += ref.size
		default:
			a.summary.Unrecognised[unrecognisedKey(dir, base)]++
		}
	}
	for _, refs := range a.files {
		sort.SliceStable(refs, func(i, j int) bool { return refs[i].start.Before(refs[j].start) })
	}
	return nil
}

// isTwinDir reports whether dir lies in a *_GoogleData folder.
func isTwinDir(dir string) bool {
	for _, seg := range strings.Split(dir, "/") {
		if strings.HasSuffix(seg, "_GoogleData") {
			return true
		}
	}
	return false
}

func unrecognisedKey(dir, base string) string {
	if dir == "" {
		return base
	}
	return strings.TrimSuffix(dir, "/")
}

// csvFamily returns the CSV family whose files are named like base.
func (a *Archive) csvFamily(base string) *family {
	for _, f := range a.fams {
		if f.csv != nil && strings.HasPrefix(base, f.csv.prefix) {
			return f
		}
	}
	return nil
}

// parseCSVFileDate reads the start of a CSV file's period from the name
// after its prefix: "2026-10-01.csv", "2026-10-01-2026-12-31.csv" (a
// range: its start), or "2026-10-(15).csv" and "2026-10.csv" (read as the
// month's first day: the day part, when there is one, is not a date).
func parseCSVFileDate(rest string) (dates.Date, bool) {
	if len(rest) >= 10 {
		if d, err := dates.Parse(rest[:10]); err == nil {
			return d, true
		}
	}
	if len(rest) >= 7 && rest[4] == '-' {
		if d, err := dates.Parse(rest[:7] + "-01"); err == nil {
			return d, true
		}
	}
	return dates.Date{}, false
}

// parseFileName splits "steps-2026-10-01.json" into its family and the
// start of its period.
func parseFileName(base string) (string, dates.Date, bool) {
	stem, ok := strings.CutSuffix(base, ".json")
	if !ok || len(stem) < 12 || stem[len(stem)-11] != '-' {
		return stem, dates.Date{}, false
	}
	d, err := dates.Parse(stem[len(stem)-10:])
	if err != nil {
		return stem, dates.Date{}, false
	}
	return stem[:len(stem)-11], d, true
}

// readProfile reads the account's id, zone and member-since day.
func (a *Archive) readProfile(ref *fileRef, override *time.Location) error {
	p := Profile{UserID: "takeout"}
	var zoneName string
	if ref != nil {
		rows, err := a.readCSV(ref)
		if err != nil {
			a.warnf("%s: %v: profile skipped", ref.name, err)
		} else if len(rows) >= 2 {
			get := func(cols ...string) string {
				for i, h := range rows[0] {
					for _, c := range cols {
						if strings.EqualFold(strings.TrimSpace(h), c) && i < len(rows[1]) {
							return strings.TrimSpace(rows[1][i])
						}
					}
				}
				return ""
			}
			if id := get("id", "user_id", "encoded_id"); id != "" && !strings.ContainsAny(id, `/\.`) {
				p.UserID = id
			}
			zoneName = get("timezone", "time_zone", "time zone")
			if ms := get("member_since", "member since"); ms != "" {
				if d, ok := parseDay(ms); ok {
					p.MemberSince = d
				}
			}
		}
	}
	switch {
	case override != nil:
		if zoneName != "" && zoneName != override.String() {
			a.warnf("the profile's time zone is %s; reading the archive in %s as asked", zoneName, override)
		}
		p.Zone = override
	case zoneName == "":
		return errors.New("takeout: the archive has no time zone (no Your Profile/Profile.csv with a timezone column): every time in it is local, so pass the zone explicitly")
	default:
		z, err := time.LoadLocation(zoneName)
		if err != nil {
			return fmt.Errorf("takeout: the profile's time zone %q is unknown to this system's zone database: pass the zone explicitly", zoneName)
		}
		p.Zone = z
	}
	a.zone = p.Zone
	if p.MemberSince.IsZero() {
		for _, refs := range a.files {
			if len(refs) > 0 && !refs[0].start.IsZero() && (p.MemberSince.IsZero() || refs[0].start.Before(p.MemberSince)) {
				p.MemberSince = refs[0].start
			}
		}
	}
	a.profile = p
	return nil
}

// readCSV reads a whole (small) CSV entry.
func (a *Archive) readCSV(ref *fileRef) ([][]string, error) {
	data, err := a.read(ref)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	r.FieldsPerRecord = -1
	return r.ReadAll()
}

// findDataSpan sets the profile's first and last days with data: the
// first and last files of each family are decoded (not cached), walking
// back over files that hold nothing.
func (a *Archive) findDataSpan() {
	var first, last dates.Date
	for _, refs := range a.files {
		if len(refs) > 0 && refs[0].fam.kind == kindExercise {
			for _, ref := range refs { // spans known since indexExercises
				if !ref.start.IsZero() && (first.IsZero() || ref.start.Before(first)) {
					first = ref.start
				}
				if !ref.last.IsZero() && (last.IsZero() || ref.last.After(last)) {
					last = ref.last
				}
			}
			continue
		}
		for i := len(refs) - 1; i >= 0 && i >= len(refs)-3; i-- {
			dec := a.decode(refs[i])
			if !dec.last.IsZero() {
				if last.IsZero() || dec.last.After(last) {
					last = dec.last
				}
				break
			}
		}
		for i := 0; i < len(refs) && i < 3; i++ {
			dec := a.decode(refs[i])
			if !dec.first.IsZero() {
				if first.IsZero() || dec.first.Before(first) {
					first = dec.first
				}
				break
			}
		}
	}
	a.profile.FirstDay, a.profile.LastDay = first, last
}

// read returns the whole content of one entry.
func (a *Archive) read(ref *fileRef) ([]byte, error) {
	var rc io.ReadCloser
	var err error
	if ref.zf != nil {
		rc, err = ref.zf.Open()
	} else {
		rc, err = os.Open(ref.disk)
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	if ref.size > 0 && ref.size < maxEntryBytes {
		buf.Grow(int(ref.size) + bytes.MinRead)
	}
	_, err = buf.ReadFrom(io.LimitReader(rc, maxEntryBytes+1))
	data := buf.Bytes()
	a.filesRead.Add(1)
	a.bytesRead.Add(int64(len(data)))
	if err != nil {
		return data, err
	}
	if len(data) > maxEntryBytes {
		return nil, fmt.Errorf("larger than %d bytes", maxEntryBytes)
	}
	return data, nil
}

// Profile returns what the archive says about the account.
func (a *Archive) Profile() Profile { return a.profile }

// Summary returns what Open found (a copy).
func (a *Archive) Summary() Summary {
	s := a.summary
	s.Indexed, s.Unrecognised = map[string]int{}, map[string]int{}
	for k, v := range a.summary.Indexed {
		s.Indexed[k] = v
	}
	for k, v := range a.summary.Unrecognised {
		s.Unrecognised[k] = v
	}
	return s
}

// Stats returns the files and bytes read so far (for progress).
func (a *Archive) Stats() Stats {
	return Stats{FilesRead: a.filesRead.Load(), BytesRead: a.bytesRead.Load(), CachedFiles: a.cache.len()}
}

// Warnings returns what was skipped so far, one line each, naming the file
// (and the line or entry) and the reason: malformed or truncated files,
// duplicates. A file is reported once. An import with warnings is
// complete except for those files.
func (a *Archive) Warnings() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.warnings...)
}

func (a *Archive) warnf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.warned[msg] {
		return
	}
	a.warned[msg] = true
	a.warnings = append(a.warnings, msg)
}

// Close closes the zip parts.
func (a *Archive) Close() error {
	var err error
	for _, c := range a.closers {
		if e := c.Close(); e != nil && err == nil {
			err = e
		}
	}
	a.closers = nil
	return err
}

// has reports whether the archive holds files of family name.
func (a *Archive) has(name string) bool { return len(a.files[name]) > 0 }

// candidates returns the files of family fam that may hold data of days r:
// the file whose period covers r.From and the one before it (a period's
// data may spill past its start), through the files starting on r.To+1.
func (a *Archive) candidates(fam string, r dates.Range) []*fileRef {
	refs := a.files[fam]
	lo := sort.Search(len(refs), func(i int) bool { return refs[i].start.After(r.From) }) - 2
	hi := sort.Search(len(refs), func(i int) bool { return refs[i].start.After(r.To.AddDays(1)) })
	return refs[max(0, lo):hi]
}

// loadFile returns the decoded content of ref through the cache.
func (a *Archive) loadFile(ctx context.Context, ref *fileRef) (*decoded, error) {
	return a.cache.get(ctx, ref, a.decode)
}
