package dataset

import (
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// The daily heart summary (resting heart rate and heart-rate zones) shared
// by resting_heart_rate and heart_rate_zones. When heart_rate is selected,
// its per-day intraday answer carries the day's summary, so these datasets
// reuse that request (same key) and cost nothing extra. Otherwise they plan
// the summary range GET /1/user/-/activities/heart/date/{start}/{end}.json in
// chunks of at most 365 days, key heart-summary/{start}_{end}, which both
// share. The transforms accept either kind of answer, at any detail.

// heartSummaryChunk is the longest range of one summary request (Fitbit: 1
// year).
const heartSummaryChunk = 365

func heartSummaryRequests(o Options, r dates.Range) []Request {
	if o.Selected["heart_rate"] {
		return perDay(r, func(d dates.Date) Request { return heartDayRequest(o, d) })
	}
	return chunked(r, heartSummaryChunk, func(c dates.Range) Request {
		return Request{
			Key:  rangeKey("heart-summary", c),
			Path: "/1/user/-/activities/heart/date/" + c.From.String() + "/" + c.To.String() + ".json",
			Days: c,
		}
	})
}

// isHeartSummaryKey matches the keys whose answers carry activities-heart.
func isHeartSummaryKey(key string) bool {
	p := keyParts(key)
	return isHeartDayKey(key) || (len(p) == 2 && p[0] == "heart-summary")
}

type heartZoneJSON struct {
	Name        string        `json:"name"`
	Min         transform.Num `json:"min"`
	Max         transform.Num `json:"max"`
	Minutes     transform.Num `json:"minutes"`
	CaloriesOut transform.Num `json:"caloriesOut"`
}

type heartSummaryValue struct {
	HeartRateZones   []heartZoneJSON `json:"heartRateZones"`
	RestingHeartRate transform.Num   `json:"restingHeartRate"`
}

type heartSummaryDoc struct {
	Days []struct {
		DateTime string            `json:"dateTime"`
		Value    heartSummaryValue `json:"value"`
	} `json:"activities-heart"`
}

// heartSummaries returns the wanted days' summaries (later answers win).
func heartSummaries(in Input) (map[dates.Date]heartSummaryValue, error) {
	out := map[dates.Date]heartSummaryValue{}
	for _, resp := range in.Responses {
		if !isHeartSummaryKey(resp.Request.Key) {
			continue
		}
		err := decodePages(in.Dataset, resp, func(doc *heartSummaryDoc) error {
			for _, e := range doc.Days {
				d, err := parseDay(in.Dataset, resp.Request.Key, "activities-heart.dateTime", e.DateTime)
				if err != nil {
					return err
				}
				if in.Want(d, resp.Request.Key) {
					out[d] = e.Value
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
