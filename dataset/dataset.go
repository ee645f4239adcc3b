// Package dataset is the registry of what fitexport can export. Each dataset is
// described once, in a file of its own (heart_rate.go tells the whole story of
// heart rate): its name, the scopes it needs, the requests that cover a range
// of days for each source, its Arrow schema, and how each source's raw
// response becomes rows. The planner, the transform step and the writers are
// all driven by these descriptions; adding a dataset touches only this package
// (plus its test data and the simulator).
package dataset

import (
	"fmt"
	"net/url"
	"sort"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/dates"
)

// Source names a data source. The sandbox speaks the Fitbit (or Google
// Health) protocol, so datasets only know the protocols.
type Source string

const (
	Fitbit Source = "fitbit"
	Google Source = "google-health"
)

// Kind says how rows relate to time.
type Kind int

const (
	// TimeSeries rows carry time_utc and time_local.
	TimeSeries Kind = iota
	// Daily rows carry date.
	Daily
	// Sessions rows carry their own start/end columns (sleep, exercise).
	Sessions
)

func (k Kind) String() string {
	switch k {
	case TimeSeries:
		return "time series"
	case Daily:
		return "daily"
	default:
		return "sessions"
	}
}

// Request is one API call, or one paged sequence of calls, to a source.
// Requests are compared by Key: two datasets that need the same facts plan
// the same Key and the planner sends it once.
type Request struct {
	// Key identifies the request within a source and user; it names the raw
	// cache entry, so it must be stable and filename-safe ([a-z0-9_.-/]).
	Key string
	// Method is GET when empty.
	Method string
	// Path is relative to the source's API base, e.g.
	// "/1/user/-/activities/heart/date/2026-11-20/1d/1min.json".
	Path  string
	Query url.Values
	// Body is sent as JSON for POST requests (Google rollups).
	Body []byte
	// Paging tells the source how to follow pages; empty means one page.
	Paging Paging
	// Days is the span of days whose data this request carries.
	Days dates.Range
}

// Paging names a pagination protocol.
type Paging string

const (
	NoPaging Paging = ""
	// FitbitNext follows pagination.next (a full URL) until it is empty.
	FitbitNext Paging = "fitbit-next"
	// GoogleToken repeats the request with pageToken=nextPageToken.
	GoogleToken Paging = "google-token"
)

// Options are the choices that shape a plan.
type Options struct {
	// HeartDetail is the heart-rate resolution: 1sec, 1min, 5min or 15min.
	HeartDetail string
	// Selected holds every dataset of this run, so a dataset can reuse a
	// request another selected dataset makes anyway.
	Selected map[string]bool
	// DailyRangeCap caps the days of one daily time-series request (Fitbit
	// documents 1095; one source says 30).
	DailyRangeCap int
	// GoogleMode is "reconcile" or "list" for the Google Health source.
	GoogleMode string
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{HeartDetail: "1min", DailyRangeCap: 1095, GoogleMode: "reconcile", Selected: map[string]bool{}}
}

// Response is a request and the raw bodies it received, one per page.
type Response struct {
	Request Request
	Pages   [][]byte
	// FetchedAt is when the answer arrived; LastSync the tracker's last
	// sync then (zero when unknown).
	FetchedAt, LastSync time.Time
}

// Input is what a transform gets: the responses that carry a span of days,
// ordered by the first day they cover. Several responses may cover a day
// (a chunk fetched earlier and a refetch of that day): Want says which one
// owns it. A transform whose responses span several days (sleep, daily
// series) must sort the rows it emits.
type Input struct {
	Dataset   string
	Responses []Response
	// Want reports whether rows of this day taken from the response with
	// this key belong in the output. A day appears in exactly one fetch; a
	// response that overlaps days fetched later is consulted only for the
	// days it still owns.
	Want func(day dates.Date, key string) bool
	// Zone returns the user's time zone for a day (the profile's zone when
	// that day was fetched). Fitbit's wall-clock times are read in it.
	Zone func(day dates.Date) *time.Location
}

// Spec is how one source serves a dataset.
type Spec struct {
	// Scopes the dataset needs with this source.
	Scopes []string
	// Requests returns the requests that cover days r.
	Requests func(o Options, r dates.Range) []Request
	// Transform appends the rows of in to b, in time order, one call per
	// partition (month). The builder has the dataset's schema.
	Transform func(in Input, b *array.RecordBuilder) error
	// Notes says in a sentence how this source's rows differ from the
	// dataset's Doc ("" when they do not); docs render it.
	Notes string
	// ColumnNotes says, per column, how this source fills it when that
	// differs from the column's doc: "Null: …" for a column the source never
	// fills, "Derived: …" for one computed rather than read. Docs render it.
	ColumnNotes map[string]string
}

// Dataset describes one canonical dataset.
type Dataset struct {
	Name string
	// Doc is one sentence for `fitexport datasets` and the README.
	Doc  string
	Kind Kind
	// Schema is the Arrow schema; field metadata "doc" documents columns.
	Schema *arrow.Schema
	// Version changes whenever Schema or the meaning of a column changes.
	Version int
	// Sources holds one Spec per source that serves the dataset.
	Sources map[Source]Spec
}

// Registry is an ordered set of datasets.
type Registry struct {
	byName map[string]*Dataset
	order  []string
}

// NewRegistry returns a registry of ds, in the given order.
func NewRegistry(ds ...*Dataset) *Registry {
	r := &Registry{byName: map[string]*Dataset{}}
	for _, d := range ds {
		if _, dup := r.byName[d.Name]; dup {
			panic("dataset: duplicate " + d.Name)
		}
		r.byName[d.Name] = d
		r.order = append(r.order, d.Name)
	}
	return r
}

// Get returns the named dataset.
func (r *Registry) Get(name string) (*Dataset, bool) { d, ok := r.byName[name]; return d, ok }

// All returns every dataset in registry order.
func (r *Registry) All() []*Dataset {
	out := make([]*Dataset, 0, len(r.order))
	for _, n := range r.order {
		out = append(out, r.byName[n])
	}
	return out
}

// Names returns the dataset names in registry order.
func (r *Registry) Names() []string { return append([]string(nil), r.order...) }

// Select resolves a user's list (empty = all) to datasets the source serves,
// in registry order, with an error naming an unknown dataset.
func (r *Registry) Select(src Source, names []string) ([]*Dataset, error) {
	if len(names) == 0 {
		names = r.order
	}
	want := map[string]bool{}
	for _, n := range names {
		d, ok := r.byName[n]
		if !ok {
			known := append([]string(nil), r.order...)
			sort.Strings(known)
			return nil, fmt.Errorf("unknown dataset %q (known: %v)", n, known)
		}
		if _, ok := d.Sources[src]; !ok {
			return nil, fmt.Errorf("dataset %q is not available from source %s", n, src)
		}
		want[n] = true
	}
	var out []*Dataset
	for _, n := range r.order {
		if want[n] {
			out = append(out, r.byName[n])
		}
	}
	return out, nil
}
