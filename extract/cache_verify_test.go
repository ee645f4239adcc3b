package extract

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
)

func dayReq(key, from, to string) dataset.Request {
	return dataset.Request{Key: key, Days: dates.Range{From: dates.MustParse(from), To: dates.MustParse(to)}}
}

// putAll stores a few answers, all complete, and reopens the cache.
func putAll(t *testing.T, dir string, reqs ...dataset.Request) *Cache {
	t.Helper()
	c, err := OpenCache(dir, "fitbit", "SIM001")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs {
		page := bytes.Repeat([]byte(`{"v":"`+r.Key+`"}`), 50)
		if _, err := c.Put(r, [][]byte{page}, Meta{FetchedAt: time.Now(), CompleteThrough: dates.MustParse("2026-12-31"), Zone: "UTC"}); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	c, err = OpenCache(dir, "fitbit", "SIM001")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestVerifyFindsDamagedEntries(t *testing.T) {
	for _, damage := range []string{"truncated", "bit flipped", "deleted after open"} {
		t.Run(damage, func(t *testing.T) {
			dir := t.TempDir()
			c := putAll(t, dir, dayReq("heart/1min/2026-10-01", "2026-10-01", "2026-10-01"), dayReq("heart/1min/2026-10-02", "2026-10-02", "2026-10-02"))
			p := c.path("heart/1min/2026-10-01")
			b, _ := os.ReadFile(p)
			switch damage {
			case "truncated":
				os.WriteFile(p, b[:len(b)/2], 0o644)
				c = putAll(t, dir) // reopen: the size is taken at open
			case "bit flipped":
				b[len(b)/2] ^= 4
				os.WriteFile(p, b, 0o644)
			case "deleted after open":
				os.Remove(p)
			}
			ds, err := c.Verify()
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != 1 || ds[0].Key != "heart/1min/2026-10-01" || ds[0].Removed || ds[0].Path != p {
				t.Fatalf("damage = %+v", ds)
			}
			if msg := ds[0].String(); !strings.Contains(msg, p) || !strings.Contains(msg, "fetched again") {
				t.Errorf("message %q", msg)
			}
			e, ok := c.Lookup("heart/1min/2026-10-01")
			if !ok || e.Complete() {
				t.Errorf("a damaged entry must stay indexed as incomplete: %+v %v", e, ok)
			}
			if e, _ := c.Lookup("heart/1min/2026-10-02"); !e.Complete() {
				t.Errorf("the intact entry lost its completeness")
			}
			// The planner sends the damaged day's request again, not the other's.
			need := map[string]bool{}
			for _, e := range c.Entries() {
				if !e.Complete() {
					need[e.Key] = true
				}
			}
			if len(need) != 1 || !need["heart/1min/2026-10-01"] {
				t.Errorf("incomplete entries %v", need)
			}
			if d2, _ := c.Verify(); len(d2) != 1 {
				t.Errorf("a second Verify found %d problems, want the same one", len(d2))
			}
		})
	}
}

func TestVerifyRemovesSupersededDamage(t *testing.T) {
	dir := t.TempDir()
	// A daily series fetched over a week, then again over a longer span:
	// the first answer's days are all carried by the second.
	c := putAll(t, dir, dayReq("series/steps/2026-10-01_2026-10-07", "2026-10-01", "2026-10-07"),
		dayReq("series/steps/2026-10-01_2026-10-14", "2026-10-01", "2026-10-14"))
	p := c.path("series/steps/2026-10-01_2026-10-07")
	os.WriteFile(p, []byte("garbage"), 0o644)
	c = putAll(t, dir)
	ds, err := c.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || !ds[0].Removed || !strings.Contains(ds[0].String(), "removed it") {
		t.Fatalf("damage = %+v", ds)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("superseded damaged file kept: %v", err)
	}
	if _, ok := c.Lookup("series/steps/2026-10-01_2026-10-07"); ok {
		t.Errorf("superseded damaged entry still indexed")
	}
	if ds, _ := putAll(t, dir).Verify(); len(ds) != 0 {
		t.Errorf("after removal: %+v", ds)
	}
}

// TestTornJournal: a journal cut mid-line is reported once, rewritten
// without the torn line, and the next answer is journalled on a line of
// its own (not glued to the torn one, which would lose it).
func TestTornJournal(t *testing.T) {
	dir := t.TempDir()
	c := putAll(t, dir, dayReq("heart/1min/2026-10-01", "2026-10-01", "2026-10-01"), dayReq("heart/1min/2026-10-02", "2026-10-02", "2026-10-02"))
	c.Close()
	jp := filepath.Join(dir, "fitbit", "SIM001", journalName)
	b, _ := os.ReadFile(jp)
	os.WriteFile(jp, b[:len(b)-40], 0o644)
	c = putAll(t, dir)
	if n := len(c.Entries()); n != 1 {
		t.Fatalf("%d entries indexed from a torn journal, want 1", n)
	}
	ds, err := c.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Key != "" || ds[0].Path != jp || !strings.Contains(ds[0].String(), "line 2 is incomplete") {
		t.Fatalf("damage = %+v", ds)
	}
	if _, err := c.Put(dayReq("heart/1min/2026-10-02", "2026-10-02", "2026-10-02"), [][]byte{[]byte("{}")}, Meta{FetchedAt: time.Now(), Zone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	checkJournalLines(t, jp, 2)
	if ds, _ := putAll(t, dir).Verify(); len(ds) != 0 {
		t.Errorf("after the rewrite: %+v", ds)
	}
}

// TestJournalWithoutFinalNewline: a last line that parses but lacks its
// newline is kept, and the next append starts a new line.
func TestJournalWithoutFinalNewline(t *testing.T) {
	dir := t.TempDir()
	c := putAll(t, dir, dayReq("heart/1min/2026-10-01", "2026-10-01", "2026-10-01"))
	c.Close()
	jp := filepath.Join(dir, "fitbit", "SIM001", journalName)
	b, _ := os.ReadFile(jp)
	os.WriteFile(jp, bytes.TrimSuffix(b, []byte("\n")), 0o644)
	c = putAll(t, dir, dayReq("heart/1min/2026-10-02", "2026-10-02", "2026-10-02"))
	if n := len(c.Entries()); n != 2 {
		t.Fatalf("%d entries, want 2", n)
	}
	c.Close()
	checkJournalLines(t, jp, 2)
}

func checkJournalLines(t *testing.T, jp string, want int) {
	t.Helper()
	b, _ := os.ReadFile(jp)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	for i, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("journal line %d is not JSON: %q", i+1, l)
		}
	}
	if len(lines) != want {
		t.Errorf("journal has %d lines, want %d:\n%s", len(lines), want, b)
	}
}
