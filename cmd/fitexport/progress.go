package main

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// progress shows fetch progress: on a terminal one bar per dataset with
// counts and an ETA (the rate limiter paces requests, so the moving average
// ETA already accounts for it); otherwise a line per dataset at 25 % steps.
// Writing a partition logs its own line (pipeline).
type progress struct {
	app  *App
	log  io.Writer
	mu   sync.Mutex
	p    *mpb.Progress
	bars map[string]*mpb.Bar
	done map[string]int
	all  map[string]int
	last time.Time
	// read, when set (a Takeout import), reports the archive's files and
	// bytes read so far; readTotal is the size of the files it indexed.
	read      func() (files, bytes int64)
	readTotal int64
	readBar   *mpb.Bar
}

func newProgress(app *App, log io.Writer) *progress {
	return &progress{app: app, log: log, bars: map[string]*mpb.Bar{}, done: map[string]int{}, all: map[string]int{}}
}

func (p *progress) Planned(per map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	names := make([]string, 0, len(per))
	total := 0
	for n, c := range per {
		if c > 0 {
			names = append(names, n)
			total += c
		}
	}
	sort.Strings(names)
	for _, n := range names {
		p.all[n] = per[n]
	}
	if !p.app.Terminal {
		fmt.Fprintf(p.log, "fetching %d requests\n", total)
		return
	}
	p.p = mpb.New(mpb.WithOutput(p.log), mpb.WithWidth(40))
	if p.read != nil {
		p.readBar = p.p.AddBar(p.readTotal,
			mpb.PrependDecorators(decor.Name("archive", decor.WC{C: decor.DindentRight | decor.DextraSpace}),
				decor.CountersKibiByte("% .1f / % .1f")),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
				files, _ := p.read()
				return fmt.Sprintf("%d files", files)
			})),
		)
	}
	for _, n := range names {
		p.bars[n] = p.p.AddBar(int64(per[n]),
			mpb.PrependDecorators(decor.Name(n, decor.WC{C: decor.DindentRight | decor.DextraSpace}), decor.CountersNoUnit("%d/%d")),
			mpb.AppendDecorators(decor.EwmaETA(decor.ET_STYLE_GO, 30)),
		)
	}
	p.last = time.Now()
}

func (p *progress) Fetched(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done[name]++
	if p.readBar != nil {
		_, n := p.read()
		p.readBar.SetCurrent(min(n, p.readTotal))
	}
	if b := p.bars[name]; b != nil {
		now := time.Now()
		b.EwmaIncrement(now.Sub(p.last))
		p.last = now
		return
	}
	if p.p == nil {
		d, a := p.done[name], p.all[name]
		if a > 0 && (d == a || d*4/a != (d-1)*4/a) {
			if p.read != nil {
				files, n := p.read()
				fmt.Fprintf(p.log, "%s: %d/%d requests (archive: %d files, %s read so far)\n", name, d, a, files, mib(n))
			} else {
				fmt.Fprintf(p.log, "%s: %d/%d requests\n", name, d, a)
			}
		}
	}
}

func (p *progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.p == nil {
		return
	}
	for _, b := range p.bars {
		b.Abort(false)
	}
	if p.readBar != nil {
		p.readBar.Abort(false)
	}
	p.p.Wait()
	p.p = nil
}
