package sim_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fitexport/fitexport/sim"
)

const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-sim-test-verifier"

func challenge(v string) string {
	s := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(s[:])
}

func noRedirect(e *env) *http.Client {
	c := *e.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// authorize runs the consent page and returns the redirect Location.
func (e *env) authorize(t *testing.T, q url.Values) (int, *url.URL) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/oauth2/authorize?"+q.Encode(), nil)
	resp, err := noRedirect(e).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return resp.StatusCode, loc
}

func authQuery() url.Values {
	return url.Values{
		"client_id": {"SANDBOX"}, "response_type": {"code"}, "scope": {"activity heartrate sleep profile"},
		"redirect_uri": {"http://127.0.0.1:8080/"}, "state": {"st4te"},
		"code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"},
	}
}

func (e *env) code(t *testing.T, q url.Values) string {
	t.Helper()
	st, loc := e.authorize(t, q)
	if st != http.StatusFound || loc.Query().Get("code") == "" || loc.Query().Get("state") != "st4te" {
		t.Fatalf("authorize: %d %v", st, loc)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != "http://127.0.0.1:8080/" || loc.Fragment != "_=_" {
		t.Errorf("redirected to %v", loc)
	}
	return loc.Query().Get("code")
}

type tokenJSON struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	TokenType    string `json:"token_type"`
	UserID       string `json:"user_id"`
}

func TestAuthorizationCodeFlow(t *testing.T) {
	users := testUsers(t)
	users[1].Scopes = []string{"activity", "profile"}
	e := newEnv(t, sim.Config{Seed: 1, Users: users, AccessTTL: time.Hour})
	code := e.code(t, authQuery())
	ex := map[string]string{"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:8080/", "code_verifier": verifier}
	r := e.post(t, "/oauth2/token", ex, true)
	if r.status != 200 {
		t.Fatalf("exchange: %d %s", r.status, r.body)
	}
	tk := decode[tokenJSON](t, r.body)
	if tk.ExpiresIn != 3600 || tk.TokenType != "Bearer" || tk.UserID != "SIM001" || tk.Scope != "activity heartrate sleep profile" ||
		len(tk.AccessToken) < 40 || len(tk.RefreshToken) < 40 || tk.AccessToken == tk.RefreshToken {
		t.Errorf("token response %+v", tk)
	}
	if got := e.getTok(t, tk.AccessToken, "/1/user/-/profile.json"); got.status != 200 {
		t.Errorf("new token refused: %d", got.status)
	}
	if st := e.s.Stats("SIM001"); st.CodeExchanges != 1 {
		t.Errorf("stats %+v", st)
	}
	// Single use.
	wantErr(t, e.post(t, "/oauth2/token", ex, true), 400, "invalid_grant")

	// sim_user picks the approving user; their unticked scopes are dropped.
	q := authQuery()
	q.Set("sim_user", "SIM002")
	ex["code"] = e.code(t, q)
	tk2 := decode[tokenJSON](t, e.post(t, "/oauth2/token", ex, true).body)
	if tk2.UserID != "SIM002" || tk2.Scope != "activity profile" {
		t.Errorf("SIM002 token %+v", tk2)
	}
	wantErr(t, e.getTok(t, tk2.AccessToken, "/1/user/-/activities/heart/date/2026-11-20/1d/1min.json"), 403, "insufficient_scope")

	// Codes live 10 minutes.
	ex["code"] = e.code(t, authQuery())
	e.clk.Add(10*time.Minute + time.Second)
	wantErr(t, e.post(t, "/oauth2/token", ex, true), 400, "invalid_grant")

	// Every issued token is listed for leak checks.
	issued := e.s.IssuedTokens()
	for _, tok := range []string{e.access, e.refr, tk.AccessToken, tk.RefreshToken, tk2.AccessToken, tk2.RefreshToken} {
		if !slices.Contains(issued, tok) {
			t.Errorf("IssuedTokens misses a token")
		}
	}
}

func TestPKCEAndAuthorizeErrors(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	exch := func(mod func(map[string]string)) result {
		ex := map[string]string{"grant_type": "authorization_code", "code": e.code(t, authQuery()), "redirect_uri": "http://127.0.0.1:8080/", "code_verifier": verifier}
		mod(ex)
		return e.post(t, "/oauth2/token", ex, true)
	}
	wantErr(t, exch(func(m map[string]string) { m["code_verifier"] = strings.Repeat("x", 50) }), 400, "invalid_grant")
	wantErr(t, exch(func(m map[string]string) { delete(m, "code_verifier") }), 400, "invalid_request")
	wantErr(t, exch(func(m map[string]string) { m["code_verifier"] = "short" }), 400, "invalid_request")
	wantErr(t, exch(func(m map[string]string) { m["redirect_uri"] = "http://127.0.0.1:8080" }), 400, "invalid_grant")
	wantErr(t, exch(func(m map[string]string) { m["code"] = "nope" }), 400, "invalid_grant")

	// Authorize: bad client or redirect → 400 page; others → redirect with error.
	for _, c := range []struct {
		key, val string
	}{{"client_id", "OTHER"}, {"redirect_uri", "http://127.0.0.1:8080"}, {"sim_user", "NOBODY"}} {
		q := authQuery()
		q.Set(c.key, c.val)
		if st, _ := e.authorize(t, q); st != http.StatusBadRequest {
			t.Errorf("%s=%s: status %d, want 400", c.key, c.val, st)
		}
	}
	for _, c := range []struct {
		key, val, want string
	}{
		{"code_challenge", "abc", "invalid_request"},
		{"code_challenge_method", "plain", "invalid_request"},
		{"code_challenge_method", "", "invalid_request"},
		{"response_type", "token", "unsupported_response_type"},
		{"scope", "activity nonsense", "invalid_scope"},
		{"state", "", "invalid_request"},
	} {
		q := authQuery()
		if c.val == "" {
			q.Del(c.key)
		} else {
			q.Set(c.key, c.val)
		}
		st, loc := e.authorize(t, q)
		if st != http.StatusFound || loc.Query().Get("error") != c.want || loc.Query().Get("code") != "" {
			t.Errorf("%s=%q: %d %v, want redirect with error=%s", c.key, c.val, st, loc, c.want)
		}
	}
}

