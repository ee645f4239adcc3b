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

// PlanRequests computes the fewest requests that cover need (per dataset,
// the days to fetch): each dataset plans its requests over each contiguous
// run of days, and requests with the same key are sent once. A request whose
// complete answer is already cached is not sent again unless refetch.
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
	for key, req := range byKey {
		if c != nil && !refetch {
			if e, ok := c.Lookup(key); ok && e.Complete {
				p.Reused++
				continue
			}
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
