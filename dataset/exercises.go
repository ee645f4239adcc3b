package dataset

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// exercises: one row per logged activity (auto-detected, tracker, mobile
// run or manual), from the activity log list.
//
// Fitbit: GET /1/user/-/activities/list.json?afterDate={start}&sort=asc&limit=100&offset=0
// (scope activity), following pagination.next (Request.Paging FitbitNext),
// key exercises/{start}_{end}: one paged request per contiguous run of days.
// The list cannot be bounded at the end, so the pages run on to the newest
// log (about one page per 100 logs after the start); only the logs that
// start inside the planned days become rows. A log belongs to the local
// date it starts on; a log seen twice keeps the later copy.
//
// Times: startTime normally carries its UTC offset
// ("2026-11-20T07:31:00.000+01:00"), which gives the instant exactly;
// without an offset it is read as wall clock in the profile zone.
// start_local is the wall clock as written; end_utc is start_utc +
// duration and end_local its wall clock in the profile zone. distance
// follows distanceUnit (Kilometer, or Mile; absent means Kilometer, as no
// Accept-Language is sent) and is stored in metres. Fields a log lacks
// (manual logs have no steps or heart rate) are null.
//
// Google Health: the exercise type, filtered on
// exercise.interval.civil_start_time (a log belongs to the local day it
// starts on, as with Fitbit), 30 days a request in pages of 25 (the type's
// maximum), key g/{mode}/exercise/{start}_{end}. log_id is derived from the
// data point's name (gSleepID); activity_name ← displayName; start/end ←
// interval.startTime/endTime with their own offsets; duration_ms = end −
// start; active_duration_ms ← activeDuration; steps, calories_kcal,
// distance_m (distanceMillimeters / 1000), average_heart_rate_bpm and
// active_zone_minutes ← metricsSummary. A metric the API omits is null,
// except active_zone_minutes, which is 0 when the exercise has a heart
// rate (proto3 omits a zero). activity_type_id, log_type and the zone
// minutes are null: exerciseType is an enum, not Fitbit's numeric id, and
// Google's heartRateZoneDurations uses other zones (light, moderate,
// vigorous, peak). source_device is the list point's device, null in
// reconcile mode.

func exercises() *Dataset {
	optI32 := func(name, doc, unit string) arrow.Field { return transform.Int32(name, true, doc, unit) }
	return &Dataset{
		Name:    "exercises",
		Doc:     "One row per logged exercise (auto-detected, tracked or entered by hand) with its times, steps, energy, distance, heart rate and Active Zone Minutes.",
		Kind:    Sessions,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.Int64("log_id", false, "Fitbit's id of the activity log.", ""),
			transform.String("activity_name", true, "Name of the activity: Walk, Run, Bike, Yoga, …"),
			transform.Int64("activity_type_id", true, "Fitbit's activity type id (90013 walk, 90009 run, …).", ""),
			transform.String("log_type", true, "auto_detected, tracker, mobile_run or manual."),
			transform.StartUTC(),
			transform.StartLocal(),
			transform.EndUTC(),
			transform.Wall("end_local", "The end on the user's wall clock (profile time zone), no offset."),
			transform.Int64("duration_ms", false, "Length of the exercise.", "ms"),
			transform.Int64("active_duration_ms", true, "Time actually moving (pauses excluded).", "ms"),
			transform.Int64("steps", true, "Steps taken.", "steps"),
			transform.Float64("calories_kcal", true, "Energy burned during the exercise.", "kcal"),
			transform.Float64("distance_m", true, "Distance covered.", "m"),
			optI32("average_heart_rate_bpm", "Average heart rate.", "beats/min"),
			optI32("active_zone_minutes", "Active Zone Minutes earned (fat-burn minutes count once, cardio and peak twice).", "min"),
			optI32("fat_burn_zone_min", "Minutes in the fat-burn heart-rate zone.", "min"),
			optI32("cardio_zone_min", "Minutes in the cardio heart-rate zone.", "min"),
			optI32("peak_zone_min", "Minutes in the peak heart-rate zone.", "min"),
			transform.String("source_device", true, "Name of the device or app that recorded it (e.g. Charge 6)."),
		}, nil),
		Sources: map[Source]Spec{Fitbit: {
			Scopes:    []string{"activity"},
			Requests:  exercisesRequests,
			Transform: exercisesTransform,
		}, Google: exercisesGoogle()},
	}
}

