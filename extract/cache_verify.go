package extract

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"

	"github.com/rogpeppe/go-internal/renameio"

	"github.com/fitexport/fitexport/dates"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Damage is one problem [Cache.Verify] found.
type Damage struct {
	// Key is the damaged entry's key; empty when the journal itself had
	// unreadable lines.
	Key string
	// Path is the damaged file.
	Path string
	// Reason says what is wrong with it.
	Reason string
	// Removed: a newer answer already carries every day of the entry, so
	// its file was removed; otherwise the entry counts as incomplete and
	// its days are fetched again.
	Removed bool
}

// String describes the damage and what was done about it, for a warning.
func (d Damage) String() string {
	switch {
	case d.Key == "":
		return fmt.Sprintf("raw cache journal %s: %s (an interrupted run, or damage): removed; the answers it recorded are fetched again", d.Path, d.Reason)
	case d.Removed:
		return fmt.Sprintf("raw cache answer %s is damaged (%s): removed it; a newer answer holds its days", d.Path, d.Reason)
	}
	return fmt.Sprintf("raw cache answer %s is damaged (%s): not using it; its days are fetched again", d.Path, d.Reason)
}

// Verify checks the cache before a run trusts it, and stops trusting what
// is damaged:
//   - unreadable journal lines (a torn append, garbage) are reported and
//     the journal is rewritten without them (atomically); their answers
//     are not indexed, so the days they carried are fetched again;
//   - an entry file whose size or CRC-32C differs from what the journal
//     recorded is reported. If a newer entry of the same kind carries all
//     its days, its file is removed; otherwise it stays indexed but counts
//     as incomplete, so the planner fetches its days again and the new
//     answer replaces the file (until then Get reports it as damaged).
//
// It reads every entry file that has a recorded checksum (entries journalled
// before checksums were recorded are left to Get). Call it once, right after
// OpenCache, before deriving the state.
func (c *Cache) Verify() ([]Damage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Damage
	if len(c.badLines) > 0 {
		d, err := c.rewriteJournal()
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	all := make([]Entry, 0, len(c.entries))
	for _, e := range c.entries {
		all = append(all, e)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Seq < all[j].Seq })
	var damaged []Damage
	for _, e := range all {
		if e.Size == 0 {
			continue
		}
		why := ""
		if got := c.sizes[e.Key]; got != e.Size {
			why = fmt.Sprintf("%d bytes, the journal records %d", got, e.Size)
		} else if b, err := os.ReadFile(c.path(e.Key)); err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			why = err.Error()
		} else if crc32.Checksum(b, castagnoli) != e.CRC32C {
			why = "its checksum does not match the journal's"
		}
		if why != "" {
			damaged = append(damaged, Damage{Key: e.Key, Path: c.path(e.Key), Reason: why})
		}
	}
	if len(damaged) == 0 {
		return out, nil
	}
	latest := indexByKind(all)
	for _, d := range damaged {
		e := c.entries[d.Key]
		superseded := true
		e.Days.Each(func(day dates.Date) {
			if l, ok := latest[Kind(e.Key)][day]; !ok || l.Key == e.Key {
				superseded = false
			}
		})
		if superseded {
			if err := os.Remove(d.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("raw cache: %w", err)
			}
			delete(c.entries, d.Key)
			delete(c.sizes, d.Key)
			d.Removed = true
		} else {
			e.CompleteThrough = dates.Date{}
			c.entries[d.Key] = e
		}
		out = append(out, d)
	}
	return out, nil
}

// rewriteJournal replaces the journal with its readable lines (c.mu held).
func (c *Cache) rewriteJournal() (Damage, error) {
	p := filepath.Join(c.dir, journalName)
	d := Damage{Path: p}
	b, err := os.ReadFile(p)
	if err != nil {
		return d, fmt.Errorf("raw cache journal: %w", err)
	}
	bad := map[int]bool{}
	for _, n := range c.badLines {
		bad[n] = true
	}
	var keep bytes.Buffer
	for i, line := range bytes.Split(b, []byte("\n")) {
		if bad[i+1] || len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		keep.Write(line)
		keep.WriteByte('\n')
	}
	if c.journal != nil {
		c.journal.Close()
		c.journal = nil
	}
	if err := renameio.WriteFile(p, keep.Bytes()); err != nil {
		return d, fmt.Errorf("raw cache journal: %w", err)
	}
	if len(c.badLines) == 1 {
		d.Reason = fmt.Sprintf("line %d is incomplete or unreadable", c.badLines[0])
	} else {
		d.Reason = fmt.Sprintf("%d lines are incomplete or unreadable (the first is line %d)", len(c.badLines), c.badLines[0])
	}
	c.badLines, c.needNL = nil, false
	return d, nil
}
