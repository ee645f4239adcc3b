package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fitexport/fitexport/config"
	"github.com/fitexport/fitexport/dataset"
	"github.com/fitexport/fitexport/extract"
)

// authFlags are the flags shared by the auth subcommands.
type authFlags struct {
	profile, source string
}

// newAuthCmd is `fitexport auth`: login, import, status, logout.
func newAuthCmd(app *App) *cobra.Command {
	af := &authFlags{}
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Log in to a source, import a token, show the login, log out",
		Long: `Manage the OAuth token of a profile (FITEXPORT_HOME/profiles/NAME/token.json).

  fitexport auth login   authorize fitexport in a browser (authorization code + PKCE)
  fitexport auth import  seed the token from a refresh token read on stdin
  fitexport auth status  show the user, scopes, token expiry and rate limit left
  fitexport auth logout  revoke the token and forget it

Tokens are never printed. Flags beat FITEXPORT_* variables, which beat the
profile's config.toml.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringVar(&af.profile, "profile", config.DefaultProfile, "profile name (settings and token under FITEXPORT_HOME/profiles/NAME)")
	cmd.PersistentFlags().StringVar(&af.source, "source", "", "fitbit, google-health or sandbox (default: the profile's, else fitbit)")
	cmd.AddCommand(newAuthLoginCmd(app, af), newAuthImportCmd(app, af), newAuthStatusCmd(app, af), newAuthLogoutCmd(app, af))
	return cmd
}

// authEnv is what every auth subcommand resolves first.
type authEnv struct {
	home    string
	profile config.Profile
	store   *config.Store
}

func (af *authFlags) resolve(app *App, o config.Overrides) (*authEnv, error) {
	if af.source != "" && !config.ValidSource(af.source) {
		return nil, usagef("--source %q: want fitbit, google-health or sandbox", af.source)
	}
	if err := config.ValidateName(af.profile); err != nil {
		return nil, usagef("--profile: %v", err)
	}
	home, err := config.Home(app.Getenv)
	if err != nil {
		return nil, err
	}
	o.Source = af.source
	p, err := config.Resolve(home, af.profile, app.Getenv, o)
	if err != nil {
		return nil, err
	}
	store, err := config.NewStore(home, p.Name)
	if err != nil {
		return nil, usagef("--profile: %v", err)
	}
	return &authEnv{home: home, profile: p, store: store}, nil
}

// sandboxNote is the answer of every auth command for the sandbox.
const sandboxNote = "the sandbox source needs no login: its synthetic users are built in (try: fitexport --source sandbox --from … --to …)"

func (e *authEnv) oauth(app *App) (*extract.OAuth, error) {
	if e.profile.ClientID == "" {
		return nil, usagef("no OAuth client id for profile %s: pass --client-id or set FITEXPORT_CLIENT_ID "+
			"(register an app at dev.fitbit.com with the redirect URL %s)", e.profile.Name, e.profile.RedirectURL)
	}
	return extract.NewOAuth(e.profile, app.httpClient(), nil)
}

// saveProfile writes config.toml after a login or import: source, client
// id, redirect URL and scopes; the client secret only when given with
// --client-secret (or already in the file), never one from the environment.
func (e *authEnv) saveProfile(flagSecret string) error {
	file, err := config.Resolve(e.home, e.profile.Name, nil, config.Overrides{})
	if err != nil {
		file = config.Profile{}
	}
	p := file
	p.Name = e.profile.Name
	p.Source = e.profile.Source
	p.ClientID = e.profile.ClientID
	p.RedirectURL = e.profile.RedirectURL
	p.Scopes = e.profile.Scopes
	if flagSecret != "" {
		p.ClientSecret = flagSecret
	}
	if err := config.SaveProfile(e.home, p); err != nil {
		return fmt.Errorf("logged in, but saving the profile settings failed: %w", err)
	}
	return nil
}

// parseScopes splits a comma or space separated list and checks Fitbit
// scope names.
func parseScopes(s, source string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if seen[f] {
			continue
		}
		seen[f] = true
		if source == config.SourceFitbit && !contains(config.FitbitScopes, f) {
			return nil, usagef("--scopes: unknown Fitbit scope %q (known: %s)", f, strings.Join(config.FitbitScopes, " "))
		}
		out = append(out, f)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func newAuthLoginCmd(app *App, af *authFlags) *cobra.Command {
	var o config.Overrides
	var scopes string
	var noBrowser bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Authorize fitexport in a browser and save the token",
		Long: `Authorize fitexport with the authorization-code flow (PKCE S256, random state).

fitexport listens once on the redirect URL's host and port (default
http://127.0.0.1:8080/, which must be registered for your app exactly),
opens the consent page in a browser and prints its URL. With --no-browser it
only prints the URL, and also accepts the address the browser was finally
sent to, pasted on stdin (for SSH sessions and CI runners).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if timeout <= 0 {
				return usagef("--timeout must be positive")
			}
			e, err := af.resolve(app, o)
			if err != nil {
				return err
			}
			if e.profile.Source == config.SourceSandbox {
				fmt.Fprintln(app.Stderr, "fitexport: "+sandboxNote)
				return nil
			}
			if scopes != "" {
				if e.profile.Scopes, err = parseScopes(scopes, e.profile.Source); err != nil {
					return err
				}
			}
			oa, err := e.oauth(app)
			if err != nil {
				return err
			}
			tok, err := extract.Login(cmd.Context(), extract.LoginOptions{
				OAuth: oa, Store: e.store, RedirectURL: e.profile.RedirectURL, Scopes: e.profile.Scopes,
				NoBrowser: noBrowser, Stdin: app.Stdin, Stderr: app.Stderr, Timeout: timeout,
			})
			if err != nil {
				return err
			}
			if err := e.saveProfile(o.ClientSecret); err != nil {
				return err
			}
			fmt.Fprintf(app.Stderr, "Logged in%s (profile %s, scopes: %s). Token saved in %s.\n",
				userSuffix(tok.UserID), e.profile.Name, strings.Join(tok.Scopes, " "), e.store.Path())
			warnMissingScopes(app.Stderr, e.profile.Scopes, tok.Scopes)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.ClientID, "client-id", "", "OAuth client id of your app (or FITEXPORT_CLIENT_ID)")
	fs.StringVar(&o.ClientSecret, "client-secret", "", "client secret, for Server and Personal apps (or FITEXPORT_CLIENT_SECRET); saved in the profile's config.toml (mode 0600)")
	fs.StringVar(&o.RedirectURL, "redirect-url", "", "redirect URL registered for your app (default http://127.0.0.1:8080/)")
	fs.StringVar(&scopes, "scopes", "", "scopes to ask for, comma or space separated (default: every read scope)")
	fs.BoolVar(&noBrowser, "no-browser", false, "do not open a browser: print the URL and accept the redirect address pasted on stdin")
	fs.DurationVar(&timeout, "timeout", extract.DefaultLoginTimeout, "how long to wait for the authorization")
	return cmd
}

