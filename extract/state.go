package extract

import (
	"sort"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
)

// DayState is what the raw cache knows of one dataset's day: which cached
// responses supply it, when they were fetched, and whether the device had
// synced past the end of the day at the time.
type DayState struct {
	Keys      []string  `json:"keys"`
	FetchedAt time.Time `json:"fetched_at"`
	Complete  bool      `json:"complete"`
	Zone      string    `json:"zone"`
	// Current: the responses match this run's options (e.g. the heart-rate
	// detail asked for). A day held only at another detail is kept in the
	// output but fetched again.
	Current bool `json:"current"`
	// Layer names the raw-cache namespace ("<source>/<user>") that supplies
	// the day when an OUT holds several (a Takeout import and API runs);
	// DeriveState leaves it empty.
	Layer string `json:"layer,omitempty"`
	seq   int
}

// State is the per-dataset, per-day state, derived from the cache journal.
// It is never stored as the source of truth: the journal is, so a killed
// run cannot leave the two disagreeing.
type State map[string]map[dates.Date]DayState

// alternative is one way a dataset's day can be served: a set of request
// kinds that together carry it.
type alternative struct {
	kinds   []string
	current bool
}

// alternatives lists the request kinds that can serve one day of d: those
// of this run's options first, then those the dataset would use with other
// selections (it may reuse another dataset's request) or other details.
func alternatives(d *dataset.Dataset, src dataset.Source, o dataset.Options, all []string) []alternative {
	spec, ok := d.Sources[src]
	if !ok {
		return nil
	}
	day := dates.Date{Year: 2000, Month: 1, Day: 1}
	one := dates.Range{From: day, To: day}
	sels := []map[string]bool{o.Selected, {}, setOf(all)}
	details := []string{o.HeartDetail, "1sec", "1min", "5min", "15min"}
	seen := map[string]bool{}
	var out []alternative
	for i, det := range details {
		for _, sel := range sels {
			oo := o
			oo.Selected = sel
			oo.HeartDetail = det
			var kinds []string
			for _, r := range spec.Requests(oo, one) {
				kinds = append(kinds, Kind(r.Key))
			}
			sort.Strings(kinds)
			id := ""
			for _, k := range kinds {
				id += k + "|"
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			out = append(out, alternative{kinds: kinds, current: i == 0})
		}
	}
	return out
}

func setOf(names []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// DeriveState computes the state of each dataset from the cache entries.
// For a day, among the ways it can be served, the most recently fetched
// complete set of responses under this run's options wins; failing that,
// the most recent under any options.
func DeriveState(entries []Entry, ds []*dataset.Dataset, src dataset.Source, o dataset.Options, all []string) State {
	byKind := indexByKind(entries)
	st := State{}
	for _, d := range ds {
		alts := alternatives(d, src, o, all)
		days := map[dates.Date]bool{}
		for _, a := range alts {
			for _, k := range a.kinds {
				for day := range byKind[k] {
					days[day] = true
				}
			}
		}
		m := map[dates.Date]DayState{}
		for day := range days {
			var best DayState
			found := false
			for _, a := range alts {
				cand := DayState{Complete: true, Current: a.current}
				ok := true
				for _, k := range a.kinds {
					e, has := byKind[k][day]
					if !has {
						ok = false
						break
					}
					cand.Keys = append(cand.Keys, e.Key)
					cand.Complete = cand.Complete && e.CompleteOn(day)
					if e.Seq > cand.seq {
						cand.seq, cand.FetchedAt, cand.Zone = e.Seq, e.FetchedAt, e.Zone
					}
				}
				if !ok {
					continue
				}
				if !found || better(cand, best) {
					best, found = cand, true
				}
			}
			if found {
				m[day] = best
			}
		}
		st[d.Name] = m
	}
	return st
}

// better prefers this run's options, then the most recent fetch.
func better(a, b DayState) bool {
	if a.Current != b.Current {
		return a.Current
	}
	return a.seq > b.seq
}

// Satisfied reports whether a dataset's day needs no fetch: it is held
// complete under this run's options.
func (s State) Satisfied(ds string, d dates.Date) bool {
	x, ok := s[ds][d]
	return ok && x.Complete && x.Current
}

// Days returns the days known for a dataset, in order.
func (s State) Days(ds string) []dates.Date {
	var out []dates.Date
	for d := range s[ds] {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}
