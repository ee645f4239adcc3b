package sim_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/fitexport/fitexport/sim"
)

// gAuthorize runs the Google consent page and returns status and Location.
func (g *genv) gAuthorize(t *testing.T, q url.Values) (int, *url.URL) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, g.srv.URL+"/google/o/oauth2/v2/auth?"+q.Encode(), nil)
	resp, err := noRedirect(g.env).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return resp.StatusCode, loc
}

func gAuthQuery(redirect string) url.Values {
	return url.Values{
		"client_id": {sim.SandboxGoogleClient.ID}, "response_type": {"code"},
		"scope":        {sim.GoogleScopeActivity + " " + sim.GoogleScopeSleep},
		"redirect_uri": {redirect}, "state": {"st4te"}, "access_type": {"offline"}, "prompt": {"consent"},
		"code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"},
	}
}

func gExchange(code, redirect string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "code_verifier": {verifier},
		"client_id": {sim.SandboxGoogleClient.ID}, "client_secret": {sim.SandboxGoogleClient.Secret}}
}

func gRefreshForm(ref string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ref},
		"client_id": {sim.SandboxGoogleClient.ID}, "client_secret": {sim.SandboxGoogleClient.Secret}}
}

func wantOAuthErr(t *testing.T, r result, status int, code, desc string) {
	t.Helper()
	e := decode[struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}](t, r.body)
	if r.status != status || e.Error != code || (desc != "" && e.ErrorDescription != desc) {
		t.Fatalf("%d %s, want %d %s %q", r.status, r.body, status, code, desc)
	}
}

func TestGoogleAuthorizationCodeFlow(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 1})
	for _, redirect := range []string{"http://127.0.0.1:53682/callback", "http://[::1]:4711/", "http://127.0.0.1:9"} {
		st, loc := g.gAuthorize(t, gAuthQuery(redirect))
		if st != http.StatusFound || loc.Query().Get("state") != "st4te" || loc.Query().Get("code") == "" {
			t.Fatalf("%s: %d %v", redirect, st, loc)
		}
		want, _ := url.Parse(redirect)
		if loc.Host != want.Host || loc.Path != want.Path {
			t.Fatalf("redirected to %v, want %s", loc, redirect)
		}
		code := loc.Query().Get("code")
		r := g.gform(t, "/google/token", gExchange(code, redirect))
		if r.status != 200 {
			t.Fatalf("exchange: %d %s", r.status, r.body)
		}
		tok := decode[map[string]any](t, r.body)
		if !strings.HasPrefix(tok["access_token"].(string), "ya29.") || tok["refresh_token"] == nil || tok["expires_in"] != 3599.0 ||
			tok["token_type"] != "Bearer" || tok["scope"] != sim.GoogleScopeActivity+" "+sim.GoogleScopeSleep {
			t.Fatalf("token answer %s", r.body)
		}
		if _, ok := tok["user_id"]; ok {
			t.Error("Google token answers carry no user_id")
		}
		if r := g.gget(t, tok["access_token"].(string), v4+"identity", nil); r.status != 200 {
			t.Fatalf("identity: %d %s", r.status, r.body)
		}
		// a code is single use
		wantOAuthErr(t, g.gform(t, "/google/token", gExchange(code, redirect)), 400, "invalid_grant", "")
	}
	if st := g.s.Stats("SIM001"); st.CodeExchanges != 3 || st.ByPath["/v4/users/me/identity"] != 3 {
		t.Errorf("stats %+v", st)
	}

	// Without access_type=offline (or without prompt=consent) no refresh token.
	for _, drop := range []string{"access_type", "prompt"} {
		q := gAuthQuery("http://127.0.0.1:1234/")
		q.Del(drop)
		_, loc := g.gAuthorize(t, q)
		r := g.gform(t, "/google/token", gExchange(loc.Query().Get("code"), "http://127.0.0.1:1234/"))
		if tok := decode[map[string]any](t, r.body); r.status != 200 || tok["refresh_token"] != nil {
			t.Errorf("without %s: %d %s", drop, r.status, r.body)
		}
	}
}

