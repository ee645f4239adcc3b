package dataset

import (
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/fitexport/fitexport/transform"
)

// sleep_sessions: one row per sleep log (main sleep and naps), from the
// sleep range answers (see sleep.go for requests and time zones). The
// per-level minutes come from levels.summary: deep/light/rem/wake for
// "stages" logs, asleep/restless/awake for "classic" ones; the other type's
// columns are null.
//
// Google Health (see sleep.go for requests and times): start/end from the
// session's interval with its own offsets; duration_ms = end − start;
// minutes_asleep, minutes_awake, minutes_to_fall_asleep,
// minutes_after_wakeup from summary, time_in_bed_min from
// summary.minutesInSleepPeriod; efficiency is derived as
// round(100 × minutesAsleep / minutesInSleepPeriod) (the formula the
// simulator's Fitbit face uses; Google has no efficiency); is_main_sleep
// from metadata.mainSleep; type is the lower-cased type (stages or
// classic); log_type and info_code are null (Google has neither); the
// per-level minutes come from summary.stagesSummary (DEEP, LIGHT, REM,
// AWAKE → wake for stages sessions; ASLEEP, RESTLESS, AWAKE → awake for
// classic ones; a level the summary omits has 0 minutes, the other type's
// columns are null). A session without summary has null summary columns.
func sleepSessions() *Dataset {
	optI32 := func(name, doc, unit string) arrow.Field { return transform.Int32(name, true, doc, unit) }
	return &Dataset{
		Name:    "sleep_sessions",
		Doc:     "One row per sleep log (main sleep and naps) with its times, durations, efficiency and minutes per sleep level.",
		Kind:    Sessions,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.Int64("log_id", false, "Fitbit's id of the sleep log.", ""),
			transform.DateOfSleep(),
			transform.StartUTC(),
			transform.StartLocal(),
			transform.EndUTC(),
			transform.EndLocal(),
			transform.Int64("duration_ms", false, "Length of the session.", "ms"),
			optI32("minutes_asleep", "Minutes asleep.", "min"),
			optI32("minutes_awake", "Minutes awake (or restless) during the session.", "min"),
			optI32("minutes_to_fall_asleep", "Minutes from the start to falling asleep.", "min"),
			optI32("minutes_after_wakeup", "Minutes from waking up to the end.", "min"),
			optI32("time_in_bed_min", "Time in bed.", "min"),
			optI32("efficiency", "Fitbit's sleep efficiency score.", "%"),
			transform.Bool("is_main_sleep", true, "Whether Fitbit counts this log as the day's main sleep."),
			transform.String("type", true, "stages (deep/light/rem/wake) or classic (asleep/restless/awake)."),
			transform.String("log_type", true, "auto_detected or manual."),
			optI32("info_code", "Fitbit's info code (0 = enough data for stages).", ""),
			optI32("deep_min", "Minutes in deep sleep (stages logs).", "min"),
			optI32("light_min", "Minutes in light sleep (stages logs).", "min"),
			optI32("rem_min", "Minutes in REM sleep (stages logs).", "min"),
			optI32("wake_min", "Minutes awake (stages logs).", "min"),
			optI32("asleep_min", "Minutes asleep (classic logs).", "min"),
			optI32("restless_min", "Minutes restless (classic logs).", "min"),
			optI32("awake_min", "Minutes awake (classic logs).", "min"),
		}, nil),
		Sources: map[Source]Spec{
			Fitbit: {
				Scopes:    []string{"sleep"},
				Requests:  sleepRequests,
				Transform: sleepSessionsTransform,
			},
			Google: {
				Scopes:    []string{googleScopeSleep},
				Requests:  gSleepRequests,
				Transform: sleepSessionsGoogleTransform,
				ColumnNotes: map[string]string{
					"log_id":          "Derived from the data point's name: its id when that is a decimal integer, else a 63-bit FNV-1a hash of it.",
					"date_of_sleep":   "The date of endTime + endUtcOffset.",
					"start_local":     "Derived: startTime + startUtcOffset.",
					"end_utc":         "The interval's endTime.",
					"end_local":       "Derived: endTime + endUtcOffset.",
					"duration_ms":     "Derived: endTime − startTime.",
					"time_in_bed_min": "summary.minutesInSleepPeriod.",
					"efficiency":      "Derived: round(100 × minutesAsleep / minutesInSleepPeriod); Google has no efficiency score.",
					"is_main_sleep":   "metadata.mainSleep.",
					"log_type":        "Null: Google does not say how a session was logged.",
					"info_code":       "Null: Google has no info code.",
				},
			},
		},
	}
}

