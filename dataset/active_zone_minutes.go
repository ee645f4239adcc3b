package dataset

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// active_zone_minutes: the minutes that earned Active Zone Minutes, one row
// per minute and heart-rate zone (a fat-burn minute earns 1, a cardio or
// peak minute 2). Minutes that earned nothing have no row.
//
// Fitbit: GET /1/user/-/activities/active-zone-minutes/date/{d}/1d/1min.json
// (scope activity), one request per local day, key azm/1min/{d}. Two shapes
// of activities-active-zone-minutes-intraday are documented and both are
// accepted:
//   - Fitbit's reference: an array of {"dateTime","minutes":[{"minute":"2026-11-20T07:31:00","value":{…}}]};
//   - a community spec: {"dataset":[{"time":"07:31:00","value":{…}}],"datasetInterval":1,"datasetType":"minute"}
//     (also inside such an array).
//
// value holds activeZoneMinutes and fatBurnActiveZoneMinutes,
// cardioActiveZoneMinutes, peakActiveZoneMinutes; each positive zone value is
// a row (zone fat_burn, cardio or peak). A value without the per-zone
// fields — or a bare number — is one row of zone "total". Times are wall
// clock of the local day, read in order with a transform.DayClock. The list
// is sparse, so in the repeated hour of a fall-back day a minute is taken
// at its second occurrence only once an earlier clock time follows a later
// one; the sleeping hours of that night rarely earn AZM.
//
// Google Health: the active-zone-minutes interval type (see
// google_more.go), 30 days a request, key
// g/{mode}/active-zone-minutes/{start}_{end}; a row per point at its
// interval's start, zone ← heartRateZone (FAT_BURN, CARDIO, PEAK → fat_burn,
// cardio, peak; another zone is an error), minutes ← activeZoneMinutes (a
// point of 0 has no row). A point longer than a minute stays one row.

func activeZoneMinutes() *Dataset {
	return &Dataset{
		Name:    "active_zone_minutes",
		Doc:     "Active Zone Minutes per minute and heart-rate zone (fat_burn earns 1 a minute, cardio and peak 2); minutes that earned none have no row.",
		Kind:    TimeSeries,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.TimeUTC(),
			transform.TimeLocal(),
			transform.String("zone", false, "Heart-rate zone: fat_burn, cardio or peak (total when the source gives no breakdown)."),
			transform.Int32("minutes", false, "Active Zone Minutes earned in the minute in this zone.", "min"),
		}, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes: []string{"activity"},
			Requests: func(_ Options, r dates.Range) []Request {
				return perDay(r, func(d dates.Date) Request {
					return dayRequest("azm/1min/"+d.String(), "/1/user/-/activities/active-zone-minutes/date/"+d.String()+"/1d/1min.json", d)
				})
			},
			Transform: activeZoneMinutesTransform,
		}, Google: activeZoneMinutesGoogle()},
	}
}

// azmValueJSON is an AZM value: an object, or a bare number (the total).
type azmValueJSON struct {
	Total   transform.Num `json:"activeZoneMinutes"`
	FatBurn transform.Num `json:"fatBurnActiveZoneMinutes"`
	Cardio  transform.Num `json:"cardioActiveZoneMinutes"`
	Peak    transform.Num `json:"peakActiveZoneMinutes"`
}

func (v *azmValueJSON) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '{' {
		*v = azmValueJSON{}
		return v.Total.UnmarshalJSON(b)
	}
	type plain azmValueJSON
	return json.Unmarshal(b, (*plain)(v))
}

type azmPointJSON struct {
	Minute string       `json:"minute"`
	Time   string       `json:"time"`
	Value  azmValueJSON `json:"value"`
}

type azmBlockJSON struct {
	DateTime string         `json:"dateTime"`
	Minutes  []azmPointJSON `json:"minutes"`
	Dataset  []azmPointJSON `json:"dataset"`
}

// azmZone is one zone's value of a minute.
type azmZone struct {
	name string
	n    transform.Num
}

const azmIntradayField = "activities-active-zone-minutes-intraday"

