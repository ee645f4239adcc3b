package dataset

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/transform"
)

// daily_activity: one row per day with the activity summary.
//
// Fitbit: the day totals of steps, calories, distance, floors and elevation
// come from the intraday answer of the matching dataset when that dataset is
// selected too (its activities-{resource}[0].value is the day total, so the
// request is shared and costs nothing extra); otherwise from the daily time
// series GET /1/user/-/activities/{resource}/date/{start}/{end}.json in
// chunks of at most Options.DailyRangeCap days, key
// series/{resource}/{start}_{end}. caloriesBMR, activityCalories and the four
// minutes* resources always come from daily series. Values are strings;
// distance is in km (no Accept-Language) and stored in metres. A day that
// has a value for some resources but not others gets nulls for the others.
//
// Google Health: daily rollups (POST …/dataPoints:dailyRollUp, one window
// per civil day, see rollupRequests in google.go), key
// g/rollup/{type}/{start}_{end}, in chunks of at most 14 days for
// total-calories and 90 days for the others; the row's date is the window's
// civilStartTime date. steps ← steps.countSum; calories_kcal ←
// totalCalories.kcalSum (BMR included); activity_calories_kcal ←
// activeEnergyBurned.kcalSum; calories_bmr_kcal = total − active when both
// are there (rounded to 0.0001 kcal); distance_m ← distance.millimetersSum /
// 1000; floors ← floors.countSum; elevation_m ← altitude.gainMillimetersSum
// / 1000; minutes_* ← the activity-level rollup's totalDuration per
// activityLevelType (SEDENTARY, LIGHTLY_ACTIVE, MODERATELY_ACTIVE → fairly,
// VERY_ACTIVE) in whole minutes (rounded); when a day has an activity-level
// window, a level it does not list has 0 minutes. A day with no window of a
// type has nulls in that type's columns. The rollups are requested whatever
// else is selected: they cost one request per 90 (or 14) days.

// dailyResource is one Fitbit resource of daily_activity.
type dailyResource struct {
	resource string
	col      int // index of the column, after date
	kind     dailyKind
	// intraday names the intraday dataset whose per-day answer carries the
	// day total, if any.
	intraday string
}

type dailyKind int

const (
	dailyInt64 dailyKind = iota
	dailyInt32
	dailyFloat
	dailyKm // decimal km, stored in m
)

// dailyResources lists the resources in column order.
func dailyResources() []dailyResource {
	return []dailyResource{
		{"steps", 0, dailyInt64, "steps"},
		{"calories", 1, dailyFloat, "calories"},
		{"caloriesBMR", 2, dailyFloat, ""},
		{"activityCalories", 3, dailyFloat, ""},
		{"distance", 4, dailyKm, "distance"},
		{"floors", 5, dailyInt32, "floors"},
		{"elevation", 6, dailyFloat, "elevation"},
		{"minutesSedentary", 7, dailyInt32, ""},
		{"minutesLightlyActive", 8, dailyInt32, ""},
		{"minutesFairlyActive", 9, dailyInt32, ""},
		{"minutesVeryActive", 10, dailyInt32, ""},
	}
}

func dailyActivitySchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		transform.DateCol(),
		transform.Int64("steps", true, "Steps taken in the day.", "steps"),
		transform.Float64("calories_kcal", true, "Energy burned in the day, BMR included.", "kcal"),
		transform.Float64("calories_bmr_kcal", true, "Energy of the basal metabolic rate over the day.", "kcal"),
		transform.Float64("activity_calories_kcal", true, "Energy burned by activity (Fitbit's activityCalories).", "kcal"),
		transform.Float64("distance_m", true, "Distance covered in the day.", "m"),
		transform.Int32("floors", true, "Floors climbed in the day.", "floors"),
		transform.Float64("elevation_m", true, "Elevation gained in the day.", "m"),
		transform.Int32("minutes_sedentary", true, "Minutes sedentary (Fitbit counts time the tracker was not worn here too).", "min"),
		transform.Int32("minutes_lightly_active", true, "Minutes lightly active.", "min"),
		transform.Int32("minutes_fairly_active", true, "Minutes fairly active.", "min"),
		transform.Int32("minutes_very_active", true, "Minutes very active.", "min"),
	}, nil)
}

