package takeout

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// stamped is one reading of a CSV samples family: the second of its local
// day, and its instant when the file says it (a "Z" or offset time).
type stamped struct {
	sec    int32
	zone   int8 // kindCSVZones: the index in azmZones
	has    uint8
	hasUTC bool
	v      float64
	utc    int64 // Unix ms, when hasUTC
	// extra holds the values of the family's csv.extra columns; bit i of
	// has says extra[i] is present.
	extra [3]float64
}

// weightLog is one weight log, in the API's units.
type weightLog struct {
	id        int64
	day       dates.Date
	time      string // HH:mm:ss, local wall clock
	kg        float64
	bmi, fat  float64
	hasBMI    bool
	hasFat    bool
	source    string
	hasSource bool
}

// decodeCSV decodes a file of a CSV family. The header names the columns
// (matched case-insensitively, in any order); every row must have as many
// fields as the header (a truncated last row is an error). A row whose
// value is blank holds no reading and is skipped; a row holding the
// family's sentinel likewise.
func decodeCSV(dec *decoded, f *family, data []byte, zone *time.Location) (*decoded, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		return dec, nil
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := func(name string) int {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), name) {
				return i
			}
		}
		return -1
	}
	spec := f.csv
	di, vi, ci, zi := col(spec.date), col(spec.value), -1, -1
	if spec.div != "" {
		ci = col(spec.div)
	}
	if spec.zone != "" {
		zi = col(spec.zone)
	}
	for _, c := range []struct {
		name string
		i    int
	}{{spec.date, di}, {spec.value, vi}, {spec.div, ci}, {spec.zone, zi}} {
		if c.name != "" && c.i < 0 {
			return nil, fmt.Errorf("line 1: no column %q in the header %q", c.name, strings.Join(header, ","))
		}
	}
	// The extra columns are optional: a file without one has none of its
	// values (null), not an error.
	ei := make([]int, len(spec.extra))
	for i, name := range spec.extra {
		ei[i] = col(name)
	}
	// A file of readings counts for the day of its last reading (a night
	// counts for the day it ended; see findDataSpan).
	var lastDay dates.Date
	for {
		rec, err := r.Read()
		if err == io.EOF {
			if !lastDay.IsZero() {
				dec.mark(lastDay)
			}
			return dec, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		stamp, val := strings.TrimSpace(rec[di]), strings.TrimSpace(rec[vi])
		if val == "" {
			continue // no reading
		}
		x, err := transform.NumOf(val).Float64()
		if err != nil {
			return nil, fmt.Errorf("line %d: %s %q: not a number", line, spec.value, val)
		}
		if spec.hasDrop && x == spec.drop {
			continue // the sentinel: not a measurement
		}
		if ci >= 0 {
			n, err := transform.NumOf(strings.TrimSpace(rec[ci])).Float64()
			if err != nil || n <= 0 {
				continue // no samples: no value
			}
			x /= n
		}
		x = f.scale(x)
		if f.kind == kindCSVZones {
			// Active Zone Minutes: whole minutes, one zone per row; a row
			// of 0 earned nothing.
			if x < 0 || x != math.Trunc(x) || x > math.MaxInt16 {
				return nil, fmt.Errorf("line %d: %s %q: not a whole number of minutes", line, spec.value, val)
			}
			if x == 0 {
				continue
			}
			z := azmZone(rec[zi])
			if z < 0 {
				return nil, fmt.Errorf("line %d: %s %q: not a known zone (FAT_BURN, CARDIO, PEAK)", line, spec.zone, strings.TrimSpace(rec[zi]))
			}
			day, s, ok := parseCSVStamp(stamp, zone)
			if !ok {
				return nil, fmt.Errorf("line %d: %s %q: want yyyy-MM-ddTHH:mm[:ss], with Z or an offset for UTC", line, spec.date, stamp)
			}
			s.v, s.zone = x, int8(z)
			if dec.stamps == nil {
				dec.stamps = map[dates.Date][]stamped{}
			}
			dec.stamps[day] = append(dec.stamps[day], s)
			dec.mark(day)
			continue
		}
		switch f.kind {
		case kindCSVDaily:
			day, ok := stampDay(stamp)
			if !ok {
				return nil, fmt.Errorf("line %d: %s %q: not a date", line, spec.date, stamp)
			}
			dec.set(day, x)
		case kindCSVSamples:
			day, s, ok := parseCSVStamp(stamp, zone)
			if !ok {
				return nil, fmt.Errorf("line %d: %s %q: want yyyy-MM-ddTHH:mm:ss, with Z or an offset for UTC", line, spec.date, stamp)
			}
			s.v = x
			for i, c := range ei {
				if c < 0 || c >= len(rec) || strings.TrimSpace(rec[c]) == "" {
					continue
				}
				e, err := transform.NumOf(strings.TrimSpace(rec[c])).Float64()
				if err != nil || math.IsInf(e, 0) || math.IsNaN(e) {
					return nil, fmt.Errorf("line %d: %s %q: not a number", line, spec.extra[i], strings.TrimSpace(rec[c]))
				}
				s.extra[i] = e
				s.has |= 1 << i
			}
			if dec.stamps == nil {
				dec.stamps = map[dates.Date][]stamped{}
			}
			dec.stamps[day] = append(dec.stamps[day], s)
			lastDay = day
		}
	}
}

