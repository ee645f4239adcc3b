package extract

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/fitexport/fitexport/config"
)

// Token is the stored token record (see config.Token).
type Token = config.Token

// TokenStore is where a TokenSource keeps its token; *config.Store is the
// real one. Lock must exclude every other holder of the same profile, in
// this process and in others, until unlock is called.
type TokenStore interface {
	Load() (*config.Token, error)
	Save(*config.Token) error
	Lock(ctx context.Context) (unlock func(), err error)
}

// DefaultMargin is how long before its expiry an access token is refreshed.
const DefaultMargin = 2 * time.Minute

// TokenSourceConfig configures NewTokenSource.
type TokenSourceConfig struct {
	// Store is required.
	Store TokenStore
	OAuth *OAuth
	// Margin: refresh this long before expiry. Zero means DefaultMargin;
	// negative means none (tests with second-long tokens).
	Margin time.Duration
	// Retry bounds re-sends of a refresh after transient failures.
	Retry RetryPolicy
	// Log receives one line per refresh (no token in it); nil discards.
	Log *slog.Logger
}

// TokenSource hands out a valid access token for one profile and refreshes
// it safely. It satisfies oauth2.TokenSource.
//
// The refresh protocol, built for Fitbit's single-use rotating refresh
// tokens:
//
//  1. While the cached access token is valid (with Margin to spare) and not
//     invalidated, it is returned without I/O.
//  2. Otherwise, serialised within the process and holding the profile's
//     cross-process lock, the store is re-read (another process may have
//     rotated the pair meanwhile); if its token is valid, it is used.
//  3. Else the refresh token is spent at the token endpoint, and the new
//     pair is saved before the new access token is returned. If saving fails,
//     Token returns an error and the new token is never used; the store still
//     holds the old refresh token, and the next run sends the identical
//     refresh request, which the API answers with the identical pair within
//     its idempotency window. Nothing on disk changes before the answer is
//     saved.
//
// invalid_grant becomes an error wrapping ErrLoginNeeded. Google refresh
// tokens do not rotate: an answer without a refresh token keeps the old one.
type TokenSource struct {
	store  TokenStore
	oauth  *OAuth
	margin time.Duration
	retry  RetryPolicy
	log    *slog.Logger

	sema chan struct{} // serialises refreshes in this process

	mu          sync.Mutex
	cur         *config.Token
	invalidated string // access token the API rejected

	refreshes atomic.Int64
}

// NewTokenSource returns a token source over cfg.Store.
func NewTokenSource(cfg TokenSourceConfig) *TokenSource {
	m := cfg.Margin
	switch {
	case m == 0:
		m = DefaultMargin
	case m < 0:
		m = 0
	}
	o := cfg.OAuth
	if o == nil {
		o = &OAuth{}
	}
	o.redactor()
	lg := o.redactor().Logger(nil)
	if cfg.Log != nil {
		lg = o.redactor().Logger(cfg.Log.Handler())
	}
	return &TokenSource{store: cfg.Store, oauth: o, margin: m, retry: cfg.Retry, log: lg, sema: make(chan struct{}, 1)}
}

// Redactor returns the redactor that knows every token this source saw.
func (ts *TokenSource) Redactor() *Redactor { return ts.oauth.redactor() }

// Refreshes is the number of refreshes this source performed.
func (ts *TokenSource) Refreshes() int64 { return ts.refreshes.Load() }

// Token returns a valid access token (oauth2.TokenSource). The returned
// oauth2.Token carries no refresh token.
func (ts *TokenSource) Token() (*oauth2.Token, error) {
	t, err := ts.TokenContext(context.Background())
	if err != nil {
		return nil, err
	}
	return &oauth2.Token{AccessToken: t.AccessToken, TokenType: t.TokenType, Expiry: t.Expiry}, nil
}

// TokenContext is Token with a context, returning the full record (a copy).
func (ts *TokenSource) TokenContext(ctx context.Context) (*config.Token, error) {
	if t := ts.cached(); t != nil {
		return t, nil
	}
	select {
	case ts.sema <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-ts.sema }()
	// Another goroutine may have refreshed while we waited.
	if t := ts.cached(); t != nil {
		return t, nil
	}
	unlock, err := ts.store.Lock(ctx)
	if err != nil {
		return nil, fmt.Errorf("token store: %w", err)
	}
	defer unlock()

	disk, err := ts.store.Load()
	if err != nil {
		return nil, LoginNeeded(err)
	}
	ts.oauth.redactor().Add(disk.AccessToken, disk.RefreshToken)
	now := ts.oauth.now()
	ts.mu.Lock()
	usable := disk.Valid(now, ts.margin) && disk.AccessToken != ts.invalidated
	if usable {
		ts.cur = disk
	}
	ts.mu.Unlock()
	if usable {
		return copyToken(disk), nil
	}
	if disk.RefreshToken == "" {
		return nil, newKind(ErrLoginNeeded, nil, "the access token expired and the store holds no refresh token: run fitexport auth login")
	}

	fresh, err := ts.oauth.refresh(ctx, disk, ts.retry)
	if err != nil {
		return nil, err
	}
	fresh.Source = firstNonEmpty(fresh.Source, disk.Source)
	fresh.ClientID = firstNonEmpty(fresh.ClientID, disk.ClientID)
	if err := ts.store.Save(fresh); err != nil {
		// Never use a token we could not keep: the store still holds the old
		// refresh token, and repeating the refresh returns this same pair.
		return nil, fmt.Errorf("the API issued a new token but saving it failed, so it is not used "+
			"(the next run repeats the refresh and recovers it; fix the problem soon): %w", err)
	}
	ts.refreshes.Add(1)
	ts.log.Info("refreshed the access token", "user", fresh.UserID, "expiry", fresh.Expiry.Format(time.RFC3339))
	ts.mu.Lock()
	ts.cur = fresh
	ts.invalidated = ""
	ts.mu.Unlock()
	return copyToken(fresh), nil
}

func (ts *TokenSource) cached() *config.Token {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.cur.Valid(ts.oauth.now(), ts.margin) && ts.cur.AccessToken != ts.invalidated {
		return copyToken(ts.cur)
	}
	return nil
}

// Invalidate reports that the API rejected accessToken (401 expired_token or
// invalid_token although the local expiry says valid: clock skew, a revoke).
// The next Token refreshes once — but only if accessToken is still the
// current one; if another goroutine already refreshed, nothing happens.
func (ts *TokenSource) Invalidate(accessToken string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.cur != nil && ts.cur.AccessToken == accessToken {
		ts.invalidated = accessToken
		ts.cur = nil
	}
}

func copyToken(t *config.Token) *config.Token {
	c := *t
	c.Scopes = append([]string(nil), t.Scopes...)
	return &c
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
