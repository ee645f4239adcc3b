package dataset

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/sim"
)

// newDatasets are the issue-6 datasets.
func newDatasets() []string { return strings.Fields(newDatasetNames) }

// simFetch sends req to the simulator with the access token and follows
// pagination.next, as the Fitbit source does.
func simFetch(t *testing.T, srv *sim.Server, access string, req Request) [][]byte {
	t.Helper()
	var pages [][]byte
	target := req.Path
	for target != "" {
		rr := httptest.NewRecorder()
		hr := httptest.NewRequest(http.MethodGet, target, nil)
		hr.Header.Set("Authorization", "Bearer "+access)
		srv.ServeHTTP(rr, hr)
		if rr.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, rr.Code, rr.Body)
		}
		pages = append(pages, rr.Body.Bytes())
		target = ""
		if req.Paging == FitbitNext {
			var p struct {
				Pagination struct {
					Next string `json:"next"`
				} `json:"pagination"`
			}
			if err := json.Unmarshal(rr.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p.Pagination.Next != "" {
				u, err := url.Parse(p.Pagination.Next)
				if err != nil {
					t.Fatal(err)
				}
				target = u.RequestURI()
			}
			if len(pages) > 100 {
				t.Fatalf("%s: pagination does not end", req.Path)
			}
		}
	}
	return pages
}

// TestNewDatasetsAgainstSimulator fetches the issue-6 datasets from the
// in-process simulator over DST weeks in two zones, runs the transforms and
// compares every row with the simulator's ground truth.
func TestNewDatasetsAgainstSimulator(t *testing.T) {
	for _, tc := range []struct {
		user, from string
		days       int
	}{
		{"SIM001", "2026-10-22", 8}, // Europe/Berlin fall-back on the 25th
		{"SIM001", "2026-03-27", 5}, // spring-forward on the 29th
		{"SIM002", "2026-10-29", 6}, // America/New_York fall-back on Nov 1
		{"SIM002", "2026-03-06", 5}, // spring-forward on Mar 8
	} {
		t.Run(tc.user+"/"+tc.from, func(t *testing.T) {
			r := rng(tc.from, tc.days)
			// The tracker synced two days after the range (so the
			// activity list's pages end soon after it).
			now := r.To.AddDays(2).UTC().Add(12 * time.Hour)
			srv := sim.New(sim.Config{Seed: 7, Now: func() time.Time { return now }, Quota: 1 << 30})
			access, _ := srv.IssueTokens(tc.user, "", nil)
			truth := srv.Truth(tc.user)
			reg := Default()
			reqs := plan(t, DefaultOptions(), r, newDatasets()...)
			var resps []Response
			for _, req := range reqs {
				resps = append(resps, Response{Request: req, Pages: simFetch(t, srv, access, req)})
			}
			in := Input{
				Responses: resps,
				Want:      func(d dates.Date, key string) bool { return reqs[key].Days.Contains(d) && r.Contains(d) },
				Zone:      func(dates.Date) *time.Location { return truth.Zone() },
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			recs := map[string]arrow.RecordBatch{}
			defer func() {
				for _, rec := range recs {
					rec.Release()
				}
			}()
			for _, name := range newDatasets() {
				d := mustGet(t, reg, name)
				in.Dataset = name
				b := array.NewRecordBuilder(mem, d.Schema)
				err := d.Sources[Fitbit].Transform(in, b)
				recs[name] = b.NewRecordBatch()
				b.Release()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				assertOrdered(t, d, recs[name])
			}
			cmp := &rowCmp{t: t, recs: recs}
			var nights []*sim.Nightly
			r.Each(func(d dates.Date) {
				if n := truth.Nightly(d); n != nil {
					nights = append(nights, n)
				}
			})
			if len(nights) < tc.days/2 {
				t.Fatalf("only %d nights with metrics in %d days", len(nights), tc.days)
			}
			compareNightly(cmp, nights)
			compareAZM(cmp, truth, r)
			compareBody(cmp, truth, r)
			compareExercises(cmp, truth, r)
			compareSnapshots(cmp, truth, r)
		})
	}
}

// assertOrdered checks the transform contract: rows in increasing time.
func assertOrdered(t *testing.T, d *Dataset, rec arrow.RecordBatch) {
	t.Helper()
	for _, name := range []string{"time_utc", "date", "start_utc"} {
		idx := rec.Schema().FieldIndices(name)
		if len(idx) == 0 {
			continue
		}
		var prev int64
		for i := 0; i < int(rec.NumRows()); i++ {
			var v int64
			switch c := rec.Column(idx[0]).(type) {
			case *array.Timestamp:
				v = int64(c.Value(i))
			case *array.Date32:
				v = int64(c.Value(i))
			}
			if i > 0 && (v < prev || (d.Kind == TimeSeries && v == prev && d.Name != "active_zone_minutes")) {
				t.Errorf("%s: row %d out of order in %s", d.Name, i, name)
				return
			}
			prev = v
		}
		return
	}
}

// rowCmp compares record cells with expected values.
type rowCmp struct {
	t    *testing.T
	recs map[string]arrow.RecordBatch
	bad  int
}

func (c *rowCmp) rows(ds string, n int) bool {
	c.t.Helper()
	if got := int(c.recs[ds].NumRows()); got != n {
		c.t.Errorf("%s: %d rows, truth %d", ds, got, n)
		return false
	}
	return true
}

// cell renders cell (ds, col, i) as a float64 (instants and wall clocks in
// Unix ms, dates in days), NaN for null.
func (c *rowCmp) cell(ds, col string, i int) float64 {
	a := column(c.recs[ds], col)
	if a.IsNull(i) {
		return math.NaN()
	}
	switch v := a.(type) {
	case *array.Timestamp:
		return float64(v.Value(i))
	case *array.Date32:
		return float64(v.Value(i))
	case *array.Int8:
		return float64(v.Value(i))
	}
	return num(a, i)
}

func (c *rowCmp) str(ds, col string, i int) string {
	a := column(c.recs[ds], col).(*array.String)
	if a.IsNull(i) {
		return "<null>"
	}
	return a.Value(i)
}

// eq reports a mismatch; want NaN expects null.
func (c *rowCmp) eq(ds, col string, i int, want float64) {
	c.t.Helper()
	got := c.cell(ds, col, i)
	if math.IsNaN(want) && math.IsNaN(got) {
		return
	}
	if math.IsNaN(want) != math.IsNaN(got) || math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		if c.bad++; c.bad <= 10 {
			c.t.Errorf("%s row %d: %s = %v, truth %v", ds, i, col, got, want)
		}
	}
}

