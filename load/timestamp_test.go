package load

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// refInstant and refWall are the reference renderings, from package time:
// RFC 3339 in UTC with Z, and the wall clock without an offset, fractional
// seconds only when non-zero.
func refInstant(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.999999999Z") }
func refWall(t time.Time) string    { return t.Format("2006-01-02T15:04:05.999999999") }

// wallMS is what a *_local column stores for t: its wall clock read as if
// it were UTC, in Unix ms.
func wallMS(t time.Time) int64 {
	_, off := t.Zone()
	return t.UnixMilli() + int64(off)*1000
}

// TestTSTextSeries renders second-by-second series around the calendar's
// and the zones' edges through one tsText per column (as the writers do:
// state carried from row to row) and compares every value with package
// time: day, month and year rollovers, leap days (2024, 2000; 2100 is not
// one), the spring-forward gap and the repeated fall-back hour in
// Europe/Berlin (UTC+1/+2) and America/New_York (UTC−5/−4, whose evening
// is already the next UTC day), and instants before 1970.
func TestTSTextSeries(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	cases := []struct {
		name  string
		from  time.Time
		span  time.Duration
		step  time.Duration
		zones []*time.Location
	}{
		{"day rollover", time.Date(2026, 7, 14, 23, 58, 0, 0, time.UTC), 4 * time.Minute, time.Second, []*time.Location{time.UTC, berlin, newYork}},
		{"month rollover", time.Date(2026, 4, 30, 23, 59, 0, 0, time.UTC), 2 * time.Minute, time.Second, []*time.Location{time.UTC, berlin, newYork}},
		{"year rollover", time.Date(2025, 12, 31, 23, 59, 30, 0, time.UTC), time.Minute, time.Second, []*time.Location{time.UTC, berlin, newYork}},
		{"leap day 2024", time.Date(2024, 2, 28, 23, 59, 50, 0, time.UTC), 24*time.Hour + 20*time.Second, 7 * time.Second, []*time.Location{time.UTC, newYork}},
		{"leap day 2000", time.Date(2000, 2, 28, 23, 59, 55, 0, time.UTC), 24*time.Hour + 10*time.Second, 5 * time.Second, []*time.Location{time.UTC}},
		{"no leap day 2100", time.Date(2100, 2, 28, 23, 59, 55, 0, time.UTC), 10 * time.Second, time.Second, []*time.Location{time.UTC}},
		{"Berlin spring forward", time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), time.Hour, time.Second, []*time.Location{berlin}},
		{"Berlin fall back", time.Date(2026, 10, 24, 23, 30, 0, 0, time.UTC), 3 * time.Hour, time.Second, []*time.Location{berlin}},
		{"New York spring forward", time.Date(2026, 3, 8, 6, 30, 0, 0, time.UTC), time.Hour, time.Second, []*time.Location{newYork}},
		{"New York fall back", time.Date(2026, 11, 1, 4, 30, 0, 0, time.UTC), 3 * time.Hour, time.Second, []*time.Location{newYork}},
		{"New York evening", time.Date(2026, 11, 20, 23, 0, 0, 0, newYork), 2 * time.Hour, 13 * time.Second, []*time.Location{newYork}},
		{"before 1970", time.Date(1969, 12, 31, 23, 59, 0, 0, time.UTC), 2 * time.Minute, 3 * time.Second, []*time.Location{time.UTC, newYork}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inst := newTSText(arrow.Millisecond, true)
			walls := make([]*tsText, len(c.zones))
			for i := range walls {
				walls[i] = newTSText(arrow.Millisecond, false)
			}
			var dst []byte
			backwards := false
			prev := make([]int64, len(c.zones))
			for at := c.from; !at.After(c.from.Add(c.span)); at = at.Add(c.step) {
				dst = inst.appendTS(dst[:0], at.UnixMilli())
				if got, want := string(dst), refInstant(at); got != want {
					t.Fatalf("instant %d: got %s, want %s", at.UnixMilli(), got, want)
				}
				for i, z := range c.zones {
					lt := at.In(z)
					w := wallMS(lt)
					if w < prev[i] {
						backwards = true
					}
					prev[i] = w
					dst = walls[i].appendTS(dst[:0], w)
					if got, want := string(dst), refWall(lt); got != want {
						t.Fatalf("wall clock of %s in %s: got %s, want %s", at.UTC().Format(time.RFC3339), z, got, want)
					}
				}
			}
			if strings.Contains(c.name, "fall back") && !backwards {
				t.Error("the fall-back case never saw the wall clock go back")
			}
		})
	}
}

// TestTSTextFractionsAndUnits: fractions print without trailing zeros,
// after any whole second, in every unit, as appendTimestamp does.
func TestTSTextFractionsAndUnits(t *testing.T) {
	base := time.Date(2026, 11, 20, 6, 59, 10, 0, time.UTC)
	for _, c := range []struct {
		unit  arrow.TimeUnit
		per   int64 // values per second
		fracs []int64
	}{
		{arrow.Second, 1, []int64{0}},
		{arrow.Millisecond, 1e3, []int64{0, 1, 10, 100, 120, 999, 500}},
		{arrow.Microsecond, 1e6, []int64{0, 1, 10, 500000, 123456, 999999}},
		{arrow.Nanosecond, 1e9, []int64{0, 1, 100, 500000000, 123456789, 999999999}},
	} {
		for _, zulu := range []bool{true, false} {
			ts := newTSText(c.unit, zulu)
			for _, sec := range []int64{base.Unix(), base.Unix() + 1, -1, 0, base.Unix() + 86400} {
				for _, f := range c.fracs {
					v := sec*c.per + f
					got := string(ts.appendTS([]byte("x"), v))
					want := "x" + string(appendTimestamp(nil, v, c.unit, zulu))
					if got != want {
						t.Errorf("unit %s, zulu %v, %d: got %s, want %s", c.unit, zulu, v, got, want)
					}
					ref := time.Unix(sec, f*(1e9/c.per)).UTC().Format("2006-01-02T15:04:05.999999999")
					if zulu {
						ref += "Z"
					}
					if want != "x"+ref {
						t.Errorf("appendTimestamp(%d %s) = %s, time says %s", v, c.unit, want[1:], ref)
					}
				}
			}
		}
	}
}

