package sim_test

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/fitexport/fitexport/sim"
)

type listPage struct {
	DataPoints    []json.RawMessage `json:"dataPoints"`
	NextPageToken string            `json:"nextPageToken"`
}

// TestGoogleFilter runs accepted filters (checking what they select) and
// every rejection reason.
func TestGoogleFilter(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 13})
	tr := g.s.Truth("SIM001")
	loc := berlin(t)
	day := d("2026-11-20")
	stepsDay := 0
	for _, p := range tr.GooglePoints(day, "steps") {
		if p.Value != 0 {
			stepsDay++
		}
	}
	hrHour := 0 // 2026-11-20 08:00–09:00 local
	for _, p := range tr.GooglePoints(day, "heart-rate") {
		if h := p.Start.In(loc).Hour(); h == 8 {
			hrHour++
		}
	}
	cut := tr.SyncedUntil()
	hrLast := 0 // from 06:00 local on the sync day to the sync
	for _, p := range tr.GooglePoints(d("2026-11-25"), "heart-rate") {
		if p.Start.In(loc).Hour() >= 6 && p.Start.Before(cut) {
			hrLast++
		}
	}
	// sleep logs ending (local) on Nov 10 or 11, or (UTC) on Nov 20
	sleepOr := 0
	for x := d("2026-11-08"); x.Before(d("2026-11-23")); x = x.AddDays(1) {
		for _, lg := range tr.Day(x).Sleep {
			ld, ud := lg.End.In(loc).Format("2006-01-02"), lg.End.UTC().Format("2006-01-02")
			if ld == "2026-11-10" || ld == "2026-11-11" || ud == "2026-11-20" {
				sleepOr++
			}
		}
	}
	rhrDays := 0
	for _, x := range []string{"2026-11-18", "2026-11-19", "2026-11-20"} {
		if tr.Day(d(x)).RestingHR != nil {
			rhrDays++
		}
	}
	if stepsDay == 0 || hrHour == 0 || hrLast == 0 || sleepOr < 3 {
		t.Fatalf("fixture: %d steps, %d hr, %d hr since 06:00, %d sleep", stepsDay, hrHour, hrLast, sleepOr)
	}

	accepted := []struct {
		name, typ, filter string
		method            string
		want              int // points over all pages
	}{
		{"civil date-only", "steps", `steps.interval.civil_start_time >= "2026-11-20" AND steps.interval.civil_start_time < "2026-11-21"`, "", stepsDay},
		{"civil date-time", "steps", `steps.interval.civil_start_time >= "2026-11-20T00:00:00" AND steps.interval.civil_start_time < "2026-11-21T00:00:00"`, ":reconcile", stepsDay},
		{"physical Z", "steps", `steps.interval.start_time >= "2026-11-19T23:00:00Z" AND steps.interval.start_time < "2026-11-20T23:00:00Z"`, "", stepsDay},
		{"physical offset, single quotes, parens", "heart-rate", `(heart_rate.sample_time.physical_time >= '2026-11-20T08:00:00+01:00') AND heart_rate.sample_time.physical_time < "2026-11-20T08:00:00Z"`, "", hrHour},
		{"lower bound only", "heart-rate", `heart_rate.sample_time.civil_time >= "2026-11-25T06:00:00"`, ":reconcile", hrLast},
		{"sleep OR", "sleep", `(sleep.interval.civil_end_time >= "2026-11-10" AND sleep.interval.civil_end_time < "2026-11-12") OR (sleep.interval.end_time >= "2026-11-20T00:00:00Z" AND sleep.interval.end_time < "2026-11-21T00:00:00Z")`, "", sleepOr},
		{"daily dates", "daily-resting-heart-rate", `daily_resting_heart_rate.date >= "2026-11-18" AND daily_resting_heart_rate.date < "2026-11-21"`, "", rhrDays},
		{"floors reconcile", "floors", `floors.interval.civil_start_time >= "2026-11-20" AND floors.interval.civil_start_time < "2026-11-21"`, ":reconcile", -1},
	}
	for _, c := range accepted {
		t.Run("ok/"+c.name, func(t *testing.T) {
			q := url.Values{"filter": {c.filter}, "pageSize": {"10000"}}
			n, pages := 0, 0
			for {
				r := g.gget(t, g.gAccess, v4+"dataTypes/"+c.typ+"/dataPoints"+c.method, q)
				if r.status != 200 {
					t.Fatalf("%d %s", r.status, trunc(r.body))
				}
				pg := decode[listPage](t, r.body)
				n += len(pg.DataPoints)
				if pages++; pg.NextPageToken == "" || pages > 20 {
					break
				}
				q.Set("pageToken", pg.NextPageToken)
			}
			if c.want >= 0 && n != c.want {
				t.Errorf("%d points, want %d", n, c.want)
			}
		})
	}

	t.Run("ok/no filter is newest first up to the sync", func(t *testing.T) {
		r := g.gget(t, g.gAccess, v4+"dataTypes/heart-rate/dataPoints", url.Values{"pageSize": {"5"}})
		pg := decode[listPage](t, r.body)
		all := tr.GooglePoints(d("2026-11-25"), "heart-rate")
		if r.status != 200 || len(pg.DataPoints) != 5 || pg.NextPageToken == "" || len(all) < 5 {
			t.Fatalf("%d: %d points, token %q", r.status, len(pg.DataPoints), pg.NextPageToken)
		}
		var hr struct {
			SampleTime struct {
				PhysicalTime time.Time `json:"physicalTime"`
			} `json:"sampleTime"`
		}
		if err := json.Unmarshal(decode[map[string]json.RawMessage](t, pg.DataPoints[0])["heartRate"], &hr); err != nil {
			t.Fatal(err)
		}
		if newest := all[len(all)-1].Start; !hr.SampleTime.PhysicalTime.Equal(newest) || !newest.Before(cut) {
			t.Errorf("first point %v, newest served sample %v (cut %v)", hr.SampleTime.PhysicalTime, newest, cut)
		}
	})

	steps := "steps.interval.civil_start_time"
	rejected := []struct {
		name, typ, filter, reason string
	}{
		{"unquoted literal", "steps", steps + ` >= 2026-11-20`, "INVALID_DATA_POINT_FILTER_SYNTAX"},
		{"missing literal", "steps", steps + ` >=`, "INVALID_DATA_POINT_FILTER_SYNTAX"},
		{"dangling AND", "steps", steps + ` >= "2026-11-20" AND`, "INVALID_DATA_POINT_FILTER_SYNTAX"},
		{"unbalanced paren", "steps", `(` + steps + ` >= "2026-11-20"`, "INVALID_DATA_POINT_FILTER_SYNTAX"},
		{"unterminated string", "steps", steps + ` >= "2026-11-20`, "INVALID_DATA_POINT_FILTER_SYNTAX"},
		{"lower-case and", "steps", steps + ` >= "2026-11-20" and ` + steps + ` < "2026-11-21"`, "INVALID_DATA_POINT_FILTER_SYNTAX"},
		{"no operator", "steps", steps + ` "2026-11-20"`, "INVALID_DATA_POINT_FILTER_SYNTAX"},
		{"stray characters", "steps", steps + ` >= "2026-11-20" && x`, "INVALID_DATA_POINT_FILTER_SYNTAX"},
		{"other type's field", "steps", `heart_rate.sample_time.civil_time >= "2026-11-20"`, "INVALID_DATA_POINT_FILTER"},
		{"kebab identifier", "heart-rate", `heart-rate.sample_time.civil_time >= "2026-11-20"`, "INVALID_DATA_POINT_FILTER"},
		{"sample field on interval type", "steps", `steps.sample_time.civil_time >= "2026-11-20"`, "INVALID_DATA_POINT_FILTER"},
		{"end time on interval type", "steps", `steps.interval.end_time >= "2026-11-20T00:00:00Z"`, "INVALID_DATA_POINT_FILTER"},
		{"sleep start time", "sleep", `sleep.interval.civil_start_time >= "2026-11-20"`, "INVALID_DATA_POINT_FILTER"},
		{"operator >", "steps", steps + ` > "2026-11-20"`, "INVALID_DATA_POINT_FILTER"},
		{"operator <=", "steps", steps + ` <= "2026-11-20"`, "INVALID_DATA_POINT_FILTER"},
		{"operator =", "steps", steps + ` = "2026-11-20"`, "INVALID_DATA_POINT_FILTER"},
		{"operator !=", "steps", steps + ` != "2026-11-20"`, "INVALID_DATA_POINT_FILTER"},
		{"OR on steps", "steps", steps + ` >= "2026-11-20" OR ` + steps + ` < "2026-11-01"`, "INVALID_DATA_POINT_FILTER"},
		{"NOT", "steps", `NOT ` + steps + ` >= "2026-11-20"`, "INVALID_DATA_POINT_FILTER"},
		{"civil literal on physical field", "steps", `steps.interval.start_time >= "2026-11-20T00:00:00"`, "INVALID_DATA_POINT_FILTER"},
		{"offset on civil field", "steps", steps + ` >= "2026-11-20T00:00:00Z"`, "INVALID_DATA_POINT_FILTER_CIVIL_DATE_TIME_FORMAT"},
		{"space instead of T", "steps", steps + ` >= "2026-11-20 00:00:00"`, "INVALID_DATA_POINT_FILTER_CIVIL_DATE_TIME_FORMAT"},
		{"no seconds", "heart-rate", `heart_rate.sample_time.civil_time >= "2026-11-20T00:00"`, "INVALID_DATA_POINT_FILTER_CIVIL_DATE_TIME_FORMAT"},
		{"month 13", "steps", steps + ` >= "2026-13-01"`, "INVALID_DATA_POINT_FILTER_CIVIL_DATE_TIME_FORMAT"},
		{"date with time", "daily-resting-heart-rate", `daily_resting_heart_rate.date >= "2026-11-01T00:00:00"`, "INVALID_DATA_POINT_FILTER_CIVIL_DATE_TIME_FORMAT"},
	}
	for _, c := range rejected {
		t.Run("reject/"+c.name, func(t *testing.T) {
			r := g.gget(t, g.gAccess, v4+"dataTypes/"+c.typ+"/dataPoints", url.Values{"filter": {c.filter}})
			wantGErr(t, r, 400, "INVALID_ARGUMENT", c.reason)
		})
	}

	t.Run("reject/page size and token", func(t *testing.T) {
		r := g.gget(t, g.gAccess, v4+"dataTypes/steps/dataPoints", url.Values{"pageSize": {"-1"}})
		wantGErr(t, r, 400, "INVALID_ARGUMENT", "")
		r = g.gget(t, g.gAccess, v4+"dataTypes/steps/dataPoints", url.Values{"pageToken": {"bogus"}})
		wantGErr(t, r, 400, "INVALID_ARGUMENT", "INVALID_PAGE_TOKEN")
		// a token only continues the request it came from
		q := url.Values{"filter": {`steps.interval.civil_start_time >= "2026-11-20"`}, "pageSize": {"2"}}
		tok := decode[listPage](t, g.gget(t, g.gAccess, v4+"dataTypes/steps/dataPoints", q).body).NextPageToken
		q.Set("filter", `steps.interval.civil_start_time >= "2026-11-19"`)
		q.Set("pageToken", tok)
		r = g.gget(t, g.gAccess, v4+"dataTypes/steps/dataPoints", q)
		wantGErr(t, r, 400, "INVALID_ARGUMENT", "INVALID_PAGE_TOKEN")
	})
	t.Run("page size limits", func(t *testing.T) {
		q := url.Values{"filter": {`sleep.interval.civil_end_time >= "2026-09-01"`}, "pageSize": {"1000"}}
		pg := decode[listPage](t, g.gget(t, g.gAccess, v4+"dataTypes/sleep/dataPoints", q).body)
		if len(pg.DataPoints) != 25 || pg.NextPageToken == "" {
			t.Errorf("sleep pageSize 1000: %d points, token %q; want 25 and more", len(pg.DataPoints), pg.NextPageToken)
		}
		q = url.Values{"filter": {`heart_rate.sample_time.civil_time >= "2026-11-22"`}}
		pg = decode[listPage](t, g.gget(t, g.gAccess, v4+"dataTypes/heart-rate/dataPoints", q).body)
		if len(pg.DataPoints) != 1440 {
			t.Errorf("default page size: %d points, want 1440", len(pg.DataPoints))
		}
		q.Set("pageSize", "20000")
		pg = decode[listPage](t, g.gget(t, g.gAccess, v4+"dataTypes/heart-rate/dataPoints", q).body)
		if len(pg.DataPoints) != 10000 {
			t.Errorf("pageSize 20000: %d points, want 10000", len(pg.DataPoints))
		}
	})
}
