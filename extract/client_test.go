package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/sim"
)

// run sends n profile requests through c with w workers.
func run(ctx context.Context, c *Client, n, w int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, w)
	for i := 0; i < w; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if _, err := c.Get(ctx, profilePath); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func TestRateLimitHeadersPreventTooManyRequests(t *testing.T) {
	for _, spread := range []bool{false, true} {
		t.Run(fmt.Sprint("spread=", spread), func(t *testing.T) { testRateLimitHeaders(t, spread) })
	}
}

func testRateLimitHeaders(t *testing.T, spread bool) {
	e := newEnv(t, sim.Config{Seed: 1, Quota: 20, Window: time.Second})
	e.seed(t, false)
	c := e.client(t, e.tokens(0), func(cfg *ClientConfig) { cfg.Quota, cfg.Window, cfg.Burst, cfg.Spread = 20, time.Second, 3, spread })
	if err := run(context.Background(), c, 50, 4); err != nil { // 50 requests need 3 windows
		t.Fatal(err)
	}
	st := e.sim.Stats("SIM001")
	if st.Status429 != 0 || c.Stats().RateLimited != 0 {
		t.Errorf("server answered %d 429s", st.Status429)
	}
	if st.Requests != 50 || c.Stats().Requests != 50 {
		t.Errorf("requests: server %d, client %d; want 50", st.Requests, c.Stats().Requests)
	}
	if s := c.Stats(); s.LastRemaining < 0 || s.LastReset < 0 || s.Bytes == 0 {
		t.Errorf("stats not kept: %+v", s)
	}
}

func TestRecoversFromForced429(t *testing.T) {
	for n, retryAfter := range []bool{false, true} {
		n++
		e := newEnv(t, sim.Config{Seed: 1, Window: time.Second, RetryAfter: retryAfter})
		e.seed(t, false)
		c := e.client(t, e.tokens(0), nil)
		e.sim.SetFault(sim.Fault{Kind: sim.Fault429, Count: n})
		if _, err := c.Get(context.Background(), profilePath); err != nil {
			t.Fatal(err)
		}
		if s := c.Stats(); s.RateLimited != int64(n) || s.Retries != int64(n) {
			t.Errorf("stats %+v: want %d rate limited, %d retries", s, n, n)
		}
	}
}

func TestRateLimitWait(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 45, 0, 0, time.UTC)
	h := http.Header{}
	if d := rateLimitWait(h, now, 0, -1); d != 15*time.Minute {
		t.Errorf("no headers: %v, want until the top of the hour", d)
	}
	if d := rateLimitWait(h, now, 0, 3*time.Second); d != 3*time.Second {
		t.Errorf("no headers, Google: %v, want the backoff", d)
	}
	h.Set("Retry-After", "30")
	if d := rateLimitWait(h, now, 0, -1); d != 30*time.Second {
		t.Errorf("Retry-After: %v", d)
	}
	h.Set("Fitbit-Rate-Limit-Reset", "120")
	if d := rateLimitWait(h, now, 0, -1); d != 2*time.Minute {
		t.Errorf("reset header should win: %v", d)
	}
}

func TestFaultsAreRetried(t *testing.T) {
	for _, f := range []struct {
		name  string
		fault sim.Fault
	}{
		{"503", sim.Fault{Kind: sim.Fault5xx, Count: 3}},
		{"reset", sim.Fault{Kind: sim.FaultReset, Count: 3}},
		{"truncated", sim.Fault{Kind: sim.FaultTruncate, Count: 3}},
		{"slow", sim.Fault{Kind: sim.FaultSlow, Count: 1, Delay: 10 * time.Second}},
	} {
		t.Run(f.name, func(t *testing.T) {
			e := newEnv(t, sim.Config{Seed: 1})
			e.seed(t, false)
			c := e.client(t, e.tokens(0), func(cfg *ClientConfig) {
				cfg.HTTP = &http.Client{Timeout: 300 * time.Millisecond}
			})
			e.sim.SetFault(f.fault)
			b, err := c.Get(context.Background(), profilePath)
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(b) || !strings.Contains(string(b), "SIM001") {
				t.Fatalf("bad body %q", b)
			}
			if f.name != "reset" && c.Stats().Retries < int64(f.fault.Count) { // Go's transport may retry resets itself
				t.Errorf("retries = %d", c.Stats().Retries)
			}
		})
	}
}

func TestPersistentServerErrorGivesUp(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	e.seed(t, false)
	c := e.client(t, e.tokens(0), nil)
	e.sim.SetFault(sim.Fault{Kind: sim.Fault5xx})
	_, err := c.Get(context.Background(), profilePath)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 503 || !ae.Retryable {
		t.Fatalf("got %v", err)
	}
	if got := c.Stats().Requests; got != int64(fastRetry.Attempts) {
		t.Errorf("sent %d requests, want %d attempts", got, fastRetry.Attempts)
	}
}

