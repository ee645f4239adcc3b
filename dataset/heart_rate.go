package dataset

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// heart_rate: intraday heart rate, one request per day.
//
// Fitbit: GET /1/user/-/activities/heart/date/{d}/1d/{detail}.json (scope
// heartrate), one per local day, key heart/{detail}/{d}. Rows come from
// activities-heart-intraday.dataset, whose times are the wall clock of the
// day in the profile zone (see transform.DayClock for DST). Minutes with no
// wear are simply missing, so heart rate is the wear signal (activity
// intraday lists zeros whether worn or not). The same answer carries the
// day's summary, which resting_heart_rate and heart_rate_zones reuse.

func heartRate() *Dataset {
	return &Dataset{
		Name:    "heart_rate",
		Doc:     "Heart rate samples through the day (every 1 s to 15 min, per --heart-detail); missing samples mean the tracker was not worn.",
		Kind:    TimeSeries,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.TimeUTC(),
			transform.TimeLocal(),
			transform.Int32("bpm", false, "Heart rate (mean over the interval for 1min/5min/15min detail).", "beats/min"),
		}, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes: []string{"heartrate"},
			Requests: func(o Options, r dates.Range) []Request {
				return perDay(r, func(d dates.Date) Request { return heartDayRequest(o, d) })
			},
			Transform: heartRateTransform,
		}},
	}
}

// heartDetail is o.HeartDetail, 1min when unset.
func heartDetail(o Options) string {
	if o.HeartDetail == "" {
		return "1min"
	}
	return o.HeartDetail
}

// heartDayRequest is the one-day heart-rate intraday request.
func heartDayRequest(o Options, d dates.Date) Request {
	det := heartDetail(o)
	return dayRequest("heart/"+det+"/"+d.String(),
		"/1/user/-/activities/heart/date/"+d.String()+"/1d/"+det+".json", d)
}

// isHeartDayKey matches heart/{detail}/{d}.
func isHeartDayKey(key string) bool {
	p := keyParts(key)
	return len(p) == 3 && p[0] == "heart"
}

type intradayPoint struct {
	Time  string        `json:"time"`
	Value transform.Num `json:"value"`
}

type heartIntradayDoc struct {
	Intraday *struct {
		Dataset []intradayPoint `json:"dataset"`
	} `json:"activities-heart-intraday"`
}

func heartRateTransform(in Input, b *array.RecordBuilder) error {
	days, err := wantedDays(in, isHeartDayKey)
	if err != nil {
		return err
	}
	cols := transform.ColsOf(b)
	ts, bpm := cols.Series(), cols.Int32("bpm")
	for _, dr := range days {
		p := transform.Parser{Dataset: in.Dataset, Day: dr.day}
		clock := transform.NewDayClock(in.Zone(dr.day), dr.day)
		err := decodePages(in.Dataset, dr.resp, func(doc *heartIntradayDoc) error {
			if doc.Intraday == nil {
				return fmt.Errorf("%s %s: the answer has no activities-heart-intraday: intraday data needs a Personal app (or Fitbit's approval for other app types)", in.Dataset, dr.day)
			}
			for _, pt := range doc.Intraday.Dataset {
				p.At = pt.Time
				utc, wall, err := clock.Clock(pt.Time)
				if err != nil {
					p.Fail("time", err)
					break
				}
				v := p.Int32("bpm", pt.Value)
				if p.Err != nil {
					break
				}
				ts.Append(utc, wall)
				bpm.Append(v)
			}
			return p.Err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
