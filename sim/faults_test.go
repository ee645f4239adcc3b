package sim_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fitexport/fitexport/sim"
)

const stepsPath = "/1/user/-/activities/steps/date/2026-11-20/1d/15min.json"

func TestRateLimit(t *testing.T) {
	for _, retryAfter := range []bool{false, true} {
		e := newEnv(t, sim.Config{Seed: 1, Quota: 3, Window: 10 * time.Second, RetryAfter: retryAfter})
		// testNow is aligned to 10 s; move 3 s into the window.
		e.clk.Add(3 * time.Second)
		for i := 1; i <= 3; i++ {
			r := e.get(t, stepsPath)
			if r.status != 200 || r.header.Get("Fitbit-Rate-Limit-Limit") != "3" ||
				r.header.Get("Fitbit-Rate-Limit-Remaining") != strconv.Itoa(3-i) || r.header.Get("Fitbit-Rate-Limit-Reset") != "7" {
				t.Fatalf("request %d: %d %v", i, r.status, r.header)
			}
		}
		r := e.get(t, stepsPath)
		wantErr(t, r, 429, "system")
		if string(r.body) != `{"errors":[{"errorType":"system","fieldName":"n/a","message":"Too Many Requests"}],"success":false}` {
			t.Errorf("429 body %s", r.body)
		}
		if r.header.Get("Fitbit-Rate-Limit-Remaining") != "0" || r.header.Get("Fitbit-Rate-Limit-Reset") != "7" {
			t.Errorf("429 headers %v", r.header)
		}
		if got, want := r.header.Get("Retry-After"), map[bool]string{false: "", true: "7"}[retryAfter]; got != want {
			t.Errorf("RetryAfter=%v: Retry-After %q", retryAfter, got)
		}
		// Another user has their own quota; the token endpoint carries headers too.
		acc2, ref2 := e.s.IssueTokens("SIM002", "", nil)
		if r := e.getTok(t, acc2, stepsPath); r.status != 200 {
			t.Errorf("SIM002 limited by SIM001's quota")
		}
		tr := e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": ref2}, true)
		if tr.header.Get("Fitbit-Rate-Limit-Limit") != "3" || tr.header.Get("Fitbit-Rate-Limit-Reset") == "" {
			t.Errorf("token endpoint headers %v", tr.header)
		}
		// Errors carry the headers and count too.
		if r := e.getTok(t, "nope", stepsPath); r.header.Get("Fitbit-Rate-Limit-Remaining") == "" {
			t.Error("401 without rate headers")
		}
		// The next window starts afresh.
		e.clk.Add(7 * time.Second)
		r = e.get(t, stepsPath)
		if r.status != 200 || r.header.Get("Fitbit-Rate-Limit-Remaining") != "2" || r.header.Get("Fitbit-Rate-Limit-Reset") != "10" {
			t.Errorf("new window: %d %v", r.status, r.header)
		}
		if st := e.s.Stats("SIM001"); st.Requests != 5 || st.Status429 != 1 || st.ByPath[stepsPath] != 5 {
			t.Errorf("stats %+v", st)
		}
	}
}

