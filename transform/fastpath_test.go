package transform

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestSmallIntMatchesStrconv: the fast path takes exactly the strings it
// can parse without overflow, with strconv's value; Int64 is unchanged
// for everything else.
func TestSmallIntMatchesStrconv(t *testing.T) {
	for _, s := range []string{"0", "7", "72", "-72", "180", "000123", "-0", "999999999999999999",
		"-999999999999999999", "1000000000000000000", "9223372036854775807", "-9223372036854775808",
		"", "-", "+5", "1_000", "12.0", "12.5", " 7", "7 ", "0x10", "1e3", "٣", "--1", "9a"} {
		v, ok := smallInt(s)
		ref, err := strconv.ParseInt(s, 10, 64)
		if ok && (err != nil || v != ref) {
			t.Errorf("smallInt(%q) = %d, strconv says %d, %v", s, v, ref, err)
		}
		short := strings.TrimPrefix(s, "-")
		if !ok && err == nil && len(short) <= 18 && !strings.HasPrefix(s, "+") {
			t.Errorf("smallInt(%q) declined a plain integer", s)
		}
		n := NumOf(s)
		got, gerr := n.Int64()
		if err == nil && (gerr != nil || got != ref) {
			t.Errorf("Int64(%q) = %d, %v; want %d", s, got, gerr, ref)
		}
	}
	if v, err := NumOf("12.0").Int64(); err != nil || v != 12 {
		t.Errorf(`Int64("12.0") = %d, %v`, v, err)
	}
	if _, err := NumOf("12.5").Int64(); err == nil {
		t.Error(`Int64("12.5") succeeded`)
	}
}

// TestSeriesAppendReservedOrNot: appends into reserved room and appends
// that grow the builders give the same columns.
func TestSeriesAppendReservedOrNot(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{TimeUTC(), TimeLocal()}, nil)
	build := func(reserve int) arrow.RecordBatch {
		b := array.NewRecordBuilder(memory.NewGoAllocator(), schema)
		defer b.Release()
		b.Reserve(reserve)
		s := ColsOf(b).Series()
		for i := range int64(5000) {
			s.Append(1_780_000_000_000+i*1000, 1_780_007_200_000+i*1000)
		}
		return b.NewRecordBatch()
	}
	for _, reserve := range []int{0, 100, 5000, 9000} {
		ref, got := build(0), build(reserve)
		for c := range 2 {
			a, b := ref.Column(c).(*array.Timestamp), got.Column(c).(*array.Timestamp)
			if !array.Equal(a, b) || b.NullN() != 0 || b.Len() != 5000 {
				t.Errorf("reserve %d, column %d: %d rows, %d nulls; differs from unreserved", reserve, c, b.Len(), b.NullN())
			}
		}
		ref.Release()
		got.Release()
	}
}

// TestIntradayRowsEstimate: compact answers never hold more entries than
// the estimate.
func TestIntradayRowsEstimate(t *testing.T) {
	for _, n := range []int{0, 1, 2, 100, 86400} {
		var sb strings.Builder
		sb.WriteString(`{"activities-heart-intraday":{"dataset":[`)
		for i := range n {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"time":"%02d:%02d:%02d","value":%d}`, i/3600, i/60%60, i%60, i%10)
		}
		sb.WriteString(`],"datasetInterval":1,"datasetType":"second"}}`)
		if est := IntradayRowsEstimate(sb.Len()); est < n {
			t.Errorf("%d entries in %d bytes, estimate %d", n, sb.Len(), est)
		}
	}
}
