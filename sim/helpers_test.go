package sim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dates"
	"github.com/fitexport/fitexport/sim"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testNow is 2026-11-25 08:30 in Berlin; SIM001 last synced 07:12:03 local.
var testNow = time.Date(2026, 11, 25, 7, 30, 0, 0, time.UTC)

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func testUsers(t *testing.T) []sim.User {
	us := sim.DefaultUsers()
	us[0].LastSync = time.Date(2026, 11, 25, 7, 12, 3, 0, berlin(t))
	return us
}

type env struct {
	s      *sim.Server
	srv    *httptest.Server
	clk    *clock
	access string
	refr   string
}

// newEnv starts a simulator on a fixed clock with a token for SIM001.
func newEnv(t *testing.T, cfg sim.Config) *env {
	t.Helper()
	clk := &clock{t: testNow}
	if cfg.Now == nil {
		cfg.Now = clk.Now
	}
	if cfg.Users == nil {
		cfg.Users = testUsers(t)
	}
	s := sim.New(cfg)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	e := &env{s: s, srv: srv, clk: clk}
	e.access, e.refr = s.IssueTokens("SIM001", "", nil)
	return e
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) get(t *testing.T, path string, hdr ...string) result {
	t.Helper()
	return e.getTok(t, e.access, path, hdr...)
}

func (e *env) getTok(t *testing.T, tok, path string, hdr ...string) result {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return do(t, e.srv.Client(), req)
}

func do(t *testing.T, c *http.Client, req *http.Request) result {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading body: %v", req.URL.Path, err)
	}
	return result{resp.StatusCode, resp.Header, b}
}

// post sends a form to the token or revoke endpoint with Basic auth for the
// sandbox client (basic false: no Authorization header).
func (e *env) post(t *testing.T, path string, form map[string]string, basic bool) result {
	t.Helper()
	v := url.Values{}
	for k, val := range form {
		v.Set(k, val)
	}
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(sim.SandboxClient.ID, sim.SandboxClient.Secret)
	}
	return do(t, e.srv.Client(), req)
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding %s: %v", trunc(b), err)
	}
	return v
}

func trunc(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}

// fitbitErr is the errors[] body.
type fitbitErr struct {
	Errors []struct {
		ErrorType string `json:"errorType"`
		FieldName string `json:"fieldName"`
		Message   string `json:"message"`
	} `json:"errors"`
	Success *bool `json:"success"`
}

func wantErr(t *testing.T, r result, status int, typ string) fitbitErr {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, trunc(r.body))
	}
	fe := decode[fitbitErr](t, r.body)
	if len(fe.Errors) != 1 || fe.Errors[0].ErrorType != typ || fe.Success == nil || *fe.Success {
		t.Fatalf("error body %s, want one %s error and success false", trunc(r.body), typ)
	}
	return fe
}

type intradayJSON struct {
	Dataset []struct {
		Time  string  `json:"time"`
		Value float64 `json:"value"`
		Level *int    `json:"level"`
		Mets  *int    `json:"mets"`
	} `json:"dataset"`
	DatasetInterval int    `json:"datasetInterval"`
	DatasetType     string `json:"datasetType"`
}

func intraday(t *testing.T, r result, resource string) ([]map[string]any, intradayJSON) {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, trunc(r.body))
	}
	m := decode[map[string]json.RawMessage](t, r.body)
	top := decode[[]map[string]any](t, m["activities-"+resource])
	ds := decode[intradayJSON](t, m["activities-"+resource+"-intraday"])
	return top, ds
}

func d(s string) dates.Date { return dates.MustParse(s) }
