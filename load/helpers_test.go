package load

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

var (
	tsUTC   = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	tsLocal = &arrow.TimestampType{Unit: arrow.Millisecond}
	dictStr = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
)

// allTypes is a schema with every column type the datasets use.
var allTypes = arrow.NewSchema([]arrow.Field{
	{Name: "time_utc", Type: tsUTC, Nullable: true, Metadata: arrow.NewMetadata([]string{"doc"}, []string{"the instant"})},
	{Name: "time_local", Type: tsLocal, Nullable: true},
	{Name: "date", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
	{Name: "i16", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "distance_m", Type: arrow.PrimitiveTypes.Float64, Nullable: true, Metadata: arrow.NewMetadata([]string{"unit", "doc"}, []string{"m", "distance"})},
	{Name: "ok", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "text", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "level", Type: dictStr, Nullable: true},
}, nil)

// row is one row of allTypes; nil means null.
type row struct {
	utc, local *time.Time
	date       *time.Time
	i8         *int8
	i16        *int16
	i32        *int32
	i64        *int64
	f64        *float64
	ok         *bool
	text       *string
	level      *string
}

func ptr[T any](v T) *T { return &v }

func mustTime(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.999999999Z07:00", s)
	if err != nil {
		panic(err)
	}
	return t
}

// wall returns a wall-clock time stored as if UTC.
func wall(s string) *time.Time { t := mustTime(s + "Z"); return &t }

// buildAllTypes builds a record of allTypes from rows.
func buildAllTypes(mem memory.Allocator, rows []row) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, allTypes)
	defer b.Release()
	for _, r := range rows {
		appendTS(b.Field(0).(*array.TimestampBuilder), r.utc)
		appendTS(b.Field(1).(*array.TimestampBuilder), r.local)
		db := b.Field(2).(*array.Date32Builder)
		if r.date == nil {
			db.AppendNull()
		} else {
			db.Append(arrow.Date32FromTime(*r.date))
		}
		appendOr(b.Field(3).(*array.Int8Builder), r.i8)
		appendOr(b.Field(4).(*array.Int16Builder), r.i16)
		appendOr(b.Field(5).(*array.Int32Builder), r.i32)
		appendOr(b.Field(6).(*array.Int64Builder), r.i64)
		appendOr(b.Field(7).(*array.Float64Builder), r.f64)
		appendOr(b.Field(8).(*array.BooleanBuilder), r.ok)
		appendOr(b.Field(9).(*array.StringBuilder), r.text)
		lb := b.Field(10).(*array.BinaryDictionaryBuilder)
		if r.level == nil {
			lb.AppendNull()
		} else if err := lb.AppendString(*r.level); err != nil {
			panic(err)
		}
	}
	return b.NewRecordBatch()
}

func appendTS(b *array.TimestampBuilder, t *time.Time) {
	if t == nil {
		b.AppendNull()
		return
	}
	b.Append(arrow.Timestamp(t.UnixMilli()))
}

type appender[T any] interface {
	Append(T)
	AppendNull()
}

func appendOr[T any](b appender[T], v *T) {
	if v == nil {
		b.AppendNull()
		return
	}
	b.Append(*v)
}

func checkedMem(t testing.TB) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// heartSchema is the heart_rate shape.
var heartSchema = arrow.NewSchema([]arrow.Field{
	{Name: "time_utc", Type: tsUTC},
	{Name: "time_local", Type: tsLocal},
	{Name: "bpm", Type: arrow.PrimitiveTypes.Int32},
}, nil)

// heartBatch builds n rows one minute apart from start (UTC ms), local
// time one hour ahead, bpm pseudo-random in [55, 115).
func heartBatch(mem memory.Allocator, start int64, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, heartSchema)
	defer b.Release()
	u := b.Field(0).(*array.TimestampBuilder)
	l := b.Field(1).(*array.TimestampBuilder)
	v := b.Field(2).(*array.Int32Builder)
	u.Reserve(n)
	l.Reserve(n)
	v.Reserve(n)
	x := uint32(start/60_000) | 1
	for i := 0; i < n; i++ {
		x ^= x << 13 // xorshift: realistic-looking, deterministic bpm
		x ^= x >> 17
		x ^= x << 5
		ms := start + int64(i)*60_000
		u.UnsafeAppend(arrow.Timestamp(ms))
		l.UnsafeAppend(arrow.Timestamp(ms + 3_600_000))
		v.UnsafeAppend(int32(55 + x%60))
	}
	return b.NewRecordBatch()
}

func releaseAll(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}
