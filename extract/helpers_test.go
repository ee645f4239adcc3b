package extract

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/fitexport/fitexport/config"
	"github.com/fitexport/fitexport/sim"
)

// fastRetry keeps retry tests in milliseconds.
var fastRetry = RetryPolicy{Attempts: 6, Base: time.Millisecond, Cap: 10 * time.Millisecond}

// env is a simulator, a profile store and an OAuth client for the sandbox app.
type env struct {
	sim   *sim.Server
	srv   *httptest.Server
	store *config.Store
	oauth *OAuth
	logs  *syncBuffer
}

func newEnv(t *testing.T, cfg sim.Config) *env {
	t.Helper()
	s := sim.New(cfg)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return newEnvFor(t, s, srv, sim.SandboxClient)
}

func newEnvFor(t *testing.T, s *sim.Server, srv *httptest.Server, c sim.Client) *env {
	t.Helper()
	store, err := config.NewStore(t.TempDir(), "default")
	if err != nil {
		t.Fatal(err)
	}
	o := &OAuth{Provider: FitbitProvider(srv.URL, srv.URL+"/oauth2/authorize"), ClientID: c.ID, ClientSecret: c.Secret,
		HTTP: srv.Client(), Redactor: NewRedactor(c.Secret)}
	return &env{sim: s, srv: srv, store: store, oauth: o, logs: &syncBuffer{}}
}

// seed issues a token pair for SIM001 and stores it, already expired when
// expired is set.
func (e *env) seed(t *testing.T, expired bool) (access, refresh string) {
	t.Helper()
	access, refresh = e.sim.IssueTokens("SIM001", e.oauth.ClientID, nil)
	exp := time.Now().Add(time.Hour)
	if expired {
		exp = time.Now().Add(-time.Minute)
	}
	if err := e.store.Save(&config.Token{AccessToken: access, RefreshToken: refresh, Expiry: exp, UserID: "SIM001",
		Source: "fitbit", ClientID: e.oauth.ClientID, TokenType: "Bearer"}); err != nil {
		t.Fatal(err)
	}
	return access, refresh
}

func (e *env) tokens(margin time.Duration) *TokenSource {
	return e.tokensOn(e.store, margin)
}

func (e *env) tokensOn(store TokenStore, margin time.Duration) *TokenSource {
	return NewTokenSource(TokenSourceConfig{Store: store, OAuth: e.oauth, Margin: margin, Retry: fastRetry})
}

func (e *env) client(t *testing.T, ts *TokenSource, mod func(*ClientConfig)) *Client {
	t.Helper()
	cfg := ClientConfig{BaseURL: e.srv.URL, HTTP: e.srv.Client(), Tokens: ts, Quota: 100000, Window: time.Second, Burst: 1000,
		Retry: fastRetry, Log: slogTo(e.logs)}
	if mod != nil {
		mod(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// failingStore fails the first n Saves after the refresh answer arrived.
type failingStore struct {
	*config.Store
	mu    sync.Mutex
	fails int
}

func (f *failingStore) Save(t *config.Token) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return errDiskFull
	}
	return f.Store.Save(t)
}

var errDiskFull = &diskFullError{}

type diskFullError struct{}

func (*diskFullError) Error() string { return "write token.json: no space left on device" }

// noRedirect is an HTTP client that stops at the first redirect.
func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
}
