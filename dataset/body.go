package dataset

import (
	"encoding/json"
	"fmt"
	"sort"

	health "google.golang.org/api/health/v4"

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
//
// Google Health: the weight and body-fat sample types (see google_more.go),
// 365 days a request, keys g/{mode}/weight/{start}_{end} and
// g/{mode}/body-fat/{start}_{end}. A log's time is its
// sampleTime.physicalTime and wall clock physicalTime + utcOffset; log_id
// is derived from the data point's name like sleep's (gSleepID: the id
// itself when decimal, as Fitbit-era logs keep their logId, else a stable
// hash); source is the list point's device name, else its recording method
// (MANUAL), null in reconcile mode (reconciled points carry no source).
// weight's fat_percent is the body-fat point at the same instant (weight
// plans the body-fat requests too; the planner sends them once when
// body_fat is exported as well); bmi is null (Google has no BMI).

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

func gWeightType() gType  { return gSampleType("weight", gBodyDays) }
func gBodyFatType() gType { return gSampleType("body-fat", gBodyDays) }

// gBodyLog is a weight or body-fat point read.
type gBodyLog struct {
	v      float64 // kg or percent
	id     int64
	source *string
}

// gBodyLogs reads the points of t (weight or body-fat) in time order.
func gBodyLogs(in Input, t gType) ([]gRow[gBodyLog], error) {
	payload := "weight"
	if t.name == "body-fat" {
		payload = "bodyFat"
	}
	return gSampleRows(in, t, payload,
		func(p *health.DataPoint) *health.ObservationSampleTime {
			switch {
			case t.name == "weight" && p.Weight != nil:
				return p.Weight.SampleTime
			case t.name == "body-fat" && p.BodyFat != nil:
				return p.BodyFat.SampleTime
			}
			return nil
		},
		func(p *health.DataPoint, d dates.Date, wall int64) (gBodyLog, bool, error) {
			var lg gBodyLog
			var err error
			if t.name == "weight" {
				lg.v = p.Weight.WeightGrams / 1000
				err = gCheck(in.Dataset, d, wall, "weight.weightGrams", p.Weight.WeightGrams, 0, 1e6)
			} else {
				lg.v = p.BodyFat.Percentage
				err = gCheck(in.Dataset, d, wall, "bodyFat.percentage", lg.v, 0, 100)
			}
			if err != nil {
				return lg, false, err
			}
			if lg.id, err = gSleepID(p.Name); err != nil {
				return lg, false, fmt.Errorf("%s %s %s: field name: %w", in.Dataset, d, gAt(wall), err)
			}
			lg.source = gSource(p)
			return lg, lg.v != 0, nil
		})
}