// csvError says where a CSV is broken.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d: %v (truncated or malformed CSV)", pe.Line, pe.Err)
	}
	return err
}

// stampDay is the date a daily row's timestamp names, as written: its
// date part, whatever the time and zone suffix after it.
func stampDay(s string) (dates.Date, bool) {
	switch {
	case len(s) >= 10 && s[4] == '-':
		s = s[:10]
	case len(s) >= 8 && s[2] == '/':
		s = s[:8]
	}
	return parseDay(s)
}

// parseCSVStamp reads a reading's time: "yyyy-MM-ddTHH:mm:ss[.SSS]" (or a
// space for T; or "yyyy-MM-ddTHH:mm", the seconds 0) is local wall clock;
// with "Z" or an offset it is an instant, placed on its local day in zone.
func parseCSVStamp(s string, zone *time.Location) (dates.Date, stamped, bool) {
	if len(s) == 16 && s[13] == ':' || len(s) > 16 && s[13] == ':' && (s[16] == 'Z' || s[16] == '+' || s[16] == '-') {
		s = s[:16] + ":00" + s[16:] // minutes only
	}
	if len(s) > 19 && (s[len(s)-1] == 'Z' || strings.ContainsAny(s[19:], "+-")) {
		t, err := time.Parse(time.RFC3339, strings.Replace(s, " ", "T", 1))
		if err != nil {
			return dates.Date{}, stamped{}, false
		}
		l := t.In(zone)
		return dates.Of(l), stamped{sec: int32(l.Hour()*3600 + l.Minute()*60 + l.Second()), utc: t.UnixMilli(), hasUTC: true}, true
	}
	day, sec, ok := parseStamp(s)
	if !ok || len(s) < 19 {
		return dates.Date{}, stamped{}, false
	}
	return day, stamped{sec: sec}, true
}

// weightEntry is a weight log as the archive holds it.
type weightEntry struct {
	LogID  transform.Num `json:"logId"`
	Weight transform.Num `json:"weight"`
	BMI    transform.Num `json:"bmi"`
	Fat    transform.Num `json:"fat"`
	Date   string        `json:"date"`
	Time   string        `json:"time"`
	Source *string       `json:"source"`
}

// decodeWeight decodes a file of weight logs (weight in pounds).
func decodeWeight(dec *decoded, f *family, data []byte) (*decoded, error) {
	var entries []weightEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, jsonError(data, err)
	}
	for i := range entries {
		e := &entries[i]
		bad := func(field string, err error) error {
			return fmt.Errorf("log %d (date %q, time %q): %s: %w", i+1, e.Date, e.Time, field, err)
		}
		day, ok := parseDay(e.Date)
		if !ok {
			return nil, bad("date", errors.New("want MM/DD/YY"))
		}
		if _, ok := transform.ParseClock(e.Time); !ok {
			return nil, bad("time", errors.New("want HH:MM:SS"))
		}
		id, err := e.LogID.Int64()
		if err != nil {
			return nil, bad("logId", err)
		}
		kg, err := f.convert(e.Weight)
		if err != nil {
			return nil, bad("weight", err)
		}
		lg := weightLog{id: id, day: day, time: e.Time, kg: kg}
		if e.BMI.Present() {
			if lg.bmi, err = e.BMI.Float64(); err != nil {
				return nil, bad("bmi", err)
			}
			lg.hasBMI = true
		}
		if e.Fat.Present() {
			if lg.fat, err = e.Fat.Float64(); err != nil {
				return nil, bad("fat", err)
			}
			lg.hasFat = true
		}
		if e.Source != nil {
			lg.source, lg.hasSource = *e.Source, true
		}
		if dec.weights == nil {
			dec.weights = map[dates.Date][]weightLog{}
		}
		dec.weights[day] = append(dec.weights[day], lg)
		dec.mark(day)
	}
	return dec, nil
}

// azmZone returns the index in azmZones of a heart_zone_id ("FAT_BURN",
// "fat burn", …), or -1.
func azmZone(id string) int {
	id = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(id), " ", "_"))
	for i, z := range azmZones {
		if z.id == id {
			return i
		}
	}
	return -1
}
