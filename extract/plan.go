package extract

import (
	"sort"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
)

// Plan is the set of requests a run sends.
type Plan struct {
	// Requests to send, in date order (then key order).
	Requests []dataset.Request
	// PerDataset counts the requests attributed to each dataset; a request
	// that serves several datasets counts for the first in registry order.
	PerDataset map[string]int
	// Serves maps a request key to the datasets it carries.
	Serves map[string][]string
	// Reused counts complete cached answers used instead of a request.
	Reused int
}

// indexByKind maps request kind → day → the latest entry carrying it.
func indexByKind(entries []Entry) map[string]map[dates.Date]Entry {
	byKind := map[string]map[dates.Date]Entry{}
	for _, e := range entries { // oldest first, so later ones overwrite
		k := Kind(e.Key)
		m := byKind[k]
		if m == nil {
			m = map[dates.Date]Entry{}
			byKind[k] = m
		}
		e.Days.Each(func(d dates.Date) { m[d] = e })
	}
	return byKind
}

// covered reports whether every day of req is already held complete by
// cached answers of the same kind (the same key, or other spans of the
// same endpoint), so sending req would fetch nothing new.
func covered(held map[string]map[dates.Date]Entry, req dataset.Request) bool {
	m := held[Kind(req.Key)]
	if m == nil {
		return false
	}
	ok := true
	req.Days.Each(func(d dates.Date) {
		if e, has := m[d]; !has || !e.CompleteOn(d) {
			ok = false
		}
	})
	return ok
}

// PlanRequests computes the fewest requests that cover need (per dataset,
// the days to fetch): each dataset plans its requests over each contiguous
// run of days, and requests with the same key are sent once. A request whose
// days are all held complete in the cache by answers of the same kind is
// not sent again unless refetch.
func PlanRequests(ds []*dataset.Dataset, src dataset.Source, o dataset.Options, need map[string][]dates.Date, c *Cache, refetch bool) Plan {
	p := Plan{PerDataset: map[string]int{}, Serves: map[string][]string{}}
	byKey := map[string]dataset.Request{}
	for _, d := range ds {
		spec, ok := d.Sources[src]
		if !ok {
			continue
		}
		for _, r := range Runs(need[d.Name]) {
			for _, req := range spec.Requests(o, r) {
				if _, seen := byKey[req.Key]; !seen {
					byKey[req.Key] = req
				}
				p.Serves[req.Key] = appendOnce(p.Serves[req.Key], d.Name)
			}
		}
	}
	var held map[string]map[dates.Date]Entry
	if c != nil && !refetch {
		held = indexByKind(c.Entries())
	}
	for _, req := range byKey {
		if held != nil && covered(held, req) {
			p.Reused++
			continue
		}
		p.Requests = append(p.Requests, req)
	}
	sort.Slice(p.Requests, func(i, j int) bool {
		a, b := p.Requests[i], p.Requests[j]
		if c := a.Days.From.Compare(b.Days.From); c != 0 {
			return c < 0
		}
		return a.Key < b.Key
	})
	for _, r := range p.Requests {
		p.PerDataset[p.Serves[r.Key][0]]++
	}
	return p
}

func appendOnce(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// Runs groups days into contiguous ranges (input in any order, duplicates
// allowed).
func Runs(days []dates.Date) []dates.Range {
	if len(days) == 0 {
		return nil
	}
	s := append([]dates.Date(nil), days...)
	sort.Slice(s, func(i, j int) bool { return s[i].Before(s[j]) })
	var out []dates.Range
	cur := dates.Range{From: s[0], To: s[0]}
	for _, d := range s[1:] {
		switch {
		case d == cur.To:
		case d == cur.To.AddDays(1):
			cur.To = d
		default:
			out = append(out, cur)
			cur = dates.Range{From: d, To: d}
		}
	}
	return append(out, cur)
}
