package takeout

import (
	"bytes"
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// sample is one entry of a series family: the second of its local day and
// the value in the API's unit.
type sample struct {
	sec int32
	v   float64
}

// sleepLog is one sleep log, its JSON already renamed to the API's shape.
type sleepLog struct {
	id    int64
	start string // startTime, for ordering
	raw   json.RawMessage
}

// decoded is the content of one file, grouped by the local day each entry
// names (a file's date is the start of its period, not its data's day).
type decoded struct {
	series  map[dates.Date][]sample // kindSamples, kindMinutes: in file order
	values  map[dates.Date]float64  // kindDaily, kindResting, kindCSVDaily
	logs    map[dates.Date][]sleepLog
	stamps  map[dates.Date][]stamped // kindCSVSamples: by the reading's local day, in file order
	weights map[dates.Date][]weightLog
	// exercises are the activity logs of a kindExercise file, in file
	// order.
	exercises []exerciseLog
	// first and last are the first and last days with data (non-zero).
	first, last dates.Date
}

func (d *decoded) mark(day dates.Date) {
	if d.first.IsZero() || day.Before(d.first) {
		d.first = day
	}
	if d.last.IsZero() || day.After(d.last) {
		d.last = day
	}
}

var empty = &decoded{}

// decode reads and decodes one file. A file that says nothing was recorded
// ("no data", [], empty) decodes to nothing; a malformed or truncated one
// is reported (Warnings) and decodes to nothing: its days are served from
// the other files only.
func (a *Archive) decode(ref *fileRef) *decoded {
	data, err := a.read(ref)
	if err != nil {
		a.warnf("%s: cannot read: %v: file skipped", ref.name, err)
		return empty
	}
	if noData(data) {
		return empty
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	dec, err := decodeFamily(ref.fam, data, a.zone)
	if err != nil {
		a.warnf("%s: %v: file skipped", ref.name, err)
		return empty
	}
	return dec
}

// noData reports whether a file says that nothing was recorded.
func noData(data []byte) bool {
	t := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\ufeff")))
	if len(t) > len(`"no data"`) {
		return false
	}
	switch string(bytes.ToLower(t)) {
	case "", "no data", `"no data"`, "[]", "null", "{}":
		return true
	}
	return false
}

// jsonError locates a decoding error: "line N: …".
func jsonError(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	case err.Error() == "unexpected end of JSON input": // no type of its own
		off = int64(len(data))
	}
	if off < 0 {
		return err
	}
	off = min(off, int64(len(data)))
	line := bytes.Count(data[:off], []byte("\n")) + 1
	if off == int64(len(data)) && bytes.HasSuffix(data, []byte("\n")) {
		line--
	}
	return fmt.Errorf("line %d: %w (truncated or malformed JSON)", line, err)
}

type valueEntry struct {
	DateTime string          `json:"dateTime"`
	Value    json.RawMessage `json:"value"`
}

// heartEntry and numEntry are the entries of the sample and minute/daily
// families, decoded in one pass.
type heartEntry struct {
	DateTime string `json:"dateTime"`
	Value    struct {
		BPM transform.Num `json:"bpm"`
	} `json:"value"`
}

type numEntry struct {
	DateTime string        `json:"dateTime"`
	Value    transform.Num `json:"value"`
}

type restingEntry struct {
	DateTime string          `json:"dateTime"`
	Value    json.RawMessage `json:"value"`
}

// entryError names a bad entry of a file.
func entryError(i int, dateTime string, err error) error {
	return fmt.Errorf("entry %d (dateTime %q): %w", i+1, dateTime, err)
}

var errStamp = errors.New("invalid dateTime: want MM/DD/YY HH:MM:SS")

// decodeFamily decodes a file of family f; zone places the readings of
// CSV files that carry UTC instants on their local day.
func decodeFamily(f *family, data []byte, zone *time.Location) (*decoded, error) {
	if dec, ok := fastDecode(f, data); ok {
		return dec, nil
	}
	dec := &decoded{}
	switch f.kind {
	case kindCSVDaily, kindCSVSamples, kindCSVZones:
		return decodeCSV(dec, f, data, zone)
	case kindExercise:
		return decodeExercises(dec, data)
	case kindVO2:
		return decodeVO2(dec, f, data)
	case kindWeight:
		return decodeWeight(dec, f, data)
	case kindSleep:
		return decodeSleep(dec, data)
	case kindSamples:
		var entries []heartEntry
		if err := json.Unmarshal(data, &entries); err != nil {
			return nil, jsonError(data, err)
		}
		for i := range entries {
			e := &entries[i]
			day, sec, ok := parseStamp(e.DateTime)
			if !ok {
				return nil, entryError(i, e.DateTime, errStamp)
			}
			x, err := f.convert(e.Value.BPM)
			if err != nil {
				return nil, entryError(i, e.DateTime, fmt.Errorf("value.bpm: %w", err))
			}
			if x <= 0 || x > math.MaxInt16 {
				continue // a sentinel, not a reading
			}
			dec.add(day, sample{sec, x})
		}
	case kindMinutes, kindDaily:
		var entries []numEntry
		if err := json.Unmarshal(data, &entries); err != nil {
			return nil, jsonError(data, err)
		}
		for i := range entries {
			e := &entries[i]
			day, sec, ok := parseStamp(e.DateTime)
			if !ok {
				return nil, entryError(i, e.DateTime, errStamp)
			}
			x, err := f.convert(e.Value)
			if err != nil {
				return nil, entryError(i, e.DateTime, fmt.Errorf("value: %w", err))
			}
			if f.kind == kindDaily {
				dec.set(day, x)
			} else {
				dec.add(day, sample{sec, x})
			}
		}
	case kindResting:
		var entries []restingEntry
		if err := json.Unmarshal(data, &entries); err != nil {
			return nil, jsonError(data, err)
		}
		for i := range entries {
			e := &entries[i]
			day, _, ok := parseStamp(e.DateTime)
			if !ok {
				return nil, entryError(i, e.DateTime, errStamp)
			}
			// {"date":"MM/DD/YY","value":58.3,"error":6.8}, or a bare number.
			var v struct {
				Date  string        `json:"date"`
				Value transform.Num `json:"value"`
			}
			raw := bytes.TrimSpace(e.Value)
			var err error
			if len(raw) > 0 && raw[0] == '{' {
				err = json.Unmarshal(raw, &v)
			} else if len(raw) > 0 {
				err = json.Unmarshal(raw, &v.Value)
			}
			if err != nil {
				return nil, entryError(i, e.DateTime, fmt.Errorf("value: %w", err))
			}
			if v.Date != "" {
				if day, ok = parseDay(v.Date); !ok {
					return nil, entryError(i, e.DateTime, fmt.Errorf("value.date %q: want MM/DD/YY", v.Date))
				}
			}
			if !v.Value.Present() {
				continue
			}
			x, err := f.convert(v.Value)
			if err != nil {
				return nil, entryError(i, e.DateTime, fmt.Errorf("value.value: %w", err))
			}
			if x > 0 { // 0 is the "no estimate" sentinel
				dec.set(day, x)
			}
		}
	}
	return dec, nil
}

func (d *decoded) add(day dates.Date, s sample) {
	if d.series == nil {
		d.series = map[dates.Date][]sample{}
	}
	d.series[day] = append(d.series[day], s)
	if s.v != 0 {
		d.mark(day)
	}
}

func (d *decoded) set(day dates.Date, v float64) {
	if d.values == nil {
		d.values = map[dates.Date]float64{}
	}
	d.values[day] = v
	d.mark(day)
}

// decodeSleep decodes a file of sleep logs and renames mainSleep.
func decodeSleep(dec *decoded, data []byte) (*decoded, error) {
	var logs []json.RawMessage
	if err := json.Unmarshal(data, &logs); err != nil {
		return nil, jsonError(data, err)
	}
	dec.logs = map[dates.Date][]sleepLog{}
	for i, raw := range logs {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("log %d: %w", i+1, err)
		}
		var head struct {
			LogID       transform.Num `json:"logId"`
			DateOfSleep string        `json:"dateOfSleep"`
			StartTime   string        `json:"startTime"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("log %d: %w", i+1, err)
		}
		id, err := head.LogID.Int64()
		if err != nil {
			return nil, fmt.Errorf("log %d: logId: %w", i+1, err)
		}
		day, err := dates.Parse(head.DateOfSleep)
		if err != nil {
			return nil, fmt.Errorf("log %d: dateOfSleep: %w", i+1, err)
		}
		// The archive says mainSleep where the API says isMainSleep.
		if ms, ok := m["mainSleep"]; ok {
			if _, has := m["isMainSleep"]; !has {
				m["isMainSleep"] = ms
			}
			delete(m, "mainSleep")
		}
		out, err := json.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("log %d: %w", i+1, err)
		}
		dec.logs[day] = append(dec.logs[day], sleepLog{id: id, start: head.StartTime, raw: out})
		dec.mark(day)
	}
	return dec, nil
}

// parseStamp reads "MM/DD/YY HH:MM:SS" (also "yyyy-MM-ddTHH:mm:ss[.SSS]"
// and "yyyy-MM-dd HH:mm:ss"): the local day and the second of that day.
func parseStamp[T string | []byte](s T) (dates.Date, int32, bool) {
	var ds, ts T
	switch {
	case len(s) == 17 && s[2] == '/' && s[5] == '/' && s[8] == ' ':
		ds, ts = s[:8], s[9:]
	case len(s) >= 19 && s[4] == '-' && (s[10] == 'T' || s[10] == ' '):
		ds, ts = s[:10], s[11:19]
	case len(s) == 8 || len(s) == 10:
		ds = s
	default:
		return dates.Date{}, 0, false
	}
	d, ok := parseDay(ds)
	if !ok {
		return d, 0, false
	}
	if len(ts) == 0 {
		return d, 0, true
	}
	h, ok1 := digits(ts[0:2])
	m, ok2 := digits(ts[3:5])
	sec, ok3 := digits(ts[6:8])
	if !ok1 || !ok2 || !ok3 || ts[2] != ':' || ts[5] != ':' || h > 23 || m > 59 || sec > 59 {
		return d, 0, false
	}
	return d, int32(h*3600 + m*60 + sec), true
}

// parseDay reads "MM/DD/YY" (20YY: Fitbit began in 2009) or "yyyy-MM-dd".
func parseDay[T string | []byte](s T) (dates.Date, bool) {
	var y, m, d int
	var ok1, ok2, ok3 bool
	switch {
	case len(s) == 8 && s[2] == '/' && s[5] == '/':
		m, ok1 = digits(s[0:2])
		d, ok2 = digits(s[3:5])
		y, ok3 = digits(s[6:8])
		y += 2000
	case len(s) >= 10 && s[4] == '-' && s[7] == '-':
		y, ok1 = digits(s[0:4])
		m, ok2 = digits(s[5:7])
		d, ok3 = digits(s[8:10])
	default:
		return dates.Date{}, false
	}
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return dates.Date{}, false
	}
	out := dates.Date{Year: y, Month: time.Month(m), Day: d}
	if d > 28 && out.AddDays(0) != out { // 02/30 and the like
		return dates.Date{}, false
	}
	return out, true
}

// digits parses a short run of decimal digits.
func digits[T string | []byte](s T) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// fileCache keeps the most recently used decoded files (an LRU bounded by
// a count of files); concurrent requests for one file decode it once.
type fileCache struct {
	mu    sync.Mutex
	cap   int
	order *list.List
	byRef map[*fileRef]*list.Element
}

type cacheItem struct {
	ref   *fileRef
	ready chan struct{}
	dec   *decoded
}

func newFileCache(n int) *fileCache {
	return &fileCache{cap: n, order: list.New(), byRef: map[*fileRef]*list.Element{}}
}

func (c *fileCache) get(ctx context.Context, ref *fileRef, load func(*fileRef) *decoded) (*decoded, error) {
	c.mu.Lock()
	if e, ok := c.byRef[ref]; ok {
		c.order.MoveToFront(e)
		it := e.Value.(*cacheItem)
		c.mu.Unlock()
		select {
		case <-it.ready:
			return it.dec, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	it := &cacheItem{ref: ref, ready: make(chan struct{})}
	c.byRef[ref] = c.order.PushFront(it)
	for c.order.Len() > c.cap {
		e := c.order.Back()
		c.order.Remove(e)
		delete(c.byRef, e.Value.(*cacheItem).ref)
	}
	c.mu.Unlock()
	it.dec = load(ref)
	close(it.ready)
	return it.dec, nil
}

// len returns the number of files held.
func (c *fileCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// eachElement decodes a JSON array element by element, calling fn with
// each element's index, the line it starts on and its text. A malformed
// or truncated array is an error naming its line.
func eachElement(data []byte, fn func(i, line int, raw json.RawMessage) error) error {
	d := json.NewDecoder(bytes.NewReader(data))
	syntax := func() error {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return jsonError(data, err)
		}
		return errors.New("not a JSON array")
	}
	if tok, err := d.Token(); err != nil || tok != json.Delim('[') {
		return syntax()
	}
	for i := 0; d.More(); i++ {
		off := int(d.InputOffset())
		for off < len(data) && (data[off] == ',' || data[off] == ' ' || data[off] == '\n' || data[off] == '\r' || data[off] == '\t') {
			off++
		}
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return syntax()
		}
		if err := fn(i, bytes.Count(data[:off], []byte("\n"))+1, raw); err != nil {
			return err
		}
	}
	if tok, err := d.Token(); err != nil || tok != json.Delim(']') {
		return syntax()
	}
	if _, err := d.Token(); err != io.EOF {
		return syntax()
	}
	return nil
}

// decodeVO2 decodes a file of VO2 max estimates
// ([{"dateTime":"MM/DD/YY HH:MM:SS","value":{…}}]): each estimate goes to
// the local day its dateTime names (the last of a day wins); a value of 0
// or less is no estimate.
func decodeVO2(dec *decoded, f *family, data []byte) (*decoded, error) {
	err := eachElement(data, func(i, line int, raw json.RawMessage) error {
		var e struct {
			DateTime string                     `json:"dateTime"`
			Value    map[string]json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("line %d: entry %d: %w", line, i+1, err)
		}
		day, _, ok := parseStamp(e.DateTime)
		if !ok {
			return fmt.Errorf("line %d: entry %d: dateTime %q: want MM/DD/YY HH:MM:SS", line, i+1, e.DateTime)
		}
		for _, k := range f.keys {
			var n transform.Num
			if r, ok := e.Value[k]; ok {
				if err := json.Unmarshal(r, &n); err != nil {
					return fmt.Errorf("line %d: entry %d (dateTime %q): value.%s: %w", line, i+1, e.DateTime, k, err)
				}
			}
			if !n.Present() {
				continue
			}
			x, err := f.convert(n)
			if err != nil {
				return fmt.Errorf("line %d: entry %d (dateTime %q): value.%s: %w", line, i+1, e.DateTime, k, err)
			}
			if x > 0 {
				dec.set(day, x)
			}
			break
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return dec, nil
}
