package load

import (
	"encoding/binary"
	"slices"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
)

// digits2 holds "00" to "99": the two digits of n are digits2[2n:2n+2].
const digits2 = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// clock2 holds "00" to "99" as little-endian uint16s: clock2[n] is the two
// digits of n, ready to be shifted into place.
var clock2 = func() (t [100]uint64) {
	for n := range t {
		t[n] = uint64(digits2[2*n]) | uint64(digits2[2*n+1])<<8
	}
	return t
}()

// tsText renders the timestamps of one column as text, byte for byte what
// appendTimestamp writes, but fast for a time series, whose consecutive
// values are seconds apart: it keeps the rendered date of the last day it
// saw ("yyyy-mm-ddT") and writes the clock ("hh:mm:ss") as one 8-byte
// store. Only a value on another day converts days to a civil date. Values
// may come in any order (a wall clock repeats an hour when DST ends); the
// text never depends on what was rendered before.
type tsText struct {
	unit arrow.TimeUnit
	zulu bool // append 'Z' (an instant in UTC)

	ok     bool     // prefix holds day's date
	base   int64    // the first second of the day (when ok)
	prefix [16]byte // "yyyy-mm-ddT" and padding, copied whole
}

func newTSText(unit arrow.TimeUnit, zulu bool) *tsText {
	return &tsText{unit: unit, zulu: zulu}
}

// appendTS appends the text of v (in t.unit since the epoch).
func (t *tsText) appendTS(dst []byte, v int64) []byte {
	var sec, frac int64 // frac: the fraction of the second, in the unit
	switch t.unit {
	case arrow.Second:
		sec = v
	case arrow.Millisecond:
		if v >= 0 { // unsigned division is cheaper
			sec, frac = int64(uint64(v)/1e3), int64(uint64(v)%1e3)
		} else {
			sec, frac = floorDivMod(v, 1e3)
		}
	case arrow.Microsecond:
		sec, frac = floorDivMod(v, 1e6)
	default:
		sec, frac = floorDivMod(v, 1e9)
	}
	sod := sec - t.base
	if !t.ok || uint64(sod) >= 86400 {
		if !t.setDay(sec) {
			return appendTimestamp(dst, v, t.unit, t.zulu)
		}
		sod = sec - t.base
	}
	n := len(dst)
	if cap(dst)-n < 32 {
		dst = slices.Grow(dst, 32)
	}
	dst = dst[:n+19]
	// The date and T, then hh:mm:ss over the padding.
	*(*[16]byte)(dst[n:]) = t.prefix
	h := uint64(sod) / 3600
	r := uint64(sod) - h*3600
	m := r / 60
	s := r - m*60
	binary.LittleEndian.PutUint64(dst[n+11:], clock2[h]|':'<<16|clock2[m]<<24|':'<<40|clock2[s]<<48)
	if frac != 0 {
		dst = t.appendFrac(dst, frac)
	}
	if t.zulu {
		dst = append(dst, 'Z')
	}
	return dst
}

// setDay makes prefix the date of second sec; false when its year is
// outside 0000–9999 (appendTimestamp renders those).
func (t *tsText) setDay(sec int64) bool {
	day, _ := floorDivMod(sec, 86400)
	y, m, d := civil(day)
	if y < 0 || y > 9999 {
		return false
	}
	b := &t.prefix
	b[0], b[1] = digits2[2*(y/100)], digits2[2*(y/100)+1]
	b[2], b[3] = digits2[2*(y%100)], digits2[2*(y%100)+1]
	b[4] = '-'
	b[5], b[6] = digits2[2*m], digits2[2*m+1]
	b[7] = '-'
	b[8], b[9] = digits2[2*d], digits2[2*d+1]
	b[10] = 'T'
	t.ok, t.base = true, day*86400
	return true
}

// appendFrac appends '.' and the fraction frac (0 < frac < one second in
// t.unit) without trailing zeros.
func (t *tsText) appendFrac(dst []byte, frac int64) []byte {
	width := 3
	switch t.unit {
	case arrow.Microsecond:
		width = 6
	case arrow.Nanosecond:
		width = 9
	}
	var b [10]byte
	b[0] = '.'
	for k := width; k >= 1; k-- {
		b[k] = byte('0' + frac%10)
		frac /= 10
	}
	n := width + 1
	for b[n-1] == '0' {
		n--
	}
	return append(dst, b[:n]...)
}

// appendInt appends v in decimal: strconv.AppendInt with a fast path for
// the small non-negative values most columns hold (bpm, steps, minutes).
func appendInt(dst []byte, v int64) []byte {
	switch {
	case v < 0 || v >= 10000:
		return strconv.AppendInt(dst, v, 10)
	case v < 10:
		return append(dst, byte('0'+v))
	case v < 100:
		return append(dst, digits2[2*v], digits2[2*v+1])
	case v < 1000:
		r := v % 100
		return append(dst, byte('0'+v/100), digits2[2*r], digits2[2*r+1])
	}
	q, r := v/100, v%100
	return append(dst, digits2[2*q], digits2[2*q+1], digits2[2*r], digits2[2*r+1])
}
