package dataset

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// Body logs, shared by weight and body_fat.
//
// Fitbit: GET /1/user/-/body/log/weight/date/{start}/{end}.json (at most 31
// days, key weight/{start}_{end}) and /1/user/-/body/log/fat/date/{start}/{end}.json
// (at most 30 days, key fat/{start}_{end}), scope weight. A log carries its
// local "date" and "time" (HH:mm:ss, wall clock in the profile zone, read
// with a transform.DayClock: a time in a repeated fall-back hour is taken
// at its first occurrence) and a logId; a log fetched twice (a refetch)
// keeps the later copy. No Accept-Language is sent, so weight is in kg.

const (
	weightChunk = 31
	fatChunk    = 30
)

type bodyLogJSON struct {
	BMI    transform.Num `json:"bmi"`
	Date   string        `json:"date"`
	Fat    transform.Num `json:"fat"`
	LogID  transform.Num `json:"logId"`
	Source *string       `json:"source"`
	Time   string        `json:"time"`
	Weight transform.Num `json:"weight"`
}

// bodyLog is a log with its time resolved.
type bodyLog struct {
	raw       *bodyLogJSON
	id        int64
	utc, wall int64
}

// bodyLogs returns the wanted logs of the responses of kind whose answers
// list them under field, in time order (then logId).
func bodyLogs(in Input, kind, field string) ([]bodyLog, error) {
	byID := map[int64]bodyLog{}
	for _, resp := range in.Responses {
		if keyKind(resp.Request.Key) != kind {
			continue
		}
		err := decodePages(in.Dataset, resp, func(doc *map[string]json.RawMessage) error {
			logs, err := listOf[bodyLogJSON]((*doc)[field])
			if err != nil {
				return fmt.Errorf("%s: response %s: %s: %w", in.Dataset, resp.Request.Key, field, err)
			}
			for i := range logs {
				raw := &logs[i]
				d, err := parseDay(in.Dataset, resp.Request.Key, field+".date", raw.Date)
				if err != nil {
					return err
				}
				if !in.Want(d, resp.Request.Key) {
					continue
				}
				p := transform.Parser{Dataset: in.Dataset, Day: d, At: raw.Time}
				id := p.Int64("logId", raw.LogID)
				if p.Err != nil {
					return p.Err
				}
				utc, wall, err := transform.NewDayClock(in.Zone(d), d).Clock(raw.Time)
				if err != nil {
					p.Fail("time", err)
					return p.Err
				}
				byID[id] = bodyLog{raw, id, utc, wall}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]bodyLog, 0, len(byID))
	for _, lg := range byID {
		out = append(out, lg)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].utc != out[j].utc {
			return out[i].utc < out[j].utc
		}
		return out[i].id < out[j].id
	})
	return out, nil
}

// bodyDay is the day a log belongs to, for error messages.
func bodyDay(lg bodyLog) dates.Date { return transform.WallDate(lg.wall) }
