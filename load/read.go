package load

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// ReadRows reads every row of the file name, written in format f, with each
// value in the canonical text form the CSV writer uses (a null is ""). It
// reads the whole file into memory: it is meant for tests and checks, so
// that the three formats and expected values compare in one shape.
func ReadRows(fsys FS, name string, f Format) ([]map[string]string, error) {
	b, err := readAll(fsys, name)
	if err != nil {
		return nil, err
	}
	var rows []map[string]string
	switch f {
	case Parquet:
		rows, err = parquetRows(b)
	case CSV:
		rows, err = csvRows(b)
	case NDJSON:
		rows, err = ndjsonRows(b)
	default:
		err = fmt.Errorf("unknown format %q", string(f))
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return rows, nil
}

func readAll(fsys FS, name string) ([]byte, error) {
	r, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return b, nil
}

func parquetRows(b []byte) ([]map[string]string, error) {
	tbl, err := pqarrow.ReadTable(context.Background(), bytes.NewReader(b), nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	rows := make([]map[string]string, tbl.NumRows())
	for i := range rows {
		rows[i] = make(map[string]string, tbl.NumCols())
	}
	for j := 0; j < int(tbl.NumCols()); j++ {
		col := tbl.Column(j)
		name := col.Name()
		row := 0
		for _, chunk := range col.Data().Chunks() {
			enc, err := cellEncoder(chunk, modeText)
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", name, err)
			}
			for i := 0; i < chunk.Len(); i++ {
				v := ""
				if !chunk.IsNull(i) {
					v = string(enc(nil, i))
				}
				rows[row][name] = v
				row++
			}
		}
	}
	return rows, nil
}

// csvRows parses RFC 4180 CSV exactly (encoding/csv would turn CR LF inside
// quoted fields into LF).
func csvRows(b []byte) ([]map[string]string, error) {
	var records [][]string
	for line := 1; len(b) > 0; line++ {
		var rec []string
		for {
			var field []byte
			if len(b) > 0 && b[0] == '"' {
				b = b[1:]
				for {
					k := bytes.IndexByte(b, '"')
					if k < 0 {
						return nil, fmt.Errorf("line %d: unterminated quoted field", line)
					}
					field = append(field, b[:k]...)
					b = b[k+1:]
					if len(b) > 0 && b[0] == '"' {
						field = append(field, '"')
						b = b[1:]
						continue
					}
					break
				}
				if len(b) > 1 && b[0] == '\r' && b[1] == '\n' {
					b = b[1:]
				}
				if len(b) > 0 && b[0] != ',' && b[0] != '\n' {
					return nil, fmt.Errorf("line %d: unexpected %q after quoted field", line, b[0])
				}
			} else {
				k := bytes.IndexAny(b, ",\n")
				if k < 0 {
					k = len(b)
				}
				field = b[:k]
				if k < len(b) && b[k] == '\n' {
					field = bytes.TrimSuffix(field, []byte{'\r'})
				}
				if bytes.IndexByte(field, '"') >= 0 {
					return nil, fmt.Errorf("line %d: bare quote in unquoted field", line)
				}
				b = b[k:]
			}
			rec = append(rec, string(field))
			if len(b) == 0 {
				break
			}
			sep := b[0]
			b = b[1:]
			if sep == '\n' {
				break
			}
		}
		records = append(records, rec)
	}
	if len(records) == 0 {
		return nil, errors.New("no header row")
	}
	header := records[0]
	rows := make([]map[string]string, 0, len(records)-1)
	for n, rec := range records[1:] {
		if len(rec) != len(header) {
			return nil, fmt.Errorf("row %d has %d fields, header %d", n+1, len(rec), len(header))
		}
		m := make(map[string]string, len(rec))
		for j, v := range rec {
			m[header[j]] = v
		}
		rows = append(rows, m)
	}
	return rows, nil
}

func ndjsonRows(b []byte) ([]map[string]string, error) {
	var rows []map[string]string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<30)
	for line := 1; sc.Scan(); line++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("line %d: more than one JSON value", line)
		}
		m := make(map[string]string, len(obj))
		for k, v := range obj {
			switch v := v.(type) {
			case nil:
				m[k] = ""
			case string:
				m[k] = v
			case json.Number:
				m[k] = v.String()
			case bool:
				m[k] = strconv.FormatBool(v)
			default:
				return nil, fmt.Errorf("line %d: key %s: unexpected JSON %T", line, k, v)
			}
		}
		rows = append(rows, m)
	}
	return rows, sc.Err()
}

// ParquetInfo describes a Parquet file, for assertions in tests and checks.
type ParquetInfo struct {
	// Schema is the Arrow schema readers get (from the stored schema).
	Schema    *arrow.Schema
	Columns   []ParquetColumn
	RowGroups []int64 // rows in each row group
	Rows      int64
	CreatedBy string
}

// ParquetColumn is one leaf column of a Parquet file.
type ParquetColumn struct {
	Name string
	// Physical is the physical type, e.g. "INT64".
	Physical string
	// Logical is the logical type, e.g.
	// "Timestamp(isAdjustedToUTC=true, timeUnit=milliseconds, …)".
	Logical string
	// Encodings and Codec are those of the first row group's chunk.
	Encodings []string
	Codec     string
	// Stats reports whether the first row group's chunk has statistics.
	Stats bool
}

// ReadParquetInfo reads the footer of the Parquet file name.
func ReadParquetInfo(fsys FS, name string) (*ParquetInfo, error) {
	b, err := readAll(fsys, name)
	if err != nil {
		return nil, err
	}
	rdr, err := file.NewParquetReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	sc, err := fr.Schema()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	md := rdr.MetaData()
	info := &ParquetInfo{Schema: sc, Rows: rdr.NumRows(), CreatedBy: md.GetCreatedBy()}
	for i := 0; i < md.NumRowGroups(); i++ {
		info.RowGroups = append(info.RowGroups, md.RowGroup(i).NumRows())
	}
	for i := 0; i < md.Schema.NumColumns(); i++ {
		c := md.Schema.Column(i)
		pc := ParquetColumn{Name: c.Name(), Physical: c.PhysicalType().String(), Logical: c.LogicalType().String()}
		if md.NumRowGroups() > 0 {
			cc, err := md.RowGroup(0).ColumnChunk(i)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", name, err)
			}
			for _, e := range cc.Encodings() {
				pc.Encodings = append(pc.Encodings, e.String())
			}
			pc.Codec = cc.Compression().String()
			pc.Stats, _ = cc.StatsSet()
		}
		info.Columns = append(info.Columns, pc)
	}
	return info, nil
}
