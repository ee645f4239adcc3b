// Command sample writes a small fitexport output folder — a few datasets in
// monthly partitions and a manifest — for interoperability checks with other
// readers (.ci/interop/check.sh):
//
//	go run ./load/internal/sample [-format parquet] DIR
//
// It also leaves a temporary file such as a killed run would, which readers
// must not see as data.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
	_ "time/tzdata" // the sample's zone, on machines without zoneinfo

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/fitexport/fitexport/load"
)

var (
	tsUTC   = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	tsLocal = &arrow.TimestampType{Unit: arrow.Millisecond}
	doc     = func(d string) arrow.Metadata { return arrow.NewMetadata([]string{"doc"}, []string{d}) }
)

var heartRate = arrow.NewSchema([]arrow.Field{
	{Name: "time_utc", Type: tsUTC, Metadata: doc("the instant of the reading")},
	{Name: "time_local", Type: tsLocal, Metadata: doc("the user's wall clock")},
	{Name: "bpm", Type: arrow.PrimitiveTypes.Int32, Metadata: arrow.NewMetadata([]string{"unit"}, []string{"1/min"})},
}, nil)

var restingHeartRate = arrow.NewSchema([]arrow.Field{
	{Name: "date", Type: arrow.FixedWidthTypes.Date32},
	{Name: "bpm", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
}, nil)

var sleepSessions = arrow.NewSchema([]arrow.Field{
	{Name: "log_id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "date_of_sleep", Type: arrow.FixedWidthTypes.Date32},
	{Name: "start_utc", Type: tsUTC},
	{Name: "start_local", Type: tsLocal},
	{Name: "end_utc", Type: tsUTC},
	{Name: "end_local", Type: tsLocal},
	{Name: "minutes_asleep", Type: arrow.PrimitiveTypes.Int32},
	{Name: "efficiency", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "is_main_sleep", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "type", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}},
}, nil)

func main() {
	format := flag.String("format", "parquet", "parquet, csv or ndjson")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: sample [-format parquet] DIR")
		os.Exit(2)
	}
	f, err := load.ParseFormat(*format)
	if err == nil {
		err = run(flag.Arg(0), f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sample:", err)
		os.Exit(1)
	}
}

func run(dir string, f load.Format) error {
	fsys := load.DirFS(dir)
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		return err
	}
	mem := memory.NewGoAllocator()
	m := load.NewManifest()
	m.Source, m.Format = "sandbox", string(f)

	// heart_rate: 1-minute readings over two months, across the October
	// DST change, one batch per day.
	months := map[string][]arrow.RecordBatch{}
	var order []string
	for day := time.Date(2026, 10, 24, 0, 0, 0, 0, london); day.Before(time.Date(2026, 11, 3, 0, 0, 0, 0, london)); day = day.AddDate(0, 0, 1) {
		key := day.Format("2006-01")
		if _, ok := months[key]; !ok {
			order = append(order, key)
		}
		months[key] = append(months[key], heartDay(mem, day))
	}
	var hrFiles []load.FileInfo
	var hrRows int64
	for _, key := range order {
		fi, err := load.WritePartition(fsys, load.PartitionPath("heart_rate", key, f), f, heartRate, months[key])
		if err != nil {
			return err
		}
		hrFiles, hrRows = append(hrFiles, fi), hrRows+fi.Rows
	}
	m.Datasets["heart_rate"] = &load.DatasetEntry{SchemaVersion: 1, Rows: hrRows, FirstDay: "2026-10-24", LastDay: "2026-11-02",
		Zones: []string{"Europe/London"}, Files: hrFiles, Schema: load.Columns(heartRate)}

	// resting_heart_rate: one row a day, one day null.
	rb := array.NewRecordBuilder(mem, restingHeartRate)
	for d := 0; d < 10; d++ {
		day := time.Date(2026, 10, 24+d, 0, 0, 0, 0, time.UTC)
		rb.Field(0).(*array.Date32Builder).Append(arrow.Date32FromTime(day))
		if d == 4 {
			rb.Field(1).AppendNull()
		} else {
			rb.Field(1).(*array.Int32Builder).Append(int32(58 + d%3))
		}
	}
	rest := rb.NewRecordBatch()
	rb.Release()
	restFile, err := load.WritePartition(fsys, load.PartitionPath("resting_heart_rate", "2026-10", f), f, restingHeartRate, []arrow.RecordBatch{rest})
	if err != nil {
		return err
	}
	m.Datasets["resting_heart_rate"] = &load.DatasetEntry{SchemaVersion: 1, Rows: restFile.Rows, FirstDay: "2026-10-24", LastDay: "2026-11-02",
		Zones: []string{"Europe/London"}, Files: []load.FileInfo{restFile}, Schema: load.Columns(restingHeartRate)}

	// sleep_sessions: one night each side of the DST change.
	sb := array.NewRecordBuilder(mem, sleepSessions)
	for i, start := range []time.Time{
		time.Date(2026, 10, 24, 23, 10, 0, 0, london),
		time.Date(2026, 10, 25, 22, 45, 30, 0, london),
	} {
		end := start.Add(7*time.Hour + 31*time.Minute)
		sb.Field(0).(*array.Int64Builder).Append(41_000_000_000 + int64(i))
		sb.Field(1).(*array.Date32Builder).Append(arrow.Date32FromTime(time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)))
		sb.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(start.UnixMilli()))
		sb.Field(3).(*array.TimestampBuilder).Append(wallMillis(start))
		sb.Field(4).(*array.TimestampBuilder).Append(arrow.Timestamp(end.UnixMilli()))
		sb.Field(5).(*array.TimestampBuilder).Append(wallMillis(end))
		sb.Field(6).(*array.Int32Builder).Append(int32(420 + i))
		if i == 1 {
			sb.Field(7).AppendNull()
		} else {
			sb.Field(7).(*array.Float64Builder).Append(93.5)
		}
		sb.Field(8).(*array.BooleanBuilder).Append(true)
		if err := sb.Field(9).(*array.BinaryDictionaryBuilder).AppendString("stages"); err != nil {
			return err
		}
	}
	sleep := sb.NewRecordBatch()
	sb.Release()
	sleepFile, err := load.WritePartition(fsys, load.PartitionPath("sleep_sessions", "2026-10", f), f, sleepSessions, []arrow.RecordBatch{sleep})
	if err != nil {
		return err
	}
	m.Datasets["sleep_sessions"] = &load.DatasetEntry{SchemaVersion: 1, Rows: sleepFile.Rows, FirstDay: "2026-10-24", LastDay: "2026-10-26",
		Zones: []string{"Europe/London"}, Files: []load.FileInfo{sleepFile}, Schema: load.Columns(sleepSessions)}

	if err := load.WriteManifest(fsys, load.ManifestPath, m); err != nil {
		return err
	}
	// What a killed run leaves behind: a half-written temporary file beside
	// a partition. Readers globbing *.parquet must not pick it up.
	if _, err := fsys.Create(load.PartitionPath("heart_rate", "2026-11", f)); err != nil {
		return err
	}
	names, err := fsys.List("heart_rate")
	if err != nil {
		return err
	}
	for _, n := range names {
		if load.IsTemp(n) {
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(n)), []byte("PAR1 half-written"), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

func heartDay(mem memory.Allocator, day time.Time) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, heartRate)
	defer b.Release()
	next := day.AddDate(0, 0, 1)
	x := uint32(day.Unix()) | 1
	for t := day; t.Before(next); t = t.Add(time.Minute) {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(t.UnixMilli()))
		b.Field(1).(*array.TimestampBuilder).Append(wallMillis(t))
		b.Field(2).(*array.Int32Builder).Append(int32(50 + x%70))
	}
	return b.NewRecordBatch()
}

// wallMillis is t's wall clock in its own location, stored as if UTC.
func wallMillis(t time.Time) arrow.Timestamp {
	_, off := t.Zone()
	return arrow.Timestamp(t.UnixMilli() + int64(off)*1000)
}
