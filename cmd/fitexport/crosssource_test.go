package main

import (
	"testing"
	"time"

	"github.com/fitexport/fitexport/config"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/sim"
)

// loginGoogle stores a Google Health login for the world's user in profile
// "google".
func (w *world) loginGoogle() {
	access, refresh := w.sim.IssueGoogleTokens(w.user, sim.SandboxGoogleClient.ID, nil)
	st, err := config.NewStore(w.home, "google")
	if err != nil {
		w.t.Fatal(err)
	}
	if err := st.Save(&config.Token{AccessToken: access, RefreshToken: refresh, Expiry: time.Now().Add(time.Hour),
		TokenType: "Bearer", Source: "google-health", ClientID: sim.SandboxGoogleClient.ID, ObtainedAt: time.Now()}); err != nil {
		w.t.Fatal(err)
	}
	if err := config.SaveProfile(w.home, config.Profile{Name: "google", Source: "google-health",
		ClientID: sim.SandboxGoogleClient.ID, ClientSecret: sim.SandboxGoogleClient.Secret}); err != nil {
		w.t.Fatal(err)
	}
	w.env["FITEXPORT_GOOGLE_HEALTH_URL"] = w.srv.URL + "/"
	w.env["FITEXPORT_GOOGLE_AUTH_URL"] = w.srv.URL + "/google/o/oauth2/v2/auth"
	w.env["FITEXPORT_GOOGLE_TOKEN_URL"] = w.srv.URL + "/google/token"
}

// TestCrossSourceSameRows exports one simulated user and the same days
// through --source fitbit and --source google-health and finds the same
// rows in every dataset both carry. Documented differences, and only those,
// are allowed for:
//   - activity intraday (steps, distance, floors, elevation): Fitbit lists
//     every minute of the day, zeros included; Google lists only minutes with
//     a value, so the Fitbit rows with a zero value are left out here;
//   - heart_rate is compared at --heart-detail 1sec (Google has samples).
func TestCrossSourceSameRows(t *testing.T) {
	for _, user := range []string{"SIM001", "SIM002"} {
		t.Run(user, func(t *testing.T) {
			w := newWorld(t, user, sim.Config{GoogleWindow: time.Second, GoogleQuota: 300})
			w.loginGoogle()
			common := []string{"--from", "2026-10-24", "--to", "2026-11-02", "--quiet", "--format", "csv", "--heart-detail", "1sec",
				"--datasets", "heart_rate,steps,distance,floors,elevation,resting_heart_rate,sleep_stages"}
			fb, gh := t.TempDir(), t.TempDir()
			if code, _, e := w.run(append(common, "--out", fb)...); code != 0 {
				t.Fatalf("fitbit: exit %d: %s", code, e)
			}
			if code, _, e := w.run(append(common, "--out", gh, "--source", "google-health", "--profile", "google")...); code != 0 {
				t.Fatalf("google-health: exit %d: %s", code, e)
			}
			value := map[string]string{"steps": "steps", "distance": "distance_m", "floors": "floors", "elevation": "elevation_m"}
			for _, ds := range []string{"heart_rate", "steps", "distance", "floors", "elevation", "resting_heart_rate", "sleep_stages"} {
				f := readDataset(t, fb, ds, load.CSV)
				g := readDataset(t, gh, ds, load.CSV)
				if col, ok := value[ds]; ok {
					var nz []map[string]string
					for _, r := range f {
						if r[col] != "0" {
							nz = append(nz, r)
						}
					}
					f = nz
				}
				if len(f) == 0 {
					t.Fatalf("%s: no rows to compare", ds)
				}
				compareDataset(t, ds, g, f)
			}
		})
	}
}
