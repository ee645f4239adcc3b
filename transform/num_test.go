package transform

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/fitexport/fitexport/dates"
)

func decode(t *testing.T, js string) Num {
	t.Helper()
	var v struct {
		V Num `json:"v"`
	}
	if err := json.Unmarshal([]byte(`{"v":`+js+`}`), &v); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v.V
}

func TestNum(t *testing.T) {
	for _, tc := range []struct {
		js   string
		i    int64
		iErr bool
		f    float64
		fErr bool
	}{
		{`8123`, 8123, false, 8123, false},
		{`"8123"`, 8123, false, 8123, false},
		{`"12.5"`, 0, true, 12.5, false},
		{`12.0`, 12, false, 12, false},
		{`"-3"`, -3, false, -3, false},
		{`1e3`, 1000, false, 1000, false},
		{`""`, 0, true, 0, true},
		{`"n/a"`, 0, true, 0, true},
		{`"NaN"`, 0, true, 0, true},
		{`"Inf"`, 0, true, 0, true},
		{`true`, 0, true, 0, true},
		{`{"a":1}`, 0, true, 0, true},
		{`" 12"`, 0, true, 0, true},
	} {
		n := decode(t, tc.js)
		if !n.Present() {
			t.Errorf("%s: not present", tc.js)
		}
		i, err := n.Int64()
		if (err != nil) != tc.iErr || (err == nil && i != tc.i) {
			t.Errorf("%s: Int64 = %d, %v", tc.js, i, err)
		}
		f, err := n.Float64()
		if (err != nil) != tc.fErr || (err == nil && f != tc.f) {
			t.Errorf("%s: Float64 = %v, %v", tc.js, f, err)
		}
	}
	var absent struct {
		V Num `json:"v"`
	}
	_ = json.Unmarshal([]byte(`{}`), &absent)
	if absent.V.Present() || decode(t, `null`).Present() {
		t.Error("absent or null value is present")
	}
	if _, err := absent.V.Int64(); !errors.Is(err, ErrMissing) {
		t.Errorf("absent Int64 error = %v", err)
	}
	if _, err := NumOf("3000000000").Int32(); err == nil {
		t.Error("Int32 accepted 3000000000")
	}
	for _, tc := range []struct {
		s    string
		k    int
		want float64
	}{{"0.00072", 3, 0.72}, {"5.73212", 3, 5732.12}, {"23", -1, 2.3}, {"1e-3", 3, 1}, {"0", 3, 0}} {
		if got, err := NumOf(tc.s).Float64E(tc.k); err != nil || got != tc.want {
			t.Errorf("Float64E(%s, %d) = %v, %v; want %v", tc.s, tc.k, got, err, tc.want)
		}
	}
	if _, err := NumOf("1.2.3").Float64E(3); err == nil {
		t.Error("Float64E accepted 1.2.3")
	}
}

func TestParserErrors(t *testing.T) {
	p := Parser{Dataset: "heart_rate", Day: dates.MustParse("2026-03-29")}
	if p.Int32("bpm", NumOf("64")) != 64 || p.Err != nil {
		t.Fatal(p.Err)
	}
	p.Int32("bpm", NumOf("6x"))
	p.Int32("other", NumOf("also bad"))
	if p.Err == nil || p.Err.Error() != `heart_rate 2026-03-29: field bpm: not an integer: "6x"` {
		t.Errorf("err = %v", p.Err)
	}
	q := Parser{Dataset: "steps", Day: dates.MustParse("2026-03-29"), At: "02:15:00"}
	if v := q.OptFloat64("x", Num{}); v != nil || q.Err != nil {
		t.Error("absent optional value")
	}
	q.Float64("steps", NumOf(""))
	if q.Err == nil || !strings.HasPrefix(q.Err.Error(), "steps 2026-03-29 02:15:00: field steps: ") {
		t.Errorf("err = %v", q.Err)
	}
}

func TestColsAndFields(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		TimeUTC(), TimeLocal(), DateCol(),
		Int32("a", true, "A.", "min"), Float64("b", true, "B.", "kcal"), Int64("c", true, "C.", ""),
	}, nil)
	if Doc(schema.Field(3)) != "A." || Unit(schema.Field(3)) != "min" || Unit(schema.Field(5)) != "" {
		t.Error("metadata")
	}
	if TypeName(schema.Field(0).Type) != "timestamp (UTC)" || TypeName(schema.Field(1).Type) != "timestamp (local)" || TypeName(schema.Field(2).Type) != "date" {
		t.Error("TypeName")
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	c := ColsOf(b)
	c.Series().Append(1000, 4600000)
	c.Date32("date").AppendDate(dates.MustParse("1970-01-02"))
	v := int32(5)
	c.Int32("a").AppendOpt(&v)
	c.Float64("b").AppendOpt(nil)
	c.Int64("c").AppendOpt(nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	if rec.Column(2).(*array.Date32).Value(0) != 1 || rec.Column(3).(*array.Int32).Value(0) != 5 || !rec.Column(4).IsNull(0) {
		t.Error("values")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("no panic for a missing column")
			}
		}()
		c.Int32("nope")
	}()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("no panic for a wrong type")
			}
		}()
		c.Float64("a")
	}()
}
