package dataset

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// The five activity intraday datasets (steps, calories, distance, floors,
// elevation) share this file: one request per local day,
// GET /1/user/-/activities/{resource}/date/{d}/1d/1min.json (scope
// activity), key activity/{resource}/1min/{d}. Fitbit lists every interval
// of the local day, zeros included and even for days with no sync; every
// entry becomes a row, because a zero is data ("still") as far as the API
// can tell. heart_rate is the signal for wear. The answer's
// activities-{resource}[0].value is the day's total, which daily_activity
// reuses. No Accept-Language is sent, so distance is in km and elevation in
// metres.

// actPoint is one entry of activities-{resource}-intraday.dataset; level and
// mets are set for calories only.
type actPoint = transform.IntradayPoint

// actRow parses the value columns of one entry and, when they are all
// valid, appends them (on error it appends nothing and records it in p).
type actRow func(p *transform.Parser, pt *actPoint)

// activityIntraday builds an activity intraday dataset. cols are the value
// columns after time_utc and time_local; row returns the appender of one
// entry for a builder.
func activityIntraday(name, resource, doc string, cols []arrow.Field, row func(c transform.Cols) actRow) *Dataset {
	fields := append([]arrow.Field{transform.TimeUTC(), transform.TimeLocal()}, cols...)
	return &Dataset{
		Name:    name,
		Doc:     doc,
		Kind:    TimeSeries,
		Version: 1,
		Schema:  arrow.NewSchema(fields, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes: []string{"activity"},
			Requests: func(_ Options, r dates.Range) []Request {
				return perDay(r, func(d dates.Date) Request { return activityDayRequest(resource, d) })
			},
			Transform: func(in Input, b *array.RecordBuilder) error {
				return activityTransform(in, b, resource, row)
			},
		}},
	}
}

// activityDayRequest is the one-day 1min intraday request of resource.
func activityDayRequest(resource string, d dates.Date) Request {
	return dayRequest("activity/"+resource+"/1min/"+d.String(),
		"/1/user/-/activities/"+resource+"/date/"+d.String()+"/1d/1min.json", d)
}

func activityTransform(in Input, b *array.RecordBuilder, resource string, row func(c transform.Cols) actRow) error {
	days, err := wantedDays(in, func(key string) bool {
		p := keyParts(key)
		return len(p) == 4 && p[0] == "activity" && p[1] == resource
	})
	if err != nil {
		return err
	}
	cols := transform.ColsOf(b)
	ts, add := cols.Series(), row(cols)
	intraday := "activities-" + resource + "-intraday"
	for _, dr := range days {
		p := transform.Parser{Dataset: in.Dataset, Day: dr.day}
		clock := transform.NewDayClock(in.Zone(dr.day), dr.day)
		err := scanIntradayPages(in.Dataset, dr.resp, intraday, func() error {
			return fmt.Errorf("%s %s: the answer has no %s: intraday data needs a Personal app (or Fitbit's approval for other app types)", in.Dataset, dr.day, intraday)
		}, func(pt *transform.IntradayPoint) error {
			p.At = pt.Time
			utc, wall, err := clock.Clock(pt.Time)
			if err != nil {
				p.Fail("time", err)
				return p.Err
			}
			add(&p, pt) // appends nothing when it fails
			if p.Err != nil {
				return p.Err
			}
			ts.Append(utc, wall)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