func exercisesRequests(_ Options, r dates.Range) []Request {
	// The query is part of Path (Client.url keeps it) so that every sender
	// of a Request — the source and the test harnesses that only send
	// Path — asks the same thing.
	q := url.Values{"afterDate": {r.From.String()}, "sort": {"asc"}, "limit": {"100"}, "offset": {"0"}}
	return []Request{{
		Key:    rangeKey("exercises", r),
		Path:   "/1/user/-/activities/list.json?" + q.Encode(),
		Paging: FitbitNext,
		Days:   r,
	}}
}

type activityLogJSON struct {
	LogID             transform.Num `json:"logId"`
	ActivityName      *string       `json:"activityName"`
	ActivityTypeID    transform.Num `json:"activityTypeId"`
	LogType           *string       `json:"logType"`
	StartTime         string        `json:"startTime"`
	Duration          transform.Num `json:"duration"`
	ActiveDuration    transform.Num `json:"activeDuration"`
	Steps             transform.Num `json:"steps"`
	Calories          transform.Num `json:"calories"`
	Distance          transform.Num `json:"distance"`
	DistanceUnit      string        `json:"distanceUnit"`
	AverageHeartRate  transform.Num `json:"averageHeartRate"`
	ActiveZoneMinutes *struct {
		TotalMinutes            transform.Num `json:"totalMinutes"`
		MinutesInHeartRateZones []struct {
			Minutes  transform.Num `json:"minutes"`
			Type     string        `json:"type"`
			ZoneName string        `json:"zoneName"`
		} `json:"minutesInHeartRateZones"`
	} `json:"activeZoneMinutes"`
	Source *struct {
		Name *string `json:"name"`
	} `json:"source"`
}

type activityListDoc struct {
	Activities []activityLogJSON `json:"activities"`
}

// exerciseLog is a log with its times resolved.
type exerciseLog struct {
	raw        *activityLogJSON
	id         int64
	day        dates.Date
	startUTC   int64
	startWall  int64
	durationMS int64
}

// parseActivityStart resolves startTime: with an offset exactly, without
// one in the profile zone.
func parseActivityStart(in Input, s string) (utc, wall int64, day dates.Date, err error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		_, off := t.Zone()
		utc = t.UnixMilli()
		wall = utc + int64(off)*1000
		return utc, wall, transform.WallDate(wall), nil
	}
	wall, err = transform.ParseWall(s)
	if err != nil {
		return 0, 0, dates.Date{}, fmt.Errorf("invalid time %q: want yyyy-MM-ddTHH:mm:ss.SSS with or without an offset", s)
	}
	day = transform.WallDate(wall)
	utc, _ = transform.SessionStart(in.Zone(day), wall)
	return utc, wall, day, nil
}

