package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/fitexport/fitexport/sim"
)

func newSandboxCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the built-in Fitbit Web API simulator",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newSandboxServeCmd(app))
	return cmd
}

func newSandboxServeCmd(app *App) *cobra.Command {
	var (
		addr       string
		seed       int64
		quota      int
		window     time.Duration
		accessTTL  time.Duration
		retryAfter bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the simulator over HTTP until interrupted",
		Long: `Serve the Fitbit Web API simulator (deterministic synthetic users SIM001 in
Europe/Berlin and SIM002 in America/New_York) until interrupted. Point fitexport
at it with the environment variables it prints, and log in with the sandbox
client; the consent page approves at once (add sim_user=SIM002 to its URL to
log in as the second user).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if quota <= 0 || window <= 0 || accessTTL <= 0 {
				return usagef("--quota, --window and --access-ttl must be positive")
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return usagef("sandbox: cannot listen on %s: %v", addr, err)
			}
			srv := &http.Server{
				Handler: sim.New(sim.Config{
					Seed: seed, Quota: quota, Window: window, AccessTTL: accessTTL,
					RetryAfter: retryAfter, Now: app.Now,
				}),
				ReadHeaderTimeout: 10 * time.Second,
			}
			base := "http://" + ln.Addr().String()
			fmt.Fprintf(app.Stderr, "sandbox: Fitbit Web API simulator at %s; use FITEXPORT_FITBIT_API_URL=%s FITEXPORT_FITBIT_AUTH_URL=%s/oauth2/authorize with client id %s, client secret %s, redirect URL %s\n",
				base, base, base, sim.SandboxClient.ID, sim.SandboxClient.Secret, sim.SandboxClient.RedirectURL)
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case err := <-errc:
				return fmt.Errorf("sandbox: serving on %s: %w", base, err)
			case <-cmd.Context().Done():
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return fmt.Errorf("sandbox: shutting down: %w", err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8089", "address to listen on (port 0 picks a free one)")
	f.Int64Var(&seed, "seed", 0, "seed of the synthetic users (same seed, same data)")
	f.IntVar(&quota, "quota", 150, "requests per user per rate-limit window")
	f.DurationVar(&window, "window", time.Hour, "rate-limit window, aligned to the clock")
	f.DurationVar(&accessTTL, "access-ttl", 8*time.Hour, "access token lifetime")
	f.BoolVar(&retryAfter, "retry-after", false, "send Retry-After on 429 answers")
	return cmd
}
