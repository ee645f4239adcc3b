package extract

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fitexport/fitexport/config"
	"github.com/fitexport/fitexport/sim"
)

const profilePath = "/1/user/-/profile.json"

func TestTokenSourceConcurrentRefresh(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1, AccessTTL: time.Second, Quota: 1 << 20})
	e.seed(t, true)
	ts := e.tokens(-1)
	c := e.client(t, ts, nil)
	ctx := context.Background()

	var mu sync.Mutex
	seen := map[string]bool{}
	var errs []error
	stop := time.Now().Add(2500 * time.Millisecond)
	var wg sync.WaitGroup
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				tok, err := ts.TokenContext(ctx)
				if err == nil && (i+g)%10 == 0 {
					_, err = c.Get(ctx, profilePath)
				}
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					seen[tok.AccessToken] = true
				}
				mu.Unlock()
				time.Sleep(2 * time.Millisecond)
			}
		}(g)
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d errors, first: %v", len(errs), errs[0])
	}
	st := e.sim.Stats("SIM001")
	if st.InvalidGrant != 0 {
		t.Errorf("server saw %d invalid_grant", st.InvalidGrant)
	}
	n := ts.Refreshes()
	if n < 2 {
		t.Errorf("only %d refreshes in 2.5 s of 1 s tokens", n)
	}
	if int64(st.Refreshes) != n {
		t.Errorf("server answered %d refresh requests, the source made %d: duplicate refreshes", st.Refreshes, n)
	}
	if int64(len(seen)) != n {
		t.Errorf("goroutines saw %d distinct access tokens for %d refreshes: want exactly one token per refresh", len(seen), n)
	}
	// The store ends with the live refresh token: a new source refreshes fine.
	ts2 := e.tokens(time.Hour) // a margin longer than the lifetime forces a refresh
	if _, err := ts2.TokenContext(ctx); err != nil {
		t.Fatalf("refresh with the stored token: %v", err)
	}
	if st := e.sim.Stats("SIM001"); st.InvalidGrant != 0 {
		t.Errorf("stored refresh token was stale: %d invalid_grant", st.InvalidGrant)
	}
}

// TestProcessRace runs two processes refreshing the same profile at once.
func TestProcessRace(t *testing.T) {
	if os.Getenv("FITEXPORT_TEST_HELPER") == "refresh" {
		processRaceHelper()
		return
	}
	s := sim.New(sim.Config{Seed: 1})
	// Slow the token endpoint so that, without the file lock, both
	// processes would be refreshing at the same time.
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth2/token" {
			time.Sleep(150 * time.Millisecond)
		}
		s.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(slow)
	defer srv.Close()
	e := newEnvFor(t, s, srv, sim.SandboxClient)
	e.seed(t, true)

	start := time.Now().Add(300 * time.Millisecond).UnixNano()
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for i := 0; i < 2; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestProcessRace$", "-test.v")
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		cmd.Env = append(os.Environ(),
			"FITEXPORT_TEST_HELPER=refresh",
			"HELPER_DIR="+e.store.Dir(),
			"HELPER_URL="+srv.URL,
			fmt.Sprintf("HELPER_START=%d", start))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil || !strings.Contains(outs[i].String(), "HELPER OK") {
			t.Errorf("process %d: %v\n%s", i, err, outs[i])
		}
	}
	st := s.Stats("SIM001")
	if st.Refreshes != 1 || st.InvalidGrant != 0 {
		t.Errorf("server saw %d refreshes and %d invalid_grant; want 1 and 0", st.Refreshes, st.InvalidGrant)
	}
	if st.Requests != 2 {
		t.Errorf("server saw %d data requests; want 2", st.Requests)
	}
}

func processRaceHelper() {
	var start int64
	fmt.Sscan(os.Getenv("HELPER_START"), &start)
	time.Sleep(time.Until(time.Unix(0, start)))
	u := os.Getenv("HELPER_URL")
	o := &OAuth{Provider: FitbitProvider(u, u+"/oauth2/authorize"), ClientID: sim.SandboxClient.ID, ClientSecret: sim.SandboxClient.Secret}
	ts := NewTokenSource(TokenSourceConfig{Store: config.OpenStore(os.Getenv("HELPER_DIR")), OAuth: o, Retry: fastRetry})
	c, err := NewClient(ClientConfig{BaseURL: u, Tokens: ts, Retry: fastRetry})
	if err == nil {
		_, err = c.Get(context.Background(), profilePath)
	}
	if err != nil {
		fmt.Println("HELPER FAILED:", err)
		os.Exit(1)
	}
	fmt.Println("HELPER OK")
	os.Exit(0)
}

