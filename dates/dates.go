// Package dates is the calendar day: a date with no time and no zone, the unit
// in which users ask for data ("--from 2026-01-01") and in which Fitbit files it.
package dates

import (
	"fmt"
	"time"
)

// Date is a civil date. The zero value is not a valid date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Layout is the wire and command-line form, yyyy-MM-dd.
const Layout = "2006-01-02"

// Parse reads yyyy-MM-dd and rejects anything else (including 2026-02-30).
func Parse(s string) (Date, error) {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	return Of(t), nil
}

// MustParse is Parse for constants in tests and tables; it panics on error.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Of returns the date of t's wall clock in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// In returns the date that instant t falls on in loc.
func In(t time.Time, loc *time.Location) Date { return Of(t.In(loc)) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String is yyyy-MM-dd.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// MarshalText implements encoding.TextMarshaler (JSON, TOML).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Time returns midnight of d in loc (the start of the local day; on a day
// whose midnight does not exist, Go moves it forward).
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// UTC returns midnight UTC of d, handy as a map key or for arithmetic.
func (d Date) UTC() time.Time { return d.Time(time.UTC) }

// AddDays returns d moved n days (n may be negative).
func (d Date) AddDays(n int) Date { return Of(d.UTC().AddDate(0, 0, n)) }

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.UTC().Before(e.UTC()) }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.UTC().After(e.UTC()) }

// Compare returns -1, 0 or +1.
func (d Date) Compare(e Date) int { return d.UTC().Compare(e.UTC()) }

// DaysUntil returns the number of days from d to e (e-d).
func (d Date) DaysUntil(e Date) int { return int(e.UTC().Sub(d.UTC()).Hours() / 24) }

// Month returns the yyyy-MM month key of d, used for partitions.
func (d Date) MonthKey() string { return fmt.Sprintf("%04d-%02d", d.Year, d.Month) }

// FirstOfMonth returns the first day of d's month.
func (d Date) FirstOfMonth() Date { return Date{d.Year, d.Month, 1} }

// LastOfMonth returns the last day of d's month.
func (d Date) LastOfMonth() Date { return Date{d.Year, d.Month, 1}.AddMonths(1).AddDays(-1) }

// AddMonths moves the first of d's month by n months (day kept only when d is the 1st).
func (d Date) AddMonths(n int) Date {
	return Of(time.Date(d.Year, d.Month+time.Month(n), d.Day, 0, 0, 0, 0, time.UTC))
}

// Range is an inclusive span of days.
type Range struct{ From, To Date }

// Days returns the number of days in r (0 if To is before From).
func (r Range) Days() int {
	if r.To.Before(r.From) {
		return 0
	}
	return r.From.DaysUntil(r.To) + 1
}

// Contains reports whether d lies in r.
func (r Range) Contains(d Date) bool { return !d.Before(r.From) && !d.After(r.To) }

// Each calls f for every day of r in order.
func (r Range) Each(f func(Date)) {
	for d := r.From; !d.After(r.To); d = d.AddDays(1) {
		f(d)
	}
}

// Chunks splits r into consecutive ranges of at most n days.
func (r Range) Chunks(n int) []Range {
	var out []Range
	for from := r.From; !from.After(r.To); from = from.AddDays(n) {
		to := from.AddDays(n - 1)
		if to.After(r.To) {
			to = r.To
		}
		out = append(out, Range{from, to})
	}
	return out
}

// Months splits r at month boundaries.
func (r Range) Months() []Range {
	var out []Range
	for from := r.From; !from.After(r.To); from = from.LastOfMonth().AddDays(1) {
		to := from.LastOfMonth()
		if to.After(r.To) {
			to = r.To
		}
		out = append(out, Range{from, to})
	}
	return out
}

// String is "from..to".
func (r Range) String() string { return r.From.String() + ".." + r.To.String() }
