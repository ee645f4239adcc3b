package dataset

import (
	"fmt"
	"sort"

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
// the start's offset the two agree); end_local keeps endTime as received.

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
	lg.endWall = start + lg.durationMS
	if raw.EndTime != "" {
		if lg.endWall, err = transform.ParseWall(raw.EndTime); err != nil {
			p.Fail("endTime", err)
			return nil, p.Err
		}
	}
	return lg, nil
}