func TestCrashBetweenRefreshAndSave(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	_, oldRefresh := e.seed(t, true)
	ctx := context.Background()

	broken := &failingStore{Store: e.store, fails: 1}
	_, err := e.tokensOn(broken, 0).TokenContext(ctx)
	if err == nil || !strings.Contains(err.Error(), "saving it failed") || !errors.Is(err, errDiskFull) {
		t.Fatalf("save failure: %v", err)
	}
	disk, err := e.store.Load()
	if err != nil || disk.RefreshToken != oldRefresh {
		t.Fatalf("store changed before the answer was saved: %v", err)
	}
	issued := e.sim.IssuedTokens()
	lostAccess := issued[len(issued)-2] // the pair the failed save lost

	// The next run repeats the identical refresh and recovers the same pair.
	ts := e.tokens(0)
	tok, err := ts.TokenContext(ctx)
	if err != nil {
		t.Fatalf("recovery: %v", err)
	}
	if tok.AccessToken != lostAccess {
		t.Errorf("recovery got a different access token than the lost pair")
	}
	if got := len(e.sim.IssuedTokens()); got != len(issued) {
		t.Errorf("the server issued %d new tokens during recovery; want the identical pair", got-len(issued))
	}
	if _, err := e.client(t, ts, nil).Get(ctx, profilePath); err != nil {
		t.Fatal(err)
	}
	st := e.sim.Stats("SIM001")
	if st.InvalidGrant != 0 || st.Refreshes != 2 {
		t.Errorf("stats %+v: want 2 refresh answers (one repeated), no invalid_grant", st)
	}
}

func TestInvalidGrantNeedsLogin(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	e.seed(t, true)
	stale, _ := e.store.Load()
	ctx := context.Background()
	ts := e.tokens(0)
	if _, err := e.client(t, ts, nil).Get(ctx, profilePath); err != nil { // rotates and uses the new pair
		t.Fatal(err)
	}
	// A stale copy of the token file (restored backup): its refresh token is spent.
	if err := e.store.Save(stale); err != nil {
		t.Fatal(err)
	}
	_, err := e.tokens(0).TokenContext(ctx)
	if !errors.Is(err, ErrLoginNeeded) || err.Error() != "refresh token was rejected (invalid_grant): run fitexport auth login" {
		t.Fatalf("got %v", err)
	}
	if disk, _ := e.store.Load(); disk.RefreshToken != stale.RefreshToken {
		t.Error("a failed refresh changed the store")
	}
}

func TestTokenFileProblemsNeedLogin(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	_, err := e.tokens(0).TokenContext(context.Background())
	if !errors.Is(err, ErrLoginNeeded) || !strings.Contains(err.Error(), "run fitexport auth login") {
		t.Fatalf("no token: %v", err)
	}
	os.MkdirAll(e.store.Dir(), 0o700)
	os.WriteFile(e.store.Path(), []byte(`{"access_token": tru`), 0o600)
	_, err = e.tokens(0).TokenContext(context.Background())
	if !errors.Is(err, ErrLoginNeeded) || !strings.Contains(err.Error(), "is unreadable") {
		t.Fatalf("corrupt token: %v", err)
	}
	if b, _ := os.ReadFile(e.store.Path()); string(b) != `{"access_token": tru` {
		t.Error("corrupt token file was overwritten")
	}
}

func TestForcedRefreshOn401(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	e.seed(t, false)
	ts := e.tokens(0)
	c := e.client(t, ts, nil)
	ctx := context.Background()
	before, _ := ts.TokenContext(ctx)
	ts.Invalidate("not-the-current-token") // stale report: ignored
	if again, _ := ts.TokenContext(ctx); again.AccessToken != before.AccessToken || ts.Refreshes() != 0 {
		t.Fatal("Invalidate of another token caused a refresh")
	}
	e.sim.SetFault(sim.Fault{Kind: sim.FaultExpireToken, Count: 1})
	if _, err := c.Get(ctx, profilePath); err != nil {
		t.Fatalf("401 expired_token was not recovered: %v", err)
	}
	if ts.Refreshes() != 1 {
		t.Errorf("refreshes = %d, want 1", ts.Refreshes())
	}
	if after, _ := ts.TokenContext(ctx); after.AccessToken == before.AccessToken {
		t.Error("still using the rejected token")
	}
}
