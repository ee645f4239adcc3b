package load

import (
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// encMode selects how a cell is rendered.
type encMode int

const (
	modeText encMode = iota // canonical text, no quoting
	modeCSV                 // canonical text, RFC 4180 quoting for strings
	modeJSON                // a JSON value
)

// cellFunc appends the rendering of the non-null value at row i to dst.
type cellFunc func(dst []byte, i int) []byte

func nullToken(m encMode) string {
	if m == modeJSON {
		return "null"
	}
	return ""
}

// checkType reports whether the text writers can render dt.
func checkType(dt arrow.DataType) error {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64, arrow.BOOL, arrow.STRING, arrow.LARGE_STRING,
		arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
		return nil
	case arrow.DICTIONARY:
		d := dt.(*arrow.DictionaryType)
		if !arrow.IsInteger(d.IndexType.ID()) {
			return fmt.Errorf("unsupported dictionary index type %s", d.IndexType)
		}
		return checkType(d.ValueType)
	}
	return fmt.Errorf("unsupported column type %s", dt)
}

// cellEncoder returns the renderer of arr's values for mode. It switches on
// the array type once, so rendering a value is a typed access, no boxing.
func cellEncoder(arr arrow.Array, m encMode) (cellFunc, error) {
	switch a := arr.(type) {
	case *array.String:
		return stringEncoder(a.Value, m), nil
	case *array.LargeString:
		return stringEncoder(a.Value, m), nil
	case *array.Int8:
		vals := a.Int8Values()
		return func(dst []byte, i int) []byte { return appendInt(dst, int64(vals[i])) }, nil
	case *array.Int16:
		vals := a.Int16Values()
		return func(dst []byte, i int) []byte { return appendInt(dst, int64(vals[i])) }, nil
	case *array.Int32:
		vals := a.Int32Values()
		return func(dst []byte, i int) []byte { return appendInt(dst, int64(vals[i])) }, nil
	case *array.Int64:
		vals := a.Int64Values()
		return func(dst []byte, i int) []byte { return appendInt(dst, vals[i]) }, nil
	case *array.Uint8:
		return func(dst []byte, i int) []byte { return strconv.AppendUint(dst, uint64(a.Value(i)), 10) }, nil
	case *array.Uint16:
		return func(dst []byte, i int) []byte { return strconv.AppendUint(dst, uint64(a.Value(i)), 10) }, nil
	case *array.Uint32:
		return func(dst []byte, i int) []byte { return strconv.AppendUint(dst, uint64(a.Value(i)), 10) }, nil
	case *array.Uint64:
		return func(dst []byte, i int) []byte { return strconv.AppendUint(dst, a.Value(i), 10) }, nil
	case *array.Float64:
		return func(dst []byte, i int) []byte { return appendFloat(dst, a.Value(i), 64, m) }, nil
	case *array.Float32:
		return func(dst []byte, i int) []byte { return appendFloat(dst, float64(a.Value(i)), 32, m) }, nil
	case *array.Boolean:
		return func(dst []byte, i int) []byte { return strconv.AppendBool(dst, a.Value(i)) }, nil
	case *array.Timestamp:
		tt := a.DataType().(*arrow.TimestampType)
		ts, vals := newTSText(tt.Unit, tt.TimeZone != ""), a.Values()
		if m == modeJSON {
			return func(dst []byte, i int) []byte {
				dst = append(dst, '"')
				dst = ts.appendTS(dst, int64(vals[i]))
				return append(dst, '"')
			}, nil
		}
		return func(dst []byte, i int) []byte { return ts.appendTS(dst, int64(vals[i])) }, nil
	case *array.Date32:
		vals := a.Date32Values()
		return quoteIfJSON(m, func(dst []byte, i int) []byte { return appendDate(dst, int64(vals[i])) }), nil
	case *array.Date64:
		vals := a.Date64Values()
		return quoteIfJSON(m, func(dst []byte, i int) []byte {
			days, _ := floorDivMod(int64(vals[i]), 86400e3)
			return appendDate(dst, days)
		}), nil
	case *array.Dictionary:
		return dictionaryEncoder(a, m)
	}
	return nil, checkType(arr.DataType())
}

func quoteIfJSON(m encMode, f cellFunc) cellFunc {
	if m != modeJSON {
		return f
	}
	return func(dst []byte, i int) []byte {
		dst = append(dst, '"')
		dst = f(dst, i)
		return append(dst, '"')
	}
}

func stringEncoder(value func(int) string, m encMode) cellFunc {
	switch m {
	case modeCSV:
		return func(dst []byte, i int) []byte { return appendCSVString(dst, value(i)) }
	case modeJSON:
		return func(dst []byte, i int) []byte { return appendJSONString(dst, value(i)) }
	}
	return func(dst []byte, i int) []byte { return append(dst, value(i)...) }
}

func dictionaryEncoder(a *array.Dictionary, m encMode) (cellFunc, error) {
	dict := a.Dictionary()
	inner, err := cellEncoder(dict, m)
	if err != nil {
		return nil, err
	}
	if dict.NullN() > 0 {
		f, null := inner, nullToken(m)
		inner = func(dst []byte, i int) []byte {
			if dict.IsNull(i) {
				return append(dst, null...)
			}
			return f(dst, i)
		}
	}
	var index func(i int) int
	switch ix := a.Indices().(type) {
	case *array.Int8:
		index = func(i int) int { return int(ix.Value(i)) }
	case *array.Int16:
		index = func(i int) int { return int(ix.Value(i)) }
	case *array.Int32:
		index = func(i int) int { return int(ix.Value(i)) }
	case *array.Int64:
		index = func(i int) int { return int(ix.Value(i)) }
	case *array.Uint8:
		index = func(i int) int { return int(ix.Value(i)) }
	case *array.Uint16:
		index = func(i int) int { return int(ix.Value(i)) }
	case *array.Uint32:
		index = func(i int) int { return int(ix.Value(i)) }
	case *array.Uint64:
		index = func(i int) int { return int(ix.Value(i)) }
	default:
		return nil, fmt.Errorf("unsupported dictionary index type %s", ix.DataType())
	}
	return func(dst []byte, i int) []byte { return inner(dst, index(i)) }, nil
}

