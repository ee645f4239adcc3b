package load

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// roundTripRows covers every type, nulls, unicode and quoting, DST-ambiguous
// wall clocks (Europe/London 2026-10-25 01:30 happens twice) and ms fractions.
var roundTripRows = []row{
	{
		utc: ptr(mustTime("2026-11-20T06:59:10Z")), local: wall("2026-11-20T07:59:10"), date: wall("2026-11-20T00:00:00"),
		i8: ptr[int8](-128), i16: ptr[int16](32767), i32: ptr[int32](72), i64: ptr[int64](9007199254740993),
		f64: ptr(72.5), ok: ptr(true), text: ptr(`He said "hi", then left`), level: ptr("deep"),
	},
	{
		utc: ptr(mustTime("2026-10-25T00:30:00.5Z")), local: wall("2026-10-25T01:30:00.5"), date: wall("2026-10-25T00:00:00"),
		i8: ptr[int8](0), i16: ptr[int16](-1), i32: ptr[int32](-2147483648), i64: ptr[int64](-1),
		f64: ptr(0.001), ok: ptr(false), text: ptr("naïve 日本 🫀"), level: ptr("light"),
	},
	{
		utc: ptr(mustTime("2026-10-25T01:30:00.025Z")), local: wall("2026-10-25T01:30:00.025"), date: wall("2026-10-25T00:00:00"),
		f64: ptr(123456789.125), text: ptr("line1\nline2\r\nend,\r"), level: ptr("deep"),
	},
	{
		// nulls everywhere but an empty string
		text: ptr(""),
	},
	{
		utc: ptr(mustTime("1969-12-31T23:59:59.999Z")), local: wall("2000-02-29T23:59:59"), date: wall("1970-01-01T00:00:00"),
		f64: ptr(1e-9), text: ptr("</script>&\t\x01\\ \u2028"), level: ptr("rem"),
	},
	{
		f64: ptr(-0.1), i64: ptr[int64](math.MaxInt64), text: ptr(" leading space"),
	},
}

// roundTripWant is roundTripRows in canonical text, written out by hand.
var roundTripWant = []map[string]string{
	{"time_utc": "2026-11-20T06:59:10Z", "time_local": "2026-11-20T07:59:10", "date": "2026-11-20",
		"i8": "-128", "i16": "32767", "i32": "72", "i64": "9007199254740993",
		"distance_m": "72.5", "ok": "true", "text": `He said "hi", then left`, "level": "deep"},
	{"time_utc": "2026-10-25T00:30:00.5Z", "time_local": "2026-10-25T01:30:00.5", "date": "2026-10-25",
		"i8": "0", "i16": "-1", "i32": "-2147483648", "i64": "-1",
		"distance_m": "0.001", "ok": "false", "text": "naïve 日本 🫀", "level": "light"},
	{"time_utc": "2026-10-25T01:30:00.025Z", "time_local": "2026-10-25T01:30:00.025", "date": "2026-10-25",
		"i8": "", "i16": "", "i32": "", "i64": "",
		"distance_m": "123456789.125", "ok": "", "text": "line1\nline2\r\nend,\r", "level": "deep"},
	{"time_utc": "", "time_local": "", "date": "", "i8": "", "i16": "", "i32": "", "i64": "",
		"distance_m": "", "ok": "", "text": "", "level": ""},
	{"time_utc": "1969-12-31T23:59:59.999Z", "time_local": "2000-02-29T23:59:59", "date": "1970-01-01",
		"i8": "", "i16": "", "i32": "", "i64": "",
		"distance_m": "1e-09", "ok": "", "text": "</script>&\t\x01\\ \u2028", "level": "rem"},
	{"time_utc": "", "time_local": "", "date": "", "i8": "", "i16": "", "i32": "", "i64": "9223372036854775807",
		"distance_m": "-0.1", "ok": "", "text": " leading space", "level": ""},
}