func TestClientAuthentication(t *testing.T) {
	pub := sim.Client{ID: "PUBLIC1", RedirectURL: "http://localhost:9000/cb", Public: true}
	e := newEnv(t, sim.Config{Seed: 1, Clients: []sim.Client{sim.SandboxClient, pub}})
	_, ref := e.s.IssueTokens("SIM001", "PUBLIC1", nil)
	// Public: client_id in the body, no Basic.
	r := e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": ref, "client_id": "PUBLIC1"}, false)
	if r.status != 200 {
		t.Fatalf("public refresh: %d %s", r.status, r.body)
	}
	// Confidential: Basic required, secret checked.
	wantErr(t, e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": e.refr, "client_id": "SANDBOX"}, false), 401, "invalid_client")
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/oauth2/token", strings.NewReader("grant_type=refresh_token&refresh_token="+e.refr))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("SANDBOX", "wrong")
	wantErr(t, do(t, e.srv.Client(), req), 401, "invalid_client")
	// A token of another app is not this app's.
	wantErr(t, e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": ref}, true), 400, "invalid_grant")
	if r := e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": e.refr}, true); r.status != 200 {
		t.Errorf("the sandbox token was spent by failed attempts: %d %s", r.status, r.body)
	}
	wantErr(t, e.post(t, "/oauth2/token", map[string]string{"grant_type": "password"}, true), 400, "invalid_request")
}

func TestRefreshRotation(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	refresh := func(tok string) result {
		return e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": tok}, true)
	}
	r1 := refresh(e.refr)
	if r1.status != 200 {
		t.Fatalf("refresh: %d %s", r1.status, r1.body)
	}
	t1 := decode[tokenJSON](t, r1.body)
	if t1.RefreshToken == e.refr || t1.AccessToken == e.access {
		t.Fatal("refresh did not rotate")
	}
	// Reuse before the new pair is used: the identical answer.
	e.clk.Add(time.Minute)
	r2 := refresh(e.refr)
	if r2.status != 200 || string(r2.body) != string(r1.body) {
		t.Fatalf("replay differs: %d %s", r2.status, r2.body)
	}
	// The old access token still works until it expires; using it does not
	// end the replay window.
	if r := e.get(t, "/1/user/-/profile.json"); r.status != 200 {
		t.Fatalf("old access token: %d", r.status)
	}
	if r := refresh(e.refr); string(r.body) != string(r1.body) {
		t.Fatal("replay refused after the OLD access token was used")
	}
	// Using the new access token ends it.
	if r := e.getTok(t, t1.AccessToken, "/1/user/-/profile.json"); r.status != 200 {
		t.Fatalf("new access token: %d", r.status)
	}
	fe := wantErr(t, refresh(e.refr), 400, "invalid_grant")
	if fe.Errors[0].Message != "Refresh token invalid: "+e.refr {
		t.Errorf("message %q", fe.Errors[0].Message)
	}
	if st := e.s.Stats("SIM001"); st.Refreshes != 3 || st.InvalidGrant != 1 {
		t.Errorf("stats %+v", st)
	}

	// Using the new refresh token also ends the window of the old one.
	r3 := refresh(t1.RefreshToken)
	t3 := decode[tokenJSON](t, r3.body)
	r4 := refresh(t3.RefreshToken)
	if r4.status != 200 {
		t.Fatal(r4.status)
	}
	wantErr(t, refresh(t1.RefreshToken), 400, "invalid_grant")

	// A new login kills the older refresh token.
	t4 := decode[tokenJSON](t, r4.body)
	e.s.IssueTokens("SIM001", "", nil)
	wantErr(t, refresh(t4.RefreshToken), 400, "invalid_grant")
}

func TestRevokeAndExpiry(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	acc2, ref2 := e.s.IssueTokens("SIM002", "", nil)
	r := e.post(t, "/oauth2/revoke", map[string]string{"token": e.refr}, true)
	if r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	fe := wantErr(t, e.get(t, "/1/user/-/profile.json"), 401, "invalid_token")
	if !strings.Contains(fe.Errors[0].Message, e.access) {
		t.Errorf("message %q lacks the token", fe.Errors[0].Message)
	}
	wantErr(t, e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": e.refr}, true), 400, "invalid_grant")
	if e.s.Stats("SIM001").Revokes != 1 {
		t.Error("revoke not counted")
	}
	// Other users keep theirs; their access token expires after AccessTTL.
	if r := e.getTok(t, acc2, "/1/user/-/profile.json"); r.status != 200 {
		t.Fatalf("SIM002: %d", r.status)
	}
	e.clk.Add(8 * time.Hour)
	fe = wantErr(t, e.getTok(t, acc2, "/1/user/-/profile.json"), 401, "expired_token")
	if fe.Errors[0].Message != "Access token expired: "+acc2 {
		t.Errorf("message %q", fe.Errors[0].Message)
	}
	// Refresh tokens never expire.
	if r := e.post(t, "/oauth2/token", map[string]string{"grant_type": "refresh_token", "refresh_token": ref2}, true); r.status != 200 {
		t.Errorf("refresh after 8h: %d", r.status)
	}
}
