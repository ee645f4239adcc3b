package takeout_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/sim"
)

// simAPI is a pipeline.Fetcher that sends each planned request to the
// simulator's Fitbit handler in-process, with the user's token, following
// pagination.next: the API export of the simulated user.
type simAPI struct {
	s     *sim.Server
	token string
}

func (f simAPI) Fetch(ctx context.Context, req dataset.Request) ([][]byte, error) {
	if req.Method != "" && req.Method != http.MethodGet {
		return nil, fmt.Errorf("simAPI: %s %s: only GET", req.Method, req.Path)
	}
	path := req.Path
	if len(req.Query) > 0 {
		path += "?" + req.Query.Encode()
	}
	var pages [][]byte
	for {
		r := httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx)
		r.Header.Set("Authorization", "Bearer "+f.token)
		w := httptest.NewRecorder()
		f.s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			return nil, fmt.Errorf("simAPI: GET %s: %d %s", path, w.Code, w.Body)
		}
		pages = append(pages, w.Body.Bytes())
		if req.Paging != dataset.FitbitNext {
			return pages, nil
		}
		var pg struct {
			Pagination struct {
				Next string `json:"next"`
			} `json:"pagination"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &pg); err != nil {
			return nil, err
		}
		if pg.Pagination.Next == "" {
			return pages, nil
		}
		u, err := url.Parse(pg.Pagination.Next)
		if err != nil || len(pages) > 100 {
			return nil, fmt.Errorf("simAPI: GET %s: pagination.next %q", path, pg.Pagination.Next)
		}
		path = u.RequestURI()
	}
}

// TestImportMoreEqualsAPIExport imports the exercises, the HRV windows,
// Active Zone Minutes (per minute and per day) and VO2 max of the
// simulator-written archive and finds, column for column, the rows an
// API export of the same user writes through the simulated Fitbit API:
// over the whole span from the zip parts, and, from the unpacked folder,
// over the week of the 2026-10-25 fall-back night (its repeated hour
// holds HRV windows on both offsets).
func TestImportMoreEqualsAPIExport(t *testing.T) {
	fx := getFixture(t)
	tr := fx.sim.Truth(fx.user.ID)
	s := sim.New(sim.Config{Seed: 1, Users: simUsers(), Now: func() time.Time { return simNow }, Quota: 1 << 30})
	access, _ := s.IssueTokens(fx.user.ID, sim.SandboxClient.ID, nil)
	api := simAPI{s: s, token: access}
	week := dates.Range{From: dates.MustParse("2026-10-21"), To: dates.MustParse("2026-10-28")}
	for _, c := range []struct {
		form  string
		r     dates.Range
		names []string
	}{
		{"zip", span, []string{"hrv_intraday", "vo2_max", "active_zone_minutes_daily", "exercises"}},
		{"folder", week, []string{"hrv_intraday", "vo2_max", "active_zone_minutes", "active_zone_minutes_daily", "exercises"}},
	} {
		t.Run(c.form, func(t *testing.T) {
			a, _ := archive(t, c.form)
			_, got := export(t, a, c.names, "1min", c.r)
			res, want := exportFrom(t, api, "sandbox", a.Profile(), c.names, "1min", c.r)
			for _, ds := range c.names {
				if dr := res.Datasets[ds]; dr.DaysComplete != c.r.Days() {
					t.Errorf("API export of %s: %d complete days, want %d", ds, dr.DaysComplete, c.r.Days())
				}
				compareDataset(t, ds, got[ds], want[ds])
			}

			// The comparison means something: the API's rows are the
			// simulator's truth, and hold what the archive had to get
			// right.
			var logs, ranges, numbers int
			c.r.Each(func(d dates.Date) {
				logs += len(tr.Exercises(d))
				if n := tr.Nightly(d); n != nil {
					if n.VO2Max.Low != nil {
						ranges++
					} else {
						numbers++
					}
				}
			})
			t.Logf("%s: %d exercises, %d HRV windows, %d AZM minutes, %d AZM days, %d VO2 max days (%d ranges)", c.r,
				len(want["exercises"]), len(want["hrv_intraday"]), len(want["active_zone_minutes"]),
				len(want["active_zone_minutes_daily"]), len(want["vo2_max"]), ranges)
			if len(want["exercises"]) != logs || logs < 5 {
				t.Errorf("API export: %d exercises, truth %d (want at least 5)", len(want["exercises"]), logs)
			}
			var lows int
			for _, row := range want["vo2_max"] {
				if row["vo2_max_low"] != "" {
					lows++
				}
			}
			if lows != ranges || len(want["vo2_max"]) != ranges+numbers || ranges == 0 || (c.form == "zip" && numbers == 0) {
				t.Errorf("API export: vo2_max %d rows, %d ranges; truth %d ranges and %d numbers", len(want["vo2_max"]), lows, ranges, numbers)
			}
			if len(want["active_zone_minutes_daily"]) != c.r.Days() || len(want["hrv_intraday"]) < 50*c.r.Days() {
				t.Errorf("API export: %d AZM days, %d HRV windows", len(want["active_zone_minutes_daily"]), len(want["hrv_intraday"]))
			}
			if c.form == "folder" {
				if len(want["active_zone_minutes"]) < 20 {
					t.Errorf("API export: %d AZM minutes", len(want["active_zone_minutes"]))
				}
				// Both passes of the repeated hour: the same wall clock
				// an hour apart.
				seen := map[string]string{}
				repeated := 0
				for _, row := range want["hrv_intraday"] {
					l := row["time_local"]
					if strings.HasPrefix(l, "2026-10-25T02:") || strings.HasPrefix(l, "2026-10-25 02:") {
						if u, ok := seen[l]; ok && u != row["time_utc"] {
							repeated++
						}
						seen[l] = row["time_utc"]
					}
				}
				if repeated == 0 {
					t.Errorf("API export: no HRV window in both passes of the repeated hour")
				}
			}
			if w := a.Warnings(); len(w) != 1 {
				t.Errorf("warnings = %q, want only the truncated steps file", w)
			}
		})
	}
}
