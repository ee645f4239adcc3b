package transform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// refPoint is a point as the reference decoder sees it.
type refPoint struct {
	Time               string
	Value, Level, Mets Num
}

// refScan is the reference for ScanIntraday, built on encoding/json alone:
// json.Valid for the syntax, then a token walk with the documented
// semantics (exact member names, a repeated key member or dataset is an
// error, the last of a repeated entry field wins, null time is no change).
func refScan(body []byte, key string) (bool, []refPoint, error) {
	if !json.Valid(body) {
		return false, nil, errors.New("invalid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var top json.RawMessage
	if err := dec.Decode(&top); err != nil {
		return false, nil, err
	}
	switch top[0] {
	case 'n':
		return false, nil, nil
	case '{':
	default:
		return false, nil, errors.New("not an object")
	}
	var members []struct {
		k string
		v json.RawMessage
	}
	if err := walkObject(top, func(k string, v json.RawMessage) error {
		members = append(members, struct {
			k string
			v json.RawMessage
		}{k, v})
		return nil
	}); err != nil {
		return false, nil, err
	}
	var member json.RawMessage
	for _, m := range members {
		if m.k == key {
			if member != nil {
				return false, nil, errors.New("repeated key")
			}
			member = m.v
		}
	}
	if member == nil || string(member) == "null" {
		return false, nil, nil
	}
	if member[0] != '{' {
		return true, nil, errors.New("member not an object")
	}
	var set json.RawMessage
	if err := walkObject(member, func(k string, v json.RawMessage) error {
		if k != "dataset" {
			return nil
		}
		if set != nil {
			return errors.New("repeated dataset")
		}
		set = v
		return nil
	}); err != nil {
		return true, nil, err
	}
	if set == nil || string(set) == "null" {
		return true, nil, nil
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(set, &elems); err != nil {
		return true, nil, err
	}
	pts := []refPoint{}
	for _, el := range elems {
		var pt refPoint
		switch el[0] {
		case 'n':
		case '{':
			err := walkObject(el, func(k string, v json.RawMessage) error {
				switch k {
				case "time":
					if string(v) == "null" {
						return nil
					}
					return json.Unmarshal(v, &pt.Time)
				case "value":
					return pt.Value.UnmarshalJSON(v)
				case "level":
					return pt.Level.UnmarshalJSON(v)
				case "mets":
					return pt.Mets.UnmarshalJSON(v)
				}
				return nil
			})
			if err != nil {
				return true, nil, err
			}
		default:
			return true, nil, errors.New("entry not an object")
		}
		pts = append(pts, pt)
	}
	return true, pts, nil
}

// walkObject calls f for each member of a valid JSON object, in order.
func walkObject(obj json.RawMessage, f func(k string, v json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		if err := f(t.(string), v); err != nil {
			return err
		}
	}
	_, err := dec.Token() // }
	if err == io.EOF {
		err = nil
	}
	return err
}

func scanAll(body []byte, key string) (bool, []refPoint, error) {
	pts := []refPoint{}
	found, err := ScanIntraday(body, key, func(pt *IntradayPoint) error {
		pts = append(pts, refPoint{strings.Clone(pt.Time), pt.Value, pt.Level, pt.Mets})
		return nil
	})
	return found, pts, err
}

// checkEquivalent fails when ScanIntraday and the reference disagree.
func checkEquivalent(t *testing.T, body []byte, key string) {
	t.Helper()
	f1, p1, err1 := scanAll(body, key)
	f2, p2, err2 := refScan(body, key)
	if (err1 != nil) != (err2 != nil) {
		t.Fatalf("%q: ScanIntraday error %v, reference error %v", body, err1, err2)
	}
	if err1 != nil {
		return
	}
	if f1 != f2 {
		t.Fatalf("%q: found %v, reference %v", body, f1, f2)
	}
	if (len(p1) > 0 || len(p2) > 0) && !reflect.DeepEqual(p1, p2) {
		t.Fatalf("%q:\n got %+v\nwant %+v", body, p1, p2)
	}
}

const heartKey = "activities-heart-intraday"

func TestScanIntradayCases(t *testing.T) {
	for _, c := range []struct {
		name, body string
		found      bool
		want       []refPoint
		err        string // substring; "" means success
	}{
		{name: "compact",
			body:  `{"activities-heart":[{"dateTime":"2026-11-20","value":{"restingHeartRate":61}}],"activities-heart-intraday":{"dataset":[{"time":"00:00:00","value":64},{"time":"00:00:10","value":63}],"datasetInterval":1,"datasetType":"second"}}`,
			found: true, want: []refPoint{{Time: "00:00:00", Value: NumOf("64")}, {Time: "00:00:10", Value: NumOf("63")}}},
		{name: "spaced and reordered",
			body:  "{ \"activities-heart-intraday\" : { \"datasetType\" : \"second\", \"dataset\" : [ { \"value\" : \"64\" , \"time\" : \"00:00:00\" } ,\n\t{\"time\":\"00:00:01\",\"value\":-1.5e3} ] } }",
			found: true, want: []refPoint{{Time: "00:00:00", Value: NumOf("64")}, {Time: "00:00:01", Value: NumOf("-1.5e3")}}},
		{name: "calories fields",
			body:  `{"activities-heart-intraday":{"dataset":[{"level":2,"mets":35,"time":"07:31:00","value":4.2}]}}`,
			found: true, want: []refPoint{{Time: "07:31:00", Value: NumOf("4.2"), Level: NumOf("2"), Mets: NumOf("35")}}},
		{name: "escaped time", body: `{"activities-heart-intraday":{"dataset":[{"time":"00\u003a00:00","value":1}]}}`,
			found: true, want: []refPoint{{Time: "00:00:00", Value: NumOf("1")}}},
		{name: "null entry and null value", body: `{"activities-heart-intraday":{"dataset":[null,{"time":null,"value":null}]}}`,
			found: true, want: []refPoint{{}, {}}},
		{name: "value kept as written", body: `{"activities-heart-intraday":{"dataset":[{"time":"00:00:00","value":{"a": [1]}}]}}`,
			found: true, want: []refPoint{{Time: "00:00:00", Value: NumOf(`{"a": [1]}`)}}},
		{name: "no dataset", body: `{"activities-heart-intraday":{"datasetInterval":1}}`, found: true, want: []refPoint{}},
		{name: "null dataset", body: `{"activities-heart-intraday":{"dataset":null}}`, found: true, want: []refPoint{}},
		{name: "member absent", body: `{"activities-heart":[]}`, want: []refPoint{}},
		{name: "member null", body: `{"activities-heart-intraday":null}`, want: []refPoint{}},
		{name: "top null", body: ` null `, want: []refPoint{}},
		{name: "top array", body: `[]`, err: "want a JSON object"},
		{name: "member not object", body: `{"activities-heart-intraday":[1]}`, err: "want an object"},
		{name: "dataset not array", body: `{"activities-heart-intraday":{"dataset":{}}}`, err: "want an array"},
		{name: "entry not object", body: `{"activities-heart-intraday":{"dataset":[1]}}`, err: "want an object"},
		{name: "time not string", body: `{"activities-heart-intraday":{"dataset":[{"time":5,"value":1}]}}`, err: "want a string"},
		{name: "repeated member", body: `{"activities-heart-intraday":{},"activities-heart-intraday":null}`, err: "twice"},
		{name: "repeated dataset", body: `{"activities-heart-intraday":{"dataset":[],"dataset":[]}}`, err: "twice"},
		{name: "truncated", body: `{"activities-heart-intraday":{"dataset":[{"time":"00:00:00","value":64},{"time":"00:0`, err: "invalid JSON"},
		{name: "trailing data", body: `{"activities-heart-intraday":{"dataset":[]}} x`, err: "invalid JSON"},
		{name: "leading zero", body: `{"activities-heart-intraday":{"dataset":[{"time":"00:00:00","value":012}]}}`, err: "invalid JSON"},
		{name: "bad later member", body: `{"activities-heart-intraday":{"dataset":[]},"x":[1,2,}`, err: "invalid JSON"},
		{name: "control char", body: "{\"activities-heart-intraday\":{\"dataset\":[{\"time\":\"00:00\n00\",\"value\":1}]}}", err: "invalid JSON"},
		{name: "empty", body: ``, err: "invalid JSON"},
	} {
		t.Run(c.name, func(t *testing.T) {
			found, pts, err := scanAll([]byte(c.body), heartKey)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if found != c.found || !reflect.DeepEqual(pts, c.want) {
					t.Fatalf("found %v %+v, want %v %+v", found, pts, c.found, c.want)
				}
			}
			checkEquivalent(t, []byte(c.body), heartKey)
		})
	}
}

// TestScanIntradayMatchesStructDecoding compares ScanIntraday with the
// struct decoding the Fitbit transforms use on well-formed answers.
func TestScanIntradayMatchesStructDecoding(t *testing.T) {
	type point struct {
		Time  string `json:"time"`
		Value Num    `json:"value"`
		Level Num    `json:"level"`
		Mets  Num    `json:"mets"`
	}
	var sb strings.Builder
	sb.WriteString(`{"activities-calories":[{"dateTime":"2026-11-20","value":"2301"}],"activities-calories-intraday":{"dataset":[`)
	for i := range 3000 {
		if i > 0 {
			sb.WriteString(",")
		}
		switch i % 4 {
		case 0:
			fmt.Fprintf(&sb, `{"time":"%02d:%02d:%02d","value":%d}`, i/3600%24, i/60%60, i%60, 50+i%90)
		case 1:
			fmt.Fprintf(&sb, `{"level":%d,"mets":%d,"time":"%02d:%02d:%02d","value":%d.%d}`, i%4, 10+i%50, i/3600%24, i/60%60, i%60, i%7, i%10)
		case 2:
			fmt.Fprintf(&sb, ` { "time" : "%02d:%02d:%02d" , "value" : "%d" } `, i/3600%24, i/60%60, i%60, i)
		case 3:
			fmt.Fprintf(&sb, `{"time":"%02d:%02d:%02d","value":0}`, i/3600%24, i/60%60, i%60)
		}
	}
	sb.WriteString(`],"datasetInterval":1,"datasetType":"minute"}}`)
	body := []byte(sb.String())
	var doc struct {
		Intraday *struct {
			Dataset []point `json:"dataset"`
		} `json:"activities-calories-intraday"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	found, got, err := scanAll(body, "activities-calories-intraday")
	if err != nil || !found {
		t.Fatal(found, err)
	}
	if len(got) != len(doc.Intraday.Dataset) {
		t.Fatalf("%d points, want %d", len(got), len(doc.Intraday.Dataset))
	}
	for i, w := range doc.Intraday.Dataset {
		if g := got[i]; g != (refPoint{w.Time, w.Value, w.Level, w.Mets}) {
			t.Fatalf("point %d: %+v, want %+v", i, g, w)
		}
	}
	checkEquivalent(t, body, "activities-calories-intraday")
}

func TestScanIntradayStopsOnCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := ScanIntraday([]byte(`{"k":{"dataset":[{"time":"00:00:00","value":1},{"time":"00:00:01","value":2}]}}`), "k",
		func(*IntradayPoint) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("err %v after %d calls, want stop after 1", err, n)
	}
}

func TestScanIntradayDepthLimit(t *testing.T) {
	deep := `{"x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`
	if _, err := ScanIntraday([]byte(deep), "k", func(*IntradayPoint) error { return nil }); err == nil {
		t.Fatal("no error for nesting deeper than encoding/json allows")
	}
	ok := `{"x":` + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + `}`
	if _, err := ScanIntraday([]byte(ok), "k", func(*IntradayPoint) error { return nil }); err != nil {
		t.Fatal(err)
	}
}
