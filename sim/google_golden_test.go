package sim_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/fitexport/fitexport/sim"
)

// TestGoogleGolden pins the wire format of every Google endpoint.
func TestGoogleGolden(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 7})
	hrDay := dayFilter("heart_rate.sample_time.civil_time", "2026-11-20", "2026-11-21")
	hr1 := url.Values{"filter": hrDay["filter"], "pageSize": {"3"}}
	stepsDay := dayFilter("steps.interval.civil_start_time", "2026-11-20", "2026-11-21")

	type getCase struct {
		name, path string
		query      url.Values
		status     int
	}
	gets := []getCase{
		{"google_identity", v4 + "identity", nil, 200},
		{"google_settings", v4 + "settings", nil, 200},
		{"google_profile", v4 + "profile", nil, 200},
		{"google_paired_devices", v4 + "pairedDevices", nil, 200},
		{"google_heart_rate_list_p1", v4 + "dataTypes/heart-rate/dataPoints", hr1, 200},
		{"google_steps_list", v4 + "dataTypes/steps/dataPoints", stepsDay, 200},
		{"google_steps_reconcile", v4 + "dataTypes/steps/dataPoints:reconcile", stepsDay, 200},
		{"google_sleep_list", v4 + "dataTypes/sleep/dataPoints", dayFilter("sleep.interval.civil_end_time", "2026-11-20", "2026-11-21"), 200},
		{"google_resting_heart_rate_list", v4 + "dataTypes/daily-resting-heart-rate/dataPoints",
			url.Values{"filter": {`daily_resting_heart_rate.date >= "2026-11-18" AND daily_resting_heart_rate.date < "2026-11-21"`}}, 200},
		{"google_error_400_filter", v4 + "dataTypes/steps/dataPoints",
			url.Values{"filter": {`heart_rate.sample_time.civil_time >= "2026-11-20T00:00:00"`}}, 400},
		{"google_error_400_filter_syntax", v4 + "dataTypes/steps/dataPoints",
			url.Values{"filter": {`steps.interval.civil_start_time >= 2026-11-20`}}, 400},
		{"google_error_400_filter_civil", v4 + "dataTypes/steps/dataPoints",
			url.Values{"filter": {`steps.interval.civil_start_time >= "2026-11-20T00:00:00Z"`}}, 400},
		{"google_error_400_no_list", v4 + "dataTypes/floors/dataPoints", stepsDay, 400},
		{"google_error_404", v4 + "nothing-here", nil, 404},
	}
	for _, c := range gets {
		t.Run(c.name, func(t *testing.T) {
			r := g.gget(t, g.gAccess, c.path, c.query)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, trunc(r.body))
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
				t.Errorf("Content-Type %q", ct)
			}
			for h := range r.header {
				if strings.HasPrefix(h, "Fitbit-") {
					t.Errorf("Google answer carries %s", h)
				}
			}
			checkGolden(t, c.name, r.body, nil)
			if c.name == "google_heart_rate_list_p1" {
				next := decode[struct {
					NextPageToken string `json:"nextPageToken"`
				}](t, r.body).NextPageToken
				if next == "" {
					t.Fatal("page 1 has no nextPageToken")
				}
				q := url.Values{"filter": hr1["filter"], "pageSize": {"3"}, "pageToken": {next}}
				r2 := g.gget(t, g.gAccess, c.path, q)
				if r2.status != 200 {
					t.Fatalf("page 2: %d %s", r2.status, trunc(r2.body))
				}
				checkGolden(t, "google_heart_rate_list_p2", r2.body, nil)
			}
		})
	}

	rollups := []struct {
		name, typ, method, body string
		status                  int
	}{
		{"google_rollup_steps", "steps", ":rollUp", `{"range":{"startTime":"2026-11-20T07:00:00Z","endTime":"2026-11-20T11:00:00Z"},"windowSize":"3600s"}`, 200},
		{"google_rollup_heart_rate", "heart-rate", ":rollUp", `{"range":{"startTime":"2026-11-20T07:00:00Z","endTime":"2026-11-20T09:00:00Z"},"windowSize":"3600s"}`, 200},
		{"google_error_400_rollup_duration", "heart-rate", ":rollUp", `{"range":{"startTime":"2026-11-01T00:00:00Z","endTime":"2026-11-20T00:00:00Z"},"windowSize":"86400s"}`, 400},
		{"google_error_400_daily_rollup_duration", "total-calories", ":dailyRollUp", `{"range":{"start":{"date":{"year":2026,"month":11,"day":1}},"end":{"date":{"year":2026,"month":11,"day":16}}}}`, 400},
	}
	for _, typ := range []string{"steps", "distance", "floors", "altitude", "active-energy-burned", "total-calories", "heart-rate"} {
		rollups = append(rollups, struct {
			name, typ, method, body string
			status                  int
		}{"google_daily_rollup_" + strings.ReplaceAll(typ, "-", "_"), typ, ":dailyRollUp",
			`{"range":{"start":{"date":{"year":2026,"month":11,"day":18}},"end":{"date":{"year":2026,"month":11,"day":21}}},"windowSizeDays":1}`, 200})
	}
	for _, c := range rollups {
		t.Run(c.name, func(t *testing.T) {
			r := g.gpost(t, g.gAccess, v4+"dataTypes/"+c.typ+"/dataPoints"+c.method, c.body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, trunc(r.body))
			}
			checkGolden(t, c.name, r.body, nil)
		})
	}

	t.Run("google_error_403_scope", func(t *testing.T) {
		acc, _ := g.s.IssueGoogleTokens("SIM002", "", []string{sim.GoogleScopeActivity})
		r := g.gget(t, acc, v4+"dataTypes/heart-rate/dataPoints", hrDay)
		wantGErr(t, r, 403, "PERMISSION_DENIED", "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
		checkGolden(t, "google_error_403_scope", r.body, nil)
	})
	t.Run("google_error_401", func(t *testing.T) {
		r := g.gget(t, "not-a-token", v4+"identity", nil)
		wantGErr(t, r, 401, "UNAUTHENTICATED", "ACCESS_TOKEN_TYPE_UNSUPPORTED")
		checkGolden(t, "google_error_401_invalid", r.body, nil)
		r = g.gget(t, "", v4+"identity", nil)
		wantGErr(t, r, 401, "UNAUTHENTICATED", "CREDENTIALS_MISSING")
		checkGolden(t, "google_error_401_missing", r.body, nil)
	})
	t.Run("google_error_account_states", func(t *testing.T) {
		acc, _ := g.s.IssueGoogleTokens("SIM002", "", nil)
		g.s.SetGoogleAccount("SIM002", sim.GoogleNotLinked)
		r := g.gget(t, acc, v4+"identity", nil)
		wantGErr(t, r, 400, "FAILED_PRECONDITION", "ACCOUNT_NOT_LINKED")
		checkGolden(t, "google_error_400_not_linked", r.body, nil)
		g.s.SetGoogleAccount("SIM002", sim.GoogleLegacyAccount)
		r = g.gget(t, acc, v4+"identity", nil)
		ge := wantGErr(t, r, 403, "PERMISSION_DENIED", "")
		if ge.Error.Message != "Unable to mint UberMint from GaiaMint" {
			t.Errorf("legacy message %q", ge.Error.Message)
		}
		checkGolden(t, "google_error_403_legacy", r.body, nil)
		g.s.SetGoogleAccount("SIM002", sim.GoogleLinked)
		if r = g.gget(t, acc, v4+"identity", nil); r.status != 200 {
			t.Fatalf("linked again: %d %s", r.status, r.body)
		}
	})
	t.Run("google_error_faults", func(t *testing.T) {
		acc, _ := g.s.IssueGoogleTokens("SIM002", "", nil)
		g.s.SetFault(sim.Fault{Kind: sim.Fault429, Count: 1})
		r := g.gget(t, acc, v4+"identity", nil)
		wantGErr(t, r, 429, "RESOURCE_EXHAUSTED", "RATE_LIMIT_EXCEEDED")
		if r.header.Get("Retry-After") != "" {
			t.Errorf("Retry-After %q without Config.RetryAfter", r.header.Get("Retry-After"))
		}
		checkGolden(t, "google_error_429", r.body, nil)
		g.s.SetFault(sim.Fault{Kind: sim.Fault5xx, Count: 1})
		r = g.gget(t, acc, v4+"identity", nil)
		wantGErr(t, r, 503, "UNAVAILABLE", "")
		checkGolden(t, "google_error_503", r.body, nil)
		g.s.SetFault(sim.Fault{})
	})
	t.Run("google_token_refresh", func(t *testing.T) {
		_, ref := g.s.IssueGoogleTokens("SIM002", "", []string{sim.GoogleScopeActivity, sim.GoogleScopeSleep})
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ref},
			"client_id": {sim.SandboxGoogleClient.ID}, "client_secret": {sim.SandboxGoogleClient.Secret}}
		r := g.gform(t, "/google/token", form)
		if r.status != 200 {
			t.Fatalf("refresh: %d %s", r.status, r.body)
		}
		tr := decode[map[string]any](t, r.body)
		checkGolden(t, "google_token_refresh", r.body, map[string]string{tr["access_token"].(string): "NEW_ACCESS_TOKEN"})
		if r := g.gform(t, "/google/revoke", url.Values{"token": {ref}}); r.status != 200 {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		r = g.gform(t, "/google/token", form)
		if r.status != 400 {
			t.Fatalf("refresh after revoke: %d %s", r.status, r.body)
		}
		checkGolden(t, "google_error_400_invalid_grant", r.body, nil)
	})
}