func TestRoundTripEveryFormat(t *testing.T) {
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			mem := checkedMem(t)
			// Two batches, so writers must append, not restart.
			recs := []arrow.RecordBatch{buildAllTypes(mem, roundTripRows[:2]), buildAllTypes(mem, roundTripRows[2:])}
			defer releaseAll(recs)
			fsys := DirFS(t.TempDir())
			name := PartitionPath("things", "2026-10", f)
			info, err := WritePartition(fsys, name, f, allTypes, recs)
			if err != nil {
				t.Fatal(err)
			}
			if info.Rows != int64(len(roundTripRows)) {
				t.Errorf("Rows = %d, want %d", info.Rows, len(roundTripRows))
			}
			got, err := ReadRows(fsys, name, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(roundTripWant) {
				t.Fatalf("read %d rows, want %d", len(got), len(roundTripWant))
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], roundTripWant[i]) {
					t.Errorf("row %d:\n got %q\nwant %q", i, got[i], roundTripWant[i])
				}
			}
		})
	}
}

func TestCSVExactBytes(t *testing.T) {
	mem := checkedMem(t)
	rec := buildAllTypes(mem, roundTripRows[2:4])
	defer rec.Release()
	var buf bytes.Buffer
	w, err := NewRecordWriter(CSV, &buf, allTypes)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "time_utc,time_local,date,i8,i16,i32,i64,distance_m,ok,text,level\n" +
		"2026-10-25T01:30:00.025Z,2026-10-25T01:30:00.025,2026-10-25,,,,,123456789.125,,\"line1\nline2\r\nend,\r\",deep\n" +
		",,,,,,,,,\"\",\n"
	if buf.String() != want {
		t.Errorf("csv:\n got %q\nwant %q", buf.String(), want)
	}
}

