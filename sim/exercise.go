package sim

import (
	"net/http"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// Exercises: the activity log list,
// /1/user/-/activities/list.json?afterDate=…&sort=asc|beforeDate=…&sort=desc&limit=…&offset=…
// (scope activity; limit 1–100; pagination.next and .previous are full URLs
// on the request's Host, as for the sleep list). afterDate keeps logs that
// start on or after that local date, beforeDate those that start strictly
// before it.
//
// The logs are what SmartTrack would detect in the generated minutes: every
// run of at least 10 consecutive minutes with 60 steps or more is an
// auto_detected "Walk" (activityTypeId 90013), or a "Run" (90009) when it
// averages 140 steps a minute or more. Steps, calories, distance, activity
// levels, the average heart rate and the Active Zone Minutes come from the
// same minutes and heart samples the other endpoints serve. startTime is
// the local wall clock with its UTC offset ("2026-11-20T07:31:00.000+01:00"),
// as the real list shows it. A log is served once it has ended before the
// sync cutoff.

// Exercise is one activity log.
type Exercise struct {
	LogID      int64
	Name       string
	TypeID     int
	LogType    string
	Start, End time.Time // instants, UTC
	// Offset is the UTC offset (seconds) in force at Start.
	Offset     int
	DurationMS int64
	Steps      int
	Calories   int
	DistanceKm float64
	AverageHR  *int
	// AZM is activeZoneMinutes.totalMinutes; the zone fields are the
	// minutes spent in each zone (not multiplied).
	AZM, FatBurnMin, CardioMin, PeakMin int
	// Levels holds the minutes sedentary, lightly, fairly and very active.
	Levels [4]int
	Source string // the tracker's name
}

// exercisesOf returns the logs starting on local day d (served or not).
func (s *Server) exercisesOf(u *userState, d dates.Date) []*Exercise {
	dd := s.cache.day(u, d)
	if dd.pre || dd.noData {
		return nil
	}
	var out []*Exercise
	for i := 0; i < len(dd.mins); {
		if dd.mins[i].steps < 60 {
			i++
			continue
		}
		j := i
		for j < len(dd.mins) && dd.mins[j].steps >= 60 {
			j++
		}
		if j-i >= 10 {
			out = append(out, u.exercise(dd, i, j, len(out)))
		}
		i = j
	}
	return out
}

// exercise builds the log of minutes [i, j) of a day.
func (u *userState) exercise(dd *dayData, i, j, k int) *Exercise {
	start := dd.start.Add(time.Duration(i) * time.Minute)
	end := dd.start.Add(time.Duration(j) * time.Minute)
	_, off := start.In(u.loc).Zone()
	day := int64(dates.Date{Year: 2000, Month: 1, Day: 1}.DaysUntil(dd.date))
	e := &Exercise{LogID: 40000000000 + day*10000 + int64(u.idHash%100)*100 + int64(k),
		Name: "Walk", TypeID: 90013, LogType: "auto_detected", Start: start.UTC(), End: end.UTC(), Offset: off,
		DurationMS: int64(j-i) * 60000, Source: "Charge 6"}
	var cal, dist float64
	for _, m := range dd.mins[i:j] {
		e.Steps += m.steps
		cal += m.cal
		dist += m.dist
		e.Levels[m.level]++
	}
	if e.Steps >= 140*(j-i) {
		e.Name, e.TypeID = "Run", 90009
	}
	e.Calories = int(cal + 0.5)
	e.DistanceKm = round(dist, 5)
	// Heart rate: the mean of the samples, and each minute's zone.
	sum := make([]int, j-i)
	cnt := make([]int, j-i)
	total, n := 0, 0
	for _, h := range dd.heart {
		if h.Time.Before(start) || !h.Time.Before(end) {
			continue
		}
		m := int(h.Time.Sub(start) / time.Minute)
		sum[m] += h.BPM
		cnt[m]++
		total += h.BPM
		n++
	}
	if n > 0 {
		avg := roundMean(total, n)
		e.AverageHR = &avg
	}
	b := u.zoneB
	for m := range sum {
		if cnt[m] == 0 {
			continue
		}
		switch v := roundMean(sum[m], cnt[m]); {
		case v < b[0]:
		case v < b[1]:
			e.FatBurnMin++
		case v < b[2]:
			e.CardioMin++
		default:
			e.PeakMin++
		}
	}
	e.AZM = e.FatBurnMin + 2*e.CardioMin + 2*e.PeakMin
	return e
}

func (s *Server) exercisesServed(u *userState, d dates.Date, cut time.Time) []*Exercise {
	var out []*Exercise
	for _, e := range s.exercisesOf(u, d) {
		if !e.End.After(cut) {
			out = append(out, e)
		}
	}
	return out
}

// Exercises returns the activity logs that start on local day d, served
// now, in start order.
func (t *Truth) Exercises(d dates.Date) []Exercise {
	var out []Exercise
	for _, e := range t.s.exercisesServed(t.u, d, t.s.syncCutoff(t.u)) {
		out = append(out, *e)
	}
	return out
}

type activityLevelJSON struct {
	Minutes int    `json:"minutes"`
	Name    string `json:"name"`
}

type hrZoneMinutesJSON struct {
	MinuteMultiplier int    `json:"minuteMultiplier"`
	Minutes          int    `json:"minutes"`
	Order            int    `json:"order"`
	Type             string `json:"type"`
	ZoneName         string `json:"zoneName"`
}

type activeZoneMinutesJSON struct {
	MinutesInHeartRateZones []hrZoneMinutesJSON `json:"minutesInHeartRateZones"`
	TotalMinutes            int                 `json:"totalMinutes"`
}

type activitySourceJSON struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	TrackerFeatures []string `json:"trackerFeatures"`
	Type            string   `json:"type"`
	URL             string   `json:"url"`
}