func exerciseLogs(in Input) ([]*exerciseLog, error) {
	byID := map[int64]*exerciseLog{}
	for _, resp := range in.Responses {
		if keyKind(resp.Request.Key) != "exercises" {
			continue
		}
		err := decodePages(in.Dataset, resp, func(doc *activityListDoc) error {
			for i := range doc.Activities {
				raw := &doc.Activities[i]
				p := transform.Parser{Dataset: in.Dataset}
				id := p.Int64("logId", raw.LogID)
				if p.Err != nil {
					return fmt.Errorf("%s: response %s: %w", in.Dataset, resp.Request.Key, p.Err)
				}
				utc, wall, day, err := parseActivityStart(in, raw.StartTime)
				if err != nil {
					return fmt.Errorf("%s: response %s: log %d: field startTime: %w", in.Dataset, resp.Request.Key, id, err)
				}
				if !in.Want(day, resp.Request.Key) {
					continue
				}
				p = transform.Parser{Dataset: in.Dataset, Day: day, At: fmt.Sprintf("log %d", id)}
				dur := raw.parseDuration(&p)
				if p.Err != nil {
					return p.Err
				}
				byID[id] = &exerciseLog{raw, id, day, utc, wall, dur}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]*exerciseLog, 0, len(byID))
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

// activityValues are the optional values of one log the transform writes.
type activityValues struct {
	typeID, act, steps     *int64
	kcal, m                *float64
	avg, total, zf, zc, zp *int32
}

// values parses the log's optional fields; the first error goes to p.
func (r *activityLogJSON) values(p *transform.Parser) activityValues {
	var v activityValues
	v.typeID = p.OptInt64("activityTypeId", r.ActivityTypeID)
	v.act = p.OptInt64("activeDuration", r.ActiveDuration)
	v.steps = p.OptInt64("steps", r.Steps)
	v.kcal = p.OptFloat64("calories", r.Calories)
	v.m = distanceMetres(p, r.Distance, r.DistanceUnit)
	v.avg = p.OptInt32("averageHeartRate", r.AverageHeartRate)
	if z := r.ActiveZoneMinutes; z != nil {
		v.total = p.OptInt32("activeZoneMinutes.totalMinutes", z.TotalMinutes)
		for _, hz := range z.MinutesInHeartRateZones {
			n := p.OptInt32("activeZoneMinutes.minutesInHeartRateZones.minutes", hz.Minutes)
			switch hrZoneKey(hz.Type, hz.ZoneName) {
			case "FAT_BURN":
				v.zf = n
			case "CARDIO":
				v.zc = n
			case "PEAK":
				v.zp = n
			}
		}
	}
	return v
}

// parseDuration parses the required duration (ms, not negative).
func (r *activityLogJSON) parseDuration(p *transform.Parser) int64 {
	dur := p.Int64("duration", r.Duration)
	if p.Err == nil && dur < 0 {
		p.Fail("duration", fmt.Errorf("negative: %d", dur))
	}
	return dur
}

// CheckFitbitActivityLog reports the first field of one activity log (an
// element of /activities/list's "activities") that the exercises transform
// would refuse: logId, duration and every optional field; not startTime,
// whose form the caller resolves. A source that renders the API's answer
// from other data (a Takeout archive) checks each log with it, so that one
// bad log costs its file rather than the whole import.
func CheckFitbitActivityLog(raw []byte) error {
	var r activityLogJSON
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
	}
	p := transform.Parser{Dataset: "exercises"}
	p.Int64("logId", r.LogID)
	r.parseDuration(&p)
	r.values(&p)
	return p.Err
}

// distanceMetres converts a distance in unit to metres.
func distanceMetres(p *transform.Parser, n transform.Num, unit string) *float64 {
	if !n.Present() {
		return nil
	}
	var v float64
	switch strings.ToLower(unit) {
	case "", "kilometer", "kilometers", "km":
		v = p.Float64E("distance", n, 3)
	case "mile", "miles", "mi":
		v = p.Float64("distance", n) * 1609.344
	case "meter", "meters", "m":
		v = p.Float64("distance", n)
	default:
		p.Fail("distanceUnit", fmt.Errorf("unknown unit %q", unit))
	}
	return &v
}

// hrZoneKey names a heart-rate zone by its type (FAT_BURN, CARDIO, PEAK),
// or by its zoneName when the type is missing.
func hrZoneKey(typ, name string) string {
	if typ == "" {
		typ = name
	}
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(typ), " ", "_"))
}

