package load

import (
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func BenchmarkWriteParquet(b *testing.B) { benchmarkWrite(b, Parquet) }
func BenchmarkWriteCSV(b *testing.B)     { benchmarkWrite(b, CSV) }
func BenchmarkWriteNDJSON(b *testing.B)  { benchmarkWrite(b, NDJSON) }

// benchmarkWrite writes 1M heart-rate rows (694 days of 1440 minutes and a
// remainder), one batch per day, and reports rows/s.
func benchmarkWrite(b *testing.B, f Format) {
	const rows, perDay = 1_000_000, 1440
	mem := memory.NewGoAllocator()
	var recs []arrow.RecordBatch
	for done := 0; done < rows; done += perDay {
		recs = append(recs, heartBatch(mem, int64(done)*60_000, min(perDay, rows-done)))
	}
	defer releaseAll(recs)
	var cw countingDiscard
	b.ResetTimer()
	for b.Loop() {
		w, err := NewRecordWriter(f, &cw, heartSchema)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			if err := w.Write(r); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(cw.n)/float64(b.N)/rows, "bytes/row")
}

type countingDiscard struct{ n int64 }

func (c *countingDiscard) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return io.Discard.Write(p)
}