func TestGoogleAuthorizeAndTokenErrors(t *testing.T) {
	users := testUsers(t)
	users[1].Scopes = []string{"activity"} // Fitbit names only: grants no Google scope
	g := newGEnv(t, sim.Config{Seed: 1, Users: users})
	const cb = "http://127.0.0.1:5000/cb"
	page := func(name string, mod func(url.Values), status int, code string) {
		t.Helper()
		q := gAuthQuery(cb)
		mod(q)
		req, _ := http.NewRequest(http.MethodGet, g.srv.URL+"/google/o/oauth2/v2/auth?"+q.Encode(), nil)
		r := do(t, noRedirect(g.env), req)
		if r.status != status || !strings.Contains(string(r.body), code) || r.header.Get("Location") != "" {
			t.Errorf("%s: %d %s, want a %d page with %s", name, r.status, trunc(r.body), status, code)
		}
	}
	page("unknown client", func(q url.Values) { q.Set("client_id", "nope.apps.googleusercontent.com") }, 401, "invalid_client")
	for _, bad := range []string{"http://localhost:5000/cb", "https://127.0.0.1:5000/", "http://example.com/cb", "http://127.0.0.2:5000/"} {
		page("redirect "+bad, func(q url.Values) { q.Set("redirect_uri", bad) }, 400, "redirect_uri_mismatch")
	}
	page("no PKCE", func(q url.Values) { q.Del("code_challenge_method") }, 400, "invalid_request")
	page("plain PKCE", func(q url.Values) { q.Set("code_challenge_method", "plain") }, 400, "invalid_request")
	page("no state", func(q url.Values) { q.Del("state") }, 400, "invalid_request")
	page("Fitbit scope", func(q url.Values) { q.Set("scope", "activity") }, 400, "invalid_scope")
	page("write scope", func(q url.Values) { q.Set("scope", sim.GoogleScopePrefix+"activity_and_fitness.writeonly") }, 400, "invalid_scope")

	q := gAuthQuery(cb)
	q.Set("sim_user", "SIM002")
	if st, loc := g.gAuthorize(t, q); st != http.StatusFound || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st4te" {
		t.Errorf("a user granting nothing: %d %v", st, loc)
	}

	code := func() string {
		_, loc := g.gAuthorize(t, gAuthQuery(cb))
		return loc.Query().Get("code")
	}
	f := gExchange(code(), cb)
	f.Del("client_secret")
	wantOAuthErr(t, g.gform(t, "/google/token", f), 400, "invalid_request", "client_secret is missing.")
	f = gExchange(code(), cb)
	f.Set("client_secret", "wrong")
	wantOAuthErr(t, g.gform(t, "/google/token", f), 401, "invalid_client", "")
	f = gExchange(code(), cb)
	f.Set("code_verifier", strings.Repeat("x", 50))
	wantOAuthErr(t, g.gform(t, "/google/token", f), 400, "invalid_grant", "Invalid code verifier.")
	f = gExchange(code(), cb)
	f.Set("redirect_uri", "http://127.0.0.1:5001/cb")
	wantOAuthErr(t, g.gform(t, "/google/token", f), 400, "redirect_uri_mismatch", "")
	f = gExchange(code(), cb)
	f.Set("grant_type", "password")
	wantOAuthErr(t, g.gform(t, "/google/token", f), 400, "unsupported_grant_type", "")
	wantOAuthErr(t, g.gform(t, "/google/token", gRefreshForm("1//unknown")), 400, "invalid_grant", "")
	// Google tokens are not Fitbit tokens, nor the other way round.
	if r := g.get(t, "/1/user/-/profile.json"); r.status != 200 {
		t.Fatalf("fitbit profile: %d", r.status)
	}
	if r := g.getTok(t, g.gAccess, "/1/user/-/profile.json"); r.status != 401 {
		t.Errorf("a Google token on the Fitbit face: %d", r.status)
	}
	wantGErr(t, g.gget(t, g.access, v4+"identity", nil), 401, "UNAUTHENTICATED", "ACCESS_TOKEN_TYPE_UNSUPPORTED")
}

