package extract

import (
	"errors"

	"github.com/fitexport/fitexport/config"
)

// kindError is an error of one of the kinds in errors.go (ErrLoginNeeded,
// ErrGone, ErrScope, ErrStopped) with a message for the user and an
// optional cause. Its message is exactly msg: the kind is for errors.Is.
type kindError struct {
	kind  error
	msg   string
	cause error
}

func (e *kindError) Error() string { return e.msg }

func (e *kindError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

func newKind(kind error, cause error, msg string) error {
	return &kindError{kind: kind, msg: msg, cause: cause}
}

// LoginNeeded maps the token store's errors (config.ErrNoToken,
// config.ErrTokenUnreadable) to ErrLoginNeeded, keeping the store's message
// ("token file … is unreadable: run fitexport auth login"). Other errors are
// returned unchanged. This is the one place where config's errors become
// extract's kinds: config cannot import extract, because extract imports
// config.
func LoginNeeded(err error) error {
	if err == nil || errors.Is(err, ErrLoginNeeded) {
		return err
	}
	if errors.Is(err, config.ErrNoToken) || errors.Is(err, config.ErrTokenUnreadable) {
		return newKind(ErrLoginNeeded, err, err.Error())
	}
	return err
}
