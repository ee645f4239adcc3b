package extract

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/fitexport/fitexport/config"
)

// LoginOptions configures Login.
type LoginOptions struct {
	// OAuth is the app and provider (required).
	OAuth *OAuth
	// Store receives the token (under its lock); nil means not saved.
	Store TokenStore
	// RedirectURL is registered with the app; default
	// http://127.0.0.1:8080/. Its host must be a loopback address; its path
	// is the one served. Port 0 picks a free port when the provider allows
	// any port (Google).
	RedirectURL string
	// Scopes to ask for.
	Scopes []string
	// NoBrowser does not open a browser: the URL is printed and the final
	// redirect URL may also be pasted on Stdin (SSH sessions, CI runners).
	NoBrowser bool
	// OpenURL opens a URL in a browser; nil means OpenBrowser. Its errors
	// are ignored: the URL is always printed too.
	OpenURL func(string) error
	// Stdin is read for a pasted redirect URL when NoBrowser is set.
	Stdin io.Reader
	// Stderr receives the instructions (never a token).
	Stderr io.Writer
	// Timeout bounds the wait for the browser; default 5 minutes.
	Timeout time.Duration
}

// DefaultLoginTimeout bounds the wait for the user's consent.
const DefaultLoginTimeout = 5 * time.Minute

// loginPage answers the browser once the code has arrived.
const loginPage = "fitexport: login complete, you can close this tab.\n"

// callback is what the redirect carried.
type callback struct {
	code, state, err, desc string
}

// Login runs the OAuth 2.0 authorization-code flow with PKCE (S256) and a
// random state, through a one-shot loopback listener bound to the redirect
// URL's host and port, exchanges the code and saves the token.
func Login(ctx context.Context, o LoginOptions) (*Token, error) {
	if o.OAuth == nil || o.OAuth.ClientID == "" {
		return nil, errors.New("no OAuth client id: pass --client-id or set FITEXPORT_CLIENT_ID")
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultLoginTimeout
	}
	if o.OpenURL == nil {
		o.OpenURL = OpenBrowser
	}
	if o.RedirectURL == "" {
		o.RedirectURL = config.DefaultRedirectURL
	}
	prov := o.OAuth.Provider
	ru, err := url.Parse(o.RedirectURL)
	if err != nil || ru.Scheme != "http" || ru.Host == "" {
		return nil, fmt.Errorf("invalid --redirect-url %q: want a loopback http URL such as http://127.0.0.1:8080/", o.RedirectURL)
	}
	host, port := ru.Hostname(), ru.Port()
	if !isLoopback(host) {
		return nil, fmt.Errorf("invalid --redirect-url %q: the host must be 127.0.0.1, [::1] or localhost (fitexport listens there)", o.RedirectURL)
	}
	if port == "" {
		port = "80"
	}
	if port == "0" && !prov.AnyPort {
		return nil, fmt.Errorf("invalid --redirect-url %q: %s needs the exact registered redirect URL, port included", o.RedirectURL, prov.Source)
	}
	addr := net.JoinHostPort(host, port)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (in use?): pass --redirect-url with a free port registered for your app: %w", addr, err)
	}
	defer ln.Close()
	if port == "0" {
		ru.Host = net.JoinHostPort(host, fmt.Sprint(ln.Addr().(*net.TCPAddr).Port))
	}
	redirect := ru.String()
	path := ru.Path
	if path == "" {
		path = "/"
	}

	verifier := oauth2.GenerateVerifier()
	state := randomState()
	oc := oauth2.Config{ClientID: o.OAuth.ClientID, Endpoint: oauth2.Endpoint{AuthURL: prov.AuthURL}, RedirectURL: redirect, Scopes: o.Scopes}
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	for k, vs := range prov.AuthParams {
		for _, v := range vs {
			opts = append(opts, oauth2.SetAuthURLParam(k, v))
		}
	}
	authURL := oc.AuthCodeURL(state, opts...)

	results := make(chan callback, 2)
	var once sync.Once
	deliver := func(cb callback) { once.Do(func() { results <- cb }) }
	srv := &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != path {
				http.NotFound(w, r)
				return
			}
			cb := parseCallback(r.URL.Query())
			if cb.code == "" && cb.err == "" {
				http.Error(w, "fitexport: this is not an OAuth redirect (no code or error in it)", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			switch {
			case cb.err != "":
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, "fitexport: login failed (%s). Return to the terminal.\n", cb.err)
			case cb.state != state:
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, "fitexport: login failed (state mismatch). Return to the terminal.\n")
			default:
				fmt.Fprint(w, loginPage)
			}
			deliver(cb)
		}),
	}
	go srv.Serve(ln)
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()

	fmt.Fprintf(o.Stderr, "Open this URL in a browser and allow fitexport to read your data:\n\n  %s\n\n", authURL)
	if o.NoBrowser {
		fmt.Fprintf(o.Stderr, "Then paste here the address your browser was sent to (it starts with %s) and press Enter,\nor let the browser reach this machine's %s.\n", redirect, addr)
		if o.Stdin != nil {
			go readPasted(o.Stdin, o.Stderr, deliver)
		}
	} else {
		_ = o.OpenURL(authURL) // errors ignored: the URL is printed above
		fmt.Fprintf(o.Stderr, "Waiting for the browser to come back to %s …\n", redirect)
	}

	timer := time.NewTimer(o.Timeout)
	defer timer.Stop()
	var cb callback
	select {
	case cb = <-results:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-timer.C:
		return nil, fmt.Errorf("login timed out after %s waiting for the browser; run fitexport auth login again (with --no-browser to paste the redirect URL)", o.Timeout)
	}
	switch {
	case cb.err == "access_denied":
		return nil, fmt.Errorf("login refused: the authorization was denied (access_denied)%s", descSuffix(cb.desc))
	case cb.err != "":
		return nil, fmt.Errorf("login failed: the authorization server answered error=%s%s", cb.err, descSuffix(cb.desc))
	case cb.state != state:
		return nil, errors.New("login failed: state mismatch (the redirect does not belong to this login; possible cross-site request): run fitexport auth login again")
	}

	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {cb.code},
		"redirect_uri":  {redirect},
		"code_verifier": {verifier},
	}
	o.OAuth.redactor().Add(cb.code)
	tok, err := o.OAuth.tokenCall(ctx, form, true, RetryPolicy{Attempts: 3})
	if err != nil {
		var te *tokenError
		if errors.As(err, &te) && te.status == http.StatusGone {
			return nil, newKind(ErrGone, err, goneMessage(prov.Source))
		}
		return nil, fmt.Errorf("exchanging the authorization code: %w", err)
	}
	if o.Store != nil {
		if err := saveLocked(ctx, o.Store, tok); err != nil {
			return nil, err
		}
	}
	return tok, nil
}