func userSuffix(id string) string {
	if id == "" {
		return ""
	}
	return " as user " + id
}

// warnMissingScopes tells the user which scopes were unticked at consent.
func warnMissingScopes(w io.Writer, asked, granted []string) {
	if len(granted) == 0 {
		return
	}
	var missing []string
	for _, s := range asked {
		if !contains(granted, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(w, "Note: not granted: %s; datasets that need them will be skipped.\n", strings.Join(missing, " "))
	}
}

func newAuthImportCmd(app *App, af *authFlags) *cobra.Command {
	var o config.Overrides
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Seed the token from an existing refresh token read on stdin",
		Long: `Read a refresh token on stdin (what gather_keys_oauth2.py printed), refresh it at
once to check it and learn the user and scopes, and save the new pair (Fitbit
refresh tokens are single use: the imported one is spent).

  fitexport auth import --client-id ABC123 < refresh_token.txt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := af.resolve(app, o)
			if err != nil {
				return err
			}
			if e.profile.Source == config.SourceSandbox {
				fmt.Fprintln(app.Stderr, "fitexport: "+sandboxNote)
				return nil
			}
			oa, err := e.oauth(app)
			if err != nil {
				return err
			}
			b, err := io.ReadAll(io.LimitReader(app.Stdin, 64<<10))
			if err != nil {
				return fmt.Errorf("reading the refresh token from stdin: %w", err)
			}
			rt := strings.TrimSpace(string(b))
			if rt == "" || strings.ContainsAny(rt, " \t\n") {
				return usagef("auth import reads one refresh token on stdin (got %s)", describeInput(rt))
			}
			tok, err := extract.Import(cmd.Context(), e.store, oa, rt)
			if err != nil {
				return err
			}
			if err := e.saveProfile(o.ClientSecret); err != nil {
				return err
			}
			fmt.Fprintf(app.Stderr, "Imported%s (profile %s, scopes: %s). Token saved in %s.\n",
				userSuffix(tok.UserID), e.profile.Name, strings.Join(tok.Scopes, " "), e.store.Path())
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.ClientID, "client-id", "", "OAuth client id of the app that issued the token (or FITEXPORT_CLIENT_ID)")
	fs.StringVar(&o.ClientSecret, "client-secret", "", "its client secret (or FITEXPORT_CLIENT_SECRET)")
	return cmd
}

func describeInput(s string) string {
	if s == "" {
		return "nothing"
	}
	return fmt.Sprintf("%d words", len(strings.Fields(s)))
}

func newAuthStatusCmd(app *App, af *authFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show the logged-in user, scopes, token expiry and rate limit left",
		Long: `Show the profile's login: user id, granted scopes, access-token expiry, and the
rate limit left as reported by one cheap request (the user's profile). Never
prints a token. Exit 4 when a login is needed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := af.resolve(app, config.Overrides{})
			if err != nil {
				return err
			}
			out := app.Stdout
			fmt.Fprintf(out, "profile:  %s\nsource:   %s\n", e.profile.Name, e.profile.Source)
			if e.profile.Source == config.SourceSandbox {
				fmt.Fprintln(out, "login:    not needed (built-in synthetic users)")
				return nil
			}
			if _, err := e.store.Load(); err != nil {
				return extract.LoginNeeded(err)
			}
			oa, err := e.oauth(app)
			if err != nil {
				return err
			}
			ts := extract.NewTokenSource(extract.TokenSourceConfig{Store: e.store, OAuth: oa})
			base, path, proto := e.profile.FitbitAPIURL, "/1/user/-/profile.json", dataset.Fitbit
			if e.profile.Source == config.SourceGoogle {
				base, path, proto = e.profile.GoogleHealthURL, "v4/users/me/identity", dataset.Google
			}
			client, err := extract.NewClient(extract.ClientConfig{BaseURL: base, HTTP: app.httpClient(), Tokens: ts, Source: proto, MaxRequests: 3})
			if err != nil {
				return err
			}
			_, callErr := client.Get(cmd.Context(), path)
			tok, err := e.store.Load() // after a possible refresh
			if err != nil {
				return extract.LoginNeeded(err)
			}
			now := app.Now()
			fmt.Fprintf(out, "user:     %s\n", orDash(tok.UserID))
			fmt.Fprintf(out, "scopes:   %s\n", orDash(strings.Join(tok.Scopes, " ")))
			fmt.Fprintf(out, "expires:  %s (%s)\n", tok.Expiry.Local().Format(time.RFC3339), untilText(tok.Expiry.Sub(now)))
			if st := client.Stats(); st.LastRemaining >= 0 {
				fmt.Fprintf(out, "requests: %d left this window, resets in %s\n", st.LastRemaining, st.LastReset.Round(time.Second))
			}
			if callErr != nil {
				return fmt.Errorf("checking the token with %s: %w", path, callErr)
			}
			fmt.Fprintln(out, "status:   ok")
			return nil
		},
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func untilText(d time.Duration) string {
	if d <= 0 {
		return "expired; refreshed on next use"
	}
	return "in " + d.Round(time.Second).String()
}

func newAuthLogoutCmd(app *App, af *authFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Revoke the token at the source and delete it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			e, err := af.resolve(app, config.Overrides{})
			if err != nil {
				return err
			}
			if e.profile.Source == config.SourceSandbox {
				fmt.Fprintln(app.Stderr, "fitexport: "+sandboxNote)
				return nil
			}
			if _, err := e.store.Load(); errors.Is(err, config.ErrNoToken) {
				fmt.Fprintf(app.Stderr, "Not logged in (profile %s): nothing to do.\n", e.profile.Name)
				return nil
			}
			oa, err := e.oauth(app)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			did, err := extract.Revoke(ctx, e.store, oa)
			if err != nil {
				return err
			}
			if did {
				fmt.Fprintf(app.Stderr, "Logged out (profile %s): token revoked and deleted.\n", e.profile.Name)
			}
			return nil
		},
	}
}
