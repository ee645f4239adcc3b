package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/rogpeppe/go-internal/renameio"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
)

// Cache is the raw cache: every response as received, compressed, keyed by
// source, user and request key, under OUT/_fitexport/raw/<source>/<user>/.
// Transform and load read only from it, so outputs can be rebuilt offline.
//
// Each entry is one zstd file <key>.resp.zst written atomically; a journal
// (journal.ndjson, one line per stored entry, appended and fsynced after the
// entry is on disk) says when each was fetched and whether the days it
// carries were complete. A crash between the two loses at most the one
// unjournalled entry, which the next run fetches again.
//
// The journal also records each entry file's size and CRC-32C, so that
// [Cache.Verify] finds a truncated or bit-flipped file before a run trusts
// the days it carries.
type Cache struct {
	dir string

	mu      sync.Mutex
	entries map[string]Entry // by key, the latest
	seq     int              // journal lines read or written
	journal *os.File
	// sizes holds each indexed entry file's size on disk.
	sizes map[string]int64
	// badLines are the journal's unreadable lines (1-based), found by load;
	// needNL: the journal does not end with a newline (a torn append), so
	// the next append starts a new line first.
	badLines []int
	needNL   bool

	decOnce sync.Once
	dec     *zstd.Decoder // see decoder
	encOnce sync.Once
	enc     *zstd.Encoder // see encoder
}

// Entry is the journal's record of one cached response.
type Entry struct {
	Key       string      `json:"key"`
	Days      dates.Range `json:"-"`
	From      dates.Date  `json:"from"`
	To        dates.Date  `json:"to"`
	FetchedAt time.Time   `json:"fetched_at"`
	// CompleteThrough is the last day the device had synced past when the
	// response was fetched: the response's days up to it are complete
	// (zero: none).
	CompleteThrough dates.Date `json:"complete_through,omitzero"`
	// Zone is the IANA zone the user's profile had at fetch time; the
	// response's wall-clock times are read in it.
	Zone string `json:"zone"`
	// LastSync is the tracker's last sync at fetch time.
	LastSync time.Time `json:"last_sync,omitzero"`
	Pages    int       `json:"pages"`
	Bytes    int64     `json:"bytes"`
	// Seq orders entries fetched at the same instant (journal line number).
	Seq int `json:"seq"`
	// Size and CRC32C describe the entry file as written (zero in journals
	// written before they were recorded: such entries are not verified).
	Size   int64  `json:"size,omitempty"`
	CRC32C uint32 `json:"crc32c,omitempty"`
}

// Kind returns the request kind: the key without its last element (the day
// or day span), e.g. "heart/1min" for "heart/1min/2026-11-20".
func Kind(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[:i]
	}
	return key
}

const journalName = "journal.ndjson"

// OpenCache opens (creating) the cache for one source and user under dir
// (OUT/_fitexport/raw). A malformed journal line — the tail of a killed
// append — is skipped; so is a line whose entry file is missing.
func OpenCache(dir, source, user string) (*Cache, error) {
	if err := checkName(source); err != nil {
		return nil, err
	}
	if err := checkName(user); err != nil {
		return nil, err
	}
	d := filepath.Join(dir, source, user)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return nil, fmt.Errorf("raw cache: %w", err)
	}
	c := &Cache{dir: d, entries: map[string]Entry{}, sizes: map[string]int64{}}
	if err := c.load(); err != nil {
		return nil, err
	}
	return c, nil
}

