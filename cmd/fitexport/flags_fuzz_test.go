package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/fitexport/fitexport/dates"
)

// closedURL is an API base nothing listens on: the fuzz target must stay
// offline, and with no login it stops before any request anyway.
func closedURL(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// FuzzExportDates runs `fitexport --from F --to T --since S --dry-run`
// with arbitrary F, T and S and no login: no panic; exit 2 (bad usage) when
// F or T is not a date, otherwise 2 or 4 (login needed, the next thing a
// valid command line meets); one line of error on stderr, nothing on
// stdout.
func FuzzExportDates(f *testing.F) {
	for _, s := range [][3]string{
		{"2026-11-01", "2026-11-20", "30d"},
		{"2026-11-20", "2026-11-01", "30d"},
		{"", "", "all"},
		{"", "", "2026-01-01"},
		{"", "", "0d"},
		{"", "", "99999999999999999999d"},
		{"2026-02-30", "", "30d"},
		{"yesterday", "2026-11-20", "x"},
		{"2026-11-01\n", "", " 7d "},
		{"--help", "-1", "-5d"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	home := f.TempDir()
	out := f.TempDir()
	api := closedURL(f)
	env := map[string]string{
		"FITEXPORT_HOME":           home,
		"FITEXPORT_FITBIT_API_URL": api,
		"FITEXPORT_CLIENT_ID":      "FUZZ",
	}
	f.Fuzz(func(t *testing.T, from, to, since string) {
		var stdout, stderr bytes.Buffer
		app := &App{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
			Getenv: func(k string) string { return env[k] }, Now: time.Now}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		args := []string{"--from=" + from, "--to=" + to, "--since=" + since, "--dry-run", "--quiet", "--out", out}
		code := run(ctx, args, app)
		if ctx.Err() != nil {
			t.Fatalf("%q: still running after 20 s", args)
		}
		_, errFrom := dates.Parse(from)
		_, errTo := dates.Parse(to)
		badDate := from != "" && errFrom != nil || to != "" && errTo != nil
		switch {
		case badDate && code != exitUsage:
			t.Fatalf("%q: exit %d for a bad date, want %d; stderr %q", args, code, exitUsage, stderr.String())
		case code != exitUsage && code != exitLogin:
			t.Fatalf("%q: exit %d, want %d or %d; stderr %q", args, code, exitUsage, exitLogin, stderr.String())
		}
		if stdout.Len() > 0 {
			t.Fatalf("%q: exit %d printed to stdout: %q", args, code, stdout.String())
		}
		msg := stderr.String()
		if !strings.HasPrefix(msg, "fitexport: ") || strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") {
			t.Fatalf("%q: want one line of error on stderr, got %q", args, msg)
		}
	})
}
