package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestHome(t *testing.T) {
	h, err := Home(env(map[string]string{"FITEXPORT_HOME": "/x/y"}))
	if err != nil || h != "/x/y" {
		t.Fatalf("Home = %q, %v", h, err)
	}
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	t.Setenv("HOME", "/home/u")
	h, err = Home(env(nil))
	if err != nil || !strings.HasSuffix(h, "fitexport") {
		t.Fatalf("Home default = %q, %v", h, err)
	}
}

func TestResolvePrecedence(t *testing.T) {
	home := t.TempDir()
	if err := SaveProfile(home, Profile{Name: "p", Source: "fitbit", ClientID: "file-id", ClientSecret: "file-secret",
		RedirectURL: "http://127.0.0.1:9999/cb", Scopes: []string{"sleep"}, FitbitAPIURL: "http://file-api"}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(home, "profiles", "p", "config.toml"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config.toml mode: %v %v", fi, err)
	}
	e := env(map[string]string{"FITEXPORT_CLIENT_ID": "env-id", "FITEXPORT_FITBIT_API_URL": "http://env-api"})

	p, err := Resolve(home, "p", e, Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if p.ClientID != "env-id" || p.ClientSecret != "file-secret" || p.FitbitAPIURL != "http://env-api" ||
		p.RedirectURL != "http://127.0.0.1:9999/cb" || strings.Join(p.Scopes, ",") != "sleep" ||
		p.FitbitAuthURL != DefaultFitbitAuthURL || p.GoogleHealthURL != DefaultGoogleHealthURL {
		t.Fatalf("env > file > default broken: %+v", p)
	}
	p, err = Resolve(home, "p", e, Overrides{ClientID: "flag-id", FitbitAPIURL: "http://flag-api", Scopes: []string{"heartrate"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.ClientID != "flag-id" || p.FitbitAPIURL != "http://flag-api" || p.Scopes[0] != "heartrate" {
		t.Fatalf("flags do not win: %+v", p)
	}
	// No file at all: defaults.
	p, err = Resolve(home, "", env(nil), Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "default" || p.Source != "fitbit" || p.FitbitAPIURL != DefaultFitbitAPIURL || p.RedirectURL != DefaultRedirectURL || len(p.Scopes) != len(FitbitScopes) {
		t.Fatalf("defaults: %+v", p)
	}
}

func TestResolveErrors(t *testing.T) {
	home := t.TempDir()
	for _, bad := range []string{"../x", "a/b", `a\b`, ".hidden", strings.Repeat("x", 65)} {
		if _, err := Resolve(home, bad, env(nil), Overrides{}); err == nil {
			t.Errorf("profile name %q accepted", bad)
		}
	}
	if _, err := Resolve(home, "p", env(nil), Overrides{Source: "garmin"}); err == nil || !strings.Contains(err.Error(), "unknown source") {
		t.Errorf("bad source: %v", err)
	}
	dir := filepath.Join(home, "profiles", "broken")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "config.toml"), []byte("source = \n"), 0o600)
	if _, err := Resolve(home, "broken", env(nil), Overrides{}); err == nil || !strings.Contains(err.Error(), "config.toml") {
		t.Errorf("broken toml: %v", err)
	}
}

func TestStoreRoundTripModes(t *testing.T) {
	s, err := NewStore(t.TempDir(), "default")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(); !errors.Is(err, ErrNoToken) {
		t.Fatalf("empty store: %v", err)
	}
	tok := &Token{AccessToken: "acc-secret", RefreshToken: "ref-secret", Expiry: time.Now().Add(time.Hour).Round(0), UserID: "U1", Scopes: []string{"sleep"}}
	if err := s.Save(tok); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load()
	if err != nil || got.RefreshToken != "ref-secret" || got.UserID != "U1" || !got.Expiry.Equal(tok.Expiry) {
		t.Fatalf("Load = %+v, %v", got, err)
	}
	fi, _ := os.Stat(s.Path())
	di, _ := os.Stat(s.Dir())
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Fatalf("modes: file %v dir %v", fi.Mode(), di.Mode())
	}
	// No temp files left behind.
	ents, _ := os.ReadDir(s.Dir())
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("leftover %s", e.Name())
		}
	}
	// Printing never shows secrets.
	for _, out := range []string{fmt.Sprint(got), fmt.Sprintf("%v %+v %#v", *got, got, got)} {
		if strings.Contains(out, "secret") {
			t.Errorf("token printed its secrets: %s", out)
		}
	}
	if err := s.Delete(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(); !errors.Is(err, ErrNoToken) {
		t.Fatalf("after delete: %v", err)
	}
	if err := s.Delete(); err != nil {
		t.Fatalf("second delete: %v", err)
	}
}

func TestStoreCorruptIsNotOverwrittenByLoad(t *testing.T) {
	s := OpenStore(t.TempDir())
	os.WriteFile(s.Path(), []byte("{not json"), 0o600)
	_, err := s.Load()
	if !errors.Is(err, ErrTokenUnreadable) || !strings.Contains(err.Error(), "run fitexport auth login") {
		t.Fatalf("corrupt: %v", err)
	}
	b, _ := os.ReadFile(s.Path())
	if string(b) != "{not json" {
		t.Fatalf("corrupt file changed: %q", b)
	}
	os.WriteFile(s.Path(), []byte("{}"), 0o600)
	if _, err := s.Load(); !errors.Is(err, ErrTokenUnreadable) {
		t.Fatalf("empty record: %v", err)
	}
}

// TestStoreUnreadableMessage: the message names the file, keeps it, says
// which profile to log in again, and does not repeat itself.
func TestStoreUnreadableMessage(t *testing.T) {
	home := t.TempDir()
	s, err := NewStore(home, "work")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(s.Dir(), 0o700)
	os.WriteFile(s.Path(), []byte(`{"access_token": "x`), 0o600)
	_, err = s.Load()
	msg := err.Error()
	for _, want := range []string{s.Path(), "unreadable", "left as it is", "run fitexport auth login --profile work"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if !errors.Is(err, ErrTokenUnreadable) || strings.Count(msg, "unreadable") != 1 {
		t.Errorf("message %q: want one mention of unreadable and errors.Is ErrTokenUnreadable", msg)
	}
	d, _ := NewStore(home, "")
	if _, err := d.Load(); !errors.Is(err, ErrNoToken) || !strings.HasSuffix(err.Error(), "run fitexport auth login") {
		t.Errorf("default profile, no token: %v", err)
	}
}

func TestStoreLockExcludes(t *testing.T) {
	dir := t.TempDir()
	a, b := OpenStore(dir), OpenStore(dir) // two handles: the file lock alone must exclude
	unlock, err := a.Lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := b.Lock(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock while held: %v", err)
	}
	// Same handle, in-process half.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if _, err := a.Lock(ctx2); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("same-store lock while held: %v", err)
	}
	unlock()
	u2, err := b.Lock(context.Background())
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	u2()
}
