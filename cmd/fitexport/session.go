package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/fitexport/fitexport/config"
	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/extract"
	"github.com/fitexport/fitexport/sim"
	"github.com/fitexport/fitexport/takeout"
)

// session is an authenticated connection to one source for one user: the
// client stack plus what the run needs to know about the user.
type session struct {
	// Name is the source as the user named it (fitbit, google-health,
	// sandbox); Protocol is what datasets are planned for.
	Name     string
	Protocol dataset.Source
	client   *extract.Client
	scopes   []string
	quota    int
	window   time.Duration
	log      io.Writer
	closers  []func()
	// archive is set for --source takeout: an offline archive answers the
	// Fitbit protocol's requests, with no rate limit and no token.
	archive *takeout.Archive
}

type sessionOptions struct {
	source, profile string
	// sandboxAPI is the protocol the sandbox speaks: fitbit or google-health.
	sandboxAPI string
	// takeout holds the archive's .zip parts or folder (--takeout).
	takeout     []string
	takeoutZone string
	maxRequests int
	deadline    time.Time
	log         io.Writer
}

// userInfo is what a run needs to know about the user.
type userInfo struct {
	UserID      string
	Zone        *time.Location
	MemberSince dates.Date
	// LastSync is the latest tracker sync (zero when unknown).
	LastSync time.Time
	// FirstDay is the first day with data, when the source knows it
	// (a Takeout archive).
	FirstDay dates.Date
	// LastDay is the last day with data in a Takeout archive.
	LastDay dates.Date
}

// sandboxWindow scales the simulator's rate-limit window so the demo shows
// the limiter at work without taking hours: 150 requests per 2 seconds.
const sandboxWindow = 2 * time.Second