func TestGone(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	e.seed(t, false)
	c := e.client(t, e.tokens(0), nil)
	e.sim.Gone(true)
	_, err := c.Get(context.Background(), profilePath)
	want := "the Fitbit Web API answered 410 Gone: Google switched it off in November 2026; use --source google-health (see README)"
	if !errors.Is(err, ErrGone) || err.Error() != want {
		t.Fatalf("got %v", err)
	}
}

func TestMissingScope(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	access, refresh := e.sim.IssueTokens("SIM001", e.oauth.ClientID, []string{"profile"})
	e.store.Save(&Token{AccessToken: access, RefreshToken: refresh, Expiry: time.Now().Add(time.Hour)})
	c := e.client(t, e.tokens(0), nil)
	_, err := c.Get(context.Background(), "/1/user/-/activities/heart/date/2026-01-05/1d/1min.json")
	if !errors.Is(err, ErrScope) || !strings.Contains(err.Error(), "heartrate") || !strings.Contains(err.Error(), "/activities/heart/") {
		t.Fatalf("got %v", err)
	}
}

func TestMaxRequests(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	e.seed(t, false)
	c := e.client(t, e.tokens(0), func(cfg *ClientConfig) { cfg.MaxRequests = 3 })
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := c.Get(ctx, profilePath); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Get(ctx, profilePath); !errors.Is(err, ErrStopped) {
		t.Fatalf("4th request: %v", err)
	}
	if n := e.sim.Stats("SIM001").Requests; n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}
}

