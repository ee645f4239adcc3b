package takeout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// Exercises: Global Export Data/exercise-{index}.json, each a JSON array
// of up to 100 activity-log objects as the API's activities/list returns
// them. The number in a file's name is an index (0, 100, 200, …), not a
// date, so Open decodes every exercise file once (they are small: 100
// logs) and keeps only the span of local days its logs start on; a request
// then reads the files whose span reaches the days asked for, through the
// cache like any file. A file that holds nothing, or is malformed
// (reported at Open), is never read again.

// Family names of the JSON families this file and nightly.go add.
const (
	famExercise       = "exercise"
	famVO2Demographic = "demographic_vo2_max"
	famVO2Run         = "run_vo2_max"
)

// exerciseLog is one activity log of an exercise file.
type exerciseLog struct {
	id  int64
	day dates.Date // the local day it starts on
	// sec is the wall-clock second of day of startTime, when it is local
	// (the archive's form); utc the instant (Unix ms) when startTime
	// carries an offset (the API's form).
	sec    int32
	utc    int64
	hasUTC bool
	// fields is the log as the archive holds it; startTime and
	// originalStartTime are rewritten when rendered.
	fields map[string]json.RawMessage
	start  string
}

// exerciseHead is what the importer itself reads of a log: its id and
// startTime (the archive's form). Every other field is checked by
// dataset.CheckFitbitActivityLog, the exercises transform's own rules.
type exerciseHead struct {
	LogID     transform.Num `json:"logId"`
	StartTime *string       `json:"startTime"`
}

// decodeExercises decodes an exercise file. A log the Fitbit transform
// could not read (no logId, startTime or duration, a field of the wrong
// type) makes the file malformed: it is reported with the log's line and
// skipped.
func decodeExercises(dec *decoded, data []byte) (*decoded, error) {
	err := eachElement(data, func(i, line int, raw json.RawMessage) error {
		var c exerciseHead
		if err := json.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("line %d: log %d: %w", line, i+1, err)
		}
		id, err := c.LogID.Int64()
		if err != nil {
			return fmt.Errorf("line %d: log %d: logId %q: not an id", line, i+1, c.LogID.String())
		}
		bad := func(err error) error { return fmt.Errorf("line %d: log %d (logId %d): %w", line, i+1, id, err) }
		if c.StartTime == nil {
			return bad(errors.New("startTime: missing"))
		}
		lg := exerciseLog{id: id, start: *c.StartTime}
		var ok bool
		if lg.day, lg.sec, lg.utc, lg.hasUTC, ok = parseLogStart(*c.StartTime); !ok {
			return bad(fmt.Errorf("startTime %q: want MM/DD/YY HH:MM:SS", *c.StartTime))
		}
		if err := dataset.CheckFitbitActivityLog(raw); err != nil {
			return bad(err)
		}
		if err := json.Unmarshal(raw, &lg.fields); err != nil {
			return bad(err)
		}
		dec.exercises = append(dec.exercises, lg)
		dec.mark(lg.day)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return dec, nil
}

// parseLogStart reads an activity log's startTime: "MM/DD/YY HH:MM:SS" or
// "yyyy-MM-ddTHH:mm:ss[.SSS]", local wall clock (the day and second of
// day), or with an offset or "Z" (the API's form: the instant, on the day
// its own wall clock names).
func parseLogStart(s string) (day dates.Date, sec int32, utc int64, hasUTC, ok bool) {
	if len(s) > 19 && (s[len(s)-1] == 'Z' || strings.ContainsAny(s[19:], "+-")) {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return dates.Date{}, 0, 0, false, false
		}
		y, m, d := t.Date()
		return dates.Date{Year: y, Month: m, Day: d}, int32(t.Hour()*3600 + t.Minute()*60 + t.Second()), t.UnixMilli(), true, true
	}
	if len(s) != 17 && len(s) < 19 {
		return dates.Date{}, 0, 0, false, false
	}
	day, sec, ok = parseStamp(s)
	return day, sec, 0, false, ok
}

// indexExercises decodes every exercise file once (Open) and records the
// span of days its logs start on; files are ordered by that span, those
// with no logs last. Malformed files are reported here.
func (a *Archive) indexExercises() {
	refs := a.files[famExercise]
	for _, ref := range refs {
		dec := a.decode(ref)
		ref.start, ref.last = dec.first, dec.last
	}
	sort.SliceStable(refs, func(i, j int) bool {
		x, y := refs[i], refs[j]
		if x.start.IsZero() != y.start.IsZero() {
			return y.start.IsZero()
		}
		if x.start != y.start {
			return x.start.Before(y.start)
		}
		return x.index < y.index
	})
}

// parseIndexedName splits "exercise-100.json" into its family and index.
func parseIndexedName(base string) (string, int, bool) {
	stem, ok := strings.CutSuffix(base, ".json")
	if !ok {
		return "", 0, false
	}
	fam, num, ok := strings.Cut(stem, "-")
	if !ok || fam != famExercise || num == "" {
		return "", 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return "", 0, false
	}
	return fam, n, true
}