// sleepLevelColumns maps levels.summary keys to columns, by log type.
func sleepLevelColumns() map[string][]string {
	return map[string][]string{
		"stages":  {"deep", "light", "rem", "wake"},
		"classic": {"asleep", "restless", "awake"},
	}
}

func sleepSessionsTransform(in Input, b *array.RecordBuilder) error {
	logs, err := sleepLogs(in)
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	id, day := c.Int64("log_id"), c.Date32("date_of_sleep")
	su, sl, eu, el := c.Timestamp("start_utc"), c.Timestamp("start_local"), c.Timestamp("end_utc"), c.Timestamp("end_local")
	dur := c.Int64("duration_ms")
	ints := []struct {
		col  transform.Int32Builder
		name string
		get  func(r *sleepLogJSON) transform.Num
	}{
		{c.Int32("minutes_asleep"), "minutesAsleep", func(r *sleepLogJSON) transform.Num { return r.MinutesAsleep }},
		{c.Int32("minutes_awake"), "minutesAwake", func(r *sleepLogJSON) transform.Num { return r.MinutesAwake }},
		{c.Int32("minutes_to_fall_asleep"), "minutesToFallAsleep", func(r *sleepLogJSON) transform.Num { return r.MinutesToFallAsleep }},
		{c.Int32("minutes_after_wakeup"), "minutesAfterWakeup", func(r *sleepLogJSON) transform.Num { return r.MinutesAfterWakeup }},
		{c.Int32("time_in_bed_min"), "timeInBed", func(r *sleepLogJSON) transform.Num { return r.TimeInBed }},
		{c.Int32("efficiency"), "efficiency", func(r *sleepLogJSON) transform.Num { return r.Efficiency }},
	}
	main, typ, logType, info := c.Bool("is_main_sleep"), c.String("type"), c.String("log_type"), c.Int32("info_code")
	levels := []string{"deep", "light", "rem", "wake", "asleep", "restless", "awake"}
	levelCols := make([]transform.Int32Builder, len(levels))
	for i, l := range levels {
		levelCols[i] = c.Int32(l + "_min")
	}
	byType := sleepLevelColumns()
	for _, lg := range logs {
		r := lg.raw
		p := transform.Parser{Dataset: in.Dataset, Day: lg.day}
		vals := make([]*int32, len(ints))
		for i, f := range ints {
			vals[i] = p.OptInt32(f.name, f.get(r))
		}
		infoCode := p.OptInt32("infoCode", r.InfoCode)
		lv := make([]*int32, len(levels))
		if r.Type != nil {
			for _, l := range byType[*r.Type] {
				if s, ok := r.Levels.Summary[l]; ok {
					for i, name := range levels {
						if name == l {
							lv[i] = p.OptInt32("levels.summary."+l+".minutes", s.Minutes)
						}
					}
				}
			}
		}
		if p.Err != nil {
			return p.Err
		}
		id.Append(lg.id)
		day.AppendDate(lg.day)
		su.Append(arrow.Timestamp(lg.startUTC))
		sl.Append(arrow.Timestamp(lg.startWall))
		eu.Append(arrow.Timestamp(lg.endUTC))
		el.Append(arrow.Timestamp(lg.endWall))
		dur.Append(lg.durationMS)
		for i, f := range ints {
			f.col.AppendOpt(vals[i])
		}
		if r.IsMainSleep != nil {
			main.Append(*r.IsMainSleep)
		} else {
			main.AppendNull()
		}
		appendOptString(typ, r.Type)
		appendOptString(logType, r.LogType)
		info.AppendOpt(infoCode)
		for i := range levels {
			levelCols[i].AppendOpt(lv[i])
		}
	}
	return nil
}

func appendOptString(b *array.StringBuilder, s *string) {
	if s == nil {
		b.AppendNull()
	} else {
		b.Append(*s)
	}
}