func TestGoogleRefreshRevoke(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 1})
	acc, ref := g.gAccess, g.gRefresh
	accesses := []string{acc}
	for i := 0; i < 3; i++ {
		r := g.gform(t, "/google/token", gRefreshForm(ref))
		if r.status != 200 {
			t.Fatalf("refresh %d: %d %s", i, r.status, r.body)
		}
		tok := decode[map[string]any](t, r.body)
		if _, has := tok["refresh_token"]; has || tok["expires_in"] != 3599.0 || tok["access_token"] == acc {
			t.Fatalf("refresh %d answer %s", i, r.body)
		}
		accesses = append(accesses, tok["access_token"].(string))
	}
	for i, a := range accesses { // refreshing does not kill earlier access tokens
		if r := g.gget(t, a, v4+"identity", nil); r.status != 200 {
			t.Fatalf("access %d: %d", i, r.status)
		}
	}
	g.clk.Add(time.Hour)
	wantGErr(t, g.gget(t, acc, v4+"identity", nil), 401, "UNAUTHENTICATED", "ACCESS_TOKEN_EXPIRED")
	r := g.gform(t, "/google/token", gRefreshForm(ref))
	if r.status != 200 {
		t.Fatalf("refresh after an hour: %d %s", r.status, r.body)
	}
	fresh := decode[map[string]any](t, r.body)["access_token"].(string)

	// Revoke by access token (query parameter): the whole grant dies.
	req, _ := http.NewRequest(http.MethodPost, g.srv.URL+"/google/revoke?token="+url.QueryEscape(fresh), nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := do(t, g.srv.Client(), req); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	wantGErr(t, g.gget(t, fresh, v4+"identity", nil), 401, "UNAUTHENTICATED", "ACCESS_TOKEN_TYPE_UNSUPPORTED")
	r = g.gform(t, "/google/token", gRefreshForm(ref))
	wantOAuthErr(t, r, 400, "invalid_grant", "Token has been expired or revoked.")
	wantOAuthErr(t, g.gform(t, "/google/revoke", url.Values{"token": {ref}}), 400, "invalid_token", "")
	if st := g.s.Stats("SIM001"); st.Refreshes != 4 || st.Revokes != 1 || st.InvalidGrant != 1 {
		t.Errorf("stats %+v", st)
	}

	// GoogleRefreshTTL: a consent screen in "Testing" kills refresh tokens.
	g2 := newGEnv(t, sim.Config{Seed: 1, GoogleRefreshTTL: 7 * 24 * time.Hour})
	if r := g2.gform(t, "/google/token", gRefreshForm(g2.gRefresh)); r.status != 200 {
		t.Fatalf("refresh: %d", r.status)
	}
	g2.clk.Add(7 * 24 * time.Hour)
	wantOAuthErr(t, g2.gform(t, "/google/token", gRefreshForm(g2.gRefresh)), 400, "invalid_grant", "Token has been expired or revoked.")
}

// TestGoogleWithXOAuth2 drives the consent, exchange and refresh with
// golang.org/x/oauth2, as fitexport does.
func TestGoogleWithXOAuth2(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 1})
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, g.srv.Client())
	cfg := oauth2.Config{
		ClientID: sim.SandboxGoogleClient.ID, ClientSecret: sim.SandboxGoogleClient.Secret,
		Endpoint:    oauth2.Endpoint{AuthURL: g.srv.URL + "/google/o/oauth2/v2/auth", TokenURL: g.srv.URL + "/google/token", AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: "http://127.0.0.1:38211/", Scopes: []string{sim.GoogleScopeMetrics},
	}
	v := oauth2.GenerateVerifier()
	u := cfg.AuthCodeURL("xyz", oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("prompt", "consent"), oauth2.S256ChallengeOption(v))
	resp, err := noRedirect(g.env).Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	tok, err := cfg.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || time.Until(tok.Expiry) < 50*time.Minute {
		t.Fatalf("token: refresh %v, expiry %v", tok.RefreshToken != "", tok.Expiry)
	}
	for i := 0; i < 2; i++ {
		tok.Expiry = time.Now().Add(-time.Minute)
		nt, err := cfg.TokenSource(ctx, tok).Token()
		if err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
		if nt.RefreshToken != tok.RefreshToken || nt.AccessToken == tok.AccessToken {
			t.Fatalf("refresh %d: the refresh token changed or no new access token", i)
		}
		tok = nt
	}
	if r := g.gget(t, tok.AccessToken, v4+"dataTypes/heart-rate/dataPoints", url.Values{"pageSize": {"1"}}); r.status != 200 {
		t.Fatalf("heart-rate with the refreshed token: %d %s", r.status, trunc(r.body))
	}
}

