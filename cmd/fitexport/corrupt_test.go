package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/extract"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/pipeline"
	"github.com/fitexport/fitexport/sim"
)

// TestCorruptLocalFiles damages one local file at a time after a good
// export — the state, the manifest, the token, a raw cache answer, the
// cache journal, a month's data file — and runs the same export again. Each
// damage is reported on stderr naming the file; where the file can be
// repaired (everything but the token) the run repairs it, from the raw cache
// when that holds the data and by fetching again otherwise, and ends with
// the ground truth on disk and a manifest whose rows and checksums match
// the files. An unreadable token file is never overwritten: exit 4 and a
// one-line message that says how to log in again.
func TestCorruptLocalFiles(t *testing.T) {
	w := newWorld(t, "SIM002", sim.Config{})
	sets := []string{"heart_rate", "steps", "daily_activity"}
	r := dates.Range{From: dates.MustParse("2026-10-30"), To: dates.MustParse("2026-11-02")}
	args := func(out string) []string {
		// Not --quiet: warnings go to the log.
		return []string{"--from", r.From.String(), "--to", r.To.String(), "--out", out, "--datasets", strings.Join(sets, ",")}
	}
	good := t.TempDir()
	if code, _, e := w.run(args(good)...); code != 0 {
		t.Fatalf("good export: exit %d: %s", code, e)
	}
	want := truthRows(w.sim.Truth(w.user), r)
	rawDir := filepath.Join(pipeline.RawDir, "fitbit", w.user)
	heartEntry := filepath.Join(rawDir, "heart", "1min", "2026-10-31.resp.zst")
	octHeart := load.PartitionPath("heart_rate", "2026-10", load.Parquet)
	novSteps := load.PartitionPath("steps", "2026-11", load.Parquet)
	tokenPath := filepath.Join(w.home, "profiles", "default", "token.json")

	cases := []struct {
		name string
		// damage breaks one file under out (or the token) and returns
		// its path as the message must name it.
		damage func(t *testing.T, out string) string
		code   int
		// The warning (exit 0) or error line naming the file must
		// hold each of these.
		stderr []string
		// fetch: the rerun sends data requests again (the damaged file
		// held fetched answers); otherwise it rebuilds from the cache.
		fetch bool
	}{
		{"state truncated", func(t *testing.T, out string) string {
			return truncate(t, out, pipeline.StatePath)
		}, 0, []string{"damaged", "rewriting it"}, false},
		{"manifest truncated", func(t *testing.T, out string) string {
			return truncate(t, out, pipeline.ManifestPath)
		}, 0, []string{"corrupt", "rebuilding every month from the raw cache"}, false},
		{"manifest garbage", func(t *testing.T, out string) string {
			return overwrite(t, out, pipeline.ManifestPath, []byte("\x00\x13garbage\xff{"))
		}, 0, []string{"corrupt", "rebuilding every month from the raw cache"}, false},
		{"token truncated", func(t *testing.T, _ string) string {
			b, err := os.ReadFile(tokenPath)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(tokenPath, b[:len(b)/2], 0o600); err != nil {
				t.Fatal(err)
			}
			return tokenPath
		}, 4, []string{"unreadable", "left as it is", "run fitexport auth login"}, false},
		{"raw entry truncated", func(t *testing.T, out string) string {
			return truncate(t, out, heartEntry)
		}, 0, []string{"damaged", "fetched again"}, true},
		{"raw entry bit flipped", func(t *testing.T, out string) string {
			return flipBit(t, out, heartEntry)
		}, 0, []string{"damaged", "fetched again"}, true},
		{"journal truncated mid-line", func(t *testing.T, out string) string {
			return truncate(t, out, filepath.Join(rawDir, "journal.ndjson"))
		}, 0, []string{"incomplete", "fetched again"}, true},
		{"month file deleted", func(t *testing.T, out string) string {
			if err := os.Remove(filepath.Join(out, octHeart)); err != nil {
				t.Fatal(err)
			}
			return filepath.FromSlash(octHeart)
		}, 0, []string{"missing", "rebuilding"}, false},
		{"month file truncated", func(t *testing.T, out string) string {
			return truncate(t, out, novSteps)
		}, 0, []string{"does not match the manifest", "rebuilding"}, false},
		{"month file bit flipped", func(t *testing.T, out string) string {
			return flipBit(t, out, novSteps)
		}, 0, []string{"does not match the manifest", "rebuilding"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			copyDir(t, good, out)
			tokenBefore, _ := os.ReadFile(tokenPath)
			defer os.WriteFile(tokenPath, tokenBefore, 0o600)
			file := c.damage(t, out)
			damaged, _ := os.ReadFile(tokenPath)
			before := w.sim.Stats(w.user).Requests
			code, _, stderr := w.run(args(out)...)
			sent := w.sim.Stats(w.user).Requests - before
			t.Logf("stderr:\n%s", stderr)
			if code != c.code {
				t.Fatalf("exit %d, want %d", code, c.code)
			}
			// One line says it all: a warning while repairing, or the
			// final error; it names the file and what happens or to do.
			prefix := "warning: "
			if c.code != 0 {
				prefix = "fitexport: "
			}
			var line string
			for _, l := range strings.Split(stderr, "\n") {
				if strings.HasPrefix(l, prefix) && strings.Contains(l, file) {
					line = l
				}
			}
			if line == "" {
				t.Fatalf("no %q line names %s", prefix, file)
			}
			for _, s := range c.stderr {
				if !strings.Contains(line, s) {
					t.Errorf("%q lacks %q", line, s)
				}
			}
			if c.code != 0 {
				if now, _ := os.ReadFile(tokenPath); !bytes.Equal(now, damaged) {
					t.Errorf("the unreadable token file was rewritten")
				}
				if sent != 0 {
					t.Errorf("%d requests sent without a readable token", sent)
				}
				return
			}
			switch {
			case c.fetch && sent <= 2:
				t.Errorf("sent %d requests: the damaged answers were not fetched again", sent)
			case !c.fetch && sent != 2:
				t.Errorf("sent %d requests, want 2 (profile, devices): the repair needs no API quota", sent)
			}
			for _, ds := range sets {
				compareDataset(t, ds, readDataset(t, out, ds, load.Parquet), want[ds])
			}
			checkManifestMatchesFiles(t, out, sets)
			checkCacheReadable(t, out, w.user)
			// A second run finds nothing to repair and fetches nothing.
			before = w.sim.Stats(w.user).Requests
			code, _, stderr = w.run(args(out)...)
			if code != 0 || strings.Contains(stderr, "warning:") {
				t.Errorf("run after the repair: exit %d, stderr:\n%s", code, stderr)
			}
			if n := w.sim.Stats(w.user).Requests - before; n != 2 {
				t.Errorf("run after the repair sent %d requests, want 2", n)
			}
		})
	}
}

