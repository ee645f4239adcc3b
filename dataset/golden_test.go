package dataset

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/fitexport/fitexport/dates"
)

var update = flag.Bool("update", false, "rewrite the want.csv / want.err files of the golden tests")

// goldenCase is a test folder's case.json: the responses a transform gets,
// as Input would carry them.
//
//	testdata/<source>/<dataset>/<case>/case.json   the case
//	testdata/<source>/<dataset>/<case>/*.json      raw answers, as received
//	testdata/<source>/<dataset>/<case>/want.csv    the rows, rendered as text
//	testdata/<source>/<dataset>/<case>/want.err    or the error
//
// <source> is fitbit or google (the google-health source).
type goldenCase struct {
	// Zone is the profile zone of every day (default UTC). Google
	// transforms must not ask for it: the API gives every offset.
	Zone string `json:"zone"`
	// DuplicateInstants allows rows at the same instant (a list-mode
	// answer with two devices).
	DuplicateInstants bool `json:"duplicate_instants"`
	// Responses in fetch order. Days defaults to what the key says.
	Responses []struct {
		Key   string   `json:"key"`
		Pages []string `json:"pages"`
	} `json:"responses"`
	// Unwanted lists "yyyy-mm-dd key" pairs Want answers false for (a
	// later fetch owns that day); every other day of a response is wanted.
	Unwanted []string `json:"unwanted"`
}

func TestGolden(t *testing.T) {
	reg := Default()
	for _, src := range []struct {
		dir string
		src Source
	}{{"fitbit", Fitbit}, {"google", Google}} {
		root := filepath.Join("testdata", src.dir)
		dirs, err := filepath.Glob(filepath.Join(root, "*", "*", "case.json"))
		if err != nil || len(dirs) == 0 {
			t.Fatalf("no golden cases under %s (%v)", root, err)
		}
		seen := map[string]bool{}
		for _, f := range dirs {
			dir := filepath.Dir(f)
			name := filepath.Base(filepath.Dir(dir))
			seen[name] = true
			t.Run(src.dir+"/"+name+"/"+filepath.Base(dir), func(t *testing.T) {
				d, ok := reg.Get(name)
				if !ok {
					t.Fatalf("folder %s: no dataset %q", dir, name)
				}
				if _, ok := d.Sources[src.src]; !ok {
					t.Fatalf("folder %s: dataset %s has no %s source", dir, name, src.src)
				}
				runGolden(t, d, src.src, dir)
			})
		}
		for _, d := range reg.All() {
			if _, ok := d.Sources[src.src]; ok && !seen[d.Name] {
				t.Errorf("dataset %s has no golden case under %s", d.Name, root)
			}
		}
	}
}

