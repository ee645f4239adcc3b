package transform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/fitexport/fitexport/dates"
)

// Num is a Fitbit value that may be a JSON number or a string holding one
// ("8123", 8123, "12.5"). The zero value is an absent field; JSON null is
// absent too.
type Num struct {
	raw     string
	present bool
}

// NumOf returns a Num holding s (for tests and literals).
func NumOf(s string) Num { return Num{raw: s, present: true} }

// UnmarshalJSON implements json.Unmarshaler.
func (n *Num) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*n = Num{}
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = Num{raw: s, present: true}
	default:
		// A number, or something that is not one (true, {}): kept as
		// received so that parsing it fails naming the field.
		*n = Num{raw: string(b), present: true}
	}
	return nil
}

// Present reports whether the field was there (and not null).
func (n Num) Present() bool { return n.present }

// String returns the value as received.
func (n Num) String() string { return n.raw }

// ErrMissing is returned for an absent value where one is required.
var ErrMissing = errors.New("missing value")

// Float64 parses the value as a finite decimal.
func (n Num) Float64() (float64, error) {
	if !n.present {
		return 0, ErrMissing
	}
	v, err := strconv.ParseFloat(n.raw, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("not a number: %q", n.raw)
	}
	return v, nil
}

// Float64E parses the value as a finite decimal times 10^k, exactly as
// the decimal string says ("0.00072" with k=3 is 0.72, not
// 0.7200000000000001): the unit conversions km → m and the like.
func (n Num) Float64E(k int) (float64, error) {
	if !n.present {
		return 0, ErrMissing
	}
	if n.raw == "" || strings.ContainsAny(n.raw, "eExXpP_") {
		v, err := n.Float64()
		return v * math.Pow10(k), err
	}
	v, err := strconv.ParseFloat(n.raw+"e"+strconv.Itoa(k), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("not a number: %q", n.raw)
	}
	return v, nil
}

// Int64 parses the value as an integer; a decimal with a zero fraction
// ("12.0") is accepted, any other fraction is an error.
func (n Num) Int64() (int64, error) {
	if !n.present {
		return 0, ErrMissing
	}
	if v, ok := smallInt(n.raw); ok {
		return v, nil
	}
	if v, err := strconv.ParseInt(n.raw, 10, 64); err == nil {
		return v, nil
	}
	v, err := strconv.ParseFloat(n.raw, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("not an integer: %q", n.raw)
	}
	if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
		return 0, fmt.Errorf("not an integer: %q", n.raw)
	}
	return int64(v), nil
}

// smallInt parses s when it is an optional '-' and 1 to 18 decimal digits
// (so it cannot overflow): the common case, without strconv's generality.
// It accepts exactly what strconv.ParseInt(s, 10, 64) accepts among such
// strings, with the same value.
func smallInt(s string) (int64, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + int64(c)
	}
	if neg {
		v = -v
	}
	return v, true
}

// Int32 parses the value as an integer that fits in 32 bits.
func (n Num) Int32() (int32, error) {
	v, err := n.Int64()
	if err != nil {
		return 0, err
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, fmt.Errorf("out of range: %q", n.raw)
	}
	return int32(v), nil
}

// FieldError wraps err with the dataset, the day and the field it concerns:
// "heart_rate 2026-03-29: field bpm: not an integer: "7a"".
func FieldError(dataset string, day dates.Date, field string, err error) error {
	return fmt.Errorf("%s %s: field %s: %w", dataset, day, field, err)
}

// Parser parses the values of one dataset and day, and remembers the first
// error so that call sites stay short:
//
//	p := transform.Parser{Dataset: "steps", Day: d}
//	v := p.Int32("value", pt.Value)
//	if p.Err != nil { return p.Err }
type Parser struct {
	Dataset string
	Day     dates.Date
	// At, when set, names the entry being parsed (an intraday time such as
	// "12:34:00"); it follows the day in errors. A zero Day is left out of
	// errors (a value checked outside any day).
	At  string
	Err error
}

func (p *Parser) fail(field string, err error) {
	if p.Err != nil {
		return
	}
	at := p.Dataset
	if !p.Day.IsZero() {
		at += " " + p.Day.String()
	}
	if p.At != "" {
		at += " " + p.At
	}
	p.Err = fmt.Errorf("%s: field %s: %w", at, field, err)
}

// Int32 parses a required 32-bit integer.
func (p *Parser) Int32(field string, n Num) int32 {
	v, err := n.Int32()
	if err != nil {
		p.fail(field, err)
	}
	return v
}

// Int64 parses a required integer.
func (p *Parser) Int64(field string, n Num) int64 {
	v, err := n.Int64()
	if err != nil {
		p.fail(field, err)
	}
	return v
}

// Float64 parses a required decimal.
func (p *Parser) Float64(field string, n Num) float64 {
	v, err := n.Float64()
	if err != nil {
		p.fail(field, err)
	}
	return v
}

// Float64E parses a required decimal times 10^k (see Num.Float64E).
func (p *Parser) Float64E(field string, n Num, k int) float64 {
	v, err := n.Float64E(k)
	if err != nil {
		p.fail(field, err)
	}
	return v
}

// OptInt32 parses an optional 32-bit integer (nil when absent).
func (p *Parser) OptInt32(field string, n Num) *int32 {
	if !n.Present() {
		return nil
	}
	v := p.Int32(field, n)
	return &v
}

// OptInt64 parses an optional integer (nil when absent).
func (p *Parser) OptInt64(field string, n Num) *int64 {
	if !n.Present() {
		return nil
	}
	v := p.Int64(field, n)
	return &v
}

// OptFloat64 parses an optional decimal (nil when absent).
func (p *Parser) OptFloat64(field string, n Num) *float64 {
	if !n.Present() {
		return nil
	}
	v := p.Float64(field, n)
	return &v
}

// Fail records an error about field (the first one wins).
func (p *Parser) Fail(field string, err error) { p.fail(field, err) }
