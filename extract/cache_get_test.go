package extract

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
)

// TestGetReturnsWhatPutStored: pages come back byte for byte (empty
// pages, a page holding newlines and digits, many pages), from many
// goroutines at once; each page's capacity ends with it, so appending to
// one page cannot overwrite the next.
func TestGetReturnsWhatPutStored(t *testing.T) {
	c, err := OpenCache(t.TempDir(), "fitbit", "SIM001")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want := map[string][][]byte{}
	for i := range 20 {
		d := dates.MustParse("2026-01-01").AddDays(i)
		key := "heart/1sec/" + d.String()
		var pages [][]byte
		for p := range i%4 + 1 {
			pages = append(pages, []byte(fmt.Sprintf(`{"day":%d,"page":%d,"text":"12\n34\n"}`, i, p)+strings.Repeat(" ", i*1000)))
		}
		if i == 3 {
			pages = append(pages, []byte{}, []byte("\n"))
		}
		want[key] = pages
		if _, err := c.Put(dataset.Request{Key: key, Days: dates.Range{From: d, To: d}}, pages, Meta{FetchedAt: time.Now(), Zone: "UTC"}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key, pages := range want {
				got, err := c.Get(key)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) != len(pages) {
					t.Errorf("%s: %d pages, want %d", key, len(got), len(pages))
					return
				}
				for i := range got {
					if !bytes.Equal(got[i], pages[i]) {
						t.Errorf("%s page %d: got %q, want %q", key, i, got[i], pages[i])
					}
					if cap(got[i]) != len(got[i]) {
						t.Errorf("%s page %d: capacity %d beyond its %d bytes", key, i, cap(got[i]), len(got[i]))
					}
				}
			}
		}()
	}
	wg.Wait()
}

// TestGetDamaged: every way an entry's content can be cut or garbled is
// reported as damaged, naming the entry.
func TestGetDamaged(t *testing.T) {
	c, err := OpenCache(t.TempDir(), "fitbit", "SIM001")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const key = "heart/1min/2026-11-20"
	if err := os.MkdirAll(filepath.Dir(c.path(key)), 0o755); err != nil {
		t.Fatal(err)
	}
	enc, _ := zstd.NewWriter(nil)
	defer enc.Close()
	for _, content := range []string{
		"no header",
		"{}\n5",         // no newline after the length
		"{}\n5\nab",     // short page
		"{}\n2\nabc",    // no newline after the page
		"{}\n-1\n",      // negative length
		"{}\nx\n",       // not a number
		"{}\n2\nab\n\n", // an empty length line after a page
		"{}\n99999999999999999999\n",
	} {
		if err := os.WriteFile(c.path(key), enc.EncodeAll([]byte(content), nil), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := c.Get(key)
		if err == nil || !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("%q: error %v, want one saying %s is damaged", content, err, key)
		}
	}
	for _, content := range []string{"{}\n", "{}\n0\n\n", "{}\n2\nab\n"} {
		if err := os.WriteFile(c.path(key), enc.EncodeAll([]byte(content), nil), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Get(key); err != nil {
			t.Errorf("%q: %v", content, err)
		}
	}
}
