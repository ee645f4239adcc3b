package load

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Format is an output file format.
type Format string

const (
	Parquet Format = "parquet"
	CSV     Format = "csv"
	NDJSON  Format = "ndjson"
)

// Formats returns the supported formats, the default first.
func Formats() []Format { return []Format{Parquet, CSV, NDJSON} }

// ParseFormat reads a --format value (case-insensitive; "jsonl" is accepted
// for ndjson).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "parquet":
		return Parquet, nil
	case "csv":
		return CSV, nil
	case "ndjson", "jsonl":
		return NDJSON, nil
	}
	return "", fmt.Errorf("unknown format %q: want parquet, csv or ndjson", s)
}

// Ext is the file extension with its dot: ".parquet", ".csv" or ".ndjson".
func (f Format) Ext() string { return "." + string(f) }

// RecordWriter writes record batches of one schema to one file.
type RecordWriter interface {
	// Write appends the rows of rec, whose schema must equal the writer's.
	Write(rec arrow.RecordBatch) error
	// Close writes what is buffered and the file's footer. It does not close
	// the io.Writer the writer was made with.
	Close() error
}

// RowGroupRows is the most rows a Parquet row group holds. Batches written
// to a Parquet writer are buffered until a row group is full, so one batch
// per day still gives large row groups.
const RowGroupRows = 1 << 20

// CreatedBy is recorded in Parquet footers; fixed, so output is reproducible.
const CreatedBy = "fitexport"

// NewRecordWriter returns a writer of format f to w for records of schema.
func NewRecordWriter(f Format, w io.Writer, schema *arrow.Schema) (RecordWriter, error) {
	switch f {
	case Parquet:
		return newParquetWriter(w, schema)
	case CSV, NDJSON:
		for _, fld := range schema.Fields() {
			if err := checkType(fld.Type); err != nil {
				return nil, fmt.Errorf("%s writer: column %s: %w", f, fld.Name, err)
			}
		}
		if f == CSV {
			return newCSVWriter(w, schema), nil
		}
		return newNDJSONWriter(w, schema), nil
	}
	return nil, fmt.Errorf("unknown format %q: want parquet, csv or ndjson", string(f))
}

// ---- Parquet ----

type parquetWriter struct{ fw *pqarrow.FileWriter }

// writeOnly hides any Close method of the sink: pqarrow closes a sink that
// is an io.Closer, and the caller owns ours.
type writeOnly struct{ w io.Writer }

func (o writeOnly) Write(p []byte) (int, error) { return o.w.Write(p) }

// parquetProperties are the writer properties for schema.
func parquetProperties(schema *arrow.Schema) *parquet.WriterProperties {
	opts := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithCreatedBy(CreatedBy),
		parquet.WithMaxRowGroupLength(RowGroupRows),
		parquet.WithStats(true),
		parquet.WithDictionaryDefault(true),
	}
	for _, fld := range schema.Fields() {
		switch fld.Type.ID() {
		case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
			// Mostly increasing, mostly distinct: deltas pack them into a
			// few bits a value; a dictionary would only cost.
			opts = append(opts,
				parquet.WithDictionaryFor(fld.Name, false),
				parquet.WithEncodingFor(fld.Name, parquet.Encodings.DeltaBinaryPacked))
		}
	}
	return parquet.NewWriterProperties(opts...)
}

func newParquetWriter(w io.Writer, schema *arrow.Schema) (*parquetWriter, error) {
	fw, err := pqarrow.NewFileWriter(schema, writeOnly{w}, parquetProperties(schema),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return nil, fmt.Errorf("parquet writer: %w", err)
	}
	return &parquetWriter{fw: fw}, nil
}

func (p *parquetWriter) Write(rec arrow.RecordBatch) error {
	if rec.NumRows() == 0 {
		return nil
	}
	if err := p.fw.WriteBuffered(rec); err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	return nil
}

func (p *parquetWriter) Close() error {
	if err := p.fw.Close(); err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	return nil
}

// ---- text writers (CSV, NDJSON) ----

// flushAt is the buffer size at which text writers pass bytes on.
const flushAt = 256 << 10

var errClosed = errors.New("write after Close")

// textWriter holds what the CSV and NDJSON writers share: the schema and a
// double buffer. Rows are rendered into buf; a full buf is handed to a
// goroutine that passes it to w (which, under WritePartition, hashes it
// and writes it to the file) while the next rows are rendered into the
// other buffer, so rendering and hashing-and-writing use two cores. At
// most one hand-off is in flight, and each goroutine ends when its write
// does: a writer that is never closed leaks nothing.
type textWriter struct {
	w      io.Writer
	schema *arrow.Schema
	buf    []byte
	closed bool
	err    error

	spare    []byte     // the other buffer, when no write is in flight
	inFlight chan error // the pending write's result (nil: none)
}

func newTextWriter(w io.Writer, schema *arrow.Schema) textWriter {
	return textWriter{w: w, schema: schema, buf: make([]byte, 0, flushAt+4096)}
}

