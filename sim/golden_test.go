package sim_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fitexport/fitexport/sim"
)

var update = flag.Bool("update", false, "rewrite sim/testdata/golden from the simulator's answers")

// checkGolden compares body (indented, tokens masked) with testdata/golden/name.json.
func checkGolden(t *testing.T, name string, body []byte, mask map[string]string) {
	t.Helper()
	if !json.Valid(body) {
		t.Fatalf("%s: not JSON: %s", name, trunc(body))
	}
	s := string(body)
	for tok, repl := range mask {
		if tok != "" {
			s = strings.ReplaceAll(s, tok, repl)
		}
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(s), "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./sim -update to create it)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("%s differs from %s (run go test ./sim -update if the change is intended)\n got: %s", name, path, trunc(buf.Bytes()))
	}
}

// TestGolden pins the wire format of every endpoint the simulator serves.
func TestGolden(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 7})
	mask := map[string]string{e.access: "ACCESS_TOKEN", e.refr: "REFRESH_TOKEN", e.srv.URL: "http://HOST"}
	cases := []struct {
		name, path string
		status     int
		hdr        []string
	}{
		{"profile", "/1/user/-/profile.json", 200, nil},
		{"devices", "/1/user/SIM001/devices.json", 200, nil},
		{"steps_15min", "/1/user/-/activities/steps/date/2026-11-20/1d/15min.json", 200, nil},
		{"steps_1min", "/1/user/-/activities/steps/date/2026-11-20/1d/1min.json", 200, nil},
		{"steps_15min_utc", "/1/user/-/activities/steps/date/2026-11-20/1d/15min.json?timezone=UTC", 200, nil},
		{"calories_15min", "/1/user/-/activities/calories/date/2026-11-20/1d/15min.json", 200, nil},
		{"distance_15min", "/1/user/-/activities/distance/date/2026-11-20/1d/15min.json", 200, nil},
		{"distance_15min_en_US", "/1/user/-/activities/distance/date/2026-11-20/1d/15min.json", 200, []string{"Accept-Language", "en_US"}},
		{"floors_15min", "/1/user/-/activities/floors/date/2026-11-20/1d/15min.json", 200, nil},
		{"elevation_15min", "/1/user/-/activities/elevation/date/2026-11-20/1d/15min.json", 200, nil},
		{"elevation_5min_time_en_US", "/1/user/-/activities/elevation/date/2026-11-20/2026-11-20/5min/time/10:00/12:00.json", 200, []string{"Accept-Language", "en_US"}},
		{"steps_15min_partial_sync", "/1/user/-/activities/steps/date/2026-11-25/1d/15min.json", 200, nil},
		{"heart_15min", "/1/user/-/activities/heart/date/2026-11-20/1d/15min.json", 200, nil},
		{"heart_1min_time", "/1/user/-/activities/heart/date/2026-11-20/1d/1min/time/07:00/07:30.json", 200, nil},
		{"heart_1sec_time", "/1/user/-/activities/heart/date/2026-11-20/1d/1sec/time/08:00/08:04.json", 200, nil},
		{"heart_daily", "/1/user/-/activities/heart/date/2026-11-18/2026-11-20.json", 200, nil},
		{"heart_daily_period", "/1/user/-/activities/heart/date/2026-11-20/1d.json", 200, nil},
		{"steps_daily_7d", "/1/user/-/activities/steps/date/2026-11-20/7d.json", 200, nil},
		{"steps_daily_1m", "/1/user/-/activities/steps/date/2026-11-20/1m.json", 200, nil},
		{"sleep_date", "/1.2/user/-/sleep/date/2026-11-20.json", 200, nil},
		{"sleep_range", "/1.2/user/-/sleep/date/2026-11-19/2026-11-21.json", 200, nil},
		{"sleep_list_asc", "/1.2/user/-/sleep/list.json?afterDate=2026-11-20&sort=asc&limit=2&offset=0", 200, nil},
		{"sleep_list_desc", "/1.2/user/-/sleep/list.json?beforeDate=2026-11-20&sort=desc&limit=1&offset=0", 200, nil},
		{"error_404", "/1/user/-/no-such-thing.json", 404, nil},
		{"error_400_range_activity", "/1/user/-/activities/steps/date/2023-01-01/2025-12-31.json", 400, nil},
		{"error_400_range_heart", "/1/user/-/activities/heart/date/2025-01-01/2026-01-02.json", 400, nil},
		{"error_400_range_sleep", "/1.2/user/-/sleep/date/2026-01-01/2026-04-15.json", 400, nil},
		{"error_400_timezone", "/1/user/-/activities/steps/date/2026-11-20/1d/15min.json?timezone=Europe/Berlin", 400, nil},
		{"error_403_other_user", "/1/user/SIM002/profile.json", 403, nil},
		{"error_401_invalid", "/1/user/-/profile.json?bad-token", 401, nil},
	}
	for _, r := range []string{"steps", "calories", "caloriesBMR", "distance", "floors", "elevation", "minutesSedentary", "minutesLightlyActive", "minutesFairlyActive", "minutesVeryActive", "activityCalories"} {
		cases = append(cases, struct {
			name, path string
			status     int
			hdr        []string
		}{"daily_" + r, "/1/user/-/activities/" + r + "/date/2026-11-18/2026-11-20.json", 200, nil})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok := e.access
			if strings.HasSuffix(c.path, "?bad-token") {
				tok = "not-a-token"
			}
			r := e.getTok(t, tok, strings.TrimSuffix(c.path, "?bad-token"), c.hdr...)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, trunc(r.body))
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
				t.Errorf("Content-Type %q", ct)
			}
			checkGolden(t, c.name, r.body, mask)
		})
	}

	// Scope, expiry, rate limit, 410 and token answers.
	t.Run("error_403_scope", func(t *testing.T) {
		acc, _ := e.s.IssueTokens("SIM002", "", []string{"activity"})
		r := e.getTok(t, acc, "/1/user/-/activities/heart/date/2026-11-20/1d/15min.json")
		wantErr(t, r, 403, "insufficient_scope")
		checkGolden(t, "error_403_scope", r.body, nil)
	})
	t.Run("token_refresh", func(t *testing.T) {
		acc, ref := e.s.IssueTokens("SIM002", "", []string{"activity", "heartrate", "sleep"})
		r := e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": ref}, true)
		if r.status != 200 {
			t.Fatalf("refresh: %d %s", r.status, r.body)
		}
		tr := decode[map[string]any](t, r.body)
		checkGolden(t, "token_refresh", r.body, map[string]string{tr["access_token"].(string): "NEW_ACCESS_TOKEN", tr["refresh_token"].(string): "NEW_REFRESH_TOKEN"})
		r = e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": ref}, true)
		checkGolden(t, "token_refresh", r.body, map[string]string{tr["access_token"].(string): "NEW_ACCESS_TOKEN", tr["refresh_token"].(string): "NEW_REFRESH_TOKEN"})
		e.getTok(t, tr["access_token"].(string), "/1/user/-/activities/steps/date/2026-11-20/1d/15min.json")
		r = e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": ref}, true)
		wantErr(t, r, 400, "invalid_grant")
		checkGolden(t, "error_400_invalid_grant", r.body, map[string]string{ref: "OLD_REFRESH_TOKEN"})
		_ = acc
	})
	t.Run("error_401_expired", func(t *testing.T) {
		e.clk.Add(8 * 3600e9)
		r := e.get(t, "/1/user/-/profile.json")
		wantErr(t, r, 401, "expired_token")
		checkGolden(t, "error_401_expired", r.body, mask)
	})
	t.Run("error_429_and_410", func(t *testing.T) {
		e.s.SetFault(sim.Fault{Kind: sim.Fault429})
		acc, _ := e.s.IssueTokens("SIM001", "", nil)
		r := e.getTok(t, acc, "/1/user/-/profile.json")
		wantErr(t, r, 429, "system")
		checkGolden(t, "error_429", r.body, nil)
		e.s.SetFault(sim.Fault{})
		e.s.Gone(true)
		r = e.getTok(t, acc, "/1/user/-/profile.json")
		wantErr(t, r, 410, "request")
		checkGolden(t, "error_410", r.body, nil)
		e.s.Gone(false)
	})
}
