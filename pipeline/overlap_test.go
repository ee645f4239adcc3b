package pipeline

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/extract"
)

// TestMonthGroup: every build's commit runs once its build succeeded; at
// most GOMAXPROCS builds run at once while commits are not limited; the
// first error, of a build or a commit, is returned.
func TestMonthGroup(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	var building, maxBuilding, committed atomic.Int64
	release := make(chan struct{})
	g := newMonthGroup()
	const n = 12
	started := make(chan struct{})
	go func() {
		defer close(started)
		for range n {
			g.Go(func() (func() error, error) {
				b := building.Add(1)
				for {
					m := maxBuilding.Load()
					if b <= m || maxBuilding.CompareAndSwap(m, b) {
						break
					}
				}
				building.Add(-1)
				return func() error {
					<-release // a slow disk: every commit waits
					committed.Add(1)
					return nil
				}, nil
			})
		}
	}()
	// Commits waiting for the disk must not hold up the builds.
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("builds waited for commits")
	}
	close(release)
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if committed.Load() != n {
		t.Errorf("%d commits, want %d", committed.Load(), n)
	}
	if maxBuilding.Load() > int64(procs) {
		t.Errorf("%d builds at once, limit %d", maxBuilding.Load(), procs)
	}

	buildErr, commitErr := errors.New("transform failed"), errors.New("fsync failed")
	for _, c := range []struct {
		fail int // 0 build, 1 commit
		want error
	}{{0, buildErr}, {1, commitErr}} {
		g := newMonthGroup()
		var commits atomic.Int64
		for i := range 4 {
			g.Go(func() (func() error, error) {
				if i == 2 && c.fail == 0 {
					return func() error { t.Error("commit of a failed build ran"); return nil }, buildErr
				}
				return func() error {
					commits.Add(1)
					if i == 2 {
						return commitErr
					}
					return nil
				}, nil
			})
		}
		if err := g.Wait(); !errors.Is(err, c.want) {
			t.Errorf("Wait = %v, want %v", err, c.want)
		}
	}
}

// TestGetAll: pages come back in the entries' order; a damaged entry is
// reported by its index.
func TestGetAll(t *testing.T) {
	c, err := extract.OpenCache(t.TempDir(), "fitbit", "SIM001")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var entries []extract.Entry
	for i := range 9 {
		d := dates.MustParse("2026-03-01").AddDays(i)
		e, err := c.Put(dataset.Request{Key: "heart/1sec/" + d.String(), Days: dates.Range{From: d, To: d}},
			[][]byte{[]byte(fmt.Sprintf(`{"day":%d}`, i))}, extract.Meta{FetchedAt: time.Now(), Zone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	var wg sync.WaitGroup
	for range 3 { // as months building at once do
		wg.Add(1)
		go func() {
			defer wg.Done()
			pages, failed, err := getAll(c, entries)
			if err != nil || failed != -1 {
				t.Error(failed, err)
				return
			}
			for i, p := range pages {
				if want := fmt.Sprintf(`{"day":%d}`, i); len(p) != 1 || string(p[0]) != want {
					t.Errorf("entry %d: %q, want %s", i, p, want)
				}
			}
		}()
	}
	wg.Wait()
	if pages, failed, err := getAll(c, nil); err != nil || failed != -1 || len(pages) != 0 {
		t.Errorf("no entries: %v, %d, %v", pages, failed, err)
	}

	dir := t.TempDir()
	c2, err := extract.OpenCache(dir, "fitbit", "SIM001")
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	var es []extract.Entry
	for i := range 5 {
		d := dates.MustParse("2026-03-01").AddDays(i)
		e, err := c2.Put(dataset.Request{Key: "heart/1sec/" + d.String(), Days: dates.Range{From: d, To: d}},
			[][]byte{[]byte("{}")}, extract.Meta{FetchedAt: time.Now(), Zone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	for _, i := range []int{3, 1} {
		if err := os.WriteFile(dir+"/fitbit/SIM001/"+es[i].Key+".resp.zst", []byte("garbage"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, failed, err := getAll(c2, es)
	if failed != 1 || err == nil || !strings.Contains(err.Error(), es[1].Key) {
		t.Errorf("getAll = %d, %v; want entry 1 (%s) damaged", failed, err, es[1].Key)
	}
}
