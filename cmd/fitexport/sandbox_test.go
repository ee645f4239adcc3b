package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a writer and a poller.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestSandboxServe(t *testing.T) {
	stderr := &syncBuffer{}
	app := &App{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: stderr, Getenv: func(string) string { return "" }, Now: time.Now}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--quota", "5"}, app) }()

	re := regexp.MustCompile(`FITEXPORT_FITBIT_API_URL=(http://127\.0\.0\.1:\d+) FITEXPORT_FITBIT_AUTH_URL=(\S+)`)
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil; {
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no address line: %q", stderr.String())
		}
		m = re.FindStringSubmatch(stderr.String())
		if m == nil {
			time.Sleep(5 * time.Millisecond)
		}
	}
	out := stderr.String()
	if strings.Count(out, "\n") != 1 || m[2] != m[1]+"/oauth2/authorize" || !strings.Contains(out, "SANDBOX") || !strings.Contains(out, "sandbox-secret") {
		t.Errorf("banner %q", out)
	}
	resp, err := http.Get(m[1] + "/1/user/-/profile.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Fitbit-Rate-Limit-Limit") != "5" {
		t.Errorf("simulator answered %d %v", resp.StatusCode, resp.Header)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d after cancel, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop when its context was cancelled")
	}
	if code := run(context.Background(), []string{"sandbox", "serve", "--quota", "0"}, app); code != exitUsage {
		t.Errorf("--quota 0: exit %d, want %d", code, exitUsage)
	}
}