func activeZoneMinutesTransform(in Input, b *array.RecordBuilder) error {
	days, err := wantedDays(in, kindIs("azm/1min"))
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	ts, zone, mins := c.Series(), c.String("zone"), c.Int32("minutes")
	type row struct {
		utc, wall int64
		order     int
		zone      string
		n         int32
	}
	for _, dr := range days {
		var rows []row
		p := transform.Parser{Dataset: in.Dataset, Day: dr.day}
		clock := transform.NewDayClock(in.Zone(dr.day), dr.day)
		err := decodePages(in.Dataset, dr.resp, func(doc *map[string]json.RawMessage) error {
			raw, ok := (*doc)[azmIntradayField]
			if !ok {
				return fmt.Errorf("%s %s: the answer has no %s: intraday data needs a Personal app (or Fitbit's approval for other app types)", in.Dataset, dr.day, azmIntradayField)
			}
			blocks, err := listOf[azmBlockJSON](raw)
			if err != nil {
				return fmt.Errorf("%s %s: %s: %w", in.Dataset, dr.day, azmIntradayField, err)
			}
			for _, bl := range blocks {
				for _, pt := range append(bl.Minutes, bl.Dataset...) {
					var utc, wall int64
					var err error
					switch {
					case pt.Minute != "":
						p.At = pt.Minute
						if wall, err = transform.ParseWall(pt.Minute); err == nil {
							utc = clock.At(wall)
						}
					default:
						p.At = pt.Time
						utc, wall, err = clock.Clock(pt.Time)
					}
					if err != nil {
						p.Fail("minute", err)
						return p.Err
					}
					v := pt.Value
					split := v.FatBurn.Present() || v.Cardio.Present() || v.Peak.Present()
					zones := []azmZone{{"fat_burn", v.FatBurn}, {"cardio", v.Cardio}, {"peak", v.Peak}}
					if !split {
						zones = []azmZone{{"total", v.Total}}
					}
					for i, z := range zones {
						if !z.n.Present() {
							continue
						}
						n := p.Int32("value."+z.name, z.n)
						if p.Err != nil {
							return p.Err
						}
						if n > 0 {
							rows = append(rows, row{utc, wall, i, z.name, n})
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		sort.SliceStable(rows, func(i, j int) bool {
			if rows[i].utc != rows[j].utc {
				return rows[i].utc < rows[j].utc
			}
			return rows[i].order < rows[j].order
		})
		for _, r := range rows {
			ts.Append(r.utc, r.wall)
			zone.Append(r.zone)
			mins.Append(r.n)
		}
	}
	return nil
}

func activeZoneMinutesGoogle() Spec {
	t := gType{name: "active-zone-minutes", filter: gInterval, days: gAZMDays, pageSize: 10000}
	return Spec{
		Scopes:    []string{googleScopeActivity},
		Requests:  func(o Options, r dates.Range) []Request { return t.requests(o, r, "") },
		Transform: activeZoneMinutesGoogleTransform,
		Notes:     "Zone total never occurs: every point names its heart-rate zone.",
		ColumnNotes: map[string]string{
			"time_utc":   "The interval's startTime.",
			"time_local": "Derived: startTime + startUtcOffset as the API gives it (no profile zone).",
			"zone":       "Derived: heartRateZone in lower case (FAT_BURN → fat_burn, CARDIO → cardio, PEAK → peak).",
		},
	}
}

// gAZMZones maps Google's heart-rate zones to the zone column and its
// order within a minute (as the Fitbit rows).
var gAZMZones = map[string]struct {
	name  string
	order int
}{"FAT_BURN": {"fat_burn", 0}, "CARDIO": {"cardio", 1}, "PEAK": {"peak", 2}}

func activeZoneMinutesGoogleTransform(in Input, b *array.RecordBuilder) error {
	t := gType{name: "active-zone-minutes", filter: gInterval, days: gAZMDays, pageSize: 10000}
	type row struct {
		utc, wall int64
		order     int
		zone      string
		n         int32
		dev       string
	}
	var rows []row
	for _, resp := range in.Responses {
		key := resp.Request.Key
		if !t.owns(key) {
			continue
		}
		w := wantCache{in: in, key: key}
		err := gPoints(in.Dataset, resp, func(p *health.DataPoint) error {
			a := p.ActiveZoneMinutes
			if a == nil || a.Interval == nil {
				return fmt.Errorf("%s: response %s: a data point (%s) has no activeZoneMinutes.interval", in.Dataset, key, p.Name)
			}
			utc, wall, err := gStamp(a.Interval.StartTime, a.Interval.StartUtcOffset)
			if err != nil {
				return fmt.Errorf("%s: response %s: data point %s: field activeZoneMinutes.interval.startTime/startUtcOffset: %w", in.Dataset, key, p.Name, err)
			}
			day := transform.WallDate(wall)
			if !w.want(day) || a.ActiveZoneMinutes == 0 {
				return nil
			}
			z, ok := gAZMZones[a.HeartRateZone]
			if !ok {
				return fmt.Errorf("%s %s %s: field activeZoneMinutes.heartRateZone: unknown zone %q (want FAT_BURN, CARDIO or PEAK)", in.Dataset, day, gAt(wall), a.HeartRateZone)
			}
			if a.ActiveZoneMinutes < 0 || a.ActiveZoneMinutes > math.MaxInt32 {
				return fmt.Errorf("%s %s %s: field activeZoneMinutes.activeZoneMinutes: out of range: %d", in.Dataset, day, gAt(wall), a.ActiveZoneMinutes)
			}
			rows = append(rows, row{utc, wall, z.order, z.name, int32(a.ActiveZoneMinutes), gDevice(p)})
			return nil
		})
		if err != nil {
			return err
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.utc != b.utc {
			return a.utc < b.utc
		}
		if a.order != b.order {
			return a.order < b.order
		}
		return a.dev < b.dev
	})
	c := transform.ColsOf(b)
	ts, zone, mins := c.Series(), c.String("zone"), c.Int32("minutes")
	for _, r := range rows {
		ts.Append(r.utc, r.wall)
		zone.Append(r.zone)
		mins.Append(r.n)
	}
	return nil
}