func openSession(ctx context.Context, app *App, o sessionOptions) (*session, error) {
	home, err := config.Home(app.Getenv)
	if err != nil {
		return nil, err
	}
	if err := config.ValidateName(o.profile); err != nil {
		return nil, usageError{err}
	}
	source := o.source
	if source == "takeout" {
		return openTakeout(o)
	}
	if source != "" && !config.ValidSource(source) {
		return nil, usagef("--source %q: want fitbit, google-health, sandbox or takeout", source)
	}
	s := &session{log: o.log}
	if o.log == nil {
		s.log = io.Discard
	}
	logger := slog.New(slog.NewTextHandler(s.log, &slog.HandlerOptions{Level: slog.LevelWarn}))

	var prof config.Profile
	var store extract.TokenStore
	if source == "sandbox" {
		prof, store, err = s.startSandbox(app, o.sandboxAPI == "google-health")
		if err != nil {
			return nil, err
		}
	} else {
		prof, err = config.Resolve(home, o.profile, app.Getenv, config.Overrides{Source: source})
		if err != nil {
			return nil, usageError{err}
		}
		if prof.Source == "sandbox" {
			return nil, usagef("profile %q is a sandbox profile: use --source sandbox", o.profile)
		}
		st, err := config.NewStore(home, o.profile)
		if err != nil {
			return nil, err
		}
		store = st
	}
	s.Name = prof.Source
	switch {
	case source == "sandbox":
		s.Name = "sandbox"
	case s.Name == "":
		s.Name = "fitbit"
	}
	switch s.Name {
	case "fitbit", "sandbox":
		s.Protocol = dataset.Fitbit
		s.quota, s.window = 150, time.Hour
		if s.Name == "sandbox" {
			s.window = sandboxWindow
		}
	case "google-health":
		s.Protocol = dataset.Google
		s.quota, s.window = 300, time.Minute
	default:
		s.Close()
		return nil, usagef("unknown source %q: want fitbit, google-health or sandbox", s.Name)
	}
	if s.Name == "sandbox" && o.sandboxAPI == "google-health" {
		s.Protocol = dataset.Google
		s.quota, s.window = 300, sandboxWindow
	}
	tok, err := store.Load()
	if err != nil {
		s.Close()
		if errors.Is(err, config.ErrNoToken) {
			return nil, fmt.Errorf("no login for profile %q: run fitexport auth login: %w", o.profile, extract.ErrLoginNeeded)
		}
		return nil, extract.LoginNeeded(err)
	}
	s.scopes = tok.Scopes
	oa, err := extract.NewOAuth(prof, app.httpClient(), nil)
	if err != nil {
		s.Close()
		return nil, usageError{err}
	}
	ts := extract.NewTokenSource(extract.TokenSourceConfig{Store: store, OAuth: oa, Log: logger})
	base := prof.FitbitAPIURL
	if s.Protocol == dataset.Google {
		base = prof.GoogleHealthURL
	}
	s.client, err = extract.NewClient(extract.ClientConfig{
		BaseURL: base, HTTP: app.httpClient(), Tokens: ts,
		Quota: s.quota, Window: s.window, MaxRequests: o.maxRequests, Deadline: o.deadline,
		Log: logger, Source: s.Protocol,
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// startSandbox runs the simulator in-process on a loopback port and gives
// the session a fresh token for its first user, kept in a temporary store:
// the real client stack (OAuth refresh, rate limiter, retries) runs against
// it, with no account and no network.
func (s *session) startSandbox(app *App, google bool) (config.Profile, extract.TokenStore, error) {
	srv := sim.New(sim.Config{Seed: 1, Window: sandboxWindow, GoogleWindow: sandboxWindow, Now: app.Now,
		Clients: []sim.Client{sim.SandboxClient, sim.SandboxGoogleClient}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return config.Profile{}, nil, fmt.Errorf("sandbox: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	s.closers = append(s.closers, func() { hs.Close() })
	dir, err := os.MkdirTemp("", "fitexport-sandbox-")
	if err != nil {
		return config.Profile{}, nil, err
	}
	s.closers = append(s.closers, func() { os.RemoveAll(dir) })
	user := sim.DefaultUsers()[0]
	base := "http://" + ln.Addr().String()
	// The simulator speaks the Fitbit (or Google) protocol, OAuth included.
	prof := config.Profile{Name: "sandbox", Source: "fitbit", ClientID: sim.SandboxClient.ID,
		ClientSecret: sim.SandboxClient.Secret, RedirectURL: sim.SandboxClient.RedirectURL,
		FitbitAPIURL: base, FitbitAuthURL: base + "/oauth2/authorize",
		GoogleHealthURL: base + "/", GoogleAuthURL: base + "/google/o/oauth2/v2/auth", GoogleTokenURL: base + "/google/token"}
	access, refresh := srv.IssueTokens(user.ID, sim.SandboxClient.ID, nil)
	scopes, ttl := sim.AllScopes(), 8*time.Hour
	if google {
		prof.Source, prof.ClientID, prof.ClientSecret = "google-health", sim.SandboxGoogleClient.ID, sim.SandboxGoogleClient.Secret
		access, refresh = srv.IssueGoogleTokens(user.ID, sim.SandboxGoogleClient.ID, nil)
		scopes, ttl = config.DefaultScopes("google-health"), time.Hour
	}
	store := config.OpenStore(dir)
	now := app.Now()
	if err := store.Save(&config.Token{AccessToken: access, RefreshToken: refresh, Expiry: now.Add(ttl),
		Scopes: scopes, UserID: user.ID, TokenType: "Bearer", Source: prof.Source,
		ClientID: prof.ClientID, ObtainedAt: now}); err != nil {
		return config.Profile{}, nil, err
	}
	return prof, store, nil
}

// Close releases the session (stops an in-process sandbox).
func (s *session) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

// Fetch sends one planned request.
func (s *session) Fetch(ctx context.Context, req dataset.Request) ([][]byte, error) {
	if s.archive != nil {
		return s.archive.Fetch(ctx, req)
	}
	return s.client.Fetch(ctx, req)
}

// Stats returns the client's counters.
func (s *session) Stats() extract.StatsSnapshot {
	if s.client == nil {
		return extract.StatsSnapshot{}
	}
	return s.client.Stats()
}

// Profile asks for the user's profile (time zone, member since) and devices
// (last sync): two requests per run (three on Google Health).
func (s *session) Profile(ctx context.Context) (userInfo, error) {
	if s.archive != nil {
		// The archive's last day is usually cut at the moment of export: it
		// is imported, but counts as incomplete (synced only up to its
		// start), so a later API run continues with it.
		p := s.archive.Profile()
		u := userInfo{UserID: p.UserID, Zone: p.Zone, MemberSince: p.MemberSince, FirstDay: p.FirstDay, LastDay: p.LastDay}
		if !p.LastDay.IsZero() {
			u.LastSync = p.LastDay.Time(p.Zone)
		}
		return u, nil
	}
	if s.Protocol == dataset.Google {
		return s.googleProfile(ctx)
	}
	var u userInfo
	body, err := s.client.Get(ctx, "/1/user/-/profile.json")
	if err != nil {
		return u, fmt.Errorf("reading the profile: %w", err)
	}
	var p struct {
		User struct {
			EncodedID   string `json:"encodedId"`
			Timezone    string `json:"timezone"`
			MemberSince string `json:"memberSince"`
		} `json:"user"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return u, fmt.Errorf("reading the profile: %w", err)
	}
	u.UserID = p.User.EncodedID
	if u.UserID == "" {
		return u, errors.New("reading the profile: no encodedId in the answer")
	}
	if u.Zone, err = time.LoadLocation(p.User.Timezone); err != nil || p.User.Timezone == "" {
		return u, fmt.Errorf("the profile's time zone %q is unknown to this system's zone database", p.User.Timezone)
	}
	if p.User.MemberSince != "" {
		if u.MemberSince, err = dates.Parse(p.User.MemberSince); err != nil {
			return u, fmt.Errorf("reading the profile: memberSince: %w", err)
		}
	}
	body, err = s.client.Get(ctx, "/1/user/-/devices.json")
	if errors.Is(err, extract.ErrScope) {
		fmt.Fprintf(s.log, "warning: no settings scope, so the tracker's last sync is unknown: days up to yesterday count as complete\n")
		u.LastSync = dates.In(time.Now(), u.Zone).Time(u.Zone)
		return u, nil
	}
	if err != nil {
		return u, fmt.Errorf("reading the devices: %w", err)
	}
	var devs []struct {
		Type         string `json:"type"`
		LastSyncTime string `json:"lastSyncTime"`
	}
	if err := json.Unmarshal(body, &devs); err != nil {
		return u, fmt.Errorf("reading the devices: %w", err)
	}
	for _, d := range devs {
		if d.Type != "TRACKER" || d.LastSyncTime == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02T15:04:05.000", d.LastSyncTime, u.Zone)
		if err != nil {
			if t, err = time.ParseInLocation("2006-01-02T15:04:05", d.LastSyncTime, u.Zone); err != nil {
				return u, fmt.Errorf("reading the devices: lastSyncTime %q: %w", d.LastSyncTime, err)
			}
		}
		if t.After(u.LastSync) {
			u.LastSync = t
		}
	}
	return u, nil
}

// Allowed drops datasets whose scopes the token lacks, with a warning.
func (s *session) Allowed(ds []*dataset.Dataset, log io.Writer) []*dataset.Dataset {
	if s.archive != nil {
		ok := map[string]bool{}
		for _, n := range s.archive.SupportedDatasets() {
			ok[n] = true
		}
		var out []*dataset.Dataset
		for _, d := range ds {
			if ok[d.Name] {
				out = append(out, d)
			} else {
				fmt.Fprintf(log, "warning: skipping %s: the Takeout archive does not hold it\n", d.Name)
			}
		}
		return out
	}
	if len(s.scopes) == 0 {
		return ds
	}
	have := map[string]bool{}
	for _, sc := range s.scopes {
		have[sc] = true
	}
	var out []*dataset.Dataset
	for _, d := range ds {
		var missing []string
		for _, sc := range d.Sources[s.Protocol].Scopes {
			if !have[sc] {
				missing = append(missing, sc)
			}
		}
		if len(missing) > 0 {
			fmt.Fprintf(log, "warning: skipping %s: the login did not grant scope %s\n", d.Name, strings.Join(missing, " "))
			continue
		}
		out = append(out, d)
	}
	return out
}

// ETA estimates how long n requests take under the rate limit, starting
// from the remaining quota the last answer announced.
func (s *session) ETA(n int) time.Duration {
	if s.archive != nil {
		return time.Duration(n) * 10 * time.Millisecond
	}
	st := s.Stats()
	remaining := st.LastRemaining
	if remaining < 0 {
		remaining = s.quota
	}
	if n <= remaining {
		return time.Duration(n) * 100 * time.Millisecond
	}
	reset := st.LastReset
	if reset < 0 {
		reset = s.window
	}
	rest := n - remaining
	windows := (rest + s.quota - 1) / s.quota
	return reset + time.Duration(windows-1)*s.window + time.Duration(rest%s.quota)*100*time.Millisecond
}

// QuotaText describes the quota for the plan printout.
func (s *session) QuotaText() string {
	if s.archive != nil {
		return "no rate limit (offline archive)"
	}
	return fmt.Sprintf("%d requests per %s per user", s.quota, s.window)
}

// googleProfile reads identity (user id), settings (time zone) and paired
// devices (last sync) from the Google Health API. The time zone only frames
// --since and completeness: Google rows carry their own instants and offsets.
func (s *session) googleProfile(ctx context.Context) (userInfo, error) {
	var u userInfo
	body, err := s.client.Get(ctx, "v4/users/me/identity")
	if err != nil {
		return u, fmt.Errorf("reading the identity: %w", err)
	}
	var id struct {
		HealthUserID string `json:"healthUserId"`
		LegacyUserID string `json:"legacyUserId"`
	}
	if err := json.Unmarshal(body, &id); err != nil {
		return u, fmt.Errorf("reading the identity: %w", err)
	}
	u.UserID = id.HealthUserID
	if u.UserID == "" {
		u.UserID = id.LegacyUserID
	}
	if u.UserID == "" || strings.ContainsAny(u.UserID, `/\`) {
		return u, fmt.Errorf("reading the identity: no usable user id in the answer")
	}
	body, err = s.client.Get(ctx, "v4/users/me/settings")
	if err != nil {
		return u, fmt.Errorf("reading the settings: %w", err)
	}
	var st struct {
		TimeZone string `json:"timeZone"`
	}
	if err := json.Unmarshal(body, &st); err != nil {
		return u, fmt.Errorf("reading the settings: %w", err)
	}
	if u.Zone, err = time.LoadLocation(st.TimeZone); err != nil || st.TimeZone == "" {
		return u, fmt.Errorf("the account's time zone %q is unknown to this system's zone database", st.TimeZone)
	}
	body, err = s.client.Get(ctx, "v4/users/me/pairedDevices")
	if err != nil {
		return u, fmt.Errorf("reading the paired devices: %w", err)
	}
	var devs struct {
		PairedDevices []struct {
			LastSyncTime string `json:"lastSyncTime"`
		} `json:"pairedDevices"`
	}
	if err := json.Unmarshal(body, &devs); err != nil {
		return u, fmt.Errorf("reading the paired devices: %w", err)
	}
	for _, d := range devs.PairedDevices {
		if d.LastSyncTime == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, d.LastSyncTime)
		if err != nil {
			return u, fmt.Errorf("reading the paired devices: lastSyncTime %q: %w", d.LastSyncTime, err)
		}
		if t.After(u.LastSync) {
			u.LastSync = t
		}
	}
	return u, nil
}

// openTakeout opens a Google Takeout archive as the source (--source
// takeout --takeout PATH[,PATH]).
func openTakeout(o sessionOptions) (*session, error) {
	if len(o.takeout) == 0 {
		return nil, usagef("--source takeout needs --takeout PATH[,PATH] (the .zip parts or the unpacked folder)")
	}
	var opts takeout.Options
	if o.takeoutZone != "" {
		z, err := time.LoadLocation(o.takeoutZone)
		if err != nil {
			return nil, usagef("--takeout-zone %q: %v", o.takeoutZone, err)
		}
		opts.Zone = z
	}
	a, err := takeout.OpenWith(opts, o.takeout...)
	if err != nil {
		return nil, usageError{err}
	}
	s := &session{Name: "takeout", Protocol: dataset.Fitbit, archive: a, log: o.log, quota: 1 << 30, window: time.Hour}
	if s.log == nil {
		s.log = io.Discard
	}
	s.closers = append(s.closers, func() { a.Close() })
	return s, nil
}
