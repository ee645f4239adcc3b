package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fitexport/fitexport/config"
	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/extract"
	"github.com/fitexport/fitexport/load"
	"github.com/fitexport/fitexport/pipeline"
	"github.com/fitexport/fitexport/sim"
)

// benchUser is the simulated user every benchmark exports.
const benchUser = "SIM001"

// simLastSync is when the simulated tracker last synced: every day before
// 2026-11-20 is complete.
var simLastSync = time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC)

// world is a simulator behind an httptest server with a log of the
// arrival time of every data request it counts against the quota.
type world struct {
	sim  *sim.Server
	srv  *httptest.Server
	zone *time.Location

	mu       sync.Mutex
	arrivals []time.Time
}

// newWorld starts a simulator whose Fitbit and Google faces both allow
// quota requests per window.
func newWorld(quota int, window time.Duration) *world {
	users := sim.DefaultUsers()
	for i := range users {
		users[i].LastSync = simLastSync
	}
	w := &world{sim: sim.New(sim.Config{Seed: 1, Users: users, Quota: quota, Window: window,
		GoogleQuota: quota, GoogleWindow: window})}
	w.zone, _ = time.LoadLocation(users[0].Zone)
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/oauth2/") && !strings.HasPrefix(r.URL.Path, "/google/") {
			w.mu.Lock()
			w.arrivals = append(w.arrivals, time.Now())
			w.mu.Unlock()
		}
		w.sim.ServeHTTP(rw, r)
	}))
	return w
}

func (w *world) Close() { w.srv.Close() }

// stack is the real client stack (token store on disk, OAuth refresh,
// limiter, retries) talking to the world, as cmd/fitexport wires it.
type stack struct {
	client *extract.Client
	dir    string
}

func (s *stack) Fetch(ctx context.Context, req dataset.Request) ([][]byte, error) {
	return s.client.Fetch(ctx, req)
}

func (s *stack) Close() { os.RemoveAll(s.dir) }

