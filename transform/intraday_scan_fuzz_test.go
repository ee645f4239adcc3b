package transform

import (
	"encoding/json"
	"testing"
)

// FuzzScanIntraday checks ScanIntraday against the encoding/json reference
// (refScan) on arbitrary bytes: same error/no-error, same points; and that
// invalid JSON is always an error.
func FuzzScanIntraday(f *testing.F) {
	for _, s := range []string{
		`{"activities-heart-intraday":{"dataset":[{"time":"00:00:00","value":64},{"time":"00:00:10","value":63}],"datasetInterval":1,"datasetType":"second"}}`,
		`{"activities-heart":[{"dateTime":"2026-11-20","value":{"restingHeartRate":61}}],"activities-heart-intraday":{"dataset":[]}}`,
		`{"activities-heart-intraday":{"dataset":[{"level":2,"mets":35,"time":"07:31:00","value":4.2},null,{"time":null,"value":"7"}]}}`,
		`{"activities-heart-intraday":{"dataset":[{"time":"00\u003a00:00","value":-0.5e-3}]}}`,
		`{"activities-heart-intraday":null}`,
		`{"activities-heart-intraday":{"dataset":[{"time":"00:00:00","value":{"a":[1,true,false,null]}}]}}`,
		`[1,"x"]`,
		`{"activities-heart-intraday":{"dataset":[],"dataset":[]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkEquivalent(t, body, heartKey)
		if !json.Valid(body) {
			if _, err := ScanIntraday(body, heartKey, func(*IntradayPoint) error { return nil }); err == nil {
				t.Fatalf("%q: invalid JSON accepted", body)
			}
		}
	})
}
