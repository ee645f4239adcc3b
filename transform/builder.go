package transform

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/dates"
)

// Cols looks up a record builder's column builders by name and type. A
// missing column or a type mismatch is a programming error (a schema and its
// transform disagree) and panics; golden tests catch it.
type Cols struct{ b *array.RecordBuilder }

// ColsOf wraps b.
func ColsOf(b *array.RecordBuilder) Cols { return Cols{b} }

func (c Cols) field(name string) array.Builder {
	idx := c.b.Schema().FieldIndices(name)
	if len(idx) != 1 {
		panic(fmt.Sprintf("transform: schema has no single column %q", name))
	}
	return c.b.Field(idx[0])
}

func col[T array.Builder](c Cols, name string) T {
	f := c.field(name)
	t, ok := f.(T)
	if !ok {
		panic(fmt.Sprintf("transform: column %q is %T", name, f))
	}
	return t
}

// Timestamp returns the builder of a timestamp column.
func (c Cols) Timestamp(name string) *array.TimestampBuilder {
	return col[*array.TimestampBuilder](c, name)
}

// Date32 returns the builder of a date column.
func (c Cols) Date32(name string) DateBuilder { return DateBuilder{col[*array.Date32Builder](c, name)} }

// Int8 returns the builder of an int8 column.
func (c Cols) Int8(name string) *array.Int8Builder { return col[*array.Int8Builder](c, name) }

// Int32 returns the builder of an int32 column.
func (c Cols) Int32(name string) Int32Builder { return Int32Builder{col[*array.Int32Builder](c, name)} }

// Int64 returns the builder of an int64 column.
func (c Cols) Int64(name string) Int64Builder { return Int64Builder{col[*array.Int64Builder](c, name)} }

// Float64 returns the builder of a float64 column.
func (c Cols) Float64(name string) Float64Builder {
	return Float64Builder{col[*array.Float64Builder](c, name)}
}

// String returns the builder of a string column.
func (c Cols) String(name string) *array.StringBuilder { return col[*array.StringBuilder](c, name) }

// Bool returns the builder of a boolean column.
func (c Cols) Bool(name string) *array.BooleanBuilder { return col[*array.BooleanBuilder](c, name) }

// Series returns the time_utc and time_local builders of a time series.
func (c Cols) Series() Series {
	return Series{UTC: c.Timestamp("time_utc"), Local: c.Timestamp("time_local")}
}

// Series appends the two time columns of a time-series row.
type Series struct{ UTC, Local *array.TimestampBuilder }

// Append appends an instant and a wall time (both Unix ms).
func (s Series) Append(utc, wall int64) {
	if s.UTC.Len() < s.UTC.Cap() && s.Local.Len() < s.Local.Cap() {
		// Room reserved (RecordBuilder.Reserve): skip Append's checks.
		s.UTC.UnsafeAppend(arrow.Timestamp(utc))
		s.Local.UnsafeAppend(arrow.Timestamp(wall))
		return
	}
	s.UTC.Append(arrow.Timestamp(utc))
	s.Local.Append(arrow.Timestamp(wall))
}

// DateBuilder appends civil dates to a Date32 column.
type DateBuilder struct{ *array.Date32Builder }

// AppendDate appends d.
func (b DateBuilder) AppendDate(d dates.Date) { b.Append(Date32(d)) }

// Date32 converts a civil date to Arrow's days since the Unix epoch.
func Date32(d dates.Date) arrow.Date32 { return arrow.Date32(d.UTC().Unix() / 86400) }

// Int32Builder adds optional appends to an int32 column.
type Int32Builder struct{ *array.Int32Builder }

// AppendOpt appends *v or null.
func (b Int32Builder) AppendOpt(v *int32) {
	if v == nil {
		b.AppendNull()
	} else {
		b.Append(*v)
	}
}

// Int64Builder adds optional appends to an int64 column.
type Int64Builder struct{ *array.Int64Builder }

// AppendOpt appends *v or null.
func (b Int64Builder) AppendOpt(v *int64) {
	if v == nil {
		b.AppendNull()
	} else {
		b.Append(*v)
	}
}

// Float64Builder adds optional appends to a float64 column.
type Float64Builder struct{ *array.Float64Builder }

// AppendOpt appends *v or null.
func (b Float64Builder) AppendOpt(v *float64) {
	if v == nil {
		b.AppendNull()
	} else {
		b.Append(*v)
	}
}
