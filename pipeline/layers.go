package pipeline

import (
	"errors"
	"fmt"
	"path"
	"sort"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/extract"
)

// # Layers: a Takeout import and API runs in one OUT
//
// The raw cache keeps each source's answers in its own namespace
// (raw/<source>/<user>). A Takeout import writes raw/takeout/<id>; the API
// runs write raw/fitbit/<id> or raw/google-health/<id>. The outputs of an
// OUT are built from all of them as layers, each day from exactly one:
//
//   - an API namespace wins for every day it holds (complete or not: an
//     incomplete API day is fetched again by the next run, and the API's
//     answer is the newer one);
//   - a Takeout namespace supplies the days no API namespace holds.
//
// The state a run plans from is the merge, so `fitexport` without dates
// after an import continues with the API from where the archive ends, and
// an import into an OUT that already has API days renders only the days
// the API does not hold. A month that mixes layers is transformed run by
// run of consecutive days, each run with its own layer's protocol, into
// the same partition in date order; the manifest's month records which
// layers supplied it.
//
// A Takeout archive names the Fitbit user it belongs to (Profile.csv's
// id); a Fitbit API namespace of another id in the same OUT is another
// person, and the run stops rather than mix them.

// layer is one raw-cache namespace the outputs are built from.
type layer struct {
	name   string // "<source>/<user>"
	source string
	user   string
	cache  *extract.Cache
	proto  dataset.Source
	own    bool
	state  extract.State
}

const takeoutSource = "takeout"

// isArchive reports whether a cache namespace holds an offline import.
func isArchive(source string) bool { return source == takeoutSource }

// openLayers returns the namespaces the outputs are built from, in
// priority order (the first holding a day supplies it), own among them.
// The other namespaces are opened here; closeLayers closes them.
func (j Job) openLayers(own *extract.Cache) ([]*layer, error) {
	me := &layer{name: j.SourceName + "/" + j.User, source: j.SourceName, user: j.User, cache: own, proto: j.Source, own: true}
	pairs, err := CachedUsers(j.OutDir)
	if err != nil {
		return nil, fmt.Errorf("raw cache: %w", err)
	}
	var above, below []*layer
	for _, p := range pairs {
		src, user := p[0], p[1]
		if src == j.SourceName && user == j.User {
			continue
		}
		// Only an archive and API runs layer: two API sources (or two
		// archives) in one OUT are not merged.
		if isArchive(src) == isArchive(j.SourceName) {
			continue
		}
		if err := sameFitbitUser(j.SourceName, j.User, src, user); err != nil {
			return nil, err
		}
		c, err := extract.OpenCache(path.Join(j.OutDir, RawDir), src, user)
		if err != nil {
			return nil, err
		}
		l := &layer{name: src + "/" + user, source: src, user: user, cache: c}
		l.proto = protocolOf(src, c.Entries(), j)
		if isArchive(src) {
			below = append(below, l)
		} else {
			above = append(above, l)
		}
	}
	out := append(above, me)
	return append(out, below...), nil
}

// closeLayers closes the caches openLayers opened.
func closeLayers(ls []*layer) {
	for _, l := range ls {
		if !l.own {
			l.cache.Close()
		}
	}
}

// sameFitbitUser refuses to layer a Takeout archive with a Fitbit API
// namespace of another Fitbit user id: both name the Fitbit account, so a
// difference means two people. (A Google Health id cannot be compared.)
func sameFitbitUser(src, user, otherSrc, otherUser string) error {
	fitbitID := func(s string) bool { return s == "fitbit" || s == takeoutSource }
	if !fitbitID(src) || !fitbitID(otherSrc) || user == otherUser || user == takeoutSource || otherUser == takeoutSource {
		return nil
	}
	return fmt.Errorf("this OUT holds %s data of Fitbit user %s, and this run is user %s (%s): use another --out for another person: %w",
		otherSrc, otherUser, user, src, ErrOtherUser)
}

// ErrOtherUser: the output folder already holds another person's data.
var ErrOtherUser = errors.New("another person's data")

// protocolOf is the protocol a namespace's answers speak: fitbit and
// takeout answer the Fitbit Web API's requests, google-health the Google
// Health API's; the sandbox can speak either, so its journal decides.
func protocolOf(source string, entries []extract.Entry, j Job) dataset.Source {
	switch source {
	case "fitbit", takeoutSource:
		return dataset.Fitbit
	case "google-health":
		return dataset.Google
	}
	count := func(p dataset.Source) int {
		n := 0
		for _, days := range extract.DeriveState(entries, j.Datasets, p, j.Options, j.AllNames) {
			n += len(days)
		}
		return n
	}
	if count(dataset.Google) > count(dataset.Fitbit) {
		return dataset.Google
	}
	return dataset.Fitbit
}

// deriveLayers derives each layer's state and merges them: a day comes
// from the first layer holding it. The merged DayState names its layer.
func (j Job) deriveLayers(ls []*layer) extract.State {
	merged := extract.State{}
	for _, d := range j.Datasets {
		merged[d.Name] = map[dates.Date]extract.DayState{}
	}
	for _, l := range ls {
		var ds []*dataset.Dataset
		for _, d := range j.Datasets {
			if _, ok := d.Sources[l.proto]; ok {
				ds = append(ds, d)
			}
		}
		l.state = extract.DeriveState(l.cache.Entries(), ds, l.proto, j.Options, j.AllNames)
		for name, days := range l.state {
			for day, s := range days {
				if _, taken := merged[name][day]; taken {
					continue
				}
				s.Layer = l.name
				merged[name][day] = s
			}
		}
	}
	return merged
}

// layerOf finds the layer a merged day came from.
func layerOf(ls []*layer, s extract.DayState) *layer {
	for _, l := range ls {
		if s.Layer == l.name {
			return l
		}
	}
	return nil
}

// dayRun is a run of a month's consecutive days supplied by one layer.
type dayRun struct {
	l    *layer
	days []dates.Date
}

// runs splits a month's sorted days into runs of consecutive days from the
// same layer.
func runs(ls []*layer, days map[dates.Date]extract.DayState, mdays []dates.Date) []dayRun {
	var out []dayRun
	for _, day := range mdays {
		l := layerOf(ls, days[day])
		if n := len(out); n > 0 && out[n-1].l == l {
			out[n-1].days = append(out[n-1].days, day)
			continue
		}
		out = append(out, dayRun{l, []dates.Date{day}})
	}
	return out
}

// layerNames lists, sorted, the layers that supplied days (for the manifest).
func layerNames(ls []*layer, days map[dates.Date]extract.DayState, mdays []dates.Date) []string {
	set := map[string]bool{}
	for _, day := range mdays {
		if l := layerOf(ls, days[day]); l != nil {
			set[l.source] = true
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