func exercisesTransform(in Input, b *array.RecordBuilder) error {
	logs, err := exerciseLogs(in)
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	id, name, typ, logType := c.Int64("log_id"), c.String("activity_name"), c.Int64("activity_type_id"), c.String("log_type")
	su, sl, eu, el := c.Timestamp("start_utc"), c.Timestamp("start_local"), c.Timestamp("end_utc"), c.Timestamp("end_local")
	dur, active, steps := c.Int64("duration_ms"), c.Int64("active_duration_ms"), c.Int64("steps")
	cal, dist, hr := c.Float64("calories_kcal"), c.Float64("distance_m"), c.Int32("average_heart_rate_bpm")
	azm, fat, cardio, peak := c.Int32("active_zone_minutes"), c.Int32("fat_burn_zone_min"), c.Int32("cardio_zone_min"), c.Int32("peak_zone_min")
	src := c.String("source_device")
	for _, lg := range logs {
		r := lg.raw
		p := transform.Parser{Dataset: in.Dataset, Day: lg.day, At: fmt.Sprintf("log %d", lg.id)}
		v := r.values(&p)
		if p.Err != nil {
			return p.Err
		}
		endUTC := lg.startUTC + lg.durationMS
		_, off := time.UnixMilli(endUTC).In(in.Zone(lg.day)).Zone()
		id.Append(lg.id)
		appendOptString(name, r.ActivityName)
		typ.AppendOpt(v.typeID)
		appendOptString(logType, r.LogType)
		su.Append(arrow.Timestamp(lg.startUTC))
		sl.Append(arrow.Timestamp(lg.startWall))
		eu.Append(arrow.Timestamp(endUTC))
		el.Append(arrow.Timestamp(endUTC + int64(off)*1000))
		dur.Append(lg.durationMS)
		active.AppendOpt(v.act)
		steps.AppendOpt(v.steps)
		cal.AppendOpt(v.kcal)
		dist.AppendOpt(v.m)
		hr.AppendOpt(v.avg)
		azm.AppendOpt(v.total)
		fat.AppendOpt(v.zf)
		cardio.AppendOpt(v.zc)
		peak.AppendOpt(v.zp)
		var dev *string
		if r.Source != nil {
			dev = r.Source.Name
		}
		appendOptString(src, dev)
	}
	return nil
}

func exercisesGoogle() Spec {
	null := "Null: Google's heartRateZoneDurations uses other zones (light, moderate, vigorous, peak)."
	return Spec{
		Scopes:    []string{googleScopeActivity},
		Requests:  func(o Options, r dates.Range) []Request { return gExerciseType().requests(o, r, "") },
		Transform: exercisesGoogleTransform,
		ColumnNotes: map[string]string{
			"log_id":              "Derived from the data point's name: its id when decimal (Fitbit-era logs keep their logId), else a stable hash of it.",
			"activity_name":       "The exercise's displayName.",
			"activity_type_id":    "Null: Google gives exerciseType, an enum name, not Fitbit's numeric id.",
			"log_type":            "Null: Google has no log type.",
			"end_local":           "Derived: endTime + endUtcOffset as the API gives it (no profile zone).",
			"duration_ms":         "Derived: endTime − startTime.",
			"distance_m":          "Derived: metricsSummary.distanceMillimeters / 1000.",
			"active_zone_minutes": "The metricsSummary's activeZoneMinutes; 0 when absent and the exercise has a heart rate, else null.",
			"fat_burn_zone_min":   null,
			"cardio_zone_min":     null,
			"peak_zone_min":       null,
			"source_device":       "The list point's device name; null in reconcile mode.",
		},
	}
}

