package dataset

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/fitexport/fitexport/dates"
)

// BenchmarkHeartRate1secDay transforms one day of 1-second heart rate
// (86,400 samples); a year is ~365 of these.
func BenchmarkHeartRate1secDay(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"activities-heart":[{"dateTime":"2026-10-25","value":{"heartRateZones":[]}}],"activities-heart-intraday":{"dataset":[`)
	loc, _ := time.LoadLocation("Europe/Berlin")
	d := dates.MustParse("2026-10-25")
	start, end := d.Time(loc), d.AddDays(1).Time(loc)
	first := true
	for t := start; t.Before(end); t = t.Add(time.Second) {
		if !first {
			sb.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&sb, `{"time":"%s","value":%d}`, t.In(loc).Format("15:04:05"), 60+t.Second()%40)
	}
	sb.WriteString(`],"datasetInterval":1,"datasetType":"second"}}`)
	body := []byte(sb.String())
	req := heartDayRequest(Options{HeartDetail: "1sec"}, d)
	in := Input{
		Dataset:   "heart_rate",
		Responses: []Response{{Request: req, Pages: [][]byte{body}}},
		Want:      func(dates.Date, string) bool { return true },
		Zone:      func(dates.Date) *time.Location { return loc },
	}
	schema := heartRate().Schema
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		if err := heartRateTransform(in, rb); err != nil {
			b.Fatal(err)
		}
		rec := rb.NewRecordBatch()
		if rec.NumRows() != 90000 {
			b.Fatalf("%d rows", rec.NumRows())
		}
		rec.Release()
		rb.Release()
	}
}