// exercises renders GET /1/user/-/activities/list.json?afterDate={d}&sort=asc&limit={n}&offset={k}
// and the pages pagination.next leads to: the logs that start on or after
// afterDate (the list runs on to the newest log, as the API's does), in
// start order, each once (a logId listed twice: the later file's copy, at
// the first copy's instant when its startTime is the same),
// limit to a page. startTime gets the UTC offset in force: a local
// startTime is resolved like every local time of the archive (in file
// order, so a log in the repeated hour of a fall-back night takes the
// earlier offset unless an earlier log of the day started later on the
// clock).
func (a *Archive) exercises(ctx context.Context, req dataset.Request, notHere func(string) error) ([][]byte, error) {
	if !a.has(famExercise) {
		return nil, notHere("the archive has no exercise files")
	}
	u, err := url.Parse(req.Path)
	if err != nil {
		return nil, notHere("bad path")
	}
	q := u.Query()
	if req.Path == "" { // a request known by its key only: the list after its first day
		r, err := keyRange(req, strings.TrimPrefix(req.Key, "exercises/"))
		if err != nil {
			return nil, notHere(err.Error())
		}
		q.Set("afterDate", r.From.String())
	}
	after, err := dates.Parse(q.Get("afterDate"))
	if err != nil {
		return nil, notHere("only the afterDate form of the activity list is served")
	}
	if s := q.Get("sort"); s != "" && s != "asc" {
		return nil, notHere("only sort=asc is served with afterDate")
	}
	limit, offset := 100, 0
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 100 {
			return nil, notHere("limit must be 1 to 100")
		}
	}
	if s := q.Get("offset"); s != "" {
		if offset, err = strconv.Atoi(s); err != nil || offset < 0 {
			return nil, notHere("bad offset")
		}
	}

	type resolved struct {
		lg  *exerciseLog
		utc int64
	}
	var logs []resolved
	at := map[int64]int{}
	clocks := map[dates.Date]*day{}
	for _, ref := range a.files[famExercise] {
		if ref.last.IsZero() || ref.last.Before(after) {
			continue
		}
		dec, err := a.loadFile(ctx, ref)
		if err != nil {
			return nil, err
		}
		for i := range dec.exercises {
			lg := &dec.exercises[i]
			if lg.day.Before(after) {
				continue
			}
			r := resolved{lg: lg, utc: lg.utc}
			k, dup := at[lg.id]
			if dup && logs[k].lg.start == lg.start {
				// The same log listed again (another file): it started
				// when the first copy did; the clock is not read again.
				r.utc = logs[k].utc
			} else if !lg.hasUTC {
				dy := clocks[lg.day]
				if dy == nil {
					x := a.day(lg.day)
					dy = &x
					clocks[lg.day] = dy
				}
				r.utc = dy.instant(lg.sec)
			}
			if dup {
				logs[k] = r // the later copy
				continue
			}
			at[lg.id] = len(logs)
			logs = append(logs, r)
		}
	}
	sort.SliceStable(logs, func(i, j int) bool {
		if logs[i].utc != logs[j].utc {
			return logs[i].utc < logs[j].utc
		}
		return logs[i].lg.id < logs[j].lg.id
	})

	link := func(off int) string {
		v := url.Values{"afterDate": {after.String()}, "sort": {"asc"}, "limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa(off)}}
		return "https://api.fitbit.com/1/user/-/activities/list.json?" + v.Encode()
	}
	var pages [][]byte
	for off := offset; ; off += limit {
		b := []byte(`{"activities":[`)
		for i := off; i < len(logs) && i < off+limit; i++ {
			if i > off {
				b = append(b, ',')
			}
			body, err := a.renderLog(logs[i].lg, logs[i].utc)
			if err != nil {
				return nil, err
			}
			b = append(b, body...)
		}
		next, prev := "", ""
		if off+limit < len(logs) {
			next = link(off + limit)
		}
		if off > 0 {
			prev = link(max(0, off-limit))
		}
		pg, err := json.Marshal(map[string]any{"afterDate": after.String(), "limit": limit, "next": next,
			"offset": off, "previous": prev, "sort": "asc"})
		if err != nil {
			return nil, err
		}
		b = append(b, `],"pagination":`...)
		b = append(b, pg...)
		pages = append(pages, append(b, '}'))
		if next == "" {
			return pages, nil
		}
	}
}

// logLayout is the API's startTime: local wall clock with its offset.
const logLayout = "2006-01-02T15:04:05.000-07:00"

// renderLog renders one log as the API lists it: the archive's object with
// startTime (and originalStartTime) as local wall clock with the offset in
// force at utc.
func (a *Archive) renderLog(lg *exerciseLog, utc int64) ([]byte, error) {
	m := make(map[string]json.RawMessage, len(lg.fields))
	for k, v := range lg.fields {
		m[k] = v
	}
	if !lg.hasUTC {
		start := time.UnixMilli(utc).In(a.zone).Format(logLayout)
		m["startTime"], _ = json.Marshal(start)
		if raw, ok := lg.fields["originalStartTime"]; ok {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				if s == lg.start {
					m["originalStartTime"] = m["startTime"]
				} else if day, sec, _, has, ok := parseLogStart(s); ok && !has {
					// Another time: its first occurrence on its own day.
					dy := a.day(day)
					m["originalStartTime"], _ = json.Marshal(time.UnixMilli(dy.instant(sec)).In(a.zone).Format(logLayout))
				}
			}
		}
	}
	return json.Marshal(m)
}