func dailyActivity() *Dataset {
	return &Dataset{
		Name:    "daily_activity",
		Doc:     "One row per day with the activity summary: steps, energy, distance, floors, elevation and minutes per activity level.",
		Kind:    Daily,
		Version: 1,
		Schema:  dailyActivitySchema(),
		Sources: map[Source]Spec{
			Fitbit: {
				Scopes:    []string{"activity"},
				Requests:  dailyActivityRequests,
				Transform: dailyActivityTransform,
			},
			Google: {
				Scopes: []string{googleScopeActivity},
				Requests: func(_ Options, r dates.Range) []Request {
					var out []Request
					for _, g := range gDailyRollups() {
						out = append(out, rollupRequests(g.name, g.maxDays, r)...)
					}
					return out
				},
				Transform: dailyActivityGoogleTransform,
				Notes:     "From Google's daily rollups of steps, distance, floors, altitude, total-calories, active-energy-burned and activity-level.",
				ColumnNotes: map[string]string{
					"date":                   "The rollup window's civilStartTime date.",
					"calories_kcal":          "total-calories rollup (kcalSum).",
					"calories_bmr_kcal":      "Derived: total-calories − active-energy-burned, rounded to 0.0001 kcal.",
					"activity_calories_kcal": "active-energy-burned rollup (kcalSum).",
					"distance_m":             "Derived: millimetersSum / 1000.",
					"elevation_m":            "Derived: altitude gainMillimetersSum / 1000.",
					"minutes_sedentary":      "Derived: activity-level rollup, SEDENTARY totalDuration in minutes.",
					"minutes_lightly_active": "Derived: activity-level rollup, LIGHTLY_ACTIVE totalDuration in minutes.",
					"minutes_fairly_active":  "Derived: activity-level rollup, MODERATELY_ACTIVE totalDuration in minutes.",
					"minutes_very_active":    "Derived: activity-level rollup, VERY_ACTIVE totalDuration in minutes.",
				},
			},
		},
	}
}

func dailyActivityRequests(o Options, r dates.Range) []Request {
	var out []Request
	for _, res := range dailyResources() {
		if res.intraday != "" && o.Selected[res.intraday] {
			out = append(out, perDay(r, func(d dates.Date) Request { return activityDayRequest(res.resource, d) })...)
			continue
		}
		out = append(out, chunked(r, dailyCap(o), func(c dates.Range) Request {
			return Request{
				Key:  rangeKey("series/"+res.resource, c),
				Path: "/1/user/-/activities/" + res.resource + "/date/" + c.From.String() + "/" + c.To.String() + ".json",
				Days: c,
			}
		})...)
	}
	return out
}

// dailyValue is one parsed cell; ok false is null.
type dailyValue struct {
	i  int64
	f  float64
	ok bool
}

type dateValue struct {
	DateTime string        `json:"dateTime"`
	Value    transform.Num `json:"value"`
}