func checkName(s string) error {
	if s == "" || strings.ContainsAny(s, `/\`) || s == "." || s == ".." {
		return fmt.Errorf("raw cache: invalid name %q", s)
	}
	return nil
}

func (c *Cache) load() error {
	b, err := os.ReadFile(filepath.Join(c.dir, journalName))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("raw cache journal: %w", err)
	}
	c.needNL = len(b) > 0 && b[len(b)-1] != '\n'
	for i, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var e Entry
		if json.Unmarshal(line, &e) != nil || e.Key == "" || e.From.IsZero() || !validKey(e.Key) {
			// A torn append, or a key that would leave this user's
			// folder (never followed). Verify reports and removes it.
			c.badLines = append(c.badLines, i+1)
			continue
		}
		fi, err := os.Stat(c.path(e.Key))
		if err != nil {
			continue // dropped (or never written): fetched again
		}
		c.seq++
		e.Seq = c.seq
		e.Days = dates.Range{From: e.From, To: e.To}
		c.entries[e.Key] = e
		c.sizes[e.Key] = fi.Size()
	}
	return nil
}

// validKey accepts keys that stay inside the user's folder: relative,
// slash-separated, no "." or ".." element, no backslash.
func validKey(key string) bool {
	if key == "" || strings.HasPrefix(key, "/") || strings.ContainsAny(key, "\\\x00") {
		return false
	}
	for _, el := range strings.Split(key, "/") {
		if el == "" || el == "." || el == ".." {
			return false
		}
	}
	return true
}

func (c *Cache) path(key string) string {
	return filepath.Join(c.dir, filepath.FromSlash(key)+".resp.zst")
}

// Entries returns the latest entry of every key, oldest fetch first.
func (c *Cache) Entries() []Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Entry, 0, len(c.entries))
	for _, e := range c.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// Lookup returns the entry for key.
func (c *Cache) Lookup(key string) (Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e, ok
}

// CompleteOn reports whether day d of the entry was complete when fetched.
func (e Entry) CompleteOn(d dates.Date) bool {
	return !e.CompleteThrough.IsZero() && !d.After(e.CompleteThrough)
}

// Complete reports whether every day of the entry was complete.
func (e Entry) Complete() bool { return e.CompleteOn(e.To) }

// Meta is what is known about a response when it is stored.
type Meta struct {
	FetchedAt time.Time
	// CompleteThrough is the last day the device had fully synced.
	CompleteThrough dates.Date
	// LastSync is the tracker's last sync instant.
	LastSync time.Time
	// Zone is the user's IANA zone.
	Zone string
}

// Put stores a response and journals it. It is safe for concurrent use.
func (c *Cache) Put(req dataset.Request, pages [][]byte, m Meta) (Entry, error) {
	if !validKey(req.Key) {
		return Entry{}, fmt.Errorf("raw cache: invalid key %q", req.Key)
	}
	var buf bytes.Buffer
	meta, _ := json.Marshal(struct {
		Key    string `json:"key"`
		Method string `json:"method,omitempty"`
		Path   string `json:"path"`
		Query  string `json:"query,omitempty"`
		Body   string `json:"body,omitempty"`
	}{req.Key, req.Method, req.Path, req.Query.Encode(), string(req.Body)})
	buf.Write(meta)
	buf.WriteByte('\n')
	var n int64
	for _, p := range pages {
		buf.WriteString(strconv.Itoa(len(p)))
		buf.WriteByte('\n')
		buf.Write(p)
		buf.WriteByte('\n')
		n += int64(len(p))
	}
	data := c.encoder().EncodeAll(buf.Bytes(), nil)
	p := c.path(req.Key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return Entry{}, fmt.Errorf("raw cache: %w", err)
	}
	if err := renameio.WriteFile(p, data); err != nil {
		return Entry{}, fmt.Errorf("raw cache: %w", err)
	}
	e := Entry{Key: req.Key, Days: req.Days, From: req.Days.From, To: req.Days.To,
		FetchedAt: m.FetchedAt.UTC(), CompleteThrough: m.CompleteThrough, Zone: m.Zone, LastSync: m.LastSync.UTC(),
		Pages: len(pages), Bytes: n, Size: int64(len(data)), CRC32C: crc32.Checksum(data, castagnoli)}

	c.mu.Lock()
	defer c.mu.Unlock()
	line, _ := json.Marshal(e)
	line = append(line, '\n')
	if c.journal == nil {
		f, err := os.OpenFile(filepath.Join(c.dir, journalName), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return Entry{}, fmt.Errorf("raw cache journal: %w", err)
		}
		c.journal = f
	}
	if c.needNL {
		// The journal ends in a torn line: end it, so this line stays whole.
		line = append([]byte{'\n'}, line...)
	}
	if _, err := c.journal.Write(line); err != nil {
		return Entry{}, fmt.Errorf("raw cache journal: %w", err)
	}
	if err := c.journal.Sync(); err != nil {
		return Entry{}, fmt.Errorf("raw cache journal: %w", err)
	}
	c.needNL = false
	c.seq++
	e.Seq = c.seq
	c.entries[e.Key] = e
	c.sizes[e.Key] = e.Size
	return e, nil
}

// Get returns the pages stored for key. A damaged entry is reported as
// such (the caller refetches it). It is safe for concurrent use.
//
// The pages are views of one buffer holding the decompressed entry (one
// allocation per entry, no copy per page); each page's capacity ends where
// the page does, so appending to one never overwrites another.
func (c *Cache) Get(key string) ([][]byte, error) {
	if !validKey(key) {
		return nil, fmt.Errorf("raw cache: invalid key %q", key)
	}
	raw, err := os.ReadFile(c.path(key))
	if err != nil {
		return nil, fmt.Errorf("raw cache entry %s: %w", key, err)
	}
	data, err := c.decoder().DecodeAll(raw, nil)
	if err != nil {
		return nil, fmt.Errorf("raw cache entry %s is damaged: %w", key, err)
	}
	pages, err := splitPages(data)
	if err != nil {
		return nil, fmt.Errorf("raw cache entry %s is damaged: %w", key, err)
	}
	return pages, nil
}

// encoder returns the cache's zstd encoder, made on first use: EncodeAll
// is safe for concurrent use, and a new encoder per answer would allocate
// and clear its history window every time (more than half of a Takeout
// import's CPU).
func (c *Cache) encoder() *zstd.Encoder {
	c.encOnce.Do(func() {
		c.enc, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), zstd.WithEncoderLevel(zstd.SpeedDefault),
			zstd.WithWindowSize(1<<20), zstd.WithLowerEncoderMem(true))
	})
	return c.enc
}

// decoder returns the cache's zstd decoder, made on first use. DecodeAll
// is safe for concurrent use; the decoder keeps one block decoder per
// core (made when first needed), so concurrent Gets do not wait for each
// other and no Get pays for a fresh decoder's tables.
func (c *Cache) decoder() *zstd.Decoder {
	c.decOnce.Do(func() {
		// Only option errors are possible, and these options are valid.
		c.dec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(runtime.GOMAXPROCS(0)))
	})
	return c.dec
}

// splitPages reads an entry's decompressed content: a header line, then
// for each page its length in decimal, a newline, the page and a newline.
func splitPages(data []byte) ([][]byte, error) {
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 {
		return nil, errors.New("no header")
	}
	var pages [][]byte
	for i := nl + 1; i < len(data); {
		nl := bytes.IndexByte(data[i:], '\n')
		if nl < 0 {
			return nil, errors.New("no newline after a page length")
		}
		n, err := strconv.Atoi(string(data[i : i+nl]))
		i += nl + 1
		if err != nil || n < 0 || n > len(data)-i-1 {
			if err == nil && n >= 0 && n <= len(data) {
				return nil, errors.New("short page")
			}
			return nil, errors.New("bad page length")
		}
		if data[i+n] != '\n' {
			return nil, errors.New("short page")
		}
		pages = append(pages, data[i:i+n:i+n])
		i += n + 1
	}
	return pages, nil
}

// Drop removes a damaged entry: its file and its place in the index, so
// the days it carried count as not fetched (the journal line stays, and is
// skipped on load because the file is gone, until the key is stored again).
func (c *Cache) Drop(key string) error {
	if !validKey(key) {
		return fmt.Errorf("raw cache: invalid key %q", key)
	}
	if err := os.Remove(c.path(key)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("raw cache: %w", err)
	}
	c.Forget(key)
	return nil
}

// Forget drops a key from the in-memory index (after a damaged entry was
// found), so the planner fetches it again.
func (c *Cache) Forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
	delete(c.sizes, key)
}

// Close closes the journal.
func (c *Cache) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.enc != nil {
		_ = c.enc.Close()
		c.enc, c.encOnce = nil, sync.Once{}
	}
	if c.dec != nil {
		c.dec.Close()
		c.dec, c.decOnce = nil, sync.Once{}
	}
	if c.journal == nil {
		return nil
	}
	err := c.journal.Close()
	c.journal = nil
	return err
}
