package extract

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fitexport/fitexport/dataset"
)

// ClientConfig configures NewClient. Zero fields take the defaults noted.
type ClientConfig struct {
	// BaseURL is the API base: https://api.fitbit.com or
	// https://health.googleapis.com/ (or a sandbox or proxy).
	BaseURL string
	// HTTP is the base client (no auth, no retries); its Timeout bounds one
	// attempt. nil means a client with a 2-minute timeout.
	HTTP *http.Client
	// Tokens supplies the bearer token; nil sends none.
	Tokens *TokenSource
	// Quota requests per Window, with bursts of Burst: the starting rate of
	// the user's limiter before the first answer's rate-limit headers
	// re-tune it. Defaults: 150 per hour (Fitbit) or 300 per minute (Google
	// Health, which sends no rate-limit headers), burst 5.
	Quota  int
	Window time.Duration
	Burst  int
	// Spread paces requests at remaining-quota/time-to-reset once the
	// rate-limit headers are known, instead of spending the remaining quota
	// at once and then waiting for the reset (the default, which finishes
	// short runs quickly and does at least as much work before a deadline).
	// Neither mode provokes a 429.
	Spread bool
	// Retry bounds retries of transient failures (default 6 attempts, base
	// 500 ms, cap 30 s) and of 429s.
	Retry RetryPolicy
	// MaxRequests stops the client after this many HTTP requests (0:
	// unlimited): the request that would exceed it is not sent and returns
	// an error wrapping ErrStopped.
	MaxRequests int
	// Deadline: a rate-limit, 429 or retry wait that would end after it
	// returns an error wrapping ErrStopped instead of sleeping.
	Deadline time.Time
	// Log receives warnings (retries, rate-limit waits), redacted. nil
	// discards them.
	Log *slog.Logger
	// Source is the protocol spoken (dataset.Fitbit or dataset.Google); it
	// picks pagination details and messages. Empty means Fitbit.
	Source dataset.Source
}

// Client is the API client of one user: a stack of layers (retry → auth →
// budget → rate limit → transport) around one Doer, with its own limiter
// and counters. Use one Client per user (a cohort run makes one per
// participant); a Client is safe for concurrent use.
type Client struct {
	base   *url.URL
	source dataset.Source
	doer   Doer
	ts     *TokenSource
	red    *Redactor
	stats  *stats
	log    *slog.Logger
}

// NewClient builds the client stack.
func NewClient(cfg ClientConfig) (*Client, error) {
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("invalid API base URL %q (want e.g. https://api.fitbit.com)", cfg.BaseURL)
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 2 * time.Minute}
	}
	if cfg.Source == "" {
		cfg.Source = dataset.Fitbit
	}
	if cfg.Quota <= 0 || cfg.Window <= 0 {
		cfg.Quota, cfg.Window = 150, time.Hour
		if cfg.Source == dataset.Google {
			cfg.Quota, cfg.Window = 300, time.Minute
		}
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 5
	}
	red := NewRedactor()
	if cfg.Tokens != nil {
		red = cfg.Tokens.Redactor()
	}
	var log *slog.Logger
	if cfg.Log != nil {
		log = red.Logger(cfg.Log.Handler())
	} else {
		log = red.Logger(nil)
	}
	st := &stats{}
	st.lastRemaining.Store(-1)
	st.lastReset.Store(-1)
	limQuota := cfg.Quota
	if cfg.Source == dataset.Google && limQuota > 2*cfg.Burst {
		// No rate-limit headers to re-tune from: pace at (quota − burst)
		// per window, so that a full bucket plus a window's refill never
		// exceeds the quota in any window.
		limQuota -= cfg.Burst
	}
	lim := newLimiter(limQuota, cfg.Window, cfg.Burst, cfg.Spread, st, log)
	var d Doer = &transportLayer{http: cfg.HTTP, stats: st, red: red, maxBody: 512 << 20}
	d = &limitLayer{next: d, l: lim, deadline: cfg.Deadline}
	d = &budgetLayer{next: d, max: int64(cfg.MaxRequests)}
	d = &authLayer{next: d, ts: cfg.Tokens, log: log}
	d = &retryLayer{next: d, policy: cfg.Retry.withDefaults(), l: lim, deadline: cfg.Deadline, stats: st, log: log, hourly: cfg.Source != dataset.Google}
	return &Client{base: base, source: cfg.Source, doer: d, ts: cfg.Tokens, red: red, stats: st, log: log}, nil
}