// newStack logs in to the world's Fitbit face, or its Google face with
// src dataset.Google.
func newStack(w *world, src dataset.Source, quota int, window time.Duration) (*stack, error) {
	dir, err := os.MkdirTemp("", "fitexport-bench-token-")
	if err != nil {
		return nil, err
	}
	st := &stack{dir: dir}
	base := w.srv.URL
	prof := config.Profile{Name: "bench", Source: "fitbit", ClientID: sim.SandboxClient.ID,
		ClientSecret: sim.SandboxClient.Secret, RedirectURL: sim.SandboxClient.RedirectURL,
		FitbitAPIURL: base, FitbitAuthURL: base + "/oauth2/authorize",
		GoogleHealthURL: base + "/", GoogleAuthURL: base + "/google/o/oauth2/v2/auth", GoogleTokenURL: base + "/google/token"}
	access, refresh := w.sim.IssueTokens(benchUser, sim.SandboxClient.ID, nil)
	scopes, ttl := sim.AllScopes(), 8*time.Hour
	if src == dataset.Google {
		prof.Source, prof.ClientID, prof.ClientSecret = "google-health", sim.SandboxGoogleClient.ID, sim.SandboxGoogleClient.Secret
		access, refresh = w.sim.IssueGoogleTokens(benchUser, sim.SandboxGoogleClient.ID, nil)
		scopes, ttl = config.DefaultScopes("google-health"), time.Hour
		base = prof.GoogleHealthURL
	}
	store := config.OpenStore(dir)
	now := time.Now()
	if err := store.Save(&config.Token{AccessToken: access, RefreshToken: refresh, Expiry: now.Add(ttl),
		Scopes: scopes, UserID: benchUser, TokenType: "Bearer", Source: prof.Source,
		ClientID: prof.ClientID, ObtainedAt: now}); err != nil {
		st.Close()
		return nil, err
	}
	httpc := &http.Client{Timeout: time.Minute}
	oa, err := extract.NewOAuth(prof, httpc, nil)
	if err != nil {
		st.Close()
		return nil, err
	}
	ts := extract.NewTokenSource(extract.TokenSourceConfig{Store: store, OAuth: oa})
	st.client, err = extract.NewClient(extract.ClientConfig{BaseURL: base, HTTP: httpc, Tokens: ts,
		Quota: quota, Window: window, Source: src})
	if err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// exportJob is an export of names for days r into out.
func exportJob(w *world, src dataset.Source, names []string, r dates.Range, detail string, format load.Format, out string) (pipeline.Job, error) {
	reg := dataset.Default()
	ds, err := reg.Select(src, names)
	if err != nil {
		return pipeline.Job{}, err
	}
	opts := dataset.DefaultOptions()
	opts.HeartDetail = detail
	for _, d := range ds {
		opts.Selected[d.Name] = true
	}
	return pipeline.Job{Source: src, SourceName: "sandbox", User: benchUser,
		Datasets: ds, AllNames: reg.Names(), Options: opts, Format: format, OutDir: out,
		From: r.From, To: r.To, Since: r.From, LastSync: simLastSync, Zone: w.zone}, nil
}

// QuotaResult is the outcome of the quota benchmark.
type QuotaResult struct {
	Source        dataset.Source
	Quota         int
	Window        time.Duration
	Planned       int     // the computed minimum: requests in the plan
	Used          int     // requests the simulator counted
	Sent          int64   // HTTP requests the client sent (retries included)
	Status429     int     // 429s the simulator answered
	Windows       int     // rate-limit windows the run touched
	PerWindow     []int   // requests per window, in order
	Sustained     float64 // mean requests per window / quota, last window excluded
	SustainedMin  float64 // the worst such window
	Elapsed       time.Duration
	Err           string
	DatasetsNames []string
}

// runQuota exports enough days to need five windows of quota (four full
// ones and part of a fifth): heart_rate and steps from the Fitbit face
// (one request per dataset and day), heart_rate from the Google face (one
// list request per day).
func runQuota(ctx context.Context, src dataset.Source, quota int, window time.Duration) (*QuotaResult, error) {
	w := newWorld(quota, window)
	defer w.Close()
	st, err := newStack(w, src, quota, window)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	out, err := os.MkdirTemp("", "fitexport-bench-quota-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(out)
	// 4.7 windows of requests.
	names := []string{"heart_rate", "steps"}
	if src == dataset.Google {
		names = names[:1]
	}
	days := (quota*4 + quota*7/10) / len(names)
	to := dates.MustParse("2026-11-19")
	if src == dataset.Google {
		// Days before the user's first day: every answer is an empty
		// page. A day of raw Google heart samples is ~3 MB that the
		// simulator generates and the client parses (~90 ms a request
		// here), which would cap a scaled run far below the quota rate
		// and measure the simulator instead of the client's pacing.
		to = sim.DefaultUsers()[0].MemberSince.AddDays(-1)
	}
	job, err := exportJob(w, src, names, dates.Range{From: to.AddDays(-days + 1), To: to}, "1min", load.CSV, out)
	if err != nil {
		return nil, err
	}
	// Start at the beginning of a window, so that the run needs exactly
	// five (an unaligned start can straddle a sixth).
	now := time.Now()
	time.Sleep(now.Truncate(window).Add(window).Sub(now) + 10*time.Millisecond)
	start := time.Now()
	res, err := pipeline.Run(ctx, job, st)
	r := &QuotaResult{Source: src, Quota: quota, Window: window, Elapsed: time.Since(start), DatasetsNames: names}
	if err != nil {
		r.Err = err.Error()
	}
	if res != nil {
		// The minimum: every planned request, and every further page its
		// answer had (Google pages with nextPageToken).
		r.Planned = len(res.Plan.Requests)
		if c, err := extract.OpenCache(filepath.Join(out, pipeline.RawDir), "sandbox", benchUser); err == nil {
			for _, e := range c.Entries() {
				if e.Pages > 1 {
					r.Planned += e.Pages - 1
				}
			}
			c.Close()
		}
	}
	ss := w.sim.Stats(benchUser)
	r.Used, r.Status429 = ss.Requests, ss.Status429
	r.Sent = st.client.Stats().Requests
	w.mu.Lock()
	arr := append([]time.Time(nil), w.arrivals...)
	w.mu.Unlock()
	counts := map[int64]int{}
	var first, last int64
	for i, t := range arr {
		k := t.UnixNano() / int64(window)
		counts[k]++
		if i == 0 || k < first {
			first = k
		}
		if k > last {
			last = k
		}
	}
	if len(arr) > 0 {
		for k := first; k <= last; k++ {
			r.PerWindow = append(r.PerWindow, counts[k])
		}
	}
	r.Windows = len(r.PerWindow)
	if n := len(r.PerWindow) - 1; n > 0 {
		sum, lo := 0, r.PerWindow[0]
		for _, c := range r.PerWindow[:n] {
			sum += c
			lo = min(lo, c)
		}
		r.Sustained = float64(sum) / float64(n) / float64(quota)
		r.SustainedMin = float64(lo) / float64(quota)
	}
	if r.Planned == 0 {
		return r, fmt.Errorf("quota benchmark: empty plan")
	}
	return r, nil
}
