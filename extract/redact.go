package extract

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Redacted replaces every secret in messages, logs and errors.
const Redacted = "[REDACTED]"

// Redactor removes secrets from text: every access token, refresh token and
// client secret it was told about (the TokenSource and the OAuth client add
// each token they see), plus anything shaped like a bearer token, a JWT, a
// token field in a JSON or form body, or the token the Fitbit API echoes in
// its error messages ("Access token expired: eyJ…").
//
// A Redactor is safe for concurrent use; the zero value is not — use
// NewRedactor.
type Redactor struct {
	mu      sync.RWMutex
	secrets []string // longest first
}

// NewRedactor returns a redactor that knows secrets.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// minSecret is the shortest string treated as a secret, so that a stray
// empty or tiny value cannot wreck every message.
const minSecret = 6

// Add teaches the redactor more secrets.
func (r *Redactor) Add(secrets ...string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
outer:
	for _, s := range secrets {
		if len(s) < minSecret {
			continue
		}
		for _, have := range r.secrets {
			if have == s {
				continue outer
			}
		}
		r.secrets = append(r.secrets, s)
	}
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
}

var redactPatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	// Authorization headers and "Bearer xyz" anywhere.
	{regexp.MustCompile(`(?i)\b(bearer|basic)(\s+)[A-Za-z0-9\-._~+/]+=*`), "${1}${2}" + Redacted},
	// JWTs (Fitbit access tokens are JWTs).
	{regexp.MustCompile(`eyJ[A-Za-z0-9_\-]{6,}(\.[A-Za-z0-9_\-]*){0,2}`), Redacted},
	// JSON fields.
	{regexp.MustCompile(`(?i)("(?:access_token|refresh_token|id_token|client_secret|code_verifier|token|code)"\s*:\s*")[^"]*`), "${1}" + Redacted},
	// Form and query fields.
	{regexp.MustCompile(`(?i)\b((?:access_token|refresh_token|id_token|client_secret|code_verifier|token|code)=)[^&\s"]+`), "${1}" + Redacted},
	// The API's echo: "Access token expired: X", "Refresh token invalid: X".
	{regexp.MustCompile(`(?i)\b((?:access|refresh|authorization)[ _]?(?:token|code)[A-Za-z ]{0,30}?:\s*)[^\s",}]+`), "${1}" + Redacted},
}

// String returns s with every secret replaced by [REDACTED].
func (r *Redactor) String(s string) string {
	if r != nil {
		r.mu.RLock()
		for _, sec := range r.secrets {
			if strings.Contains(s, sec) {
				s = strings.ReplaceAll(s, sec, Redacted)
			}
		}
		r.mu.RUnlock()
	}
	for _, p := range redactPatterns {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return s
}

// Error wraps err so that its message is redacted; errors.Is and errors.As
// still see through it. nil stays nil.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*redactedError); ok {
		return err
	}
	return &redactedError{err: err, r: r}
}

type redactedError struct {
	err error
	r   *Redactor
}

func (e *redactedError) Error() string { return e.r.String(e.err.Error()) }
func (e *redactedError) Unwrap() error { return e.err }

// Logger returns a logger writing through h with every message and
// attribute redacted; a nil h gives a logger that discards everything.
func (r *Redactor) Logger(h slog.Handler) *slog.Logger {
	if h == nil {
		h = slog.DiscardHandler
	}
	if rh, ok := h.(*redactHandler); ok {
		h = rh.inner
	}
	return slog.New(&redactHandler{inner: h, r: r})
}

type redactHandler struct {
	inner slog.Handler
	r     *Redactor
}

func (h *redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = h.attr(a)
	}
	return &redactHandler{inner: h.inner.WithAttrs(red), r: h.r}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{inner: h.inner.WithGroup(name), r: h.r}
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, x := range g {
			out[i] = h.attr(x)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		return slog.String(a.Key, h.r.String(fmt.Sprint(v.Any())))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