// Stats returns a snapshot of the client's counters.
func (c *Client) Stats() StatsSnapshot {
	s := StatsSnapshot{
		Requests:      c.stats.requests.Load(),
		RateLimited:   c.stats.rateLimited.Load(),
		Retries:       c.stats.retries.Load(),
		Bytes:         c.stats.bytes.Load(),
		LastRemaining: int(c.stats.lastRemaining.Load()),
		LastReset:     time.Duration(c.stats.lastReset.Load()),
	}
	if c.ts != nil {
		s.Refreshes = c.ts.Refreshes()
	}
	return s
}

// Redactor returns the redactor of the client's messages.
func (c *Client) Redactor() *Redactor { return c.red }

// url joins the base and a path (with or without a leading slash, with an
// optional query).
func (c *Client) url(path string, q url.Values) string {
	s := strings.TrimRight(c.base.String(), "/") + "/" + strings.TrimLeft(path, "/")
	if len(q) > 0 {
		sep := "?"
		if strings.Contains(s, "?") {
			sep = "&"
		}
		s += sep + q.Encode()
	}
	return s
}

// Get sends one GET of path (relative to the base, query allowed) and
// returns its body, validated as JSON.
func (c *Client) Get(ctx context.Context, path string) ([]byte, error) {
	b, err := c.send(ctx, &Call{Method: http.MethodGet, URL: c.url(path, nil)})
	return b, c.red.Error(err)
}

// maxPages bounds a paged sequence, against a server that never ends it.
const maxPages = 10000

// Fetch sends req and follows its paging, returning one body per page,
// each validated as JSON; on an error it returns no pages (a partial
// sequence is never cached as if complete). GET unless req.Method says otherwise; req.Body is
// sent as JSON.
//
// FitbitNext follows pagination.next until it is empty. The next URL's path
// and query are sent to the client's base URL (so a proxy or sandbox base
// keeps working and the token never goes to another host). GoogleToken
// repeats the request with pageToken=nextPageToken (in the query for GET,
// in the JSON body for POST).
func (c *Client) Fetch(ctx context.Context, req dataset.Request) ([][]byte, error) {
	pages, err := c.fetch(ctx, req)
	return pages, c.red.Error(err)
}

func (c *Client) fetch(ctx context.Context, req dataset.Request) ([][]byte, error) {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	call := &Call{Method: method, URL: c.url(req.Path, req.Query), Body: req.Body}
	var pages [][]byte
	seen := map[string]bool{}
	for {
		body, err := c.send(ctx, call)
		if err != nil {
			return nil, err
		}
		pages = append(pages, body)
		next, err := c.nextCall(req, call, body)
		if err != nil {
			return nil, err
		}
		if next == nil {
			return pages, nil
		}
		key := next.URL + "\x00" + string(next.Body)
		if seen[key] || len(pages) >= maxPages {
			return nil, fmt.Errorf("%s: pagination does not end (page %d repeats or exceeds %d pages)", call.where(), len(pages)+1, maxPages)
		}
		seen[key] = true
		call = next
	}
}

