package dataset

import (
	"fmt"
	"math"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	health "google.golang.org/api/health/v4"

	"github.com/fitexport/fitexport/transform"
)

// sleep_stages: one row per entry of a sleep log's levels.data (short
// false) and levels.shortData (short true: wakes of up to 3 minutes that
// Fitbit lists apart and that overlap the data entries), sorted by start,
// then short, then log. Times are read with the offset in force when the
// session started (see sleep.go).
//
// Google Health (see sleep.go): one row per entry of a session's stages
// (short false) and shortAwakenings (short true, level wake), sorted the
// same way. start_utc is the entry's startTime, start_local startTime + its
// own startUtcOffset; seconds = endTime − startTime; level is the lower-cased
// type, with AWAKE as wake in stages sessions and awake in classic ones.
func sleepStages() *Dataset {
	return &Dataset{
		Name:    "sleep_stages",
		Doc:     "The sleep level (deep, light, rem, wake; or asleep, restless, awake) of every stretch of each sleep log.",
		Kind:    Sessions,
		Version: 1,
		Schema: arrow.NewSchema([]arrow.Field{
			transform.Int64("log_id", false, "The sleep log (sleep_sessions.log_id) the stage belongs to.", ""),
			transform.StartUTC(),
			transform.StartLocal(),
			transform.String("level", false, "deep, light, rem or wake (stages logs); asleep, restless or awake (classic logs)."),
			transform.Int32("seconds", false, "Length of the stage.", "s"),
			transform.Bool("short", false, "True for Fitbit's shortData (brief wakes overlapping the main entries)."),
		}, nil),
		Sources: map[Source]Spec{
			Fitbit: {
				Scopes:    []string{"sleep"},
				Requests:  sleepRequests,
				Transform: sleepStagesTransform,
			},
			Google: {
				Scopes:    []string{googleScopeSleep},
				Requests:  gSleepRequests,
				Transform: sleepStagesGoogleTransform,
				ColumnNotes: map[string]string{
					"log_id":      "Derived from the session's data point name, as in sleep_sessions.",
					"start_local": "Derived: startTime + the stage's own startUtcOffset (Fitbit: the session's start offset).",
					"level":       "The stage type lower-cased; AWAKE is wake in stages sessions, awake in classic ones; short awakenings are wake.",
					"seconds":     "Derived: endTime − startTime.",
					"short":       "True for shortAwakenings.",
				},
			},
		},
	}
}

type stageRow struct {
	id        int64
	utc, wall int64
	level     string
	seconds   int32
	short     bool
}

func sleepStagesTransform(in Input, b *array.RecordBuilder) error {
	logs, err := sleepLogs(in)
	if err != nil {
		return err
	}
	var rows []stageRow
	for _, lg := range logs {
		p := transform.Parser{Dataset: in.Dataset, Day: lg.day, At: fmt.Sprintf("log %d", lg.id)}
		for _, set := range []struct {
			name    string
			entries []sleepLevel
			short   bool
		}{{"levels.data", lg.raw.Levels.Data, false}, {"levels.shortData", lg.raw.Levels.ShortData, true}} {
			for _, e := range set.entries {
				w, err := transform.ParseWall(e.DateTime)
				if err != nil {
					p.Fail(set.name+".dateTime", err)
					return p.Err
				}
				s := p.Int32(set.name+".seconds", e.Seconds)
				if p.Err != nil {
					return p.Err
				}
				utc := w - lg.offset
				rows = append(rows, stageRow{lg.id, utc, wallOf(utc, in.Zone(lg.day)), e.Level, s, set.short})
			}
		}
	}
	appendStageRows(b, rows)
	return nil
}

// appendStageRows sorts rows by start, then short last, then log, and
// appends them.
func appendStageRows(b *array.RecordBuilder, rows []stageRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.utc != b.utc {
			return a.utc < b.utc
		}
		if a.short != b.short {
			return !a.short
		}
		return a.id < b.id
	})
	c := transform.ColsOf(b)
	id, su, sl := c.Int64("log_id"), c.Timestamp("start_utc"), c.Timestamp("start_local")
	level, secs, short := c.String("level"), c.Int32("seconds"), c.Bool("short")
	for _, r := range rows {
		id.Append(r.id)
		su.Append(arrow.Timestamp(r.utc))
		sl.Append(arrow.Timestamp(r.wall))
		level.Append(r.level)
		secs.Append(r.seconds)
		short.Append(r.short)
	}
}

func sleepStagesGoogleTransform(in Input, b *array.RecordBuilder) error {
	logs, err := googleSleepLogs(in)
	if err != nil {
		return err
	}
	var rows []stageRow
	for _, lg := range logs {
		for _, set := range []struct {
			name    string
			entries []*health.SleepStage
			short   bool
		}{{"stages", lg.s.Stages, false}, {"shortAwakenings", lg.s.ShortAwakenings, true}} {
			for _, e := range set.entries {
				if e == nil {
					continue
				}
				fail := func(field string, err error) error {
					return fmt.Errorf("%s %s session %d: field %s.%s: %w", in.Dataset, lg.day, lg.id, set.name, field, err)
				}
				utc, wall, err := gStamp(e.StartTime, e.StartUtcOffset)
				if err != nil {
					return fail("startTime/startUtcOffset", err)
				}
				end, err := gInstant(e.EndTime)
				if err != nil {
					return fail("endTime", err)
				}
				secs := (end - utc) / 1000
				if secs < 0 || secs > math.MaxInt32 {
					return fail("endTime", fmt.Errorf("stage of %d s", secs))
				}
				level := "wake"
				if !set.short {
					if e.Type == "" || e.Type == "SLEEP_STAGE_TYPE_UNSPECIFIED" {
						return fail("type", fmt.Errorf("missing"))
					}
					level = gStageLevel(lg.s.Type, e.Type)
				}
				rows = append(rows, stageRow{lg.id, utc, wall, level, int32(secs), set.short})
			}
		}
	}
	appendStageRows(b, rows)
	return nil
}
