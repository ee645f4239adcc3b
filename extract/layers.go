package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Call is one HTTP request travelling down the client stack. Body is kept
// so that a layer can re-send the call.
type Call struct {
	Method string
	// URL is absolute.
	URL string
	// Body is sent as JSON when non-nil.
	Body []byte
	// Token is the bearer token; the auth layer sets it.
	Token string
}

// where is the path and query of the call, for messages (no token ever
// travels in a URL fitexport builds).
func (c *Call) where() string {
	u, err := url.Parse(c.URL)
	if err != nil {
		return c.URL
	}
	return u.RequestURI()
}

// Answer is an HTTP answer with its body read in full.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Doer sends a call. The client is a stack of Doers, each a layer around
// the next (outermost first): retry → auth → budget → rate limit →
// transport. A Doer returns an Answer for every HTTP answer, successful or
// not; errors are failures to get an answer (and the budget, the deadline
// and the token source's refusals).
type Doer interface {
	Do(ctx context.Context, c *Call) (*Answer, error)
}

// transientError is a failure worth retrying: a network error, a timeout,
// a connection reset, a truncated body, invalid JSON.
type transientError struct{ msg string }

func (e *transientError) Error() string { return e.msg }

func isTransient(err error) bool {
	var te *transientError
	return errors.As(err, &te)
}

// stats are one client's counters.
type stats struct {
	requests, rateLimited, retries, bytes atomic.Int64
	lastRemaining, lastReset              atomic.Int64 // -1 unknown; ns
}

// StatsSnapshot is a copy of a client's counters.
type StatsSnapshot struct {
	// Requests is the number of HTTP requests sent (retries included).
	Requests int64
	// RateLimited is the number of 429 answers.
	RateLimited int64
	// Retries is the number of re-sends after a failure or a 429.
	Retries int64
	// Refreshes is the number of token refreshes of the client's token source.
	Refreshes int64
	// Bytes is the number of body bytes received.
	Bytes int64
	// LastRemaining is the last Fitbit-Rate-Limit-Remaining seen (-1: none).
	LastRemaining int
	// LastReset is the last Fitbit-Rate-Limit-Reset seen (-1: none).
	LastReset time.Duration
}

// ---- transport: the bottom layer ----

type transportLayer struct {
	http    *http.Client
	stats   *stats
	red     *Redactor
	maxBody int64
}

func (t *transportLayer) Do(ctx context.Context, c *Call) (*Answer, error) {
	var body io.Reader
	if c.Body != nil {
		body = bytes.NewReader(c.Body)
	}
	method := c.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, c.URL, body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.where(), err)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if c.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	// No Accept-Language header, on purpose: without it the Fitbit API
	// answers in metric units (meters, kilograms, °C), which is what the
	// canonical datasets store. en_US would switch to miles and pounds,
	// en_GB to stones; sending nothing keeps the answers independent of the
	// user's locale.
	t.stats.requests.Add(1)
	resp, err := t.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &transientError{msg: t.red.String(fmt.Sprintf("%s %s: %v", method, c.where(), unwrapURLError(err)))}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, t.maxBody+1))
	t.stats.bytes.Add(int64(len(b)))
	ans := &Answer{Status: resp.StatusCode, Header: resp.Header, Body: b}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return ans, &transientError{msg: t.red.String(fmt.Sprintf("%s %s: HTTP %d, body cut short after %d bytes: %v", method, c.where(), resp.StatusCode, len(b), err))}
	}
	if int64(len(b)) > t.maxBody {
		return nil, fmt.Errorf("%s %s: answer larger than %d bytes", method, c.where(), t.maxBody)
	}
	return ans, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Errorf("timeout: %w", ue.Err)
		}
		return ue.Err
	}
	return err
}

// ---- rate limit ----

// rateMargin is how many requests of the advertised remaining quota the
// limiter leaves unused: the Remaining header lags by a request or two.
const rateMargin = 2

// limiter is one user's rate limiter. Until an answer carries the
// Fitbit-Rate-Limit-* headers (and always for Google, which sends none) it
// is a token bucket (golang.org/x/time/rate) at Quota per Window. Every
// answer with the headers re-tunes it: it keeps an estimate of the
// remaining quota (the header less the calls still in flight, decremented
// by every send) and, once only rateMargin is left, holds every caller
// until the reset instead of provoking a 429.
//
// Between answers the bucket is either opened (the default: spend the
// remaining quota as fast as the workers go, then wait for the reset) or,
// with spread, set to remaining/reset so that the quota is spread evenly
// over the time left. Neither provokes a 429 and both use a whole window's
// quota on a long run; but spreading makes a short run crawl (a 20-request
// export would take minutes at 150/hour) and does fewer requests before a
// deadline, hence the default.
type limiter struct {
	mu         sync.Mutex
	lim        *rate.Limiter
	base       rate.Limit
	burst      int
	remaining  int // estimate; -1 unknown
	resetAt    time.Time
	pauseUntil time.Time
	inflight   int
	spread     bool
	stats      *stats
	log        *slog.Logger
}