// appendFloat renders v as the shortest decimal that reads back as v, with
// no exponent for ordinary magnitudes. NaN and ±Inf are null in JSON.
func appendFloat(dst []byte, v float64, bits int, m encMode) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		if m == modeJSON {
			return append(dst, "null"...)
		}
		return strconv.AppendFloat(dst, v, 'g', -1, bits)
	}
	if a := math.Abs(v); a != 0 && (a < 1e-7 || a >= 1e21) {
		return strconv.AppendFloat(dst, v, 'g', -1, bits)
	}
	return strconv.AppendFloat(dst, v, 'f', -1, bits)
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's days_from_civil inverse).
func civil(days int64) (y, m, d int64) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDivMod(a, b int64) (q, r int64) {
	q, r = a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return q, r
}

func append2(dst []byte, v int64) []byte {
	return append(dst, byte('0'+v/10), byte('0'+v%10))
}

func appendYMD(dst []byte, y, m, d int64) []byte {
	dst = append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	dst = append2(dst, m)
	dst = append(dst, '-')
	return append2(dst, d)
}

// appendDate renders days since the epoch as yyyy-mm-dd.
func appendDate(dst []byte, days int64) []byte {
	y, m, d := civil(days)
	if y < 0 || y > 9999 {
		return time.Unix(days*86400, 0).UTC().AppendFormat(dst, "2006-01-02")
	}
	return appendYMD(dst, y, m, d)
}

// appendTimestamp renders v (in unit since the epoch) as
// yyyy-mm-ddThh:mm:ss[.fraction] followed by Z when utc is set.
func appendTimestamp(dst []byte, v int64, unit arrow.TimeUnit, utc bool) []byte {
	var sec, nanos int64
	switch unit {
	case arrow.Second:
		sec = v
	case arrow.Millisecond:
		sec, nanos = floorDivMod(v, 1e3)
		nanos *= 1e6
	case arrow.Microsecond:
		sec, nanos = floorDivMod(v, 1e6)
		nanos *= 1e3
	default:
		sec, nanos = floorDivMod(v, 1e9)
	}
	return appendSecNanos(dst, sec, nanos, utc)
}

// appendSecNanos renders sec.nanos since the epoch (0 <= nanos < 1e9).
func appendSecNanos(dst []byte, sec, nanos int64, utc bool) []byte {
	days, sod := floorDivMod(sec, 86400)
	y, m, d := civil(days)
	if y < 0 || y > 9999 {
		layout := "2006-01-02T15:04:05.999999999"
		if utc {
			layout += "Z"
		}
		return time.Unix(sec, nanos).UTC().AppendFormat(dst, layout)
	}
	dst = appendYMD(dst, y, m, d)
	dst = append(dst, 'T')
	dst = append2(dst, sod/3600)
	dst = append(dst, ':')
	dst = append2(dst, sod/60%60)
	dst = append(dst, ':')
	dst = append2(dst, sod%60)
	if nanos != 0 {
		var frac [10]byte
		frac[0] = '.'
		for k := 9; k >= 1; k-- {
			frac[k] = byte('0' + nanos%10)
			nanos /= 10
		}
		n := 10
		for frac[n-1] == '0' {
			n--
		}
		dst = append(dst, frac[:n]...)
	}
	if utc {
		dst = append(dst, 'Z')
	}
	return dst
}

// appendCSVString appends s as a CSV field: quoted when it holds a comma,
// a double quote, CR or LF, or when it is empty (so that it differs from a
// null, which is an empty field).
func appendCSVString(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, '"', '"')
	}
	need := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			need = true
		}
		if need {
			break
		}
	}
	if !need {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// jsonSafe[b] is true for ASCII bytes encoding/json copies unescaped (its
// HTML-safe set).
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

// appendJSONString appends s as a JSON string, byte for byte what
// encoding/json writes: HTML-safe escapes for <, > and &, \u2028 and
// \u2029 escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if jsonSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// FormatValue renders the value at row i of arr in the canonical text form
// (what the CSV writer writes, unquoted); a null is "".
func FormatValue(arr arrow.Array, i int) (string, error) {
	if arr.IsNull(i) {
		return "", nil
	}
	f, err := cellEncoder(arr, modeText)
	if err != nil {
		return "", err
	}
	return string(f(nil, i)), nil
}

// TextInstant is the canonical text of an instant: RFC 3339 in UTC with Z,
// fractional seconds only when non-zero ("2026-11-20T06:59:10Z").
func TextInstant(t time.Time) string {
	return string(appendSecNanos(nil, t.Unix(), int64(t.Nanosecond()), true))
}

// TextWallClock is the canonical text of t's wall clock in its own location,
// without an offset ("2026-11-20T07:59:10").
func TextWallClock(t time.Time) string {
	_, off := t.Zone()
	return string(appendSecNanos(nil, t.Unix()+int64(off), int64(t.Nanosecond()), false))
}

// TextFloat is the canonical text of a float64 ("72.5", "0.001").
func TextFloat(v float64) string { return string(appendFloat(nil, v, 64, modeText)) }
