package dataset

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// Sleep logs, shared by sleep_sessions and sleep_stages.
//
// Fitbit: GET /1.2/user/-/sleep/date/{start}/{end}.json (scope sleep) in
// chunks of at most 100 days, key sleep/{start}_{end}. A log belongs to its
// dateOfSleep (the day it ended). Its times are wall clock in the profile
// zone, "yyyy-MM-ddTHH:mm:ss.SSS", with no offset.
//
// Time zones: a session's start is resolved in the zone of its dateOfSleep
// (a start inside a repeated fall-back hour takes the first occurrence).
// Fitbit appears to write every time of a session — endTime and each
// level's dateTime — at the UTC offset in force when the session started,
// even when a DST change happens during the night, so every later time t of
// the session is read as t − that offset: the stages of a session spanning
// the fall-back night stay distinct and increasing. end_utc is start_utc +
// duration, which holds whatever offset convention endTime follows (with
// the start's offset the two agree). end_local and the stages' start_local
// are the user's real wall clock at those instants (the instant read in the
// zone), not the session-start-offset text Fitbit sends: on a DST night they
// show the change, exactly as the Google Health source does.
//
// Google Health: the sleep type, filtered on sleep.interval.civil_end_time
// (the only field sleep filters on), so a session belongs to the local day
// it ends on, like Fitbit's dateOfSleep; 14 days per request at the type's
// largest page size (25), key g/{mode}/sleep/{start}_{end}. Every time
// comes with its own offset (interval.startUtcOffset, endUtcOffset, each
// stage's startUtcOffset): start_local, end_local and the stages' wall
// clocks use them, so a session spanning a DST change shows the change.
// date_of_sleep is the date of endTime + endUtcOffset. log_id is derived
// from the data point's name (see gSleepID): the same session keeps its
// log_id across fetches. In list mode a session recorded by two devices
// appears twice, with two log_ids.

// sleepChunk is the longest range of one sleep request.
const sleepChunk = 100

func sleepRequests(_ Options, r dates.Range) []Request {
	return chunked(r, sleepChunk, func(c dates.Range) Request {
		return Request{
			Key:  rangeKey("sleep", c),
			Path: "/1.2/user/-/sleep/date/" + c.From.String() + "/" + c.To.String() + ".json",
			Days: c,
		}
	})
}

type sleepLevel struct {
	DateTime string        `json:"dateTime"`
	Level    string        `json:"level"`
	Seconds  transform.Num `json:"seconds"`
}

type sleepLogJSON struct {
	LogID               transform.Num `json:"logId"`
	DateOfSleep         string        `json:"dateOfSleep"`
	StartTime           string        `json:"startTime"`
	EndTime             string        `json:"endTime"`
	Duration            transform.Num `json:"duration"`
	Efficiency          transform.Num `json:"efficiency"`
	IsMainSleep         *bool         `json:"isMainSleep"`
	InfoCode            transform.Num `json:"infoCode"`
	LogType             *string       `json:"logType"`
	MinutesAfterWakeup  transform.Num `json:"minutesAfterWakeup"`
	MinutesAsleep       transform.Num `json:"minutesAsleep"`
	MinutesAwake        transform.Num `json:"minutesAwake"`
	MinutesToFallAsleep transform.Num `json:"minutesToFallAsleep"`
	TimeInBed           transform.Num `json:"timeInBed"`
	Type                *string       `json:"type"`
	Levels              struct {
		Data      []sleepLevel `json:"data"`
		ShortData []sleepLevel `json:"shortData"`
		Summary   map[string]struct {
			Minutes transform.Num `json:"minutes"`
		} `json:"summary"`
	} `json:"levels"`
}

type sleepDoc struct {
	Sleep []sleepLogJSON `json:"sleep"`
}

// sleepLog is a log with its times resolved.
type sleepLog struct {
	raw        *sleepLogJSON
	id         int64
	day        dates.Date
	startUTC   int64 // Unix ms
	startWall  int64 // wall ms
	offset     int64 // ms east of UTC in force at the start
	durationMS int64
	endUTC     int64
	endWall    int64
}

// sleepLogs returns the wanted logs (later answers win for a logId), in
// start order.
func sleepLogs(in Input) ([]*sleepLog, error) {
	byID := map[int64]*sleepLog{}
	for _, resp := range in.Responses {
		if p := keyParts(resp.Request.Key); len(p) != 2 || p[0] != "sleep" {
			continue
		}
		err := decodePages(in.Dataset, resp, func(doc *sleepDoc) error {
			for i := range doc.Sleep {
				raw := &doc.Sleep[i]
				d, err := parseDay(in.Dataset, resp.Request.Key, "dateOfSleep", raw.DateOfSleep)
				if err != nil {
					return err
				}
				if !in.Want(d, resp.Request.Key) {
					continue
				}
				lg, err := resolveSleep(in, d, raw)
				if err != nil {
					return err
				}
				byID[lg.id] = lg
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]*sleepLog, 0, len(byID))
	for _, lg := range byID {
		out = append(out, lg)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].startUTC != out[j].startUTC {
			return out[i].startUTC < out[j].startUTC
		}
		return out[i].id < out[j].id
	})
	return out, nil
}

