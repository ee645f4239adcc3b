//go:build windows

package config

// isUnsupportedSync: Windows cannot fsync a folder; the rename is enough.
func isUnsupportedSync(err error) bool { return true }