// nextCall returns the call for the page after body, or nil at the end.
func (c *Client) nextCall(req dataset.Request, call *Call, body []byte) (*Call, error) {
	switch req.Paging {
	case dataset.FitbitNext:
		var p struct {
			Pagination struct {
				Next string `json:"next"`
			} `json:"pagination"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, fmt.Errorf("%s: reading pagination: %w", call.where(), err)
		}
		if p.Pagination.Next == "" {
			return nil, nil
		}
		u, err := url.Parse(p.Pagination.Next)
		if err != nil {
			return nil, fmt.Errorf("%s: bad pagination.next: %w", call.where(), err)
		}
		next := c.url(u.EscapedPath(), nil)
		if u.RawQuery != "" {
			next += "?" + u.RawQuery
		}
		if u.Host == c.base.Host && u.Scheme == c.base.Scheme {
			next = u.String()
		}
		return &Call{Method: call.Method, URL: next, Body: call.Body}, nil
	case dataset.GoogleToken:
		var p struct {
			NextPageToken string `json:"nextPageToken"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, fmt.Errorf("%s: reading nextPageToken: %w", call.where(), err)
		}
		if p.NextPageToken == "" {
			return nil, nil
		}
		if call.Body != nil {
			var m map[string]any
			if err := json.Unmarshal(call.Body, &m); err != nil {
				return nil, fmt.Errorf("%s: request body is not a JSON object: %w", call.where(), err)
			}
			m["pageToken"] = p.NextPageToken
			b, err := json.Marshal(m)
			if err != nil {
				return nil, err
			}
			return &Call{Method: call.Method, URL: call.URL, Body: b}, nil
		}
		q := cloneValues(req.Query)
		q.Set("pageToken", p.NextPageToken)
		return &Call{Method: call.Method, URL: c.url(req.Path, q)}, nil
	}
	return nil, nil
}

// send runs one call through the stack and turns a non-2xx answer into an
// error of the right kind.
func (c *Client) send(ctx context.Context, call *Call) ([]byte, error) {
	ans, err := c.doer.Do(ctx, call)
	if err != nil {
		return nil, err
	}
	if ans.Status/100 == 2 {
		return ans.Body, nil
	}
	return nil, c.answerError(call, ans)
}

// answerError maps an HTTP error answer to the error the user acts on.
func (c *Client) answerError(call *Call, ans *Answer) error {
	typ, msg := parseErrorBody(ans.Body)
	apiErr := &APIError{
		Status:    ans.Status,
		Type:      typ,
		Message:   c.red.String(msg),
		URL:       call.where(),
		Retryable: ans.Status == http.StatusTooManyRequests || ans.Status >= 500,
	}
	switch {
	case ans.Status == http.StatusGone:
		return newKind(ErrGone, apiErr, goneMessage(string(c.source)))
	case ans.Status == http.StatusUnauthorized:
		return newKind(ErrLoginNeeded, apiErr, fmt.Sprintf("%s: the API rejected the access token even after a refresh (HTTP 401 %s): run fitexport auth login", apiErr.URL, typ))
	case ans.Status == http.StatusForbidden && (typ == "insufficient_scope" || typ == "insufficient_permissions" || typ == "PERMISSION_DENIED" || typ == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"):
		scope := ScopeForPath(call.where())
		hint := "the scope this data needs"
		if scope != "" {
			hint = "scope " + scope
		}
		return newKind(ErrScope, apiErr, fmt.Sprintf("%s: the token lacks %s (HTTP 403 %s); run fitexport auth login and grant it", apiErr.URL, hint, typ))
	case ans.Status == http.StatusTooManyRequests:
		return newKind(ErrStopped, apiErr, fmt.Sprintf("%s: still rate limited (HTTP 429) after %d waits; run again later to continue", apiErr.URL, c.stats.rateLimited.Load()))
	case ans.Status >= 500:
		return fmt.Errorf("giving up: %w", apiErr)
	}
	return apiErr
}

// ScopeForPath names the Fitbit scope a Web API path needs ("" if unknown).
func ScopeForPath(path string) string {
	p := path
	if i := strings.Index(p, "/user/-/"); i >= 0 {
		p = p[i+len("/user/-/"):]
	}
	switch {
	case strings.HasPrefix(p, "activities/heart"):
		return "heartrate"
	case strings.HasPrefix(p, "activities"):
		return "activity"
	case strings.HasPrefix(p, "sleep"):
		return "sleep"
	case strings.HasPrefix(p, "spo2"):
		return "oxygen_saturation"
	case strings.HasPrefix(p, "hrv"):
		return "heartrate"
	case strings.HasPrefix(p, "br"):
		return "respiratory_rate"
	case strings.HasPrefix(p, "temp"):
		return "temperature"
	case strings.HasPrefix(p, "cardioscore"):
		return "cardio_fitness"
	case strings.HasPrefix(p, "body"):
		return "weight"
	case strings.HasPrefix(p, "profile"):
		return "profile"
	case strings.HasPrefix(p, "devices"):
		return "settings"
	}
	return ""
}