func resolveSleep(in Input, d dates.Date, raw *sleepLogJSON) (*sleepLog, error) {
	p := transform.Parser{Dataset: in.Dataset, Day: d}
	lg := &sleepLog{raw: raw, day: d}
	lg.id = p.Int64("logId", raw.LogID)
	lg.durationMS = p.Int64("duration", raw.Duration)
	if p.Err != nil {
		return nil, p.Err
	}
	p.At = fmt.Sprintf("log %d", lg.id)
	start, err := transform.ParseWall(raw.StartTime)
	if err != nil {
		p.Fail("startTime", err)
		return nil, p.Err
	}
	if lg.durationMS < 0 {
		p.Fail("duration", fmt.Errorf("negative: %d", lg.durationMS))
		return nil, p.Err
	}
	lg.startWall = start
	lg.startUTC, lg.offset = transform.SessionStart(in.Zone(d), start)
	lg.endUTC = lg.startUTC + lg.durationMS
	if raw.EndTime != "" {
		if _, err = transform.ParseWall(raw.EndTime); err != nil {
			p.Fail("endTime", err)
			return nil, p.Err
		}
	}
	lg.endWall = wallOf(lg.endUTC, in.Zone(d))
	return lg, nil
}

// wallOf is the wall clock (ms, as if UTC) of instant utcMs in loc.
func wallOf(utcMs int64, loc *time.Location) int64 {
	_, off := time.UnixMilli(utcMs).In(loc).Zone()
	return utcMs + int64(off)*1000
}

// gSleep is the Google sleep type: 14 days a request, 25 sessions a page.
func gSleep() gType {
	return gType{name: "sleep", filter: gSession, days: 14, pageSize: 25}
}

func gSleepRequests(o Options, r dates.Range) []Request { return gSleep().requests(o, r, "") }

// gSleepLog is a Google sleep session with its times resolved (Unix ms and
// wall ms).
type gSleepLog struct {
	s                   *health.Sleep
	id                  int64
	day                 dates.Date
	startUTC, startWall int64
	endUTC, endWall     int64
}

// googleSleepLogs returns the wanted sessions (a later answer wins for a
// log_id), in start order.
func googleSleepLogs(in Input) ([]*gSleepLog, error) {
	t := gSleep()
	byID := map[int64]*gSleepLog{}
	for _, resp := range in.Responses {
		key := resp.Request.Key
		if !t.owns(key) {
			continue
		}
		err := gPoints(in.Dataset, resp, func(p *health.DataPoint) error {
			s := p.Sleep
			if s == nil || s.Interval == nil {
				return fmt.Errorf("%s: response %s: data point %s has no sleep.interval", in.Dataset, key, p.Name)
			}
			lg := &gSleepLog{s: s}
			var err error
			if lg.id, err = gSleepID(p.Name); err != nil {
				return fmt.Errorf("%s: response %s: %w", in.Dataset, key, err)
			}
			if lg.startUTC, lg.startWall, err = gStamp(s.Interval.StartTime, s.Interval.StartUtcOffset); err != nil {
				return fmt.Errorf("%s: response %s: session %s: field interval.startTime/startUtcOffset: %w", in.Dataset, key, p.Name, err)
			}
			if lg.endUTC, lg.endWall, err = gStamp(s.Interval.EndTime, s.Interval.EndUtcOffset); err != nil {
				return fmt.Errorf("%s: response %s: session %s: field interval.endTime/endUtcOffset: %w", in.Dataset, key, p.Name, err)
			}
			lg.day = transform.WallDate(lg.endWall)
			if !in.Want(lg.day, key) {
				return nil
			}
			if lg.endUTC < lg.startUTC {
				return fmt.Errorf("%s %s: session %s: field interval: ends before it starts", in.Dataset, lg.day, p.Name)
			}
			byID[lg.id] = lg
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]*gSleepLog, 0, len(byID))
	for _, lg := range byID {
		out = append(out, lg)
	}
	slices.SortFunc(out, func(a, b *gSleepLog) int { return cmp.Or(cmp.Compare(a.startUTC, b.startUTC), cmp.Compare(a.id, b.id)) })
	return out, nil
}

// gStageLevel is the sleep_stages level of a Google stage type: lower case,
// with AWAKE as "wake" in stages sessions (Fitbit's word there) and "awake"
// in classic ones.
func gStageLevel(sessionType, stage string) string {
	if stage == "AWAKE" && sessionType == "STAGES" {
		return "wake"
	}
	return strings.ToLower(stage)
}
