package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fitexport/fitexport/sim"
)

// authWorld is a simulator and a FITEXPORT_HOME for auth command tests.
type authWorld struct {
	sim      *sim.Server
	srv      *httptest.Server
	home     string
	redirect string
	env      map[string]string
}

func newAuthWorld(t *testing.T) *authWorld {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	redirect := fmt.Sprintf("http://127.0.0.1:%d/", port)
	s := sim.New(sim.Config{Seed: 1, Clients: []sim.Client{{ID: "APP1", Secret: "app-secret-123", RedirectURL: redirect}}})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	w := &authWorld{sim: s, srv: srv, home: t.TempDir(), redirect: redirect}
	w.env = map[string]string{
		"FITEXPORT_HOME":            w.home,
		"FITEXPORT_FITBIT_API_URL":  srv.URL,
		"FITEXPORT_FITBIT_AUTH_URL": srv.URL + "/oauth2/authorize",
	}
	return w
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// run runs fitexport with args and returns the exit code, stdout and stderr.
func (w *authWorld) run(t *testing.T, stdin io.Reader, stderr *lockedBuffer, args ...string) (int, string, string) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	if stderr == nil {
		stderr = &lockedBuffer{}
	}
	var stdout bytes.Buffer
	app := &App{Stdin: stdin, Stdout: &stdout, Stderr: stderr, Getenv: func(k string) string { return w.env[k] }, Now: time.Now}
	code := run(context.Background(), args, app)
	return code, stdout.String(), stderr.String()
}

// noLeak fails if any issued token or the client secret appears in s.
func (w *authWorld) noLeak(t *testing.T, s string) {
	t.Helper()
	for _, tok := range append(w.sim.IssuedTokens(), "app-secret-123") {
		if strings.Contains(s, tok) {
			t.Fatalf("output leaks a secret (%.6s…):\n%s", tok, s)
		}
	}
}

