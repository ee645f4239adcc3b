package load

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestParquetLogicalTypesAndEncodings(t *testing.T) {
	mem := checkedMem(t)
	rec := buildAllTypes(mem, roundTripRows)
	defer rec.Release()
	fsys := DirFS(t.TempDir())
	name := PartitionPath("things", "2026-10", Parquet)
	if _, err := WritePartition(fsys, name, Parquet, allTypes, []arrow.RecordBatch{rec}); err != nil {
		t.Fatal(err)
	}
	info, err := ReadParquetInfo(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	if info.CreatedBy != CreatedBy {
		t.Errorf("created_by = %q, want %q", info.CreatedBy, CreatedBy)
	}
	cols := map[string]ParquetColumn{}
	for _, c := range info.Columns {
		cols[c.Name] = c
		if c.Codec != "ZSTD" {
			t.Errorf("%s: codec %s, want ZSTD", c.Name, c.Codec)
		}
		if !c.Stats {
			t.Errorf("%s: no statistics", c.Name)
		}
	}
	for name, want := range map[string]string{
		"time_utc":   "Timestamp(isAdjustedToUTC=true, timeUnit=milliseconds",
		"time_local": "Timestamp(isAdjustedToUTC=false, timeUnit=milliseconds",
		"date":       "Date",
	} {
		c := cols[name]
		if !strings.HasPrefix(c.Logical, want) {
			t.Errorf("%s: logical type %s, want %s…", name, c.Logical, want)
		}
		if !slices.Contains(c.Encodings, "DELTA_BINARY_PACKED") || slices.Contains(c.Encodings, "RLE_DICTIONARY") || slices.Contains(c.Encodings, "PLAIN_DICTIONARY") {
			t.Errorf("%s: encodings %v, want DELTA_BINARY_PACKED and no dictionary", name, c.Encodings)
		}
	}
	if c := cols["level"]; !slices.Contains(c.Encodings, "RLE_DICTIONARY") {
		t.Errorf("level: encodings %v, want dictionary", c.Encodings)
	}
	// The stored Arrow schema gives readers their zones and metadata back.
	sc := info.Schema
	if tt := sc.Field(0).Type.(*arrow.TimestampType); tt.TimeZone != "UTC" || tt.Unit != arrow.Millisecond {
		t.Errorf("time_utc read back as %s", tt)
	}
	if tt := sc.Field(1).Type.(*arrow.TimestampType); tt.TimeZone != "" {
		t.Errorf("time_local read back as %s", tt)
	}
	if sc.Field(2).Type.ID() != arrow.DATE32 {
		t.Errorf("date read back as %s", sc.Field(2).Type)
	}
	if v, ok := sc.Field(7).Metadata.GetValue("unit"); !ok || v != "m" {
		t.Errorf("distance_m unit metadata = %q, %v", v, ok)
	}
}

func TestParquetRowGroups(t *testing.T) {
	cases := []struct {
		name    string
		batches int
		rows    int
		want    []int64
	}{
		{"60 days of minutes", 60, 1440, []int64{60 * 1440}},
		{"3M rows", 30, 100_000, []int64{RowGroupRows, RowGroupRows, 3_000_000 - 2*RowGroupRows}},
		{"exactly one full group, then more", 2, RowGroupRows, []int64{RowGroupRows, RowGroupRows}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if testing.Short() && c.batches*c.rows > 1e6 {
				t.Skip("large")
			}
			mem := checkedMem(t)
			fsys := DirFS(t.TempDir())
			var recs []arrow.RecordBatch
			for i := 0; i < c.batches; i++ {
				recs = append(recs, heartBatch(mem, int64(i*c.rows)*60_000, c.rows))
			}
			defer releaseAll(recs)
			name := PartitionPath("heart_rate", "2026-11", Parquet)
			fi, err := WritePartition(fsys, name, Parquet, heartSchema, recs)
			if err != nil {
				t.Fatal(err)
			}
			info, err := ReadParquetInfo(fsys, name)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(info.RowGroups, c.want) {
				t.Errorf("row groups %v, want %v", info.RowGroups, c.want)
			}
			if info.Rows != int64(c.batches*c.rows) || fi.Rows != info.Rows {
				t.Errorf("rows: file %d, FileInfo %d, want %d", info.Rows, fi.Rows, c.batches*c.rows)
			}
		})
	}
}

// TestTimeTextMatchesTimePackage compares the hand-written formatter with
// the time package over many instants, before and after the epoch.
func TestTimeTextMatchesTimePackage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	lo, hi := mustTime("1900-01-01T00:00:00Z").UnixMilli(), mustTime("2200-12-31T23:59:59Z").UnixMilli()
	for k := 0; k < 20000; k++ {
		ms := lo + r.Int64N(hi-lo)
		if k%3 == 0 {
			ms -= ms % 1000 // whole seconds
		}
		tm := time.UnixMilli(ms).UTC()
		if got, want := string(appendTimestamp(nil, ms, arrow.Millisecond, true)), tm.Format(time.RFC3339Nano); got != want {
			t.Fatalf("instant %d: %s, want %s", ms, got, want)
		}
		if got, want := string(appendTimestamp(nil, ms, arrow.Millisecond, false)), tm.Format("2006-01-02T15:04:05.999999999"); got != want {
			t.Fatalf("wall clock %d: %s, want %s", ms, got, want)
		}
		days := ms / 86_400_000
		if got, want := string(appendDate(nil, days)), time.Unix(days*86400, 0).UTC().Format("2006-01-02"); got != want {
			t.Fatalf("date %d: %s, want %s", days, got, want)
		}
	}
	for _, u := range []arrow.TimeUnit{arrow.Second, arrow.Microsecond, arrow.Nanosecond} {
		v := int64(1_795_676_350) * int64(time.Second/u.Multiplier())
		if got := string(appendTimestamp(nil, v+1, u, true)); !strings.HasPrefix(got, "2026-11-26T") {
			t.Errorf("unit %s: %s", u, got)
		}
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	tm := time.Date(2026, 10, 25, 0, 30, 0, 500e6, time.UTC).In(london) // the first 01:30 (BST)
	if got := TextInstant(tm); got != "2026-10-25T00:30:00.5Z" {
		t.Errorf("TextInstant = %s", got)
	}
	if got := TextWallClock(tm); got != "2026-10-25T01:30:00.5" {
		t.Errorf("TextWallClock = %s", got)
	}
	if got := TextFloat(1234567.25); got != "1234567.25" {
		t.Errorf("TextFloat = %s", got)
	}
}
