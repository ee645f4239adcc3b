package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/fitexport/fitexport/dates"
)

const sleepTimeLayout = "2006-01-02T15:04:05.000"

type levelEntry struct {
	DateTime string `json:"dateTime"`
	Level    string `json:"level"`
	Seconds  int    `json:"seconds"`
}

type levelSummaryJSON struct {
	Count               int  `json:"count"`
	Minutes             int  `json:"minutes"`
	ThirtyDayAvgMinutes *int `json:"thirtyDayAvgMinutes,omitempty"`
}

type levelsJSON struct {
	Data      []levelEntry                `json:"data"`
	ShortData []levelEntry                `json:"shortData"`
	Summary   map[string]levelSummaryJSON `json:"summary"`
}

type sleepJSON struct {
	DateOfSleep         string     `json:"dateOfSleep"`
	Duration            int64      `json:"duration"`
	Efficiency          int        `json:"efficiency"`
	EndTime             string     `json:"endTime"`
	InfoCode            int        `json:"infoCode"`
	IsMainSleep         bool       `json:"isMainSleep"`
	Levels              levelsJSON `json:"levels"`
	LogID               int64      `json:"logId"`
	LogType             string     `json:"logType"`
	MinutesAfterWakeup  int        `json:"minutesAfterWakeup"`
	MinutesAsleep       int        `json:"minutesAsleep"`
	MinutesAwake        int        `json:"minutesAwake"`
	MinutesToFallAsleep int        `json:"minutesToFallAsleep"`
	StartTime           string     `json:"startTime"`
	TimeInBed           int        `json:"timeInBed"`
	Type                string     `json:"type"`
}

// sleepLogJSON renders a log; every time uses the offset in force at its start.
func sleepLogJSON(lg *SleepLog) sleepJSON {
	loc := time.FixedZone("", lg.Offset)
	wall := func(t time.Time) string { return t.In(loc).Format(sleepTimeLayout) }
	j := sleepJSON{
		DateOfSleep: lg.DateOfSleep.String(), Duration: lg.Duration, Efficiency: lg.Efficiency,
		EndTime: wall(lg.End), InfoCode: lg.InfoCode, IsMainSleep: lg.IsMainSleep, LogID: lg.LogID,
		LogType: lg.LogType, MinutesAfterWakeup: lg.MinutesAfterWakeup, MinutesAsleep: lg.MinutesAsleep,
		MinutesAwake: lg.MinutesAwake, MinutesToFallAsleep: lg.MinutesToFallAsleep, StartTime: wall(lg.Start),
		TimeInBed: lg.TimeInBed, Type: lg.Type,
		Levels: levelsJSON{Data: []levelEntry{}, ShortData: []levelEntry{}, Summary: map[string]levelSummaryJSON{}},
	}
	for _, st := range lg.Stages {
		e := levelEntry{wall(st.Start), st.Level, st.Seconds}
		if st.Short {
			j.Levels.ShortData = append(j.Levels.ShortData, e)
		} else {
			j.Levels.Data = append(j.Levels.Data, e)
		}
	}
	for l, ls := range lg.Levels {
		j.Levels.Summary[l] = levelSummaryJSON(ls)
	}
	return j
}

// newestFirst orders logs by start time, newest first.
func newestFirst(logs []*SleepLog) []sleepJSON {
	sort.SliceStable(logs, func(i, j int) bool { return logs[i].Start.After(logs[j].Start) })
	out := []sleepJSON{}
	for _, lg := range logs {
		out = append(out, sleepLogJSON(lg))
	}
	return out
}

type sleepSummary struct {
	Stages             map[string]int `json:"stages,omitempty"`
	TotalMinutesAsleep int            `json:"totalMinutesAsleep"`
	TotalSleepRecords  int            `json:"totalSleepRecords"`
	TotalTimeInBed     int            `json:"totalTimeInBed"`
}

// sleepByDate serves /1.2/user/-/sleep/date/{date}.json and …/{start}/{end}.json.
func (s *Server) sleepByDate(q *req, args []string) answer {
	from, ok := q.date(args[0])
	if !ok {
		return validation("Invalid date: %s", args[0])
	}
	to := from
	if len(args) == 2 {
		if to, ok = q.date(args[1]); !ok {
			return validation("Invalid date: %s", args[1])
		}
		if to.Before(from) {
			return validation("Invalid date range: the end date %s is before the start date %s.", to, from)
		}
		if n := (dates.Range{From: from, To: to}).Days(); n > 100 {
			return validation("Invalid date range: %d days requested; the maximum range for sleep is 100 days.", n)
		}
	}
	var logs []*SleepLog
	(dates.Range{From: from, To: to}).Each(func(d dates.Date) { logs = append(logs, s.sleeps(q.u, d, q.cut)...) })
	if len(args) == 2 {
		return answer{http.StatusOK, mustJSON(map[string]any{"sleep": newestFirst(logs)})}
	}
	sum := sleepSummary{TotalSleepRecords: len(logs)}
	for _, lg := range logs {
		sum.TotalMinutesAsleep += lg.MinutesAsleep
		sum.TotalTimeInBed += lg.TimeInBed
		if lg.Type == "stages" && lg.IsMainSleep {
			if sum.Stages == nil {
				sum.Stages = map[string]int{}
			}
			for _, l := range []string{"deep", "light", "rem", "wake"} {
				sum.Stages[l] += lg.Levels[l].Minutes
			}
		}
	}
	return answer{http.StatusOK, mustJSON(map[string]any{"sleep": newestFirst(logs), "summary": sum})}
}