func TestRateWindowHourAligned(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	e.clk.Add(-17*time.Minute - 30*time.Second) // 07:12:30 UTC
	r := e.get(t, "/1/user/-/profile.json")
	if r.header.Get("Fitbit-Rate-Limit-Limit") != "150" || r.header.Get("Fitbit-Rate-Limit-Remaining") != "149" || r.header.Get("Fitbit-Rate-Limit-Reset") != strconv.Itoa(47*60+30) {
		t.Errorf("headers %v", r.header)
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})

	t.Run("5xx every 2nd, twice, path filter", func(t *testing.T) {
		e.s.SetFault(sim.Fault{Kind: sim.Fault5xx, Every: 2, Count: 2, PathContains: "/steps/"})
		var got []int
		for i := 0; i < 6; i++ {
			got = append(got, e.get(t, stepsPath).status)
			if r := e.get(t, "/1/user/-/profile.json"); r.status != 200 {
				t.Fatalf("profile faulted: %d", r.status)
			}
		}
		want := []int{200, 503, 200, 503, 200, 200}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("statuses %v, want %v", got, want)
			}
		}
		e.s.SetFault(sim.Fault{Kind: sim.Fault5xx})
		wantErr(t, e.get(t, stepsPath), 503, "system")
		e.s.SetFault(sim.Fault{})
	})

	fresh := func() *http.Client { return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} }
	request := func(ctx context.Context) *http.Request {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+stepsPath, nil)
		req.Header.Set("Authorization", "Bearer "+e.access)
		return req
	}

	t.Run("reset", func(t *testing.T) {
		e.s.SetFault(sim.Fault{Kind: sim.FaultReset, Count: 1})
		if resp, err := fresh().Do(request(context.Background())); err == nil {
			resp.Body.Close()
			t.Fatalf("reset fault answered %d", resp.StatusCode)
		}
		if r := e.get(t, stepsPath); r.status != 200 {
			t.Errorf("after Count faults: %d", r.status)
		}
	})

	t.Run("truncate", func(t *testing.T) {
		full := e.get(t, stepsPath).body
		e.s.SetFault(sim.Fault{Kind: sim.FaultTruncate, Count: 1})
		resp, err := fresh().Do(request(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || resp.ContentLength != int64(len(full)) || !errors.Is(err, io.ErrUnexpectedEOF) || len(b) != len(full)/2 {
			t.Errorf("truncate: status %d length %d, read %d bytes, err %v", resp.StatusCode, resp.ContentLength, len(b), err)
		}
	})

	t.Run("slow", func(t *testing.T) {
		e.s.SetFault(sim.Fault{Kind: sim.FaultSlow, Delay: time.Hour, Count: 1})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if resp, err := fresh().Do(request(ctx)); err == nil {
			resp.Body.Close()
			t.Fatal("slow fault answered before the client gave up")
		}
		e.s.SetFault(sim.Fault{Kind: sim.FaultSlow, Delay: time.Millisecond})
		if r := e.get(t, stepsPath); r.status != 200 {
			t.Errorf("short delay: %d", r.status)
		}
		e.s.SetFault(sim.Fault{})
	})

	t.Run("429 under quota", func(t *testing.T) {
		e.s.SetFault(sim.Fault{Kind: sim.Fault429, Count: 1})
		r := e.get(t, stepsPath)
		wantErr(t, r, 429, "system")
		if rem, _ := strconv.Atoi(r.header.Get("Fitbit-Rate-Limit-Remaining")); rem == 0 {
			t.Error("remaining 0 on a fault 429")
		}
		if r := e.get(t, stepsPath); r.status != 200 {
			t.Errorf("after: %d", r.status)
		}
	})

	t.Run("expire token", func(t *testing.T) {
		e.s.SetFault(sim.Fault{Kind: sim.FaultExpireToken, Count: 1})
		fe := wantErr(t, e.get(t, stepsPath), 401, "expired_token")
		if fe.Errors[0].Message != "Access token expired: "+e.access {
			t.Errorf("message %q", fe.Errors[0].Message)
		}
		wantErr(t, e.get(t, stepsPath), 401, "expired_token")
		r := e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": e.refr}, true)
		tk := decode[tokenJSON](t, r.body)
		if r := e.getTok(t, tk.AccessToken, stepsPath); r.status != 200 {
			t.Errorf("refreshed token: %d", r.status)
		}
	})
}

func TestGone(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	e.s.Gone(true)
	for _, r := range []result{
		e.get(t, stepsPath),
		e.get(t, "/oauth2/authorize?client_id=SANDBOX"),
		e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": e.refr}, true),
		e.post(t, "/oauth2/revoke", map[string]string{"token": e.refr}, true),
		e.get(t, "/nothing"),
	} {
		wantErr(t, r, http.StatusGone, "request")
	}
	e.s.Gone(false)
	if r := e.get(t, stepsPath); r.status != 200 {
		t.Errorf("after Gone(false): %d", r.status)
	}
}

// TestConcurrentUse exercises the locks under -race: data requests, truth
// reads, refreshes and fault changes at once.
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	acc2, ref2 := e.s.IssueTokens("SIM002", "", nil)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				day := d("2026-11-01").AddDays(g*5 + i).String()
				for _, p := range []string{
					"/1/user/-/activities/heart/date/" + day + "/1d/1min.json",
					"/1/user/-/activities/steps/date/" + day + "/1d/15min.json",
					"/1.2/user/-/sleep/date/" + day + ".json",
				} {
					tok := e.access
					if g%2 == 1 {
						tok = acc2
					}
					if r := e.getTok(t, tok, p); r.status != 200 {
						t.Errorf("%s: %d", p, r.status)
					}
				}
				e.s.Truth("SIM001").Day(d(day))
				e.s.Stats("SIM001")
			}
		}(g)
	}
	for i := 0; i < 3; i++ {
		r := e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": ref2}, true)
		if r.status != 200 {
			t.Fatalf("refresh: %d %s", r.status, r.body)
		}
		ref2 = decode[tokenJSON](t, r.body).RefreshToken
		e.s.SetFault(sim.Fault{Kind: sim.FaultSlow, Delay: time.Millisecond})
		e.s.SetLastSync("SIM002", time.Time{})
	}
	wg.Wait()
	e.s.SetFault(sim.Fault{})
}