type activityJSON struct {
	ActiveDuration       int64                 `json:"activeDuration"`
	ActiveZoneMinutes    activeZoneMinutesJSON `json:"activeZoneMinutes"`
	ActivityLevel        []activityLevelJSON   `json:"activityLevel"`
	ActivityName         string                `json:"activityName"`
	ActivityTypeID       int                   `json:"activityTypeId"`
	AverageHeartRate     *int                  `json:"averageHeartRate,omitempty"`
	Calories             int                   `json:"calories"`
	Distance             float64               `json:"distance"`
	DistanceUnit         string                `json:"distanceUnit"`
	Duration             int64                 `json:"duration"`
	HasActiveZoneMinutes bool                  `json:"hasActiveZoneMinutes"`
	LastModified         string                `json:"lastModified"`
	LogID                int64                 `json:"logId"`
	LogType              string                `json:"logType"`
	OriginalDuration     int64                 `json:"originalDuration"`
	OriginalStartTime    string                `json:"originalStartTime"`
	Source               activitySourceJSON    `json:"source"`
	StartTime            string                `json:"startTime"`
	Steps                int                   `json:"steps"`
}

func (s *Server) activityJSON(u *userState, e *Exercise, usa bool) activityJSON {
	st := e.Start.In(time.FixedZone("", e.Offset)).Format("2006-01-02T15:04:05.000-07:00")
	dist, unit := e.DistanceKm, "Kilometer"
	if usa {
		dist, unit = round(dist/1.609344, 5), "Mile"
	}
	return activityJSON{
		ActiveDuration: e.DurationMS,
		ActiveZoneMinutes: activeZoneMinutesJSON{TotalMinutes: e.AZM, MinutesInHeartRateZones: []hrZoneMinutesJSON{
			{0, 0, 0, "OUT_OF_ZONE", "Out of Range"},
			{1, e.FatBurnMin, 1, "FAT_BURN", "Fat Burn"},
			{2, e.CardioMin, 2, "CARDIO", "Cardio"},
			{2, e.PeakMin, 3, "PEAK", "Peak"},
		}},
		ActivityLevel: []activityLevelJSON{{e.Levels[0], "sedentary"}, {e.Levels[1], "lightly"}, {e.Levels[2], "fairly"}, {e.Levels[3], "very"}},
		ActivityName:  e.Name, ActivityTypeID: e.TypeID, AverageHeartRate: e.AverageHR, Calories: e.Calories,
		Distance: dist, DistanceUnit: unit, Duration: e.DurationMS, HasActiveZoneMinutes: true,
		LastModified: e.End.Add(10 * time.Minute).UTC().Format("2006-01-02T15:04:05.000Z"),
		LogID:        e.LogID, LogType: e.LogType, OriginalDuration: e.DurationMS, OriginalStartTime: st,
		Source: activitySourceJSON{ID: deviceID(u), Name: e.Source, TrackerFeatures: []string{}, Type: "tracker",
			URL: "https://www.fitbit.com/"},
		StartTime: st, Steps: e.Steps,
	}
}

// activityList serves /1/user/-/activities/list.json.
func (s *Server) activityList(q *req) answer {
	after, pivot, limit, offset, bad := q.listQuery()
	if bad != nil {
		return *bad
	}
	// Collect just enough logs to fill the page and tell whether another
	// follows.
	need := offset + limit + 1
	last := dates.In(q.cut, q.u.loc)
	var logs []*Exercise
	if after != "" {
		if pivot.Before(q.u.MemberSince) {
			pivot = q.u.MemberSince
		}
		for d := pivot; !d.After(last) && len(logs) < need; d = d.AddDays(1) {
			logs = append(logs, s.exercisesServed(q.u, d, q.cut)...)
		}
	} else {
		for d := pivot.AddDays(-1); !d.Before(q.u.MemberSince) && len(logs) < need; d = d.AddDays(-1) {
			if d.After(last) {
				continue
			}
			got := s.exercisesServed(q.u, d, q.cut)
			for i := len(got) - 1; i >= 0; i-- {
				logs = append(logs, got[i])
			}
		}
	}
	page := []activityJSON{}
	for i := offset; i < len(logs) && i < offset+limit; i++ {
		page = append(page, s.activityJSON(q.u, logs[i], q.usa))
	}
	pg := q.pagination(after, limit, offset, len(logs))
	return answer{http.StatusOK, mustJSON(map[string]any{"activities": page, "pagination": pg})}
}