// gSleepLevelCols maps a Google stage type to the level column of a
// session type.
func gSleepLevelCols(sessionType string) map[string]string {
	if sessionType == "STAGES" {
		return map[string]string{"DEEP": "deep", "LIGHT": "light", "REM": "rem", "AWAKE": "wake"}
	}
	return map[string]string{"ASLEEP": "asleep", "RESTLESS": "restless", "AWAKE": "awake"}
}

func sleepSessionsGoogleTransform(in Input, b *array.RecordBuilder) error {
	logs, err := googleSleepLogs(in)
	if err != nil {
		return err
	}
	c := transform.ColsOf(b)
	id, day := c.Int64("log_id"), c.Date32("date_of_sleep")
	su, sl, eu, el := c.Timestamp("start_utc"), c.Timestamp("start_local"), c.Timestamp("end_utc"), c.Timestamp("end_local")
	dur := c.Int64("duration_ms")
	asleep, awake, toFall, after := c.Int32("minutes_asleep"), c.Int32("minutes_awake"), c.Int32("minutes_to_fall_asleep"), c.Int32("minutes_after_wakeup")
	inBed, eff := c.Int32("time_in_bed_min"), c.Int32("efficiency")
	main, typ, logType, info := c.Bool("is_main_sleep"), c.String("type"), c.String("log_type"), c.Int32("info_code")
	levels := []string{"deep", "light", "rem", "wake", "asleep", "restless", "awake"}
	levelCols := map[string]transform.Int32Builder{}
	for _, l := range levels {
		levelCols[l] = c.Int32(l + "_min")
	}
	for _, lg := range logs {
		s := lg.s
		at := fmt.Sprintf("session %d", lg.id)
		opt := func(field string, v int64) (*int32, error) {
			if v < math.MinInt32 || v > math.MaxInt32 {
				return nil, fmt.Errorf("%s %s %s: field %s: out of range: %d", in.Dataset, lg.day, at, field, v)
			}
			x := int32(v)
			return &x, nil
		}
		var vals [6]*int32 // asleep, awake, to fall asleep, after wakeup, in bed, efficiency
		lv := map[string]*int32{}
		if m := s.Summary; m != nil {
			for i, f := range []struct {
				name string
				v    int64
			}{
				{"summary.minutesAsleep", m.MinutesAsleep}, {"summary.minutesAwake", m.MinutesAwake},
				{"summary.minutesToFallAsleep", m.MinutesToFallAsleep}, {"summary.minutesAfterWakeUp", m.MinutesAfterWakeUp},
				{"summary.minutesInSleepPeriod", m.MinutesInSleepPeriod},
			} {
				if vals[i], err = opt(f.name, f.v); err != nil {
					return err
				}
			}
			if m.MinutesInSleepPeriod > 0 {
				e := int32(math.Round(100 * float64(m.MinutesAsleep) / float64(m.MinutesInSleepPeriod)))
				vals[5] = &e
			}
			byType := gSleepLevelCols(s.Type)
			if len(m.StagesSummary) > 0 && (s.Type == "STAGES" || s.Type == "CLASSIC") {
				for _, col := range byType { // a level the summary omits had no stage
					lv[col] = new(int32)
				}
			}
			for _, st := range m.StagesSummary {
				if st == nil {
					continue
				}
				col, ok := byType[st.Type]
				if !ok {
					continue
				}
				if lv[col], err = opt("summary.stagesSummary."+st.Type+".minutes", st.Minutes); err != nil {
					return err
				}
			}
		}
		id.Append(lg.id)
		day.AppendDate(lg.day)
		su.Append(arrow.Timestamp(lg.startUTC))
		sl.Append(arrow.Timestamp(lg.startWall))
		eu.Append(arrow.Timestamp(lg.endUTC))
		el.Append(arrow.Timestamp(lg.endWall))
		dur.Append(lg.endUTC - lg.startUTC)
		for i, col := range []transform.Int32Builder{asleep, awake, toFall, after, inBed, eff} {
			col.AppendOpt(vals[i])
		}
		if s.Metadata != nil {
			main.Append(s.Metadata.MainSleep)
		} else {
			main.AppendNull()
		}
		switch s.Type {
		case "STAGES", "CLASSIC":
			typ.Append(strings.ToLower(s.Type))
		default:
			typ.AppendNull()
		}
		logType.AppendNull()
		info.AppendNull()
		for _, l := range levels {
			levelCols[l].AppendOpt(lv[l])
		}
	}
	return nil
}