func newLimiter(quota int, window time.Duration, burst int, spread bool, st *stats, log *slog.Logger) *limiter {
	base := rate.Limit(float64(quota) / window.Seconds())
	return &limiter{lim: rate.NewLimiter(base, burst), base: base, burst: burst, remaining: -1, spread: spread, stats: st, log: log}
}

// wait blocks until a request may be sent. It returns an error wrapping
// ErrStopped, without waiting, when the wait would end after deadline.
func (l *limiter) wait(ctx context.Context, deadline time.Time) error {
	for {
		l.mu.Lock()
		now := time.Now()
		if now.Before(l.pauseUntil) {
			d := l.pauseUntil.Sub(now)
			l.mu.Unlock()
			if !deadline.IsZero() && now.Add(d).After(deadline) {
				return newKind(ErrStopped, nil, fmt.Sprintf("rate limit: the quota resets in %s, after the deadline; run again later to continue", d.Round(time.Second)))
			}
			if err := sleepCtx(ctx, d); err != nil {
				return err
			}
			continue
		}
		if l.remaining >= 0 && l.remaining <= rateMargin {
			if now.Before(l.resetAt) {
				l.pauseUntil = l.resetAt
				if d := l.resetAt.Sub(now); d > 2*time.Second {
					l.log.Info("rate limit: quota spent, waiting for the reset", "wait", d.Round(time.Second).String())
				}
				l.mu.Unlock()
				continue
			}
			// A new window: forget the estimate until the next answer.
			l.remaining = -1
			l.lim.SetLimitAt(now, l.base)
			l.lim.SetBurstAt(now, l.burst)
		}
		r := l.lim.ReserveN(now, 1)
		d := r.DelayFrom(now)
		if !deadline.IsZero() && now.Add(d).After(deadline) {
			r.CancelAt(now)
			l.mu.Unlock()
			return newKind(ErrStopped, nil, fmt.Sprintf("rate limit: the next request may go in %s, after the deadline; run again later to continue", d.Round(time.Second)))
		}
		if l.remaining > 0 {
			l.remaining--
		}
		l.inflight++
		l.mu.Unlock()
		if err := sleepCtx(ctx, d); err != nil {
			r.Cancel()
			l.done(nil)
			return err
		}
		return nil
	}
}

// done ends a call that wait let through, learning from the answer's
// headers (h may be nil).
func (l *limiter) done(h http.Header) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inflight > 0 {
		l.inflight--
	}
	if h == nil {
		return
	}
	rem, err1 := strconv.Atoi(h.Get("Fitbit-Rate-Limit-Remaining"))
	reset, err2 := strconv.ParseFloat(h.Get("Fitbit-Rate-Limit-Reset"), 64)
	if err1 != nil || err2 != nil || reset < 0 {
		return
	}
	resetD := time.Duration(reset * float64(time.Second))
	l.stats.lastRemaining.Store(int64(rem))
	l.stats.lastReset.Store(int64(resetD))
	now := time.Now()
	l.remaining = max(rem-l.inflight, 0)
	l.resetAt = now.Add(resetD)
	if avail := l.remaining - rateMargin; avail > 0 && resetD > 0 {
		if l.spread {
			l.lim.SetLimitAt(now, rate.Limit(float64(avail)/resetD.Seconds()))
			l.lim.SetBurstAt(now, min(l.burst, avail))
		} else {
			// The server's count is known: spend it freely; the gate in
			// wait stops callers when it is spent.
			l.lim.SetLimitAt(now, rate.Inf)
		}
	}
}

// pause holds every caller until t (a 429's reset).
func (l *limiter) pause(t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.After(l.pauseUntil) {
		l.pauseUntil = t
	}
	l.remaining = -1
}

type limitLayer struct {
	next     Doer
	l        *limiter
	deadline time.Time
}

func (ll *limitLayer) Do(ctx context.Context, c *Call) (*Answer, error) {
	if err := ll.l.wait(ctx, ll.deadline); err != nil {
		return nil, err
	}
	ans, err := ll.next.Do(ctx, c)
	if ans != nil {
		ll.l.done(ans.Header)
	} else {
		ll.l.done(nil)
	}
	return ans, err
}

// ---- budget ----

type budgetLayer struct {
	next Doer
	max  int64
	used atomic.Int64
}

func (b *budgetLayer) Do(ctx context.Context, c *Call) (*Answer, error) {
	if b.max > 0 {
		if b.used.Add(1) > b.max {
			b.used.Add(-1)
			return nil, newKind(ErrStopped, nil, fmt.Sprintf("request budget spent (--max-requests %d); run again to continue", b.max))
		}
	}
	return b.next.Do(ctx, c)
}

