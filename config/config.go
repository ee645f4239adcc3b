// Package config finds fitexport's home folder, resolves profiles (which
// source, which OAuth client, which endpoints) and keeps each profile's OAuth
// token in a rotation-safe store.
//
// # Layout
//
//	$FITEXPORT_HOME                      (default: os.UserConfigDir()/fitexport)
//	  profiles/<name>/config.toml        source, client_id, client_secret, redirect_url, scopes, endpoint overrides (0600)
//	  profiles/<name>/token.json         the token record (0600, folder 0700)
//	  profiles/<name>/token.lock         cross-process lock held across read-refresh-save
//
// # Precedence
//
// Resolve merges, from strongest to weakest: command-line flags
// (Overrides), the environment (FITEXPORT_CLIENT_ID, FITEXPORT_CLIENT_SECRET,
// FITEXPORT_FITBIT_API_URL, FITEXPORT_FITBIT_AUTH_URL,
// FITEXPORT_GOOGLE_HEALTH_URL, FITEXPORT_GOOGLE_AUTH_URL,
// FITEXPORT_GOOGLE_TOKEN_URL), the profile's config.toml, and the defaults.
//
// # Errors and the import direction
//
// Package extract imports config (its TokenSource reads and writes the
// Store), so config cannot name extract.ErrLoginNeeded. Instead the store
// returns errors wrapping ErrNoToken or ErrTokenUnreadable, and extract maps
// both to extract.ErrLoginNeeded at its boundary (extract.LoginNeeded). Callers
// that use the Store directly must do the same.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
)

// Source names accepted in profiles and on the command line.
const (
	SourceFitbit  = "fitbit"
	SourceGoogle  = "google-health"
	SourceSandbox = "sandbox"
)

// DefaultProfile is the profile used when none is named.
const DefaultProfile = "default"

// Defaults for endpoints and the redirect URL (design.md).
const (
	DefaultFitbitAPIURL    = "https://api.fitbit.com"
	DefaultFitbitAuthURL   = "https://www.fitbit.com/oauth2/authorize"
	DefaultGoogleHealthURL = "https://health.googleapis.com/"
	DefaultGoogleAuthURL   = "https://accounts.google.com/o/oauth2/v2/auth"
	DefaultGoogleTokenURL  = "https://oauth2.googleapis.com/token"
	DefaultRedirectURL     = "http://127.0.0.1:8080/"
)

// FitbitScopes are every Fitbit Web API read scope; a login asks for all of
// them unless told otherwise (users may untick some at consent).
var FitbitScopes = []string{
	"activity", "cardio_fitness", "electrocardiogram", "heartrate",
	"irregular_rhythm_notifications", "location", "nutrition",
	"oxygen_saturation", "profile", "respiratory_rate", "settings", "sleep",
	"social", "temperature", "weight",
}

// GoogleScopes are the Google Health API read scopes fitexport uses.
var GoogleScopes = []string{
	"https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly",
	"https://www.googleapis.com/auth/googlehealth.health_metrics_and_measurements.readonly",
	"https://www.googleapis.com/auth/googlehealth.sleep.readonly",
	"https://www.googleapis.com/auth/googlehealth.profile.readonly",
	"https://www.googleapis.com/auth/googlehealth.settings.readonly",
}

// DefaultScopes returns a copy of the default scopes of a source.
func DefaultScopes(source string) []string {
	switch source {
	case SourceGoogle:
		return append([]string(nil), GoogleScopes...)
	default:
		return append([]string(nil), FitbitScopes...)
	}
}

// Home returns fitexport's home folder: $FITEXPORT_HOME, else
// os.UserConfigDir()/fitexport. getenv is os.Getenv outside tests.
func Home(getenv func(string) string) (string, error) {
	if h := getenv("FITEXPORT_HOME"); h != "" {
		return h, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a config folder (set FITEXPORT_HOME): %w", err)
	}
	return filepath.Join(d, "fitexport"), nil
}

// Profile is a resolved profile: everything needed to talk to one source for
// one account.
type Profile struct {
	Name         string
	Source       string // fitbit, google-health or sandbox
	ClientID     string
	ClientSecret string // empty for public (Client type) apps
	RedirectURL  string
	Scopes       []string

	FitbitAPIURL    string
	FitbitAuthURL   string
	GoogleHealthURL string
	GoogleAuthURL   string
	GoogleTokenURL  string
}

// Overrides are values given on the command line; empty fields are unset.
type Overrides struct {
	Source       string
	ClientID     string
	ClientSecret string
	RedirectURL  string
	Scopes       []string

	FitbitAPIURL    string
	FitbitAuthURL   string
	GoogleHealthURL string
	GoogleAuthURL   string
	GoogleTokenURL  string
}

// fileProfile is config.toml.
type fileProfile struct {
	Source          string   `toml:"source,omitempty"`
	ClientID        string   `toml:"client_id,omitempty"`
	ClientSecret    string   `toml:"client_secret,omitempty"`
	RedirectURL     string   `toml:"redirect_url,omitempty"`
	Scopes          []string `toml:"scopes,omitempty"`
	FitbitAPIURL    string   `toml:"fitbit_api_url,omitempty"`
	FitbitAuthURL   string   `toml:"fitbit_auth_url,omitempty"`
	GoogleHealthURL string   `toml:"google_health_url,omitempty"`
	GoogleAuthURL   string   `toml:"google_auth_url,omitempty"`
	GoogleTokenURL  string   `toml:"google_token_url,omitempty"`
}