func descSuffix(d string) string {
	if d == "" {
		return ""
	}
	return ": " + d
}

func parseCallback(q url.Values) callback {
	return callback{code: q.Get("code"), state: q.Get("state"), err: q.Get("error"), desc: q.Get("error_description")}
}

// readPasted reads lines from r until one is a redirect URL carrying a code
// or an error.
func readPasted(r io.Reader, stderr io.Writer, deliver func(callback)) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		u, err := url.Parse(line)
		if err == nil {
			if cb := parseCallback(u.Query()); cb.code != "" || cb.err != "" {
				deliver(cb)
				return
			}
		}
		fmt.Fprintln(stderr, "That is not the redirect address (it has no code= in it); paste the whole address from the browser's bar.")
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func randomState() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// saveLocked saves t holding the store's lock.
func saveLocked(ctx context.Context, s TokenStore, t *Token) error {
	unlock, err := s.Lock(ctx)
	if err != nil {
		return fmt.Errorf("token store: %w", err)
	}
	defer unlock()
	if err := s.Save(t); err != nil {
		return fmt.Errorf("the login succeeded but saving the token failed: %w", err)
	}
	return nil
}

// OpenBrowser opens url with the platform's opener (xdg-open, open,
// rundll32) without waiting for it.
func OpenBrowser(u string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		cmd = exec.Command("xdg-open", u)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

// Import seeds store from an existing refresh token (what
// gather_keys_oauth2.py printed): it refreshes at once — which validates the
// token and learns the user id and granted scopes — and saves the result
// (Fitbit rotates: the imported token is spent, the new pair is kept).
func Import(ctx context.Context, store TokenStore, o *OAuth, refreshToken string) (*Token, error) {
	refreshToken = strings.TrimSpace(refreshToken)
	if refreshToken == "" {
		return nil, errors.New("no refresh token on stdin")
	}
	o.redactor().Add(refreshToken)
	unlock, err := store.Lock(ctx)
	if err != nil {
		return nil, fmt.Errorf("token store: %w", err)
	}
	defer unlock()
	t, err := o.refresh(ctx, &config.Token{RefreshToken: refreshToken}, RetryPolicy{Attempts: 3})
	if err != nil {
		return nil, err
	}
	if err := store.Save(t); err != nil {
		return nil, fmt.Errorf("the token was accepted but saving it failed (run the same import again soon: the API repeats its answer for a while): %w", err)
	}
	return t, nil
}

// Revoke revokes the profile's token at the provider (Fitbit: every token of
// the user for this app) and deletes the token file. An answer saying the
// token is already invalid counts as revoked; a network or server failure
// keeps the file so that logout can be retried. It returns false when there
// was no token to revoke.
func Revoke(ctx context.Context, store *config.Store, o *OAuth) (bool, error) {
	unlock, err := store.Lock(ctx)
	if err != nil {
		return false, fmt.Errorf("token store: %w", err)
	}
	defer unlock()
	t, err := store.Load()
	if errors.Is(err, config.ErrNoToken) {
		return false, nil
	}
	if err != nil {
		// Unreadable: nothing to send, but forget it as asked.
		return true, store.Delete()
	}
	o.redactor().Add(t.AccessToken, t.RefreshToken)
	tok := t.RefreshToken
	if tok == "" {
		tok = t.AccessToken
	}
	_, err = o.post(ctx, o.Provider.RevokeURL, url.Values{"token": {tok}}, false)
	var te *tokenError
	if err != nil && (!errors.As(err, &te) || te.transient) {
		return false, fmt.Errorf("revoking the token failed; it is kept, run fitexport auth logout again: %w", err)
	}
	return true, store.Delete()
}
