package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fitexport/fitexport/config"
	"github.com/fitexport/fitexport/sim"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// loginEnv registers an app whose redirect URL is a free loopback port.
func loginEnv(t *testing.T, path string, public bool) (*env, string) {
	t.Helper()
	redirect := fmt.Sprintf("http://127.0.0.1:%d%s", freePort(t), path)
	app := sim.Client{ID: "APP1", Secret: "app-secret-123", RedirectURL: redirect, Public: public}
	if public {
		app.Secret = ""
	}
	s := sim.New(sim.Config{Seed: 1, Clients: []sim.Client{app}})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return newEnvFor(t, s, srv, app), redirect
}

// browser follows the authorize URL to the loopback listener and reports
// the page it ends on.
func browser(page chan<- string) func(string) error {
	return func(u string) error {
		go func() {
			resp, err := http.Get(u)
			if err != nil {
				page <- "error: " + err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			page <- string(b)
		}()
		return nil
	}
}

func TestLoginLoopback(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		public     bool
	}{{"confidential", "/", false}, {"public client, callback path", "/callback", true}} {
		t.Run(tc.name, func(t *testing.T) {
			e, redirect := loginEnv(t, tc.path, tc.public)
			page := make(chan string, 1)
			stderr := &syncBuffer{}
			tok, err := Login(context.Background(), LoginOptions{OAuth: e.oauth, Store: e.store, RedirectURL: redirect,
				Scopes: []string{"profile", "heartrate", "sleep"}, OpenURL: browser(page), Stderr: stderr, Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if p := <-page; p != loginPage {
				t.Errorf("browser page %q", p)
			}
			disk, err := e.store.Load()
			if err != nil || disk.AccessToken != tok.AccessToken || disk.UserID != "SIM001" || len(disk.Scopes) != 3 {
				t.Fatalf("stored %v, %v", disk, err)
			}
			if !strings.Contains(stderr.String(), "code_challenge_method=S256") {
				t.Errorf("the URL was not printed: %s", stderr)
			}
			if st := e.sim.Stats("SIM001"); st.CodeExchanges != 1 {
				t.Errorf("code exchanges %d", st.CodeExchanges)
			}
		})
	}
}

func TestLoginNoBrowserPaste(t *testing.T) {
	e, redirect := loginEnv(t, "/", false)
	stdin, paste := io.Pipe()
	stderr := &syncBuffer{}
	go func() {
		// Play the user: read the URL from stderr, approve in a browser
		// that cannot reach this machine, paste the address it ended on.
		var authURL string
		for authURL == "" {
			time.Sleep(5 * time.Millisecond)
			for _, f := range strings.Fields(stderr.String()) {
				if strings.Contains(f, "/oauth2/authorize?") {
					authURL = f
				}
			}
		}
		resp, err := noRedirect().Get(authURL)
		if err != nil {
			paste.CloseWithError(err)
			return
		}
		resp.Body.Close()
		fmt.Fprintln(paste, "not a url")
		fmt.Fprintln(paste, "  "+resp.Header.Get("Location")+"  ")
	}()
	tok, err := Login(context.Background(), LoginOptions{OAuth: e.oauth, Store: e.store, RedirectURL: redirect, Scopes: []string{"profile"},
		NoBrowser: true, Stdin: stdin, Stderr: stderr, Timeout: 10 * time.Second,
		OpenURL: func(string) error { t.Error("browser opened with NoBrowser"); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if tok.UserID != "SIM001" {
		t.Errorf("user %q", tok.UserID)
	}
	if !strings.Contains(stderr.String(), "paste") || !strings.Contains(stderr.String(), "That is not the redirect address") {
		t.Errorf("stderr: %s", stderr)
	}
}

func TestLoginStateMismatch(t *testing.T) {
	e, redirect := loginEnv(t, "/", false)
	open := func(u string) error {
		go func() {
			resp, err := noRedirect().Get(u)
			if err != nil {
				return
			}
			resp.Body.Close()
			loc, _ := url.Parse(resp.Header.Get("Location"))
			q := loc.Query()
			q.Set("state", "forged")
			loc.RawQuery = q.Encode()
			if r, err := http.Get(loc.String()); err == nil {
				r.Body.Close()
			}
		}()
		return nil
	}
	_, err := Login(context.Background(), LoginOptions{OAuth: e.oauth, Store: e.store, RedirectURL: redirect, Scopes: []string{"profile"}, OpenURL: open, Timeout: 10 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "state mismatch") {
		t.Fatalf("got %v", err)
	}
	if _, err := e.store.Load(); !errors.Is(err, config.ErrNoToken) {
		t.Errorf("a token was stored: %v", err)
	}
}

func TestLoginAccessDeniedAndTimeout(t *testing.T) {
	e, redirect := loginEnv(t, "/", false)
	deny := func(u string) error {
		state := mustParse(u).Query().Get("state")
		go http.Get(redirect + "?error=access_denied&error_description=nope&state=" + state)
		return nil
	}
	_, err := Login(context.Background(), LoginOptions{OAuth: e.oauth, RedirectURL: redirect, OpenURL: deny, Timeout: 10 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "access_denied") {
		t.Fatalf("denied: %v", err)
	}
	_, err = Login(context.Background(), LoginOptions{OAuth: e.oauth, RedirectURL: redirect, OpenURL: func(string) error { return errors.New("no browser") }, Timeout: 50 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("timeout: %v", err)
	}
}

func TestLoginPortInUse(t *testing.T) {
	e, _ := loginEnv(t, "/", false)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	addr := l.Addr().String()
	_, err = Login(context.Background(), LoginOptions{OAuth: e.oauth, RedirectURL: "http://" + addr + "/", Timeout: time.Second})
	want := "cannot listen on " + addr + " (in use?): pass --redirect-url with a free port registered for your app"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got %v", err)
	}
	for _, bad := range []string{"https://127.0.0.1:8080/", "http://example.com:8080/", "http://127.0.0.1:0/"} {
		if _, err := Login(context.Background(), LoginOptions{OAuth: e.oauth, RedirectURL: bad}); err == nil || !strings.Contains(err.Error(), "redirect-url") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func mustParse(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// TestLoginGoogleFlavour checks the Google parameters: offline access with
// consent, a port picked at run time, credentials in the body, and a
// refresh answer without a refresh token keeping the old one.
func TestLoginGoogleFlavour(t *testing.T) {
	var redirect string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/auth":
			q := r.URL.Query()
			if q.Get("access_type") != "offline" || q.Get("prompt") != "consent" || q.Get("code_challenge") == "" {
				http.Error(w, "bad authorize "+r.URL.RawQuery, 400)
				return
			}
			redirect = q.Get("redirect_uri")
			http.Redirect(w, r, redirect+"?code=C0DE123&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
		case "/token":
			r.ParseForm()
			if _, _, basic := r.BasicAuth(); basic || r.PostForm.Get("client_secret") != "g-secret-xyz" || r.PostForm.Get("client_id") != "gid" {
				http.Error(w, `{"error":"invalid_client"}`, 401)
				return
			}
			switch r.PostForm.Get("grant_type") {
			case "authorization_code":
				if r.PostForm.Get("redirect_uri") != redirect || r.PostForm.Get("code_verifier") == "" {
					http.Error(w, `{"error":"invalid_grant"}`, 400)
					return
				}
				io.WriteString(w, `{"access_token":"ya29.first-access","expires_in":3599,"refresh_token":"1//google-refresh","scope":"a b","token_type":"Bearer"}`)
			case "refresh_token":
				io.WriteString(w, `{"access_token":"ya29.second-access","expires_in":3599,"token_type":"Bearer"}`)
			}
		}
	}))
	defer srv.Close()
	o := &OAuth{Provider: GoogleProvider(srv.URL+"/auth", srv.URL+"/token"), ClientID: "gid", ClientSecret: "g-secret-xyz", HTTP: srv.Client()}
	if o.Provider.RevokeURL != srv.URL+"/revoke" {
		t.Errorf("revoke URL %s", o.Provider.RevokeURL)
	}
	store := config.OpenStore(t.TempDir())
	page := make(chan string, 1)
	tok, err := Login(context.Background(), LoginOptions{OAuth: o, Store: store, RedirectURL: "http://127.0.0.1:0/", Scopes: []string{"a", "b"}, OpenURL: browser(page), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	<-page
	if strings.Contains(redirect, ":0/") || tok.RefreshToken != "1//google-refresh" || tok.Source != "google-health" {
		t.Fatalf("redirect %s, token %v", redirect, tok)
	}
	ts := NewTokenSource(TokenSourceConfig{Store: store, OAuth: o, Margin: 2 * time.Hour}) // force a refresh
	got, err := ts.TokenContext(context.Background())
	if err != nil || got.AccessToken != "ya29.second-access" || got.RefreshToken != "1//google-refresh" {
		t.Fatalf("refresh: %v %v", got, err)
	}
}

func TestImport(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	_, refresh := e.sim.IssueTokens("SIM001", e.oauth.ClientID, []string{"profile", "sleep"})
	tok, err := Import(context.Background(), e.store, e.oauth, "  "+refresh+"\n")
	if err != nil {
		t.Fatal(err)
	}
	disk, _ := e.store.Load()
	if disk.RefreshToken == refresh || disk.RefreshToken != tok.RefreshToken || disk.UserID != "SIM001" || len(disk.Scopes) != 2 {
		t.Fatalf("stored %v", disk)
	}
	if st := e.sim.Stats("SIM001"); st.Refreshes != 1 {
		t.Errorf("refreshes %d", st.Refreshes)
	}
	// A refresh token the API does not know.
	_, err = Import(context.Background(), config.OpenStore(t.TempDir()), e.oauth, "deadbeefdeadbeef")
	if !errors.Is(err, ErrLoginNeeded) || strings.Contains(err.Error(), "deadbeefdeadbeef") {
		t.Fatalf("bad import: %v", err)
	}
}

func TestRevoke(t *testing.T) {
	e := newEnv(t, sim.Config{Seed: 1})
	e.seed(t, false)
	did, err := Revoke(context.Background(), e.store, e.oauth)
	if err != nil || !did {
		t.Fatalf("revoke: %v %v", did, err)
	}
	if _, err := e.store.Load(); !errors.Is(err, config.ErrNoToken) {
		t.Errorf("token file kept: %v", err)
	}
	if st := e.sim.Stats("SIM001"); st.Revokes != 1 {
		t.Errorf("revokes %d", st.Revokes)
	}
	if did, err := Revoke(context.Background(), e.store, e.oauth); did || err != nil {
		t.Errorf("second revoke: %v %v", did, err)
	}
}