// ---- auth ----

type authLayer struct {
	next Doer
	ts   *TokenSource
	log  *slog.Logger
}

func (a *authLayer) Do(ctx context.Context, c *Call) (*Answer, error) {
	if a.ts == nil {
		return a.next.Do(ctx, c)
	}
	for try := 0; ; try++ {
		t, err := a.ts.TokenContext(ctx)
		if err != nil {
			return nil, err
		}
		c.Token = t.AccessToken
		ans, err := a.next.Do(ctx, c)
		if err != nil || ans.Status != http.StatusUnauthorized || try > 0 {
			return ans, err
		}
		typ, msg := parseErrorBody(ans.Body)
		switch typ {
		case "expired_token", "invalid_token", "UNAUTHENTICATED", "ACCESS_TOKEN_EXPIRED", "":
			// The API disagrees with our clock or the token was revoked:
			// refresh once (unless someone already did) and try again.
			a.log.Info("the API rejected the access token; refreshing it", "path", c.where(), "type", typ, "message", msg)
			a.ts.Invalidate(t.AccessToken)
		default:
			return ans, nil
		}
	}
}

// ---- retry ----

type retryLayer struct {
	next     Doer
	policy   RetryPolicy
	l        *limiter
	deadline time.Time
	stats    *stats
	log      *slog.Logger
	// hourly: without rate-limit headers a 429 waits for the top of the
	// hour (Fitbit); otherwise it backs off exponentially (Google).
	hourly bool
}

func (r *retryLayer) Do(ctx context.Context, c *Call) (*Answer, error) {
	fails, limited := 0, 0
	for {
		ans, err := r.next.Do(ctx, c)
		if err == nil && ans.Status/100 == 2 && !json.Valid(ans.Body) {
			err = &transientError{msg: fmt.Sprintf("%s: HTTP %d but the body is truncated or not JSON (%d bytes)", c.where(), ans.Status, len(ans.Body))}
		}
		var wait time.Duration
		switch {
		case err != nil:
			if !isTransient(err) {
				return nil, err
			}
			fails++
			if fails >= r.policy.Attempts {
				return nil, fmt.Errorf("giving up after %d attempts: %w", fails, err)
			}
			wait = r.policy.backoff(fails)
			r.log.Warn("retrying after a transient failure", "attempt", fails+1, "wait", wait.String(), "error", err.Error())
		case ans.Status == http.StatusTooManyRequests:
			r.stats.rateLimited.Add(1)
			limited++
			if limited > r.policy.Attempts {
				return ans, nil
			}
			// The limiter holds every worker until the reset; the wait
			// (and the deadline check) happens there.
			fallback := r.policy.backoff(limited)
			if r.hourly {
				fallback = -1
			}
			until := time.Now().Add(rateLimitWait(ans.Header, time.Now(), r.policy.Base, fallback))
			r.l.pause(until)
			r.log.Warn("rate limited (429): waiting for the quota to reset", "path", c.where(), "wait", time.Until(until).Round(time.Millisecond).String())
		case ans.Status == 500 || ans.Status == 502 || ans.Status == 503 || ans.Status == 504:
			fails++
			if fails >= r.policy.Attempts {
				return ans, nil
			}
			wait = r.policy.backoff(fails)
			r.log.Warn("retrying after a server error", "path", c.where(), "status", ans.Status, "attempt", fails+1, "wait", wait.String())
		default:
			return ans, nil
		}
		if !r.deadline.IsZero() && time.Now().Add(wait).After(r.deadline) {
			msg := fmt.Sprintf("%s: a retry would wait past the deadline; run again later to continue", c.where())
			return nil, newKind(ErrStopped, err, msg)
		}
		r.stats.retries.Add(1)
		if err := sleepCtx(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// rateLimitWait is how long a 429 asks to wait: Fitbit-Rate-Limit-Reset,
// else Retry-After, else fallback, else (fallback < 0) until the top of the
// hour, when Fitbit's counter resets. It is at least floor.
func rateLimitWait(h http.Header, now time.Time, floor, fallback time.Duration) time.Duration {
	var d time.Duration
	if s, err := strconv.ParseFloat(h.Get("Fitbit-Rate-Limit-Reset"), 64); err == nil && s >= 0 {
		d = time.Duration(s * float64(time.Second))
	} else if ra := h.Get("Retry-After"); ra != "" {
		if s, err := strconv.Atoi(ra); err == nil {
			d = time.Duration(s) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			d = t.Sub(now)
		}
	} else if fallback >= 0 {
		d = fallback
	} else {
		d = now.Truncate(time.Hour).Add(time.Hour).Sub(now)
	}
	return max(d, floor)
}
