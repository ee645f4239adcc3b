package transform

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// heartDayBody is a day of 1-second heart rate as Fitbit serves it, a
// sample every 5–15 s (about 8,600 entries).
func heartDayBody() ([]byte, int) {
	var sb strings.Builder
	sb.WriteString(`{"activities-heart":[{"dateTime":"2026-10-25","value":{"customHeartRateZones":[],"heartRateZones":[],"restingHeartRate":61}}],"activities-heart-intraday":{"dataset":[`)
	n := 0
	for s := 0; s < 86400; s += 5 + (s*7)%11 {
		if n > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"time":"%02d:%02d:%02d","value":%d}`, s/3600, s/60%60, s%60, 55+s%70)
		n++
	}
	sb.WriteString(`],"datasetInterval":1,"datasetType":"second"}}`)
	return []byte(sb.String()), n
}

// BenchmarkIntradayDecode compares encoding/json into the structs the
// heart_rate transform uses with ScanIntraday, on one day of 1-second
// heart rate; both parse every value as an int32.
func BenchmarkIntradayDecode(b *testing.B) {
	body, n := heartDayBody()
	b.Run("encoding-json", func(b *testing.B) {
		type point struct {
			Time  string `json:"time"`
			Value Num    `json:"value"`
		}
		var doc struct {
			Intraday *struct {
				Dataset []point `json:"dataset"`
			} `json:"activities-heart-intraday"`
		}
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			doc.Intraday = nil
			if err := json.Unmarshal(body, &doc); err != nil {
				b.Fatal(err)
			}
			var sum int64
			for _, pt := range doc.Intraday.Dataset {
				ms, _ := ParseClock(pt.Time)
				v, _ := pt.Value.Int32()
				sum += ms + int64(v)
			}
			_ = sum
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("ScanIntraday", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var sum int64
			_, err := ScanIntraday(body, "activities-heart-intraday", func(pt *IntradayPoint) error {
				ms, _ := ParseClock(pt.Time)
				v, _ := pt.Value.Int32()
				sum += ms + int64(v)
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
