package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/fitexport/fitexport/extract"
	"github.com/fitexport/fitexport/pipeline"
)

// Exit codes, a contract (design.md).
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitResumable   = 3
	exitLogin       = 4
	exitInterrupted = 130
)

// App carries everything a command needs from the outside world, so tests
// run commands in-process with their own streams, environment and clock.
type App struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// HTTP is the base HTTP client (no auth, no retries); nil means
	// http.DefaultTransport with sane timeouts.
	HTTP *http.Client
	Now  func() time.Time
	// Terminal reports whether Stderr is a terminal (progress bars).
	Terminal bool
}

func defaultApp() *App {
	term := false
	if fi, err := os.Stderr.Stat(); err == nil {
		term = fi.Mode()&os.ModeCharDevice != 0
	}
	return &App{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv, Now: time.Now, Terminal: term,
	}
}

func (a *App) httpClient() *http.Client {
	if a.HTTP != nil {
		return a.HTTP
	}
	return &http.Client{Timeout: 2 * time.Minute}
}

// usageError marks bad usage or input (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// Main runs the command line and returns the exit code. SIGINT and SIGTERM
// cancel the context: commands finish or abandon in-flight work, keep what
// they have, and return; Main then exits 130.
func Main(args []string, app *App) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, app)
}

func run(ctx context.Context, args []string, app *App) int {
	root := newRootCmd(app)
	root.SetArgs(args)
	root.SetIn(app.Stdin)
	root.SetOut(app.Stdout)
	root.SetErr(app.Stderr)
	err := root.ExecuteContext(ctx)
	code := exitCode(ctx, err)
	if err != nil {
		fmt.Fprintln(app.Stderr, "fitexport: "+oneLine(err.Error()))
	}
	return code
}

func exitCode(ctx context.Context, err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &ue), errors.Is(err, pipeline.ErrOtherUser):
		return exitUsage
	case errors.Is(err, extract.ErrLoginNeeded), errors.Is(err, extract.ErrGone):
		return exitLogin
	case errors.Is(err, extract.ErrStopped), errors.As(err, new(partialError)):
		return exitResumable
	case ctx.Err() != nil:
		return exitInterrupted
	case isCobraUsage(err):
		return exitUsage
	}
	return exitFailed
}

// isCobraUsage recognises cobra's own flag and argument errors.
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand", "unknown command", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "required flag"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// oneLine keeps error output to one line, as the contract asks.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func newRootCmd(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:           "fitexport",
		Short:         "Export Fitbit data to Parquet, CSV or NDJSON",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	// `fitexport --from … --to …` is an export: the root command takes the
	// export flags and runs it.
	var rootExport, export exportFlags
	rootExport.register(root.Flags())
	root.Args = cobra.NoArgs
	root.RunE = func(cmd *cobra.Command, _ []string) error { return runExport(cmd.Context(), app, &rootExport) }
	root.AddCommand(
		newExportCmd(app, &export),
		newDatasetsCmd(app),
		newRebuildCmd(app),
		newVersionCmd(app),
		newAuthCmd(app),
		newSandboxCmd(app),
	)
	return root
}

// warningsOnly passes through only the lines that start with "warning: ":
// --quiet silences progress, never a warning (a repaired file, a skipped
// dataset), which unattended runs must still leave in their logs. Every
// log line reaches it in one Write.
type warningsOnly struct{ w io.Writer }

func (q warningsOnly) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte("warning: ")) {
		if _, err := q.w.Write(p); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