// TestTSTextAnyOrder: whatever came before, a value renders as
// appendTimestamp renders it alone (random jumps, years 0 to 9999, and
// outside that range, where both fall back to package time).
func TestTSTextAnyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const (
		y0    = -62167219200000 // 0000-01-01 in Unix ms
		y9999 = 253402300799999 // 9999-12-31T23:59:59.999
	)
	for _, unit := range []arrow.TimeUnit{arrow.Second, arrow.Millisecond, arrow.Microsecond, arrow.Nanosecond} {
		for _, zulu := range []bool{true, false} {
			ts := newTSText(unit, zulu)
			v := int64(1_780_000_000_000)
			for range 20000 {
				switch r.IntN(6) {
				case 0: // anywhere in years 0–9999 (ms), scaled to the unit
					v = r.Int64N(y9999-y0) + y0
					v = scaleMS(v, unit)
				case 1: // just outside
					v = scaleMS([]int64{y0 - 1, y9999 + 1, y0, y9999}[r.IntN(4)], unit)
				case 2:
					v = int64(r.Uint64())
				default: // a few seconds on, or back
					v += scaleMS(r.Int64N(20000)-4000, unit)
				}
				got := string(ts.appendTS(nil, v))
				if want := string(appendTimestamp(nil, v, unit, zulu)); got != want {
					t.Fatalf("unit %s, zulu %v, %d: got %s, want %s", unit, zulu, v, got, want)
				}
			}
		}
	}
}

// scaleMS converts ms to unit, saturating instead of overflowing.
func scaleMS(ms int64, unit arrow.TimeUnit) int64 {
	switch unit {
	case arrow.Second:
		return ms / 1000
	case arrow.Microsecond:
		if ms > math.MaxInt64/1000 || ms < math.MinInt64/1000 {
			return ms
		}
		return ms * 1000
	case arrow.Nanosecond:
		if ms > math.MaxInt64/1_000_000 || ms < math.MinInt64/1_000_000 {
			return ms
		}
		return ms * 1_000_000
	}
	return ms
}

func TestAppendInt(t *testing.T) {
	for _, v := range []int64{0, 1, 9, 10, 55, 99, 100, 101, 180, 999, 1000, 1001, 9999, 10000, 12345,
		-1, -9, -10, -100, -99999, math.MaxInt64, math.MinInt64, math.MaxInt32, math.MinInt32} {
		if got, want := string(appendInt([]byte("x"), v)), "x"+strconv.FormatInt(v, 10); got != want {
			t.Errorf("appendInt(%d) = %s, want %s", v, got, want)
		}
	}
	for v := int64(-20); v < 20000; v++ {
		if got, want := string(appendInt(nil, v)), strconv.FormatInt(v, 10); got != want {
			t.Fatalf("appendInt(%d) = %s, want %s", v, got, want)
		}
	}
}

// TestTextWritersDSTSeries writes a heart-rate-like series through the
// CSV and NDJSON writers (one batch, then the same rows split over many
// batches and flushes) across New York's fall-back night and a month end,
// and checks every line against package time.
func TestTextWritersDSTSeries(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	var times []time.Time
	for at := time.Date(2026, 10, 31, 22, 0, 0, 0, newYork); at.Before(time.Date(2026, 11, 1, 3, 0, 0, 0, newYork)); at = at.Add(time.Second) {
		times = append(times, at)
	}
	var wantCSV, wantJSON bytes.Buffer
	wantCSV.WriteString("time_utc,time_local,bpm\n")
	for i, at := range times {
		lt := at.In(newYork)
		bpm := 50 + i%120
		wantCSV.WriteString(refInstant(at) + "," + refWall(lt) + "," + strconv.Itoa(bpm) + "\n")
		wantJSON.WriteString(`{"time_utc":"` + refInstant(at) + `","time_local":"` + refWall(lt) + `","bpm":` + strconv.Itoa(bpm) + "}\n")
	}
	mem := memory.NewGoAllocator()
	batch := func(from, to int) arrow.RecordBatch {
		b := array.NewRecordBuilder(mem, heartSchema)
		defer b.Release()
		for i := from; i < to; i++ {
			b.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(times[i].UnixMilli()))
			b.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(wallMS(times[i].In(newYork))))
			b.Field(2).(*array.Int32Builder).Append(int32(50 + i%120))
		}
		return b.NewRecordBatch()
	}
	for _, per := range []int{len(times), 997} {
		var recs []arrow.RecordBatch
		for i := 0; i < len(times); i += per {
			recs = append(recs, batch(i, min(i+per, len(times))))
		}
		for _, f := range []Format{CSV, NDJSON} {
			var out bytes.Buffer
			w, err := NewRecordWriter(f, &out, heartSchema)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			want := wantCSV.String()
			if f == NDJSON {
				want = wantJSON.String()
			}
			if got := out.String(); got != want {
				gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("%s, %d rows a batch: line %d: got %q, want %q", f, per, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%s, %d rows a batch: %d lines, want %d", f, per, len(gl), len(wl))
			}
		}
		releaseAll(recs)
	}
}