type paginationJSON struct {
	AfterDate  string `json:"afterDate,omitempty"`
	BeforeDate string `json:"beforeDate,omitempty"`
	Limit      int    `json:"limit"`
	Next       string `json:"next"`
	Offset     int    `json:"offset"`
	Previous   string `json:"previous"`
	Sort       string `json:"sort"`
}

// sleepList serves /1.2/user/-/sleep/list.json.
func (s *Server) sleepList(q *req) answer {
	after, pivot, limit, offset, bad := q.listQuery()
	if bad != nil {
		return *bad
	}
	last := dates.In(q.cut, q.u.loc).AddDays(1)
	var logs []*SleepLog
	if after != "" {
		for d := pivot; !d.After(last); d = d.AddDays(1) {
			logs = append(logs, s.sleeps(q.u, d, q.cut)...)
		}
	} else {
		first := q.u.MemberSince
		for d := pivot.AddDays(-1); !d.Before(first); d = d.AddDays(-1) {
			if d.After(last) {
				continue
			}
			got := s.sleeps(q.u, d, q.cut)
			for i := len(got) - 1; i >= 0; i-- {
				logs = append(logs, got[i])
			}
		}
	}
	page := []sleepJSON{}
	for i := offset; i < len(logs) && i < offset+limit; i++ {
		page = append(page, sleepLogJSON(logs[i]))
	}
	pg := q.pagination(after, limit, offset, len(logs))
	return answer{http.StatusOK, mustJSON(map[string]any{"pagination": pg, "sleep": page})}
}

// listQuery reads the paging parameters the Fitbit list endpoints share
// (sleep and activity logs): exactly one of afterDate (with sort=asc) and
// beforeDate (with sort=desc), limit 1–100 and offset. after is the
// afterDate given ("" for beforeDate); bad is the documented 400 answer.
func (q *req) listQuery() (after string, pivot dates.Date, limit, offset int, bad *answer) {
	fail := func(a answer) (string, dates.Date, int, int, *answer) { return "", dates.Date{}, 0, 0, &a }
	after, before, sortBy := q.query.Get("afterDate"), q.query.Get("beforeDate"), q.query.Get("sort")
	if (after == "") == (before == "") {
		return fail(validation("Exactly one of afterDate and beforeDate is required."))
	}
	if after != "" && sortBy != "asc" {
		return fail(validation("sort must be asc with afterDate."))
	}
	if before != "" && sortBy != "desc" {
		return fail(validation("sort must be desc with beforeDate."))
	}
	limit, err := strconv.Atoi(q.query.Get("limit"))
	if err != nil || limit < 1 || limit > 100 {
		return fail(validation("limit must be between 1 and 100."))
	}
	if v := q.query.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return fail(validation("Invalid offset: %s", v))
		}
	}
	dateArg := after + before
	if len(dateArg) > 10 {
		dateArg = dateArg[:10]
	}
	pivot, ok := q.date(dateArg)
	if !ok {
		return fail(validation("Invalid date: %s", after+before))
	}
	return after, pivot, limit, offset, nil
}

// pagination is the list endpoints' pagination object: next and previous
// are full URLs on the request's host, as Fitbit sends them.
func (q *req) pagination(after string, limit, offset, total int) paginationJSON {
	before, sortBy := q.query.Get("beforeDate"), q.query.Get("sort")
	scheme := "http"
	if q.r.TLS != nil {
		scheme = "https"
	}
	link := func(off int) string {
		v := fmt.Sprintf("offset=%d&limit=%d&sort=%s", off, limit, sortBy)
		if after != "" {
			v += "&afterDate=" + after
		} else {
			v += "&beforeDate=" + before
		}
		return scheme + "://" + q.r.Host + q.r.URL.Path + "?" + v
	}
	pg := paginationJSON{AfterDate: after, BeforeDate: before, Limit: limit, Offset: offset, Sort: sortBy}
	if offset+limit < total {
		pg.Next = link(offset + limit)
	}
	if offset > 0 {
		pg.Previous = link(max(0, offset-limit))
	}
	return pg
}