// column is one column of a batch, ready to render.
type column struct {
	arr   arrow.Array
	nulls bool
	enc   cellFunc
}

func (t *textWriter) columns(rec arrow.RecordBatch, m encMode) ([]column, error) {
	if t.closed {
		return nil, errClosed
	}
	if t.err != nil {
		return nil, t.err
	}
	sc := rec.Schema()
	if sc.NumFields() != t.schema.NumFields() {
		return nil, fmt.Errorf("record has %d columns, writer's schema %d", sc.NumFields(), t.schema.NumFields())
	}
	cols := make([]column, sc.NumFields())
	for j := range cols {
		want := t.schema.Field(j)
		if got := sc.Field(j); got.Name != want.Name || !arrow.TypeEqual(got.Type, want.Type) {
			return nil, fmt.Errorf("record column %d is %s %s, writer's schema has %s %s", j, got.Name, got.Type, want.Name, want.Type)
		}
		arr := rec.Column(j)
		enc, err := cellEncoder(arr, m)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", want.Name, err)
		}
		cols[j] = column{arr: arr, nulls: arr.NullN() > 0, enc: enc}
	}
	return cols, nil
}

// flush hands buf to a goroutine that writes it, after the previous
// hand-off has finished; the error of a write is returned by the flush
// (or Close) after it.
func (t *textWriter) flush() error {
	if err := t.wait(); err != nil || len(t.buf) == 0 {
		return err
	}
	full := t.buf
	if t.spare == nil {
		t.spare = make([]byte, 0, cap(full))
	}
	t.buf, t.spare = t.spare[:0], nil
	done := make(chan error, 1)
	t.inFlight = done
	go func() {
		_, err := t.w.Write(full)
		t.spare = full // read by wait only after receiving from done
		done <- err
	}()
	return nil
}

// wait waits for the write in flight, if any, and returns the first error.
func (t *textWriter) wait() error {
	if t.inFlight != nil {
		if err := <-t.inFlight; err != nil && t.err == nil {
			t.err = err
		}
		t.inFlight = nil
	}
	return t.err
}

func (t *textWriter) Close() error {
	if t.closed {
		return t.err
	}
	t.closed = true
	if err := t.flush(); err != nil {
		return err
	}
	return t.wait()
}

type csvWriter struct{ textWriter }

func newCSVWriter(w io.Writer, schema *arrow.Schema) *csvWriter {
	c := &csvWriter{newTextWriter(w, schema)}
	for j, fld := range schema.Fields() {
		if j > 0 {
			c.buf = append(c.buf, ',')
		}
		c.buf = appendCSVString(c.buf, fld.Name)
	}
	c.buf = append(c.buf, '\n')
	return c
}

func (c *csvWriter) Write(rec arrow.RecordBatch) error {
	cols, err := c.columns(rec, modeCSV)
	if err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	buf := c.buf
	for i, n := 0, int(rec.NumRows()); i < n; i++ {
		for j := range cols {
			if j > 0 {
				buf = append(buf, ',')
			}
			col := &cols[j]
			if col.nulls && col.arr.IsNull(i) {
				continue
			}
			buf = col.enc(buf, i)
		}
		buf = append(buf, '\n')
		if len(buf) >= flushAt {
			c.buf = buf
			if err := c.flush(); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
			buf = c.buf
		}
	}
	c.buf = buf
	return nil
}

type ndjsonWriter struct {
	textWriter
	keys [][]byte // `{"name":` for the first column, `,"name":` after
}

func newNDJSONWriter(w io.Writer, schema *arrow.Schema) *ndjsonWriter {
	n := &ndjsonWriter{textWriter: newTextWriter(w, schema)}
	for j, fld := range schema.Fields() {
		k := []byte{','}
		if j == 0 {
			k[0] = '{'
		}
		k = appendJSONString(k, fld.Name)
		n.keys = append(n.keys, append(k, ':'))
	}
	return n
}

func (n *ndjsonWriter) Write(rec arrow.RecordBatch) error {
	cols, err := n.columns(rec, modeJSON)
	if err != nil {
		return fmt.Errorf("write ndjson: %w", err)
	}
	buf := n.buf
	for i, rows := 0, int(rec.NumRows()); i < rows; i++ {
		if len(cols) == 0 {
			buf = append(buf, '{')
		}
		for j := range cols {
			buf = append(buf, n.keys[j]...)
			col := &cols[j]
			if col.nulls && col.arr.IsNull(i) {
				buf = append(buf, "null"...)
				continue
			}
			buf = col.enc(buf, i)
		}
		buf = append(buf, '}', '\n')
		if len(buf) >= flushAt {
			n.buf = buf
			if err := n.flush(); err != nil {
				return fmt.Errorf("write ndjson: %w", err)
			}
			buf = n.buf
		}
	}
	n.buf = buf
	return nil
}