func dailyActivityTransform(in Input, b *array.RecordBuilder) error {
	resources := map[string]dailyResource{}
	for _, res := range dailyResources() {
		resources[res.resource] = res
	}
	rows := map[dates.Date]*[11]dailyValue{}
	for _, resp := range in.Responses {
		p := keyParts(resp.Request.Key)
		if len(p) < 3 || (p[0] != "activity" && p[0] != "series") {
			continue
		}
		res, ok := resources[p[1]]
		if !ok {
			continue
		}
		field := "activities-" + res.resource
		err := decodePages(in.Dataset, resp, func(doc *map[string]json.RawMessage) error {
			var entries []dateValue
			if raw, ok := (*doc)[field]; ok {
				if err := json.Unmarshal(raw, &entries); err != nil {
					return fmt.Errorf("%s: response %s: %s: %w", in.Dataset, resp.Request.Key, field, err)
				}
			}
			for _, e := range entries {
				d, err := parseDay(in.Dataset, resp.Request.Key, field+".dateTime", e.DateTime)
				if err != nil {
					return err
				}
				if !in.Want(d, resp.Request.Key) {
					continue
				}
				v, err := parseDaily(res, e.Value)
				if err != nil {
					col := b.Schema().Field(res.col + 1).Name
					return transform.FieldError(in.Dataset, d, col+" ("+field+")", err)
				}
				row := rows[d]
				if row == nil {
					row = new([11]dailyValue)
					rows[d] = row
				}
				row[res.col] = v // later responses win
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	appendDailyRows(b, rows)
	return nil
}

// appendDailyRows appends rows in date order.
func appendDailyRows(b *array.RecordBuilder, rows map[dates.Date]*[11]dailyValue) {
	cols := transform.ColsOf(b)
	date := cols.Date32("date")
	fields := b.Fields()[1:]
	for _, d := range sortedDates(rows) {
		date.AppendDate(d)
		for i, v := range rows[d] {
			switch fb := fields[i].(type) {
			case *array.Int64Builder:
				if v.ok {
					fb.Append(v.i)
				} else {
					fb.AppendNull()
				}
			case *array.Int32Builder:
				if v.ok {
					fb.Append(int32(v.i))
				} else {
					fb.AppendNull()
				}
			case *array.Float64Builder:
				if v.ok {
					fb.Append(v.f)
				} else {
					fb.AppendNull()
				}
			}
		}
	}
}

// parseDaily parses one value; an absent value (or null) is null.
func parseDaily(res dailyResource, n transform.Num) (dailyValue, error) {
	if !n.Present() {
		return dailyValue{}, nil
	}
	var v dailyValue
	var err error
	switch res.kind {
	case dailyInt64:
		v.i, err = n.Int64()
	case dailyInt32:
		var x int32
		x, err = n.Int32()
		v.i = int64(x)
	case dailyFloat:
		v.f, err = n.Float64()
	case dailyKm:
		v.f, err = n.Float64E(3)
	}
	v.ok = err == nil
	return v, err
}

// gDailyRollup is one rollup type of daily_activity with its longest span.
type gDailyRollup struct {
	name    string
	maxDays int
}

func gDailyRollups() []gDailyRollup {
	return []gDailyRollup{
		{"steps", rollupLong},
		{"distance", rollupLong},
		{"floors", rollupLong},
		{"altitude", rollupLong},
		{"total-calories", rollupShort},
		{"active-energy-burned", rollupLong},
		{"activity-level", rollupLong},
	}
}

// gActivityLevelCols maps activityLevelType to the minutes_* column index.
func gActivityLevelCols() map[string]int {
	return map[string]int{"SEDENTARY": 7, "LIGHTLY_ACTIVE": 8, "MODERATELY_ACTIVE": 9, "VERY_ACTIVE": 10}
}

func dailyActivityGoogleTransform(in Input, b *array.RecordBuilder) error {
	rows := map[dates.Date]*[11]dailyValue{}
	levels := gActivityLevelCols()
	for _, resp := range in.Responses {
		key := resp.Request.Key
		p := keyParts(key)
		if len(p) != 4 || p[0] != "g" || p[1] != googleRollup {
			continue
		}
		name := p[2]
		err := gRollups(in.Dataset, resp, func(d dates.Date, pt *health.DailyRollupDataPoint) error {
			if !in.Want(d, key) {
				return nil
			}
			row := rows[d]
			if row == nil {
				row = new([11]dailyValue)
				rows[d] = row
			}
			set := func(col int, v dailyValue) { row[col] = v } // later responses win
			switch name {
			case "steps":
				if pt.Steps != nil {
					set(0, dailyValue{i: pt.Steps.CountSum, ok: true})
				}
			case "total-calories":
				if pt.TotalCalories != nil {
					set(1, dailyValue{f: pt.TotalCalories.KcalSum, ok: true})
				}
			case "active-energy-burned":
				if pt.ActiveEnergyBurned != nil {
					set(3, dailyValue{f: pt.ActiveEnergyBurned.KcalSum, ok: true})
				}
			case "distance":
				if pt.Distance != nil {
					set(4, dailyValue{f: float64(pt.Distance.MillimetersSum) / 1000, ok: true})
				}
			case "floors":
				if pt.Floors != nil {
					if err := checkInt32(float64(pt.Floors.CountSum)); err != nil {
						return transform.FieldError(in.Dataset, d, "floors (floors.countSum)", err)
					}
					set(5, dailyValue{i: pt.Floors.CountSum, ok: true})
				}
			case "altitude":
				if pt.Altitude != nil {
					set(6, dailyValue{f: float64(pt.Altitude.GainMillimetersSum) / 1000, ok: true})
				}
			case "activity-level":
				if pt.ActivityLevel == nil {
					return nil
				}
				for _, col := range levels {
					set(col, dailyValue{ok: true})
				}
				for _, l := range pt.ActivityLevel.ActivityLevelRollupsByActivityLevelType {
					if l == nil {
						continue
					}
					col, ok := levels[l.ActivityLevelType]
					if !ok {
						continue
					}
					ms, err := gDuration(l.TotalDuration)
					if err != nil || ms < 0 {
						if err == nil {
							err = fmt.Errorf("negative: %q", l.TotalDuration)
						}
						return transform.FieldError(in.Dataset, d, b.Schema().Field(col+1).Name+" (activityLevel totalDuration)", err)
					}
					set(col, dailyValue{i: int64(math.Round(float64(ms) / 60000)), ok: true})
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, row := range rows {
		if row[1].ok && row[3].ok {
			row[2] = dailyValue{f: math.Round((row[1].f-row[3].f)*1e4) / 1e4, ok: true}
		}
	}
	appendDailyRows(b, rows)
	return nil
}
