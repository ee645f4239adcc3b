// Package extract gets raw answers out of the sources: the OAuth login and
// token handling, the API client with its rate limiter, retries and budgets,
// the request planner and the raw cache.
//
// # The client stack
//
// A Client is one user's view of an API, built by NewClient as layers
// around one interface, Doer (outermost first):
//
//	retry     429: wait until Fitbit-Rate-Limit-Reset (else Retry-After, else
//	          the top of the hour), holding every worker of the user; 5xx,
//	          timeouts, connection resets, truncated bodies and invalid JSON:
//	          bounded exponential backoff with jitter (RetryPolicy)
//	auth      Authorization: Bearer from the TokenSource; on 401
//	          expired_token/invalid_token, Invalidate and retry once
//	budget    MaxRequests: the request that would exceed it is not sent
//	          (ErrStopped)
//	limiter   a token bucket (golang.org/x/time/rate) at Quota per Window,
//	          re-tuned from the Fitbit-Rate-Limit-Remaining/-Reset headers of
//	          every answer: the remaining quota, less a margin of 2 for the
//	          headers' lag and the calls in flight, is spent (or, with
//	          ClientConfig.Spread, spread over the time left); when it is
//	          spent callers wait for the reset rather than provoke a 429
//	transport one HTTP exchange, body read in full; counts requests and bytes
//
// Waits honour the context and ClientConfig.Deadline: a wait that would
// end after the deadline returns ErrStopped at once. Answers are then mapped
// to the error kinds of errors.go: 410 → ErrGone (naming --source
// google-health), 401 after a refresh → ErrLoginNeeded, 403
// insufficient_scope → ErrScope (naming the scope), 429 after every wait →
// ErrStopped, others → *APIError.
//
// The client sends no Accept-Language header: without one the Fitbit API
// answers in metric units, which is what the canonical datasets store,
// whatever the user's locale.
//
// # Secrets
//
// A Redactor shared by the OAuth client, the TokenSource and the Client
// learns every token they handle and the client secret; every error message,
// APIError.Message and log line passes through it, and patterns catch
// bearer tokens, JWTs and token fields in bodies (the Fitbit API echoes
// tokens: "Access token expired: eyJ…").
//
// # Tokens
//
// TokenSource implements the rotation-safe refresh (see its doc): re-read
// the store under the profile's cross-process lock, refresh, save the new
// pair before using it. Login (authorization code + PKCE through a loopback
// listener, or a pasted redirect URL), Import (from an existing refresh
// token) and Revoke manage the stored token. Provider carries the
// differences between the Fitbit and Google OAuth flavours.
//
// Import direction: extract imports config; config's token errors
// (config.ErrNoToken, config.ErrTokenUnreadable) become ErrLoginNeeded
// through LoginNeeded.
package extract
