package extract

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
)

// fuzzEntry is a well-formed entry's uncompressed content: a header line,
// then each page's length and bytes.
const fuzzEntry = "{\"key\":\"heart/1min/2026-11-20\",\"path\":\"/1/user/-/activities/heart/date/2026-11-20/1d/1min.json\"}\n" +
	"27\n{\"activities-heart\":[1,2]}\n\n" + "2\n{}\n"

// FuzzCacheGet reads arbitrary bytes as a raw cache entry, both as the file
// itself and as the zstd-compressed content: no panic; either pages or an
// error saying the entry is damaged.
func FuzzCacheGet(f *testing.F) {
	f.Add([]byte(fuzzEntry))
	f.Add([]byte("{}\n0\n\n"))
	f.Add([]byte("{}\n5\nab"))
	f.Add([]byte("{}\n-1\n"))
	f.Add([]byte("{}\n99999999999999999999\n"))
	f.Add([]byte("no header"))
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00}) // a zstd magic and nothing
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		f.Fatal(err)
	}
	defer enc.Close()
	// One cache for every input (a fresh folder per input would cost more
	// than the input itself).
	c, err := OpenCache(f.TempDir(), "fitbit", "SIM001")
	if err != nil {
		f.Fatal(err)
	}
	defer c.Close()
	const key = "heart/1min/2026-11-20"
	p := c.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, file := range [][]byte{data, enc.EncodeAll(data, nil)} {
			// Remove, then create: overwriting a file in place costs an
			// ext4 flush (auto_da_alloc) per input.
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, file, 0o644); err != nil {
				t.Fatal(err)
			}
			pages, err := c.Get(key)
			if err != nil {
				if !strings.Contains(err.Error(), key) {
					t.Fatalf("the error does not name the entry: %v", err)
				}
				continue
			}
			var n int
			for _, pg := range pages {
				n += len(pg)
			}
			if n > len(data) {
				t.Fatalf("%d page bytes from %d bytes of entry", n, len(data))
			}
		}
	})
}

// FuzzCacheJournal opens a cache whose journal holds arbitrary bytes (and
// one entry file, so that lines naming it are taken): no panic; every
// entry it then lists has a key it can look up and a first day; and when
// it took any line, the cache still stores and lists a new response.
func FuzzCacheJournal(f *testing.F) {
	line := func(e Entry) string { b, _ := json.Marshal(e); return string(b) + "\n" }
	good := Entry{Key: "heart/1min/2026-11-20", From: dates.MustParse("2026-11-20"), To: dates.MustParse("2026-11-20"),
		FetchedAt: time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC), CompleteThrough: dates.MustParse("2026-11-20"), Zone: "Europe/Berlin", Pages: 1, Bytes: 27}
	f.Add([]byte(line(good)))
	f.Add([]byte(line(good) + `{"key":"heart/1min/2026-11-20","from":"2026-11-20","to":"2026-11-19"` + "\n"))
	f.Add([]byte(line(good) + line(good) + "\n\n{not json}\n"))
	f.Add([]byte(`{"key":"heart/1min/2026-11-20","from":"2026-11-21","to":"2026-11-20","fetched_at":"2026-11-21T08:00:00Z","zone":"Nowhere/Zone","seq":-5}` + "\n"))
	f.Add([]byte(`{"key":"../../../../etc/passwd","from":"2026-11-20","to":"2026-11-20"}` + "\n"))
	// One folder for every input; each input rewrites the journal and
	// removes what the previous one stored.
	dir := f.TempDir()
	udir := filepath.Join(dir, "fitbit", "SIM001")
	p := (&Cache{dir: udir}).path(good.Key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("entry"), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, journal []byte) {
		if err := os.RemoveAll(filepath.Join(udir, "steps")); err != nil {
			t.Fatal(err)
		}
		jp := filepath.Join(udir, journalName)
		if err := os.Remove(jp); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if err := os.WriteFile(jp, journal, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := OpenCache(dir, "fitbit", "SIM001")
		if err != nil {
			return // an unreadable journal may be refused, with a message
		}
		defer c.Close()
		for _, e := range c.Entries() {
			if e.Key == "" || e.From.IsZero() {
				t.Fatalf("an entry with no key or day: %+v", e)
			}
			if path.Clean(e.Key) != e.Key || strings.HasPrefix(e.Key, "../") || e.Key == ".." || path.IsAbs(e.Key) {
				t.Fatalf("listed key %q leaves the user's folder", e.Key)
			}
			if _, ok := c.Lookup(e.Key); !ok {
				t.Fatalf("listed entry %q cannot be looked up", e.Key)
			}
		}
		if len(c.Entries()) == 0 {
			return // storing costs two fsyncs: check it where lines were taken
		}
		req := dataset.Request{Key: "steps/1min/2026-11-21", Days: dates.Range{From: dates.MustParse("2026-11-21"), To: dates.MustParse("2026-11-21")}}
		if _, err := c.Put(req, [][]byte{[]byte(`{}`)}, Meta{FetchedAt: time.Now(), Zone: "UTC"}); err != nil {
			t.Fatalf("the cache cannot store after opening this journal: %v", err)
		}
		if _, ok := c.Lookup(req.Key); !ok {
			t.Fatal("a stored entry is not listed")
		}
	})
}