func TestGoogleQuotaScopesFaults(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 1, GoogleQuota: 3, Quota: 100})
	for i := 0; i < 3; i++ {
		if r := g.gget(t, g.gAccess, v4+"identity", nil); r.status != 200 {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	r := g.gget(t, g.gAccess, v4+"identity", nil)
	wantGErr(t, r, 429, "RESOURCE_EXHAUSTED", "RATE_LIMIT_EXCEEDED")
	for h := range r.header {
		if strings.Contains(strings.ToLower(h), "rate") || h == "Retry-After" {
			t.Errorf("429 carries %s", h)
		}
	}
	if r := g.get(t, "/1/user/-/profile.json"); r.status != 200 || r.header.Get("Fitbit-Rate-Limit-Remaining") != "99" {
		t.Errorf("the Fitbit face shares the Google quota: %d %v", r.status, r.header.Get("Fitbit-Rate-Limit-Remaining"))
	}
	if st := g.s.Stats("SIM001"); st.Status429 != 1 || st.ByPath["/v4/users/me/identity"] != 4 {
		t.Errorf("stats %+v", st)
	}
	g.clk.Add(time.Minute)
	if r := g.gget(t, g.gAccess, v4+"identity", nil); r.status != 200 {
		t.Fatalf("next window: %d", r.status)
	}

	// Retry-After only when configured; windows are per user and minute.
	g2 := newGEnv(t, sim.Config{Seed: 1, GoogleQuota: 1, RetryAfter: true})
	g2.gget(t, g2.gAccess, v4+"identity", nil)
	r = g2.gget(t, g2.gAccess, v4+"identity", nil)
	if r.status != 429 || r.header.Get("Retry-After") != "60" { // testNow is on a whole minute
		t.Errorf("429 with RetryAfter: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	other, _ := g2.s.IssueGoogleTokens("SIM002", "", nil)
	if r := g2.gget(t, other, v4+"identity", nil); r.status != 200 {
		t.Errorf("another user: %d", r.status)
	}

	// Scopes per data type.
	g = newGEnv(t, sim.Config{Seed: 1})
	sleepOnly, _ := g.s.IssueGoogleTokens("SIM001", "", []string{sim.GoogleScopeSleep})
	for path, want := range map[string]int{
		"dataTypes/steps/dataPoints:reconcile": 403, "dataTypes/heart-rate/dataPoints": 403,
		"dataTypes/daily-resting-heart-rate/dataPoints": 403, "settings": 403, "profile": 403,
		"dataTypes/sleep/dataPoints": 200, "identity": 200,
	} {
		r := g.gget(t, sleepOnly, v4+path, nil)
		if r.status != want {
			t.Errorf("%s with the sleep scope: %d, want %d", path, r.status, want)
		} else if want == 403 {
			wantGErr(t, r, 403, "PERMISSION_DENIED", "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
			if !strings.Contains(r.header.Get("WWW-Authenticate"), "insufficient_scope") {
				t.Errorf("%s: WWW-Authenticate %q", path, r.header.Get("WWW-Authenticate"))
			}
		}
	}
	actOnly, _ := g.s.IssueGoogleTokens("SIM001", "", []string{sim.GoogleScopeActivity})
	if r := g.gpost(t, actOnly, v4+"dataTypes/total-calories/dataPoints:dailyRollUp",
		`{"range":{"start":{"date":{"year":2026,"month":11,"day":1}},"end":{"date":{"year":2026,"month":11,"day":3}}}}`); r.status != 200 {
		t.Errorf("total-calories rollup with the activity scope: %d %s", r.status, trunc(r.body))
	}

	// Faults apply; Gone does not.
	g.s.SetFault(sim.Fault{Kind: sim.FaultExpireToken, PathContains: "/v4/", Count: 1})
	wantGErr(t, g.gget(t, actOnly, v4+"identity", nil), 401, "UNAUTHENTICATED", "ACCESS_TOKEN_EXPIRED")
	g.s.SetFault(sim.Fault{Kind: sim.FaultReset, Count: 1})
	req, _ := http.NewRequest(http.MethodGet, g.srv.URL+v4+"identity", nil)
	req.Header.Set("Authorization", "Bearer "+sleepOnly)
	if resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req); err == nil {
		resp.Body.Close()
		t.Error("FaultReset: got an answer")
	}
	g.s.SetFault(sim.Fault{Kind: sim.FaultTruncate, PathContains: "/v4/", Count: 1})
	req, _ = http.NewRequest(http.MethodGet, g.srv.URL+v4+"identity", nil)
	req.Header.Set("Authorization", "Bearer "+sleepOnly)
	if resp, err := g.srv.Client().Do(req); err != nil {
		t.Errorf("FaultTruncate: %v", err)
	} else {
		if _, err := io.ReadAll(resp.Body); err == nil {
			t.Error("FaultTruncate: the whole body arrived")
		}
		resp.Body.Close()
	}
	g.s.SetFault(sim.Fault{})
	g.s.Gone(true)
	if r := g.gget(t, sleepOnly, v4+"identity", nil); r.status != 200 {
		t.Errorf("Gone affects the Google face: %d", r.status)
	}
	if r := g.get(t, "/1/user/-/profile.json"); r.status != 410 {
		t.Errorf("Gone: Fitbit face %d", r.status)
	}
	g.s.Gone(false)
}

func TestGoogleRollupErrors(t *testing.T) {
	g := newGEnv(t, sim.Config{Seed: 1})
	post := func(typ, method, body string) result {
		return g.gpost(t, g.gAccess, v4+"dataTypes/"+typ+"/dataPoints"+method, body)
	}
	day := func(y, m, dd int) string {
		return `{"date":{"year":` + itoa(y) + `,"month":` + itoa(m) + `,"day":` + itoa(dd) + `}}`
	}
	civil := func(a, b string) string { return `{"range":{"start":` + a + `,"end":` + b + `}}` }
	// 90 days is fine for steps, 91 is not; 14 for heart-rate, 15 is not.
	// (The accepted range lies before MemberSince: nothing to compute.)
	if r := post("steps", ":dailyRollUp", civil(day(2023, 8, 1), day(2023, 10, 30))); r.status != 200 || string(r.body) != "{}" {
		t.Errorf("90 days of steps: %d %s", r.status, trunc(r.body))
	}
	wantGErr(t, post("steps", ":dailyRollUp", civil(day(2026, 8, 1), day(2026, 10, 31))), 400, "INVALID_ARGUMENT", "INVALID_ROLLUP_QUERY_DURATION")
	wantGErr(t, post("heart-rate", ":dailyRollUp", civil(day(2026, 11, 1), day(2026, 11, 16))), 400, "INVALID_ARGUMENT", "INVALID_ROLLUP_QUERY_DURATION")
	wantGErr(t, post("distance", ":rollUp", `{"range":{"startTime":"2026-01-01T00:00:00Z","endTime":"2026-04-02T00:00:00Z"},"windowSize":"86400s"}`), 400, "INVALID_ARGUMENT", "INVALID_ROLLUP_QUERY_DURATION")
	wantGErr(t, post("steps", ":rollUp", `{"range":{"startTime":"2026-11-01T00:00:00Z","endTime":"2026-11-02T00:00:00Z"},"windowSize":"1m"}`), 400, "INVALID_ARGUMENT", "")
	wantGErr(t, post("steps", ":rollUp", `{"range":{"startTime":"2026-11-01T00:00:00Z","endTime":"2026-11-02T00:00:00Z"},"windowSize":"60s","bogus":1}`), 400, "INVALID_ARGUMENT", "")
	wantGErr(t, post("steps", ":dailyRollUp", civil(day(2026, 11, 5), day(2026, 11, 1))), 400, "INVALID_ARGUMENT", "")
	wantGErr(t, post("steps", ":dailyRollUp", civil(day(2026, 2, 30), day(2026, 3, 5))), 400, "INVALID_ARGUMENT", "")
	wantGErr(t, post("sleep", ":dailyRollUp", civil(day(2026, 11, 1), day(2026, 11, 5))), 400, "INVALID_ARGUMENT", "UNSUPPORTED_DATA_TYPE_OPERATION")
	wantGErr(t, g.gget(t, g.gAccess, v4+"dataTypes/total-calories/dataPoints:reconcile", nil), 400, "INVALID_ARGUMENT", "UNSUPPORTED_DATA_TYPE_OPERATION")
	wantGErr(t, g.gget(t, g.gAccess, v4+"dataTypes/weight-loss/dataPoints", nil), 400, "INVALID_ARGUMENT", "INVALID_DATA_TYPE")
	wantGErr(t, g.gget(t, g.gAccess, v4+"dataTypes/steps/dataPoints:rollUp", nil), 404, "NOT_FOUND", "")

	// Daily windows of 7 days, paged 1 at a time, cover the range once.
	var starts []string
	token := ""
	for i := 0; i < 10; i++ {
		body := `{"range":{"start":` + day(2026, 10, 1) + `,"end":` + day(2026, 10, 29) + `},"windowSizeDays":7,"pageSize":1,"pageToken":"` + token + `"}`
		r := post("steps", ":dailyRollUp", body)
		pg := decode[struct {
			RollupDataPoints []struct {
				CivilStartTime struct{ Date struct{ Day int } } `json:"civilStartTime"`
			} `json:"rollupDataPoints"`
			NextPageToken string `json:"nextPageToken"`
		}](t, r.body)
		for _, p := range pg.RollupDataPoints {
			starts = append(starts, itoa(p.CivilStartTime.Date.Day))
		}
		if token = pg.NextPageToken; token == "" {
			break
		}
	}
	if strings.Join(starts, ",") != "1,8,15,22" {
		t.Errorf("weekly windows start on %v", starts)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