func TestAuthLoginNoBrowserStatusLogout(t *testing.T) {
	w := newAuthWorld(t)
	stdin, paste := io.Pipe()
	stderr := &lockedBuffer{}
	go func() {
		var authURL string
		for authURL == "" {
			time.Sleep(5 * time.Millisecond)
			for _, f := range strings.Fields(stderr.String()) {
				if strings.Contains(f, "/oauth2/authorize?") {
					authURL = f
				}
			}
		}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(authURL)
		if err != nil {
			paste.CloseWithError(err)
			return
		}
		resp.Body.Close()
		fmt.Fprintln(paste, resp.Header.Get("Location"))
	}()
	code, out, errOut := w.run(t, stdin, stderr, "auth", "login", "--no-browser", "--client-id", "APP1", "--client-secret", "app-secret-123",
		"--redirect-url", w.redirect, "--scopes", "profile,heartrate sleep", "--timeout", "20s")
	if code != 0 {
		t.Fatalf("login exit %d:\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "Logged in as user SIM001") {
		t.Errorf("stderr:\n%s", errOut)
	}
	w.noLeak(t, out+errOut)
	cfg, err := os.ReadFile(filepath.Join(w.home, "profiles", "default", "config.toml"))
	if err != nil || !strings.Contains(string(cfg), `client_id = "APP1"`) || !strings.Contains(string(cfg), w.redirect) ||
		!strings.Contains(string(cfg), `client_secret = "app-secret-123"`) || strings.Contains(string(cfg), w.srv.URL) {
		t.Fatalf("config.toml:\n%s %v", cfg, err)
	}

	// status: from the saved profile alone (no flags).
	code, out, errOut = w.run(t, nil, nil, "auth", "status")
	if code != 0 || !strings.Contains(out, "user:     SIM001") || !strings.Contains(out, "heartrate") || !strings.Contains(out, "sleep") ||
		!strings.Contains(out, "left this window") || !strings.Contains(out, "status:   ok") {
		t.Fatalf("status exit %d:\n%s\n%s", code, out, errOut)
	}
	w.noLeak(t, out+errOut)

	code, _, errOut = w.run(t, nil, nil, "auth", "logout")
	if code != 0 || !strings.Contains(errOut, "revoked and deleted") {
		t.Fatalf("logout exit %d: %s", code, errOut)
	}
	if st := w.sim.Stats("SIM001"); st.Revokes != 1 {
		t.Errorf("revokes %d", st.Revokes)
	}
	code, _, errOut = w.run(t, nil, nil, "auth", "status")
	if code != 4 || !strings.Contains(errOut, "run fitexport auth login") {
		t.Fatalf("status after logout: exit %d: %s", code, errOut)
	}
}

func TestAuthImportAndErrors(t *testing.T) {
	w := newAuthWorld(t)
	w.env["FITEXPORT_CLIENT_ID"] = "APP1"
	w.env["FITEXPORT_CLIENT_SECRET"] = "app-secret-123"
	_, refresh := w.sim.IssueTokens("SIM001", "APP1", nil)
	code, out, errOut := w.run(t, strings.NewReader("\n  "+refresh+"  \n"), nil, "auth", "import", "--profile", "p1")
	if code != 0 || !strings.Contains(errOut, "Imported as user SIM001") {
		t.Fatalf("import exit %d: %s", code, errOut)
	}
	w.noLeak(t, out+errOut)
	cfg, _ := os.ReadFile(filepath.Join(w.home, "profiles", "p1", "config.toml"))
	if strings.Contains(string(cfg), "secret") {
		t.Errorf("a secret from the environment was written to config.toml:\n%s", cfg)
	}
	// Once the new pair is used, the imported token is spent (Fitbit
	// rotates): importing it again needs a login.
	if code, out, errOut := w.run(t, nil, nil, "auth", "status", "--profile", "p1"); code != 0 {
		t.Fatalf("status: exit %d: %s %s", code, out, errOut)
	}
	code, _, errOut = w.run(t, strings.NewReader(refresh), nil, "auth", "import", "--profile", "p2")
	if code != 4 || !strings.Contains(errOut, "invalid_grant") {
		t.Fatalf("re-import: exit %d: %s", code, errOut)
	}
	w.noLeak(t, errOut)

	// A corrupt token file: exit 4, file untouched.
	tok := filepath.Join(w.home, "profiles", "p1", "token.json")
	os.WriteFile(tok, []byte("garbage"), 0o600)
	code, _, errOut = w.run(t, nil, nil, "auth", "status", "--profile", "p1")
	if b, _ := os.ReadFile(tok); code != 4 || !strings.Contains(errOut, "unreadable") || string(b) != "garbage" {
		t.Fatalf("corrupt: exit %d: %s", code, errOut)
	}

	for _, args := range [][]string{
		{"auth", "status", "--source", "garmin"},
		{"auth", "status", "--profile", "../etc"},
		{"auth", "login", "--scopes", "activity,telepathy"},
		{"auth", "import"}, // empty stdin
		{"auth", "login", "--bogus"},
	} {
		if code, _, errOut := w.run(t, nil, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, errOut)
		}
	}
	delete(w.env, "FITEXPORT_CLIENT_ID")
	if code, _, errOut := w.run(t, nil, nil, "auth", "login", "--profile", "fresh"); code != 2 || !strings.Contains(errOut, "--client-id") {
		t.Errorf("no client id: exit %d: %s", code, errOut)
	}
	if code, _, errOut := w.run(t, nil, nil, "auth", "login", "--source", "sandbox"); code != 0 || !strings.Contains(errOut, "needs no login") {
		t.Errorf("sandbox: exit %d: %s", code, errOut)
	}
}

func TestAuthLoginPortInUse(t *testing.T) {
	w := newAuthWorld(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	code, _, errOut := w.run(t, nil, nil, "auth", "login", "--client-id", "APP1", "--redirect-url", "http://"+l.Addr().String()+"/")
	if code != 1 || !strings.Contains(errOut, "(in use?): pass --redirect-url with a free port") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}