func TestCSVQuoting(t *testing.T) {
	for in, want := range map[string]string{
		"plain":     "plain",
		"a,b":       `"a,b"`,
		`say "x"`:   `"say ""x"""`,
		"cr\r":      "\"cr\r\"",
		"lf\n":      "\"lf\n\"",
		"":          `""`,
		" spaced ":  " spaced ",
		"tab\there": "tab\there",
		`"`:         `""""`,
		"ünïcödé,✓": `"ünïcödé,✓"`,
	} {
		if got := string(appendCSVString(nil, in)); got != want {
			t.Errorf("appendCSVString(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNDJSONExactBytes(t *testing.T) {
	mem := checkedMem(t)
	rec := buildAllTypes(mem, roundTripRows[:1])
	defer rec.Release()
	var buf bytes.Buffer
	w, err := NewRecordWriter(NDJSON, &buf, allTypes)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := `{"time_utc":"2026-11-20T06:59:10Z","time_local":"2026-11-20T07:59:10","date":"2026-11-20",` +
		`"i8":-128,"i16":32767,"i32":72,"i64":9007199254740993,"distance_m":72.5,"ok":true,` +
		`"text":"He said \"hi\", then left","level":"deep"}` + "\n"
	if buf.String() != want {
		t.Errorf("ndjson:\n got %s\nwant %s", buf.String(), want)
	}
}

// TestJSONEscapingMatchesEncodingJSON checks the hand-written escaper
// against encoding/json on control characters, quotes, backslash, HTML
// characters, line separators and invalid UTF-8.
func TestJSONEscapingMatchesEncodingJSON(t *testing.T) {
	cases := []string{"", `"`, `\`, "</script>", "a&b", "\u2028\u2029", "\xff\xfe", "ok\x80bad", "日本", "🫀", "\x7f", "a\x00b"}
	for b := 0; b < 0x80; b++ {
		cases = append(cases, "x"+string(rune(b))+"y")
	}
	for _, s := range cases {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
	if got := string(appendJSONString(nil, "\x01\n\t\"\\<>&")); got != `"\u0001\n\t\"\\\u003c\u003e\u0026"` {
		t.Errorf("escapes = %s", got)
	}
}

func TestNDJSONNonFiniteIsNull(t *testing.T) {
	mem := checkedMem(t)
	sc := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Float64}}, nil)
	b := array.NewRecordBuilder(mem, sc)
	defer b.Release()
	b.Field(0).(*array.Float64Builder).AppendValues([]float64{math.NaN(), math.Inf(1), 1e21, 2.5}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	var nd, csv bytes.Buffer
	for f, buf := range map[Format]*bytes.Buffer{NDJSON: &nd, CSV: &csv} {
		w, err := NewRecordWriter(f, buf, sc)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if want := "{\"v\":null}\n{\"v\":null}\n{\"v\":1e+21}\n{\"v\":2.5}\n"; nd.String() != want {
		t.Errorf("ndjson = %q, want %q", nd.String(), want)
	}
	if want := "v\nNaN\n+Inf\n1e+21\n2.5\n"; csv.String() != want {
		t.Errorf("csv = %q, want %q", csv.String(), want)
	}
	for _, line := range strings.Split(strings.TrimSpace(nd.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("invalid JSON line %q", line)
		}
	}
}

func TestWriterRejectsMismatchAndUnsupported(t *testing.T) {
	mem := checkedMem(t)
	rec := heartBatch(mem, 0, 3)
	defer rec.Release()
	for _, f := range Formats() {
		w, err := NewRecordWriter(f, &bytes.Buffer{}, allTypes)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err == nil {
			t.Errorf("%s: writing a heart_rate record with the allTypes schema succeeded", f)
		}
		w.Close()
	}
	bin := arrow.NewSchema([]arrow.Field{{Name: "blob", Type: arrow.BinaryTypes.Binary}}, nil)
	for _, f := range []Format{CSV, NDJSON} {
		if _, err := NewRecordWriter(f, &bytes.Buffer{}, bin); err == nil || !strings.Contains(err.Error(), "blob") {
			t.Errorf("%s: binary column: err = %v, want one naming the column", f, err)
		}
	}
	if _, err := NewRecordWriter("xml", &bytes.Buffer{}, bin); err == nil {
		t.Error("format xml accepted")
	}
}

func TestDeterministicBytes(t *testing.T) {
	mem := checkedMem(t)
	recs := []arrow.RecordBatch{buildAllTypes(mem, roundTripRows), buildAllTypes(mem, roundTripRows[:3])}
	defer releaseAll(recs)
	for _, f := range Formats() {
		var outs [2][]byte
		for k := range outs {
			var buf bytes.Buffer
			w, err := NewRecordWriter(f, &buf, allTypes)
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
			outs[k] = buf.Bytes()
		}
		if len(outs[0]) == 0 || !bytes.Equal(outs[0], outs[1]) {
			t.Errorf("%s: two writes of the same records differ (%d vs %d bytes)", f, len(outs[0]), len(outs[1]))
		}
	}
}

// closeRecorder notices a Close call on the sink.
type closeRecorder struct {
	bytes.Buffer
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestCloseLeavesSinkOpen(t *testing.T) {
	for _, f := range Formats() {
		var sink closeRecorder
		w, err := NewRecordWriter(f, &sink, heartSchema)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if sink.closed {
			t.Errorf("%s: Close closed the underlying writer", f)
		}
		if f != NDJSON && sink.Len() == 0 {
			t.Errorf("%s: nothing written on Close (want header/footer)", f)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"parquet": Parquet, "CSV": CSV, "ndjson": NDJSON, "jsonl": NDJSON} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("xlsx"); err == nil || !strings.Contains(err.Error(), "parquet, csv or ndjson") {
		t.Errorf("ParseFormat(xlsx) err = %v", err)
	}
	if Parquet.Ext() != ".parquet" || CSV.Ext() != ".csv" || NDJSON.Ext() != ".ndjson" {
		t.Error("Ext")
	}
}

func TestPartitionPaths(t *testing.T) {
	if got := PartitionPath("heart_rate", "2026-11", Parquet); got != "heart_rate/month=2026-11/heart_rate-2026-11.parquet" {
		t.Errorf("PartitionPath = %s", got)
	}
	if got := PartitionPathUser("heart_rate", "p017", "2026-11", CSV); got != "heart_rate/user=p017/month=2026-11/heart_rate-p017-2026-11.csv" {
		t.Errorf("PartitionPathUser = %s", got)
	}
	if PartitionPathUser("steps", "", "2026-01", NDJSON) != PartitionPath("steps", "2026-01", NDJSON) {
		t.Error("PartitionPathUser with no user differs from PartitionPath")
	}
	// Temp files beside a partition never match the data glob.
	tmp := ".heart_rate-2026-11.parquet" + tempMarker + "123456"
	if ok, _ := filepath.Match("*.parquet", tmp); ok {
		t.Errorf("temp name %s matches *.parquet", tmp)
	}
}
