package transform

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// Metadata keys of a field.
const (
	// MetaDoc is a field's one-line description.
	MetaDoc = "doc"
	// MetaUnit is a field's unit (SI or a named unit such as kcal), when one
	// applies.
	MetaUnit = "unit"
)

// InstantType is the type of *_utc columns: milliseconds, adjusted to UTC.
func InstantType() *arrow.TimestampType {
	return &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
}

// WallType is the type of *_local columns: the wall clock, milliseconds,
// read as if it were UTC, with no zone.
func WallType() *arrow.TimestampType {
	return &arrow.TimestampType{Unit: arrow.Millisecond}
}

// Field returns a field with its doc and (when not empty) unit metadata.
func Field(name string, typ arrow.DataType, nullable bool, doc, unit string) arrow.Field {
	keys, vals := []string{MetaDoc}, []string{doc}
	if unit != "" {
		keys, vals = append(keys, MetaUnit), append(vals, unit)
	}
	return arrow.Field{Name: name, Type: typ, Nullable: nullable, Metadata: arrow.NewMetadata(keys, vals)}
}

// Doc returns a field's doc metadata ("" when absent).
func Doc(f arrow.Field) string { return meta(f, MetaDoc) }

// Unit returns a field's unit metadata ("" when absent).
func Unit(f arrow.Field) string { return meta(f, MetaUnit) }

func meta(f arrow.Field, key string) string {
	if i := f.Metadata.FindKey(key); i >= 0 {
		return f.Metadata.Values()[i]
	}
	return ""
}

// Instant returns a non-null *_utc field.
func Instant(name, doc string) arrow.Field { return Field(name, InstantType(), false, doc, "") }

// Wall returns a non-null *_local field.
func Wall(name, doc string) arrow.Field { return Field(name, WallType(), false, doc, "") }

// Date returns a non-null Date32 field.
func Date(name, doc string) arrow.Field {
	return Field(name, arrow.FixedWidthTypes.Date32, false, doc, "")
}

// TimeUTC is the time_utc column of time-series datasets.
func TimeUTC() arrow.Field {
	return Instant("time_utc", "The instant the sample was taken or the interval starts.")
}

// TimeLocal is the time_local column of time-series datasets.
func TimeLocal() arrow.Field {
	return Wall("time_local", "The same moment on the user's wall clock (profile time zone), no offset, as Fitbit reported it.")
}

// DateCol is the date column of daily datasets.
func DateCol() arrow.Field {
	return Date("date", "The local calendar day (profile time zone) the values belong to.")
}

// StartUTC, StartLocal, EndUTC, EndLocal and DateOfSleep are the columns of
// sessions.
func StartUTC() arrow.Field { return Instant("start_utc", "The instant the session or stage starts.") }

// StartLocal is the start on the user's wall clock.
func StartLocal() arrow.Field {
	return Wall("start_local", "The start on the user's wall clock, no offset, as Fitbit reported it.")
}

// EndUTC is the instant a session ends.
func EndUTC() arrow.Field {
	return Instant("end_utc", "The instant the session ends (start_utc plus duration_ms).")
}

// EndLocal is the end on the user's wall clock.
func EndLocal() arrow.Field {
	return Wall("end_local", "The end on the user's wall clock, no offset, as Fitbit reported it.")
}

// DateOfSleep is the day a sleep log is filed under.
func DateOfSleep() arrow.Field {
	return Date("date_of_sleep", "The local day the sleep ended on, under which Fitbit files it.")
}

// Int32, Int64, Int8, Float64, String and Bool return fields of those types.
func Int32(name string, nullable bool, doc, unit string) arrow.Field {
	return Field(name, arrow.PrimitiveTypes.Int32, nullable, doc, unit)
}

// Int64 returns an int64 field.
func Int64(name string, nullable bool, doc, unit string) arrow.Field {
	return Field(name, arrow.PrimitiveTypes.Int64, nullable, doc, unit)
}

// Int8 returns an int8 field.
func Int8(name string, nullable bool, doc, unit string) arrow.Field {
	return Field(name, arrow.PrimitiveTypes.Int8, nullable, doc, unit)
}

// Float64 returns a float64 field.
func Float64(name string, nullable bool, doc, unit string) arrow.Field {
	return Field(name, arrow.PrimitiveTypes.Float64, nullable, doc, unit)
}

// String returns a UTF-8 string field.
func String(name string, nullable bool, doc string) arrow.Field {
	return Field(name, arrow.BinaryTypes.String, nullable, doc, "")
}

// Bool returns a boolean field.
func Bool(name string, nullable bool, doc string) arrow.Field {
	return Field(name, arrow.FixedWidthTypes.Boolean, nullable, doc, "")
}

// TypeName is a short, reader-friendly name of a column type for docs:
// "timestamp (UTC)", "timestamp (local)", "date", "int32", "float64", …
func TypeName(t arrow.DataType) string {
	switch tt := t.(type) {
	case *arrow.TimestampType:
		if tt.TimeZone == "" {
			return "timestamp (local)"
		}
		return "timestamp (" + tt.TimeZone + ")"
	case *arrow.Date32Type:
		return "date"
	case *arrow.StringType:
		return "string"
	case *arrow.BooleanType:
		return "bool"
	}
	return t.String()
}
