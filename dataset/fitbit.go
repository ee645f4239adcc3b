package dataset

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// Helpers shared by the Fitbit specs: request construction, and the walk
// over the responses a transform receives.

// dayRequest is a one-day request.
func dayRequest(key, path string, d dates.Date) Request {
	return Request{Key: key, Path: path, Days: dates.Range{From: d, To: d}}
}

// perDay returns f(d) for every day of r.
func perDay(r dates.Range, f func(d dates.Date) Request) []Request {
	out := make([]Request, 0, r.Days())
	r.Each(func(d dates.Date) { out = append(out, f(d)) })
	return out
}

// chunked returns f(c) for every chunk of at most n days of r.
func chunked(r dates.Range, n int, f func(c dates.Range) Request) []Request {
	if n <= 0 {
		n = 1
	}
	var out []Request
	for _, c := range r.Chunks(n) {
		out = append(out, f(c))
	}
	return out
}

// rangeKey is "{prefix}/{start}_{end}".
func rangeKey(prefix string, c dates.Range) string {
	return prefix + "/" + c.From.String() + "_" + c.To.String()
}

// dailyCap is o.DailyRangeCap, or the documented 1095 when unset.
func dailyCap(o Options) int {
	if o.DailyRangeCap <= 0 {
		return 1095
	}
	return o.DailyRangeCap
}

// keyParts splits a request key at "/".
func keyParts(key string) []string { return strings.Split(key, "/") }

// keyDays returns the span a response covers: its Request.Days, or, when
// that is unset, what the key's last segment says ("2026-03-29" or
// "2026-03-01_2026-03-31").
func keyDays(r Request) (dates.Range, error) {
	if !r.Days.From.IsZero() {
		return r.Days, nil
	}
	p := keyParts(r.Key)
	last := p[len(p)-1]
	if a, b, ok := strings.Cut(last, "_"); ok {
		from, err1 := dates.Parse(a)
		to, err2 := dates.Parse(b)
		if err1 == nil && err2 == nil {
			return dates.Range{From: from, To: to}, nil
		}
	} else if d, err := dates.Parse(last); err == nil {
		return dates.Range{From: d, To: d}, nil
	}
	return dates.Range{}, fmt.Errorf("request %s: cannot tell which days it covers", r.Key)
}

// dayResponse is a one-day response a transform should use.
type dayResponse struct {
	day  dates.Date
	resp Response
}

// wantedDays returns, in day order, the one-day responses whose day is
// wanted from them, keeping the last fetched when several are. accept
// filters responses by key (nil accepts all).
func wantedDays(in Input, accept func(key string) bool) ([]dayResponse, error) {
	byDay := map[dates.Date]Response{}
	for _, resp := range in.Responses {
		if accept != nil && !accept(resp.Request.Key) {
			continue
		}
		r, err := keyDays(resp.Request)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.Dataset, err)
		}
		if r.From != r.To {
			return nil, fmt.Errorf("%s: request %s covers %s, want one day", in.Dataset, resp.Request.Key, r)
		}
		if in.Want(r.From, resp.Request.Key) {
			byDay[r.From] = resp
		}
	}
	out := make([]dayResponse, 0, len(byDay))
	for d, r := range byDay {
		out = append(out, dayResponse{d, r})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].day.Before(out[j].day) })
	return out, nil
}

// decodePages decodes every page of resp into a fresh T and calls f.
func decodePages[T any](ds string, resp Response, f func(page *T) error) error {
	for i, body := range resp.Pages {
		var v T
		if err := json.Unmarshal(body, &v); err != nil {
			return fmt.Errorf("%s: response %s (page %d): %w", ds, resp.Request.Key, i+1, err)
		}
		if err := f(&v); err != nil {
			return err
		}
	}
	return nil
}

// scanIntradayPages calls fn for every entry of body[member].dataset of
// each page of resp, with transform.ScanIntraday (no reflection: a day of
// 1-second heart rate is up to 86,400 entries). A page without the member
// is the error missing returns.
func scanIntradayPages(ds string, resp Response, member string, missing func() error, fn func(pt *transform.IntradayPoint) error) error {
	for i, body := range resp.Pages {
		var fnErr error
		found, err := transform.ScanIntraday(body, member, func(pt *transform.IntradayPoint) error {
			fnErr = fn(pt)
			return fnErr
		})
		switch {
		case err != nil && err == fnErr:
			return err
		case err != nil:
			return fmt.Errorf("%s: response %s (page %d): %w", ds, resp.Request.Key, i+1, err)
		case !found:
			return missing()
		}
	}
	return nil
}

// parseDay parses a dateTime/dateOfSleep field.
func parseDay(ds, key, field, s string) (dates.Date, error) {
	d, err := dates.Parse(s)
	if err != nil {
		return dates.Date{}, fmt.Errorf("%s: response %s: field %s: %w", ds, key, field, err)
	}
	return d, nil
}

// sortedDates returns m's keys in order.
func sortedDates[V any](m map[dates.Date]V) []dates.Date {
	out := make([]dates.Date, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// errLevel is the error for an activity level outside 0..3.
func errLevel(l int32) error { return fmt.Errorf("activity level %d: want 0 to 3", l) }
