package pipeline

import (
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/fitexport/fitexport/extract"
)

// monthGroup runs the month partitions of a dataset so that both cores
// compute while files are committed. A month's build (read the cache,
// transform, render and hash the file: CPU) runs at most GOMAXPROCS at a
// time, which also bounds how many months of records are in memory; the
// commit it returns (flush, fsync, rename: mostly waiting for the disk,
// holding no records) runs outside that limit, so the core goes on with
// the next month instead of idling in fsync.
//
//	g := newMonthGroup()
//	for … { g.Go(func() (func() error, error) { …; return commit, nil }) }
//	err := g.Wait()
type monthGroup struct {
	cpu chan struct{}
	g   errgroup.Group
}

func newMonthGroup() *monthGroup {
	return &monthGroup{cpu: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// Go waits for a free compute slot, then runs build in a goroutine; when
// build succeeds, its commit (if not nil) runs after the slot is released.
func (m *monthGroup) Go(build func() (commit func() error, err error)) {
	m.cpu <- struct{}{}
	m.g.Go(func() error {
		commit, err := build()
		<-m.cpu
		if err != nil || commit == nil {
			return err
		}
		return commit()
	})
}

// Wait waits for every build and commit and returns the first error.
func (m *monthGroup) Wait() error { return m.g.Wait() }

// getAll reads the pages of each entry from the cache, up to GOMAXPROCS
// entries at once (decompression is a quarter of a rebuild's CPU, and a
// lone month would otherwise use one core). pages[i] are entries[i]'s; on
// failure it returns the index of the first entry (in entries' order) that
// could not be read and its error.
func getAll(c *extract.Cache, entries []extract.Entry) (pages [][][]byte, failed int, err error) {
	pages = make([][][]byte, len(entries))
	errs := make([]error, len(entries))
	workers := min(runtime.GOMAXPROCS(0), len(entries))
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(entries) {
					return
				}
				pages[i], errs[i] = c.Get(entries[i].Key)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, i, err
		}
	}
	return pages, -1, nil
}
