//go:build !windows

package config

import (
	"errors"
	"syscall"
)

// isUnsupportedSync reports a folder fsync the file system does not support.
func isUnsupportedSync(err error) bool {
	return errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP)
}
