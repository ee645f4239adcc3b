package config

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/lockedfile"
)

// ErrNoToken: the profile has no token file yet. extract maps it to
// extract.ErrLoginNeeded.
var ErrNoToken = errors.New("no token")

// ErrTokenUnreadable: the token file exists but cannot be read or parsed. It
// is never overwritten silently; extract maps it to extract.ErrLoginNeeded.
var ErrTokenUnreadable = errors.New("token file is unreadable")

// Token is the stored OAuth token record of one profile (token.json).
//
// Its String and LogValue methods never show the access or refresh token,
// so printing or logging a Token is safe.
type Token struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	Expiry       time.Time `json:"expiry"`
	Scopes       []string  `json:"scopes,omitempty"`
	UserID       string    `json:"user_id,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Source       string    `json:"source,omitempty"`
	ClientID     string    `json:"client_id,omitempty"`
	ObtainedAt   time.Time `json:"obtained_at"`
}

// Valid reports whether the access token is usable at now with at least
// margin to spare.
func (t *Token) Valid(now time.Time, margin time.Duration) bool {
	return t != nil && t.AccessToken != "" && now.Add(margin).Before(t.Expiry)
}

// String describes the token without its secrets.
func (t Token) String() string {
	return fmt.Sprintf("token{user %s, source %s, scopes %s, expiry %s}",
		t.UserID, t.Source, strings.Join(t.Scopes, " "), t.Expiry.Format(time.RFC3339))
}

// GoString is String, so %#v does not leak either.
func (t Token) GoString() string { return t.String() }

// LogValue is String, so slog does not leak either.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// Store keeps one profile's token in token.json: mode 0600 in a 0700 folder,
// replaced atomically, with a cross-process lock (token.lock beside it) that
// callers hold across read-refresh-save so that two fitexport processes on
// one profile never spend the same single-use refresh token.
//
// A Store is safe for concurrent use. Lock also serialises holders within
// one process.
type Store struct {
	dir string
	// name is the profile's name (empty for OpenStore), for the hint in
	// an error that asks the user to log in again.
	name string
	sema chan struct{} // in-process half of Lock
}

// NewStore returns the store of profile name under home.
func NewStore(home, name string) (*Store, error) {
	dir, err := ProfileDir(home, name)
	if err != nil {
		return nil, err
	}
	s := OpenStore(dir)
	s.name = name
	return s, nil
}

// OpenStore returns the store kept in folder dir.
func OpenStore(dir string) *Store {
	return &Store{dir: dir, sema: make(chan struct{}, 1)}
}

// Dir is the profile folder.
func (s *Store) Dir() string { return s.dir }

// Path is the token file.
func (s *Store) Path() string { return filepath.Join(s.dir, "token.json") }

func (s *Store) lockPath() string { return filepath.Join(s.dir, "token.lock") }

// Load reads the token. A missing file gives an error wrapping ErrNoToken;
// an unreadable or corrupt one an error wrapping ErrTokenUnreadable (the file
// is left alone). Both messages name the file and the command that logs in
// again.
func (s *Store) Load() (*Token, error) {
	b, err := os.ReadFile(s.Path())
	if errors.Is(err, os.ErrNotExist) {
		return nil, &storeError{kind: ErrNoToken, msg: fmt.Sprintf("no token in %s: %s", s.Path(), s.loginHint())}
	}
	if err != nil {
		return nil, s.unreadable(unwrapPathErr(err).Error())
	}
	var t Token
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, s.unreadable("not valid JSON: " + err.Error())
	}
	if t.RefreshToken == "" && t.AccessToken == "" {
		return nil, s.unreadable("it holds no token")
	}
	return &t, nil
}

// unreadable is the error for a token file that exists but cannot be used.
func (s *Store) unreadable(why string) error {
	return &storeError{kind: ErrTokenUnreadable, msg: fmt.Sprintf(
		"token file %s is unreadable (%s); it was left as it is: %s (that replaces it)", s.Path(), why, s.loginHint())}
}

// loginHint says how to log this profile in again.
func (s *Store) loginHint() string {
	if s.name == "" || s.name == DefaultProfile {
		return "run fitexport auth login"
	}
	return "run fitexport auth login --profile " + s.name
}

// storeError is a token store error of a kind (ErrNoToken,
// ErrTokenUnreadable) whose message already says everything: the kind is
// matched with errors.Is, not repeated in the text.
type storeError struct {
	kind error
	msg  string
}

func (e *storeError) Error() string { return e.msg }
func (e *storeError) Unwrap() error { return e.kind }

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Save replaces the token file atomically (temp file in the same folder,
// fsync, rename, fsync folder), creating the folder (0700) if needed.
// Callers that refresh hold Lock across the refresh and the Save.
func (s *Store) Save(t *Token) error {
	if t == nil || (t.AccessToken == "" && t.RefreshToken == "") {
		return errors.New("refusing to save an empty token")
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	if err := WriteFileAtomic(s.Path(), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save token: %w", err)
	}
	return nil
}

// Delete removes the token file; a missing file is not an error.
func (s *Store) Delete() error {
	if err := os.Remove(s.Path()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete token: %w", err)
	}
	return syncDirIfExists(s.dir)
}

func syncDirIfExists(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	return syncDir(dir)
}

// Lock takes the profile's token lock: first within the process, then the
// cross-process file lock (token.lock). It waits until both are held or ctx
// is done, and returns the function that releases them.
func (s *Store) Lock(ctx context.Context) (unlock func(), err error) {
	select {
	case s.sema <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release := func() { <-s.sema }
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		release()
		return nil, fmt.Errorf("lock token: %w", err)
	}
	type result struct {
		f   *lockedfile.File
		err error
	}
	ch := make(chan result, 1)
	go func() {
		f, err := lockedfile.OpenFile(s.lockPath(), os.O_RDWR|os.O_CREATE, 0o600)
		ch <- result{f, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			release()
			return nil, fmt.Errorf("lock token: %w", r.err)
		}
		return func() { r.f.Close(); release() }, nil
	case <-ctx.Done():
		// Release the file lock whenever it arrives.
		go func() {
			if r := <-ch; r.err == nil {
				r.f.Close()
			}
			release()
		}()
		return nil, ctx.Err()
	}
}
