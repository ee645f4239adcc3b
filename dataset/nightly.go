package dataset

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// Helpers shared by the nightly metrics (spo2_*, hrv_*, breathing_rate,
// skin_temperature, vo2_max), the body logs and the other range endpoints.
//
// Fitbit files a nightly value under the date the main sleep ended (the
// night of the 19th to the 20th is the 20th); nights without a main sleep
// have no entry, so those days have no row. Intraday sample times ("minute")
// are wall clock in the profile zone without an offset: they are read in
// order with a transform.DayClock of the entry's date, so at fall-back the
// repeated hour resolves to its first, then its second occurrence once the
// clock goes back.

// rangeRequests plans GET path(chunk) over chunks of at most n days, key
// {kind}/{start}_{end}.
func rangeRequests(kind string, n int, path func(c dates.Range) string) func(Options, dates.Range) []Request {
	return func(_ Options, r dates.Range) []Request {
		return chunked(r, n, func(c dates.Range) Request {
			return Request{Key: rangeKey(kind, c), Path: path(c), Days: c}
		})
	}
}

// fitbitRangePath is "/1/user/-/{res}/date/{start}/{end}{suffix}.json".
func fitbitRangePath(res, suffix string) func(c dates.Range) string {
	return func(c dates.Range) string {
		return "/1/user/-/" + res + "/date/" + c.From.String() + "/" + c.To.String() + suffix + ".json"
	}
}

// keyKind is the key without its last segment (its days): the request
// kind.
func keyKind(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[:i]
	}
	return key
}

// kindIs returns a filter accepting keys of the given kinds.
func kindIs(kinds ...string) func(key string) bool {
	return func(key string) bool {
		k := keyKind(key)
		for _, want := range kinds {
			if k == want {
				return true
			}
		}
		return false
	}
}

// listOf decodes raw as a JSON array of E, a single E (Fitbit's by-date
// forms answer one object), or nothing (absent, null or {}).
func listOf[E any](raw json.RawMessage) ([]E, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null" || string(raw) == "{}":
		return nil, nil
	case raw[0] == '[':
		var out []E
		err := json.Unmarshal(raw, &out)
		return out, err
	default:
		var one E
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, err
		}
		return []E{one}, nil
	}
}

// dated is an entry filed under a dateTime.
type dated interface{ date() string }

// datedEntries collects, from the responses accept takes, the entries of the
// top-level field (the whole body when field is "") by their dateTime,
// keeping wanted days only; a later response wins a day.
func datedEntries[E dated](in Input, accept func(key string) bool, field string) (map[dates.Date]E, error) {
	out := map[dates.Date]E{}
	for _, resp := range in.Responses {
		if !accept(resp.Request.Key) {
			continue
		}
		for i, body := range resp.Pages {
			raw := json.RawMessage(body)
			if field != "" {
				var doc map[string]json.RawMessage
				if err := json.Unmarshal(body, &doc); err != nil {
					return nil, fmt.Errorf("%s: response %s (page %d): %w", in.Dataset, resp.Request.Key, i+1, err)
				}
				raw = doc[field]
			}
			entries, err := listOf[E](raw)
			if err != nil {
				return nil, fmt.Errorf("%s: response %s (page %d): %s: %w", in.Dataset, resp.Request.Key, i+1, nonEmpty(field, "body"), err)
			}
			for _, e := range entries {
				d, err := parseDay(in.Dataset, resp.Request.Key, nonEmpty(field, "entry")+".dateTime", e.date())
				if err != nil {
					return nil, err
				}
				if in.Want(d, resp.Request.Key) {
					out[d] = e
				}
			}
		}
	}
	return out, nil
}

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// wallSample is one intraday sample of a night: its wall clock and values.
type wallSample struct {
	wall int64 // wall ms
	vals []*float64
}

// appendNightSamples resolves the wall clocks of each night's samples (in
// the order served) and appends a row per sample, nights in date order:
// time_utc, time_local and the values, in the float64 columns named cols (a
// nil value is null).
func appendNightSamples(in Input, c transform.Cols, nights map[dates.Date][]wallSample, cols []string) {
	ts := c.Series()
	vcols := make([]transform.Float64Builder, len(cols))
	for i, n := range cols {
		vcols[i] = c.Float64(n)
	}
	for _, d := range sortedDates(nights) {
		clock := transform.NewDayClock(in.Zone(d), d)
		type row struct {
			utc int64
			s   wallSample
		}
		rows := make([]row, 0, len(nights[d]))
		for _, s := range nights[d] {
			rows = append(rows, row{clock.At(s.wall), s})
		}
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].utc < rows[j].utc })
		for _, r := range rows {
			ts.Append(r.utc, r.s.wall)
			for i, v := range r.s.vals {
				vcols[i].AppendOpt(v)
			}
		}
	}
}

// dailyDataset is a Fitbit-only Daily dataset with the date column first.
func dailyDataset(name, doc, scope string, cols []arrow.Field, reqs func(Options, dates.Range) []Request, tr func(Input, *array.RecordBuilder) error) *Dataset {
	return &Dataset{
		Name:    name,
		Doc:     doc,
		Kind:    Daily,
		Version: 1,
		Schema:  arrow.NewSchema(append([]arrow.Field{transform.DateCol()}, cols...), nil),
		Sources: map[Source]Spec{Fitbit: {Scopes: []string{scope}, Requests: reqs, Transform: tr}},
	}
}

// optPositive is v when it is present and above zero, else nil (Fitbit
// reports 0 or -1 for values it could not compute).
func optPositive(p *transform.Parser, field string, n transform.Num) *float64 {
	v := p.OptFloat64(field, n)
	if v == nil || *v <= 0 {
		return nil
	}
	return v
}

// nullable returns f allowing nulls.
func nullable(f arrow.Field) arrow.Field {
	f.Nullable = true
	return f
}

// snapshotRequests plans an endpoint without dates (devices, profile): one
// request for the whole range, key {kind}/{start}_{end}, so that every day
// of the range is held once it is fetched and a rerun plans nothing; the
// rows are filed under the range's last day.
func snapshotRequests(kind, path string) func(Options, dates.Range) []Request {
	return func(_ Options, r dates.Range) []Request {
		return []Request{{Key: rangeKey(kind, r), Path: path, Days: r}}
	}
}

// snapshots returns the responses of kind whose last day is wanted from
// them, as one-day responses of that day, in day order.
func snapshots(in Input, kind string) ([]dayResponse, error) {
	var out []dayResponse
	for _, resp := range in.Responses {
		if keyKind(resp.Request.Key) != kind {
			continue
		}
		r, err := keyDays(resp.Request)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.Dataset, err)
		}
		if in.Want(r.To, resp.Request.Key) {
			out = append(out, dayResponse{r.To, resp})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].day.Before(out[j].day) })
	return out, nil
}
