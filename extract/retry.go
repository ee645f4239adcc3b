package extract

import (
	"context"
	"math/rand/v2"
	"time"
)

// userAgent identifies fitexport to the APIs.
const userAgent = "fitexport (+https://github.com/fitexport/fitexport)"

// RetryPolicy bounds the exponential backoff used for transient failures
// (5xx, timeouts, connection resets, truncated bodies or invalid JSON).
// Zero fields take the defaults: 6 attempts, base 500 ms, cap 30 s. Tests
// use milliseconds.
type RetryPolicy struct {
	// Attempts is the number of sends of one call, the first included.
	Attempts int
	// Base is the wait before the first retry; each retry doubles it.
	Base time.Duration
	// Cap bounds one wait.
	Cap time.Duration
}

// DefaultRetryPolicy is 6 attempts, base 500 ms, cap 30 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{Attempts: 6, Base: 500 * time.Millisecond, Cap: 30 * time.Second}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.Attempts <= 0 {
		p.Attempts = d.Attempts
	}
	if p.Base <= 0 {
		p.Base = d.Base
	}
	if p.Cap <= 0 {
		p.Cap = d.Cap
	}
	return p
}

// backoff is the wait before retry n (1-based): Base·2^(n-1) capped at Cap,
// with "equal jitter" (half fixed, half random) so that parallel workers
// spread out but never retry immediately.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.Base
	for i := 1; i < n && d < p.Cap; i++ {
		d *= 2
	}
	if d > p.Cap {
		d = p.Cap
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