func TestDeadlineStopsInsteadOfWaiting(t *testing.T) {
	ctx := context.Background()
	t.Run("quota spent", func(t *testing.T) {
		e := newEnv(t, sim.Config{Seed: 1, Quota: 5, Window: time.Hour})
		e.seed(t, false)
		c := e.client(t, e.tokens(0), func(cfg *ClientConfig) { cfg.Deadline = time.Now().Add(time.Minute) })
		var err error
		for i := 0; i < 10 && err == nil; i++ {
			_, err = c.Get(ctx, profilePath)
		}
		if !errors.Is(err, ErrStopped) {
			t.Fatalf("got %v", err)
		}
		if st := e.sim.Stats("SIM001"); st.Status429 != 0 || st.Requests > 5 {
			t.Errorf("server stats %+v", st)
		}
	})
	t.Run("429", func(t *testing.T) {
		e := newEnv(t, sim.Config{Seed: 1, Window: time.Hour})
		e.seed(t, false)
		c := e.client(t, e.tokens(0), func(cfg *ClientConfig) { cfg.Deadline = time.Now().Add(time.Minute) })
		e.sim.SetFault(sim.Fault{Kind: sim.Fault429})
		if _, err := c.Get(ctx, profilePath); !errors.Is(err, ErrStopped) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		e := newEnv(t, sim.Config{Seed: 1, Quota: 3, Window: time.Hour})
		e.seed(t, false)
		c := e.client(t, e.tokens(0), nil)
		cctx, cancel := context.WithCancel(ctx)
		time.AfterFunc(50*time.Millisecond, cancel)
		var err error
		for i := 0; i < 10 && err == nil; i++ {
			_, err = c.Get(cctx, profilePath)
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestFetchFitbitPaging(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	e.seed(t, false)
	c := e.client(t, e.tokens(0), nil)
	after := time.Now().AddDate(0, 0, -12).Format("2006-01-02")
	q := url.Values{"afterDate": {after}, "sort": {"asc"}, "offset": {"0"}}
	req := dataset.Request{Path: "/1.2/user/-/sleep/list.json", Paging: dataset.FitbitNext}
	req.Query = url.Values{}
	for k, v := range q {
		req.Query[k] = v
	}
	req.Query.Set("limit", "3")
	pages, err := c.Fetch(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	one := req
	one.Query = url.Values{"afterDate": {after}, "sort": {"asc"}, "offset": {"0"}, "limit": {"100"}}
	single, err := c.Fetch(context.Background(), one)
	if err != nil || len(single) != 1 {
		t.Fatalf("single page: %d, %v", len(single), err)
	}
	ids := func(pages [][]byte) (out []string) {
		for _, p := range pages {
			var b struct {
				Sleep []struct {
					LogID json.Number `json:"logId"`
				} `json:"sleep"`
			}
			json.Unmarshal(p, &b)
			for _, s := range b.Sleep {
				out = append(out, s.LogID.String())
			}
		}
		return out
	}
	got, want := ids(pages), ids(single)
	if len(pages) < 3 || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("%d pages with %v; want %v", len(pages), got, want)
	}
}

func TestFetchGooglePaging(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.URL.Query().Get("pageToken")
		if r.Method == http.MethodPost {
			var b map[string]any
			json.NewDecoder(r.Body).Decode(&b)
			tok, _ = b["pageToken"].(string)
			if b["windowSize"] != "60s" {
				http.Error(w, `{"error":{"code":400,"message":"body lost","status":"INVALID_ARGUMENT"}}`, 400)
				return
			}
		}
		mu.Lock()
		seen = append(seen, r.Method+":"+tok)
		mu.Unlock()
		next := map[string]string{"": "p2", "p2": "p3", "p3": ""}[tok]
		fmt.Fprintf(w, `{"dataPoints":[{"n":%q}],"nextPageToken":%q}`, tok, next)
	}))
	defer srv.Close()
	c, err := NewClient(ClientConfig{BaseURL: srv.URL + "/", Source: dataset.Google, Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := c.Fetch(context.Background(), dataset.Request{Path: "v4/users/me/dataTypes/steps/dataPoints", Query: url.Values{"pageSize": {"2"}}, Paging: dataset.GoogleToken})
	if err != nil || len(pages) != 3 {
		t.Fatalf("GET: %d pages, %v", len(pages), err)
	}
	pages, err = c.Fetch(context.Background(), dataset.Request{Method: "POST", Path: "v4/users/me/dataTypes/steps/dataPoints:rollUp", Body: []byte(`{"windowSize":"60s"}`), Paging: dataset.GoogleToken})
	if err != nil || len(pages) != 3 {
		t.Fatalf("POST: %d pages, %v", len(pages), err)
	}
	if got := strings.Join(seen, " "); got != "GET: GET:p2 GET:p3 POST: POST:p2 POST:p3" {
		t.Errorf("requests %s", got)
	}
}

func TestNoAcceptLanguage(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Accept-Language") + "|" + r.Header.Get("Authorization"))
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	c, _ := NewClient(ClientConfig{BaseURL: srv.URL})
	if _, err := c.Get(context.Background(), "/x.json"); err != nil {
		t.Fatal(err)
	}
	if got.Load() != "|" {
		t.Errorf("headers %q", got.Load())
	}
}

// TestRedaction runs a session in which the API echoes tokens in its error
// bodies and checks that no issued token nor the client secret appears in
// any log line or error.
func TestRedaction(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	e.seed(t, true)
	ts := NewTokenSource(TokenSourceConfig{Store: e.store, OAuth: e.oauth, Retry: fastRetry, Log: slogTo(e.logs)})
	c := e.client(t, ts, nil)
	ctx := context.Background()
	var out []string
	e.sim.SetFault(sim.Fault{Kind: sim.FaultExpireToken, Count: 1}) // 401 "Access token expired: <token>"
	if _, err := c.Get(ctx, profilePath); err != nil {
		t.Fatal(err)
	}
	// Revoke everything behind the client's back: 401 invalid_token echoing
	// the token, then invalid_grant echoing the refresh token.
	tok, _ := e.store.Load()
	form := url.Values{"token": {tok.RefreshToken}}
	req, _ := http.NewRequest("POST", e.srv.URL+"/oauth2/revoke", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.oauth.ClientID, e.oauth.ClientSecret)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("revoke: %v", err)
	}
	_, err := c.Get(ctx, profilePath)
	if !errors.Is(err, ErrLoginNeeded) {
		t.Fatalf("after revoke: %v", err)
	}
	out = append(out, err.Error(), fmt.Sprintf("%+v %#v", err, err))
	var walk func(error)
	walk = func(e error) { // every error in the tree, as errors.Is sees it
		out = append(out, e.Error())
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			if w := u.Unwrap(); w != nil {
				walk(w)
			}
		case interface{ Unwrap() []error }:
			for _, w := range u.Unwrap() {
				walk(w)
			}
		}
	}
	walk(err)
	var ae *APIError
	if errors.As(err, &ae) {
		out = append(out, ae.Message, ae.Error())
	}
	out = append(out, e.logs.String())
	all := strings.Join(out, "\n")
	if !strings.Contains(all, "Refresh token invalid: [REDACTED]") {
		t.Errorf("the invalid_grant cause is missing:\n%s", all)
	}
	if !strings.Contains(all, "Access token expired: [REDACTED]") {
		t.Errorf("the echoed token message was not logged at all:\n%s", all)
	}
	for _, s := range append(e.sim.IssuedTokens(), e.oauth.ClientSecret) {
		if strings.Contains(all, s) {
			t.Fatalf("secret %.6s… leaked:\n%s", s, all)
		}
	}
}

func TestRedactorPatterns(t *testing.T) {
	r := NewRedactor("supersecretvalue")
	for in, want := range map[string]string{
		"Access token expired: abc.def-123":                                    "Access token expired: [REDACTED]",
		"Refresh token invalid: 0123456789abcdef":                              "Refresh token invalid: [REDACTED]",
		"Authorization: Bearer abc123==":                                       "Authorization: Bearer [REDACTED]",
		`{"access_token":"x1","refresh_token":"y2"}`:                           `{"access_token":"[REDACTED]","refresh_token":"[REDACTED]"}`,
		"grant_type=refresh_token&refresh_token=zzz9&x=":                       "grant_type=refresh_token&refresh_token=[REDACTED]&x=",
		"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig":                         "jwt [REDACTED]",
		"secret supersecretvalue here":                                         "secret [REDACTED] here",
		"refresh token was rejected (invalid_grant): run fitexport auth login": "refresh token was rejected (invalid_grant): run fitexport auth login",
	} {
		if got := r.String(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