func (c *rowCmp) eqStr(ds, col string, i int, want string) {
	c.t.Helper()
	if got := c.str(ds, col, i); got != want {
		if c.bad++; c.bad <= 10 {
			c.t.Errorf("%s row %d: %s = %q, truth %q", ds, i, col, got, want)
		}
	}
}

func day32(d dates.Date) float64 { return float64(d.UTC().Unix() / 86400) }

func opt(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func optInt(p *int) float64 {
	if p == nil {
		return math.NaN()
	}
	return float64(*p)
}

func compareNightly(c *rowCmp, nights []*sim.Nightly) {
	for _, ds := range []string{"spo2_daily", "hrv_daily", "breathing_rate", "skin_temperature", "vo2_max"} {
		if !c.rows(ds, len(nights)) {
			return
		}
	}
	var spo2, hrv int
	for i, n := range nights {
		for _, ds := range []string{"spo2_daily", "hrv_daily", "breathing_rate", "skin_temperature", "vo2_max"} {
			c.eq(ds, "date", i, day32(n.Date))
		}
		c.eq("spo2_daily", "avg_percent", i, n.SpO2Avg)
		c.eq("spo2_daily", "min_percent", i, n.SpO2Min)
		c.eq("spo2_daily", "max_percent", i, n.SpO2Max)
		c.eq("hrv_daily", "daily_rmssd_ms", i, n.DailyRMSSD)
		c.eq("hrv_daily", "deep_rmssd_ms", i, opt(n.DeepRMSSD))
		c.eq("breathing_rate", "breaths_per_min", i, n.BreathingRate)
		c.eq("breathing_rate", "deep_breaths_per_min", i, opt(n.DeepBR))
		c.eq("breathing_rate", "light_breaths_per_min", i, opt(n.LightBR))
		c.eq("breathing_rate", "rem_breaths_per_min", i, opt(n.RemBR))
		c.eq("skin_temperature", "nightly_relative_c", i, n.SkinTempRelative)
		c.eq("skin_temperature", "nightly_c", i, math.NaN())
		c.eqStr("skin_temperature", "log_type", i, n.SkinTempLogType)
		c.eq("vo2_max", "vo2_max", i, n.VO2Max.Value)
		c.eq("vo2_max", "vo2_max_low", i, opt(n.VO2Max.Low))
		c.eq("vo2_max", "vo2_max_high", i, opt(n.VO2Max.High))
		spo2 += len(n.SpO2)
		hrv += len(n.HRV)
	}
	if c.rows("spo2_intraday", spo2) {
		i := 0
		for _, n := range nights {
			for _, s := range n.SpO2 {
				c.eq("spo2_intraday", "time_utc", i, float64(ms(s.Time)))
				c.eq("spo2_intraday", "time_local", i, float64(wallMS(s.Local)))
				c.eq("spo2_intraday", "spo2_percent", i, s.Percent)
				i++
			}
		}
	}
	if c.rows("hrv_intraday", hrv) {
		i := 0
		for _, n := range nights {
			for _, s := range n.HRV {
				c.eq("hrv_intraday", "time_utc", i, float64(ms(s.Time)))
				c.eq("hrv_intraday", "time_local", i, float64(wallMS(s.Local)))
				c.eq("hrv_intraday", "rmssd_ms", i, s.RMSSD)
				c.eq("hrv_intraday", "coverage", i, s.Coverage)
				c.eq("hrv_intraday", "hf", i, s.HF)
				c.eq("hrv_intraday", "lf", i, s.LF)
				i++
			}
		}
	}
}

func compareAZM(c *rowCmp, truth *sim.Truth, r dates.Range) {
	type row struct {
		at    sim.AZMMinute
		zone  string
		value int
	}
	var rows []row
	total := 0
	if !c.rows("active_zone_minutes_daily", r.Days()) {
		return
	}
	i := 0
	r.Each(func(d dates.Date) {
		for _, m := range truth.ActiveZoneMinutes(d, "1min") {
			for _, z := range []struct {
				name string
				v    int
			}{{"fat_burn", m.FatBurn}, {"cardio", m.Cardio}, {"peak", m.Peak}} {
				if z.v > 0 {
					rows = append(rows, row{m, z.name, z.v})
				}
			}
		}
		day := truth.ActiveZoneMinutesDay(d)
		c.eq("active_zone_minutes_daily", "date", i, day32(d))
		c.eq("active_zone_minutes_daily", "active_zone_minutes", i, float64(day.Total))
		c.eq("active_zone_minutes_daily", "fat_burn_active_zone_minutes", i, float64(day.FatBurn))
		c.eq("active_zone_minutes_daily", "cardio_active_zone_minutes", i, float64(day.Cardio))
		c.eq("active_zone_minutes_daily", "peak_active_zone_minutes", i, float64(day.Peak))
		// AZM follow the heart-rate zones of the same day.
		if z := truth.Day(d).Zones; day.FatBurn != z[1].Minutes || day.Cardio != 2*z[2].Minutes || day.Peak != 2*z[3].Minutes {
			c.t.Errorf("%s: AZM %+v disagree with the heart-rate zones %+v", d, day, z)
		}
		total += day.Total
		i++
	})
	if total == 0 {
		c.t.Error("no Active Zone Minutes in the whole range")
	}
	if !c.rows("active_zone_minutes", len(rows)) {
		return
	}
	for i, w := range rows {
		c.eq("active_zone_minutes", "time_utc", i, float64(ms(w.at.Time)))
		c.eq("active_zone_minutes", "time_local", i, float64(wallMS(w.at.Local)))
		c.eqStr("active_zone_minutes", "zone", i, w.zone)
		c.eq("active_zone_minutes", "minutes", i, float64(w.value))
	}
}

func compareBody(c *rowCmp, truth *sim.Truth, r dates.Range) {
	var logs []*sim.WeightLog
	r.Each(func(d dates.Date) {
		if w := truth.Weight(d); w != nil {
			logs = append(logs, w)
		}
	})
	if len(logs) == 0 {
		c.t.Error("no weight logs in the range")
	}
	if c.rows("weight", len(logs)) {
		for i, w := range logs {
			c.eq("weight", "time_utc", i, float64(ms(w.Time)))
			c.eq("weight", "time_local", i, float64(wallMS(w.Local)))
			c.eq("weight", "weight_kg", i, w.WeightKg)
			c.eq("weight", "bmi", i, w.BMI)
			c.eq("weight", "fat_percent", i, opt(w.Fat))
			c.eqStr("weight", "source", i, w.Source)
			c.eq("weight", "log_id", i, float64(w.LogID))
		}
	}
	var fat []*sim.WeightLog
	for _, w := range logs {
		if w.Fat != nil {
			fat = append(fat, w)
		}
	}
	if c.rows("body_fat", len(fat)) {
		for i, w := range fat {
			c.eq("body_fat", "time_utc", i, float64(ms(w.Time)))
			c.eq("body_fat", "fat_percent", i, *w.Fat)
			c.eq("body_fat", "log_id", i, float64(w.LogID))
		}
	}
}

func compareExercises(c *rowCmp, truth *sim.Truth, r dates.Range) {
	var ex []sim.Exercise
	r.Each(func(d dates.Date) { ex = append(ex, truth.Exercises(d)...) })
	if len(ex) == 0 {
		c.t.Error("no exercises in the range")
	}
	if !c.rows("exercises", len(ex)) {
		return
	}
	loc := truth.Zone()
	for i, e := range ex {
		c.eq("exercises", "log_id", i, float64(e.LogID))
		c.eqStr("exercises", "activity_name", i, e.Name)
		c.eq("exercises", "activity_type_id", i, float64(e.TypeID))
		c.eqStr("exercises", "log_type", i, e.LogType)
		c.eq("exercises", "start_utc", i, float64(ms(e.Start)))
		c.eq("exercises", "start_local", i, float64(wallMS(e.Start.In(loc))))
		c.eq("exercises", "end_utc", i, float64(ms(e.End)))
		c.eq("exercises", "end_local", i, float64(wallMS(e.End.In(loc))))
		c.eq("exercises", "duration_ms", i, float64(e.DurationMS))
		c.eq("exercises", "steps", i, float64(e.Steps))
		c.eq("exercises", "calories_kcal", i, float64(e.Calories))
		c.eq("exercises", "distance_m", i, e.DistanceKm*1000)
		c.eq("exercises", "average_heart_rate_bpm", i, optInt(e.AverageHR))
		c.eq("exercises", "active_zone_minutes", i, float64(e.AZM))
		c.eq("exercises", "fat_burn_zone_min", i, float64(e.FatBurnMin))
		c.eq("exercises", "cardio_zone_min", i, float64(e.CardioMin))
		c.eq("exercises", "peak_zone_min", i, float64(e.PeakMin))
		c.eqStr("exercises", "source_device", i, e.Source)
	}
}

func compareSnapshots(c *rowCmp, truth *sim.Truth, r dates.Range) {
	devs := truth.Devices()
	if c.rows("devices", len(devs)) {
		for i, d := range devs {
			c.eq("devices", "date", i, day32(r.To))
			c.eqStr("devices", "id", i, d.ID)
			c.eqStr("devices", "type", i, d.Type)
			c.eqStr("devices", "version", i, d.Version)
			c.eqStr("devices", "battery", i, d.Battery)
			c.eq("devices", "battery_level", i, float64(d.BatteryLevel))
			c.eq("devices", "last_sync_utc", i, float64(d.LastSync.Truncate(time.Second).UnixMilli()))
		}
	}
	p := truth.Profile()
	if c.rows("profile", 1) {
		c.eq("profile", "date", 0, day32(r.To))
		c.eqStr("profile", "timezone", 0, p.Timezone)
		c.eq("profile", "utc_offset_s", 0, float64(p.OffsetFromUTCMillis/1000))
		c.eq("profile", "member_since", 0, day32(p.MemberSince))
		c.eqStr("profile", "distance_unit", 0, p.DistanceUnit)
		c.eqStr("profile", "weight_unit", 0, p.WeightUnit)
	}
}