// checkManifestMatchesFiles: every data file of sets is in the manifest
// with its rows, size and sha256, and the dataset's row count adds up.
func checkManifestMatchesFiles(t *testing.T, out string, sets []string) {
	t.Helper()
	fsys := load.DirFS(out)
	m, err := load.ReadManifest(fsys, load.ManifestPath)
	if err != nil {
		t.Fatalf("manifest after the repair: %v", err)
	}
	for _, ds := range sets {
		e := m.Datasets[ds]
		if e == nil {
			t.Errorf("manifest lacks %s", ds)
			continue
		}
		onDisk, err := fsys.List(ds)
		if err != nil {
			t.Fatal(err)
		}
		var listed []string
		var sum int64
		for _, f := range e.Files {
			listed = append(listed, f.Path)
			b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(f.Path)))
			if err != nil {
				t.Errorf("manifest lists %s: %v", f.Path, err)
				continue
			}
			h := sha256.Sum256(b)
			if int64(len(b)) != f.Bytes || hex.EncodeToString(h[:]) != f.SHA256 {
				t.Errorf("%s: %d bytes sha256 %x, manifest says %d bytes %s", f.Path, len(b), h, f.Bytes, f.SHA256)
			}
			rows, err := load.ReadRows(fsys, f.Path, load.Parquet)
			if err != nil || int64(len(rows)) != f.Rows {
				t.Errorf("%s: %d rows (%v), manifest says %d", f.Path, len(rows), err, f.Rows)
			}
			sum += f.Rows
		}
		if strings.Join(listed, " ") != strings.Join(onDisk, " ") {
			t.Errorf("%s: files on disk %v, manifest lists %v", ds, onDisk, listed)
		}
		if sum != e.Rows {
			t.Errorf("%s: files hold %d rows, manifest says %d", ds, sum, e.Rows)
		}
	}
}

// checkCacheReadable: every journal line is whole JSON and every indexed
// raw answer decodes.
func checkCacheReadable(t *testing.T, out, user string) {
	t.Helper()
	dir := filepath.Join(out, filepath.FromSlash(pipeline.RawDir))
	f, err := os.Open(filepath.Join(dir, "fitbit", user, "journal.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if !json.Valid(sc.Bytes()) {
			t.Errorf("journal line %d is not JSON: %q", n, sc.Text())
		}
	}
	c, err := extract.OpenCache(dir, "fitbit", user)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, e := range c.Entries() {
		if _, err := c.Get(e.Key); err != nil {
			t.Errorf("after the repair: %v", err)
		}
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		o, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(o, in); err != nil {
			o.Close()
			return err
		}
		return o.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// truncate cuts the file at rel (under out) to 60 % of its size, mid-line
// for a text file, and returns rel in the OS's form.
func truncate(t *testing.T, out, rel string) string {
	t.Helper()
	p := filepath.Join(out, filepath.FromSlash(rel))
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, fi.Size()*6/10); err != nil {
		t.Fatal(err)
	}
	return filepath.FromSlash(rel)
}

func overwrite(t *testing.T, out, rel string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(out, filepath.FromSlash(rel)), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.FromSlash(rel)
}

// flipBit flips one bit in the middle of the file: same size, other bytes.
func flipBit(t *testing.T, out, rel string) string {
	t.Helper()
	p := filepath.Join(out, filepath.FromSlash(rel))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x10
	return overwrite(t, out, rel, b)
}