func runGolden(t *testing.T, d *Dataset, src Source, dir string) {
	var gc goldenCase
	raw, err := os.ReadFile(filepath.Join(dir, "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &gc); err != nil {
		t.Fatalf("case.json: %v", err)
	}
	loc := time.UTC
	if gc.Zone != "" {
		if loc, err = time.LoadLocation(gc.Zone); err != nil {
			t.Fatal(err)
		}
	}
	in := Input{Dataset: d.Name, Zone: func(dates.Date) *time.Location { return loc }}
	if src == Google {
		in.Zone = func(dates.Date) *time.Location {
			t.Error("a Google transform asked for the profile zone; it must use the API's offsets")
			return loc
		}
	}
	spans := map[string]dates.Range{}
	for _, r := range gc.Responses {
		req := Request{Key: r.Key}
		days, err := keyDays(req)
		if err != nil {
			t.Fatal(err)
		}
		req.Days = days
		spans[r.Key] = days
		resp := Response{Request: req}
		for _, p := range r.Pages {
			body, err := os.ReadFile(filepath.Join(dir, p))
			if err != nil {
				t.Fatal(err)
			}
			resp.Pages = append(resp.Pages, body)
		}
		in.Responses = append(in.Responses, resp)
	}
	unwanted := map[string]bool{}
	for _, u := range gc.Unwanted {
		unwanted[u] = true
	}
	in.Want = func(day dates.Date, key string) bool {
		r, ok := spans[key]
		return ok && r.Contains(day) && !unwanted[day.String()+" "+key]
	}

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewRecordBuilder(mem, d.Schema)
	defer b.Release()
	terr := d.Sources[src].Transform(in, b)
	rec := b.NewRecordBatch()
	defer rec.Release()

	var got []byte
	wantFile := filepath.Join(dir, "want.csv")
	other := filepath.Join(dir, "want.err")
	if terr != nil {
		got = []byte(terr.Error() + "\n")
		wantFile, other = other, wantFile
	} else {
		got = renderCSV(t, rec)
		if err := checkOrder(d, rec, gc.DuplicateInstants); err != nil {
			t.Error(err)
		}
	}
	if *update {
		if err := os.WriteFile(wantFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		_ = os.Remove(other)
		return
	}
	want, err := os.ReadFile(wantFile)
	if err != nil {
		t.Fatalf("%v (transform error: %v); run go test ./dataset -update, then review the file", err, terr)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update and review the diff):\n%s", wantFile, lineDiff(string(want), string(got)))
	}
}

// checkOrder asserts the transform's contract: rows in time order, and,
// for time series, distinct instants unless dups allows repeats.
func checkOrder(d *Dataset, rec arrow.RecordBatch, dups bool) error {
	for _, name := range []string{"time_utc", "date", "start_utc"} {
		idx := rec.Schema().FieldIndices(name)
		if len(idx) == 0 {
			continue
		}
		var vals []int64
		switch c := rec.Column(idx[0]).(type) {
		case *array.Timestamp:
			for i := 0; i < c.Len(); i++ {
				vals = append(vals, int64(c.Value(i)))
			}
		case *array.Date32:
			for i := 0; i < c.Len(); i++ {
				vals = append(vals, int64(c.Value(i)))
			}
		}
		if !sort.SliceIsSorted(vals, func(i, j int) bool { return vals[i] < vals[j] }) {
			return &orderError{d.Name, name}
		}
		if d.Kind == TimeSeries && !dups {
			for i := 1; i < len(vals); i++ {
				if vals[i] == vals[i-1] {
					return &orderError{d.Name, name + " (duplicate instant)"}
				}
			}
		}
		return nil
	}
	return nil
}

type orderError struct{ ds, col string }

func (e *orderError) Error() string { return e.ds + ": rows not in increasing order of " + e.col }

// renderCSV renders a record as text: RFC 3339 with Z for instants, wall
// clock without offset for local times, yyyy-mm-dd for dates, empty for null.
func renderCSV(t *testing.T, rec arrow.RecordBatch) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	var header []string
	for _, f := range rec.Schema().Fields() {
		header = append(header, f.Name)
	}
	_ = w.Write(header)
	for i := 0; i < int(rec.NumRows()); i++ {
		var row []string
		for _, col := range rec.Columns() {
			row = append(row, cell(t, col, i))
		}
		_ = w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

func cell(t *testing.T, col arrow.Array, i int) string {
	if col.IsNull(i) {
		return ""
	}
	switch c := col.(type) {
	case *array.Timestamp:
		tt := c.DataType().(*arrow.TimestampType)
		v := time.UnixMilli(int64(c.Value(i))).UTC()
		if tt.TimeZone == "" {
			return v.Format("2006-01-02T15:04:05.999")
		}
		return v.Format("2006-01-02T15:04:05.999Z07:00")
	case *array.Date32:
		return c.Value(i).ToTime().Format("2006-01-02")
	case *array.Int8:
		return strconv.Itoa(int(c.Value(i)))
	case *array.Int32:
		return strconv.Itoa(int(c.Value(i)))
	case *array.Int64:
		return strconv.FormatInt(c.Value(i), 10)
	case *array.Float64:
		return strconv.FormatFloat(c.Value(i), 'g', -1, 64)
	case *array.String:
		return c.Value(i)
	case *array.Boolean:
		return strconv.FormatBool(c.Value(i))
	}
	t.Fatalf("render: unsupported column type %s", col.DataType())
	return ""
}

// lineDiff shows the first differing lines.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var sb strings.Builder
	shown := 0
	for i := 0; i < max(len(wl), len(gl)) && shown < 8; i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			sb.WriteString("line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g + "\n")
			shown++
		}
	}
	return sb.String()
}