func exercisesGoogleTransform(in Input, b *array.RecordBuilder) error {
	t := gExerciseType()
	type row struct {
		id                     int64
		ex                     *health.Exercise
		su, sl, eu, el, active int64
		hasActive              bool
		dev                    *string
	}
	var rows []row
	seen := map[int64]int{}
	for _, resp := range in.Responses {
		key := resp.Request.Key
		if !t.owns(key) {
			continue
		}
		err := gPoints(in.Dataset, resp, func(p *health.DataPoint) error {
			e := p.Exercise
			if e == nil || e.Interval == nil {
				return fmt.Errorf("%s: response %s: a data point (%s) has no exercise.interval", in.Dataset, key, p.Name)
			}
			su, sl, err := gStamp(e.Interval.StartTime, e.Interval.StartUtcOffset)
			if err != nil {
				return fmt.Errorf("%s: response %s: data point %s: field exercise.interval.startTime/startUtcOffset: %w", in.Dataset, key, p.Name, err)
			}
			day := transform.WallDate(sl)
			if !in.Want(day, key) {
				return nil
			}
			eu, el, err := gStamp(e.Interval.EndTime, e.Interval.EndUtcOffset)
			if err != nil {
				return fmt.Errorf("%s %s %s: field exercise.interval.endTime/endUtcOffset: %w", in.Dataset, day, gAt(sl), err)
			}
			if eu < su {
				return fmt.Errorf("%s %s %s: field exercise.interval: ends before it starts", in.Dataset, day, gAt(sl))
			}
			id, err := gSleepID(p.Name)
			if err != nil {
				return fmt.Errorf("%s %s %s: field name: %w", in.Dataset, day, gAt(sl), err)
			}
			r := row{id: id, ex: e, su: su, sl: sl, eu: eu, el: el, dev: gSource(p)}
			if p.DataSource != nil && (p.DataSource.Device == nil || p.DataSource.Device.DisplayName == "") {
				r.dev = nil
			}
			if e.ActiveDuration != "" {
				if r.active, err = gDuration(e.ActiveDuration); err != nil {
					return fmt.Errorf("%s %s %s: field exercise.activeDuration: %w", in.Dataset, day, gAt(sl), err)
				}
				r.hasActive = true
			}
			if i, dup := seen[id]; dup { // a later fetch wins
				rows[i] = r
				return nil
			}
			seen[id] = len(rows)
			rows = append(rows, r)
			return nil
		})
		if err != nil {
			return err
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].su != rows[j].su {
			return rows[i].su < rows[j].su
		}
		return rows[i].id < rows[j].id
	})
	c := transform.ColsOf(b)
	id, name, typ, logType := c.Int64("log_id"), c.String("activity_name"), c.Int64("activity_type_id"), c.String("log_type")
	su, sl, eu, el := c.Timestamp("start_utc"), c.Timestamp("start_local"), c.Timestamp("end_utc"), c.Timestamp("end_local")
	dur, active, steps := c.Int64("duration_ms"), c.Int64("active_duration_ms"), c.Int64("steps")
	cal, dist, hr := c.Float64("calories_kcal"), c.Float64("distance_m"), c.Int32("average_heart_rate_bpm")
	azm, fat, cardio, peak := c.Int32("active_zone_minutes"), c.Int32("fat_burn_zone_min"), c.Int32("cardio_zone_min"), c.Int32("peak_zone_min")
	src := c.String("source_device")
	for _, r := range rows {
		m := r.ex.MetricsSummary
		if m == nil {
			m = &health.MetricsSummary{}
		}
		id.Append(r.id)
		if r.ex.DisplayName != "" {
			name.Append(r.ex.DisplayName)
		} else {
			name.AppendNull()
		}
		typ.AppendNull()
		logType.AppendNull()
		su.Append(arrow.Timestamp(r.su))
		sl.Append(arrow.Timestamp(r.sl))
		eu.Append(arrow.Timestamp(r.eu))
		el.Append(arrow.Timestamp(r.el))
		dur.Append(r.eu - r.su)
		if r.hasActive {
			active.Append(r.active)
		} else {
			active.AppendNull()
		}
		if m.Steps > 0 {
			steps.Append(m.Steps)
		} else {
			steps.AppendNull()
		}
		cal.AppendOpt(gOpt(m.CaloriesKcal))
		var dm *float64
		if m.DistanceMillimeters != 0 {
			v := m.DistanceMillimeters / 1000
			dm = &v
		}
		dist.AppendOpt(dm)
		avg := gOptInt32(m.AverageHeartRateBeatsPerMinute)
		hr.AppendOpt(avg)
		z := gOptInt32(m.ActiveZoneMinutes)
		if z == nil && avg != nil {
			var zero int32
			z = &zero
		}
		azm.AppendOpt(z)
		fat.AppendNull()
		cardio.AppendNull()
		peak.AppendNull()
		appendOptString(src, r.dev)
	}
	return nil
}