// ValidateName checks a profile name: 1–64 characters of letters, digits,
// '.', '_' and '-', not starting with '.'; no path separators.
func ValidateName(name string) error {
	if name == "" || len(name) > 64 || name[0] == '.' {
		return fmt.Errorf("invalid profile name %q: use 1-64 letters, digits, '.', '_' or '-', not starting with '.'", name)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			return fmt.Errorf("invalid profile name %q: use 1-64 letters, digits, '.', '_' or '-', not starting with '.'", name)
		}
	}
	return nil
}

// ProfileDir returns HOME/profiles/<name> after validating name.
func ProfileDir(home, name string) (string, error) {
	if name == "" {
		name = DefaultProfile
	}
	if err := ValidateName(name); err != nil {
		return "", err
	}
	return filepath.Join(home, "profiles", name), nil
}

// ValidSource reports whether s names a source.
func ValidSource(s string) bool {
	return s == SourceFitbit || s == SourceGoogle || s == SourceSandbox
}

// Resolve reads profile name (DefaultProfile when empty) from home and merges
// flags > environment > config.toml > defaults. A missing config.toml is
// not an error; a malformed one is.
func Resolve(home, name string, getenv func(string) string, flags Overrides) (Profile, error) {
	if name == "" {
		name = DefaultProfile
	}
	dir, err := ProfileDir(home, name)
	if err != nil {
		return Profile{}, err
	}
	var f fileProfile
	path := filepath.Join(dir, "config.toml")
	if b, err := os.ReadFile(path); err == nil {
		if _, err := toml.Decode(string(b), &f); err != nil {
			return Profile{}, fmt.Errorf("profile %s: %s is not valid TOML: %w", name, path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return Profile{}, fmt.Errorf("profile %s: %w", name, err)
	}
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	pick := func(flag, env, file, def string) string {
		for _, v := range []string{flag, getenv(env), file} {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
		return def
	}
	p := Profile{
		Name:            name,
		Source:          pick(flags.Source, "", f.Source, SourceFitbit),
		ClientID:        pick(flags.ClientID, "FITEXPORT_CLIENT_ID", f.ClientID, ""),
		ClientSecret:    pick(flags.ClientSecret, "FITEXPORT_CLIENT_SECRET", f.ClientSecret, ""),
		RedirectURL:     pick(flags.RedirectURL, "", f.RedirectURL, DefaultRedirectURL),
		FitbitAPIURL:    pick(flags.FitbitAPIURL, "FITEXPORT_FITBIT_API_URL", f.FitbitAPIURL, DefaultFitbitAPIURL),
		FitbitAuthURL:   pick(flags.FitbitAuthURL, "FITEXPORT_FITBIT_AUTH_URL", f.FitbitAuthURL, DefaultFitbitAuthURL),
		GoogleHealthURL: pick(flags.GoogleHealthURL, "FITEXPORT_GOOGLE_HEALTH_URL", f.GoogleHealthURL, DefaultGoogleHealthURL),
		GoogleAuthURL:   pick(flags.GoogleAuthURL, "FITEXPORT_GOOGLE_AUTH_URL", f.GoogleAuthURL, DefaultGoogleAuthURL),
		GoogleTokenURL:  pick(flags.GoogleTokenURL, "FITEXPORT_GOOGLE_TOKEN_URL", f.GoogleTokenURL, DefaultGoogleTokenURL),
	}
	if !ValidSource(p.Source) {
		return Profile{}, fmt.Errorf("profile %s: unknown source %q (want fitbit, google-health or sandbox)", name, p.Source)
	}
	switch {
	case len(flags.Scopes) > 0:
		p.Scopes = append([]string(nil), flags.Scopes...)
	case len(f.Scopes) > 0:
		p.Scopes = append([]string(nil), f.Scopes...)
	default:
		p.Scopes = DefaultScopes(p.Source)
	}
	return p, nil
}

// SaveProfile writes p's settings to HOME/profiles/<p.Name>/config.toml
// (mode 0600, folder 0700, atomic replace). Endpoints equal to their
// defaults are left out so a later change of default applies; the client
// secret is written only when set.
func SaveProfile(home string, p Profile) error {
	dir, err := ProfileDir(home, p.Name)
	if err != nil {
		return err
	}
	omitDefault := func(v, def string) string {
		if v == def {
			return ""
		}
		return v
	}
	f := fileProfile{
		Source:          p.Source,
		ClientID:        p.ClientID,
		ClientSecret:    p.ClientSecret,
		RedirectURL:     p.RedirectURL,
		Scopes:          p.Scopes,
		FitbitAPIURL:    omitDefault(p.FitbitAPIURL, DefaultFitbitAPIURL),
		FitbitAuthURL:   omitDefault(p.FitbitAuthURL, DefaultFitbitAuthURL),
		GoogleHealthURL: omitDefault(p.GoogleHealthURL, DefaultGoogleHealthURL),
		GoogleAuthURL:   omitDefault(p.GoogleAuthURL, DefaultGoogleAuthURL),
		GoogleTokenURL:  omitDefault(p.GoogleTokenURL, DefaultGoogleTokenURL),
	}
	var buf bytes.Buffer
	buf.WriteString("# fitexport profile " + p.Name + " (written by fitexport auth; flags and FITEXPORT_* variables override it)\n")
	if err := toml.NewEncoder(&buf).Encode(f); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("profile %s: %w", p.Name, err)
	}
	return WriteFileAtomic(filepath.Join(dir, "config.toml"), buf.Bytes(), 0o600)
}
