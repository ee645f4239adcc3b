package extract

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
)

// TestJournalKeysStayInTheUsersFolder: a journal line naming a key outside
// the user's folder (another user's answer) is ignored, even when that file
// exists, and Get refuses such keys.
func TestJournalKeysStayInTheUsersFolder(t *testing.T) {
	dir := t.TempDir()
	other, err := OpenCache(dir, "fitbit", "SIM002")
	if err != nil {
		t.Fatal(err)
	}
	d := dates.MustParse("2026-01-01")
	req := dataset.Request{Key: "heart/1min/2026-01-01", Days: dates.Range{From: d, To: d}}
	if _, err := other.Put(req, [][]byte{[]byte(`{"secret":1}`)}, Meta{FetchedAt: time.Now(), Zone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	other.Close()
	mine := filepath.Join(dir, "fitbit", "SIM001")
	if err := os.MkdirAll(mine, 0o755); err != nil {
		t.Fatal(err)
	}
	line := `{"key":"../SIM002/heart/1min/2026-01-01","from":"2026-01-01","to":"2026-01-01","fetched_at":"2026-01-02T00:00:00Z","zone":"UTC","pages":1}` + "\n"
	if err := os.WriteFile(filepath.Join(mine, journalName), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := OpenCache(dir, "fitbit", "SIM001")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if n := len(c.Entries()); n != 0 {
		t.Fatalf("%d entries listed from a key outside the folder", n)
	}
	if _, err := c.Get("../SIM002/heart/1min/2026-01-01"); err == nil {
		t.Fatal("Get read a file outside the user's folder")
	}
}
