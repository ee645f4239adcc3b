package extract

import (
	"errors"
	"fmt"
)

// The error kinds callers act on. Wrap them with %w and test with errors.Is;
// the command line maps them to exit codes (see cmd/fitexport).
var (
	// ErrLoginNeeded: no token, an unreadable token file, invalid_grant,
	// a revoked token. The user must run `fitexport auth login` (exit 4).
	ErrLoginNeeded = errors.New("login needed")
	// ErrGone: the API answered 410 Gone (the Fitbit Web API is switched
	// off). Exit 4 with a message naming --source google-health.
	ErrGone = errors.New("API switched off (410 Gone)")
	// ErrScope: the token lacks the scope a dataset needs (403
	// insufficient_scope / PERMISSION_DENIED). The dataset is skipped.
	ErrScope = errors.New("missing scope")
	// ErrStopped: a budget (--max-requests, --deadline, a rate-limit wait
	// longer than the deadline) stopped the run early; it is resumable (exit 3).
	ErrStopped = errors.New("stopped early, resumable")
)

// APIError is a non-success answer from an API, with the body already
// redacted of tokens.
type APIError struct {
	Status    int
	Type      string // Fitbit errorType or Google status/reason
	Message   string // redacted
	URL       string // path and query only (no token ever travels in a URL we build)
	Retryable bool
}

func (e *APIError) Error() string {
	if e.Type != "" {
		return fmt.Sprintf("%s: HTTP %d %s: %s", e.URL, e.Status, e.Type, e.Message)
	}
	return fmt.Sprintf("%s: HTTP %d: %s", e.URL, e.Status, e.Message)
}
