package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fitexport/fitexport/config"
)

// Provider describes one OAuth 2.0 flavour: its endpoints and the few ways
// in which Fitbit and Google differ. Login, Import, Revoke and TokenSource
// take the flavour as this value instead of branching on the source.
type Provider struct {
	// Source is config.SourceFitbit or config.SourceGoogle.
	Source string
	// AuthURL is the browser consent page; TokenURL the token endpoint;
	// RevokeURL the revocation endpoint.
	AuthURL, TokenURL, RevokeURL string
	// BasicAuth sends the client credentials as HTTP Basic when a client
	// secret is set (Fitbit server and personal apps). When false, or for a
	// public client without a secret, client_id (and client_secret if set)
	// travel in the form body (Google; Fitbit client apps).
	BasicAuth bool
	// AuthParams are extra consent-page parameters (Google:
	// access_type=offline, prompt=consent, to get a refresh token).
	AuthParams url.Values
	// AnyPort allows a redirect URL with port 0: a free port is picked at
	// run time (Google desktop clients accept any loopback port; Fitbit
	// needs the registered URL exactly).
	AnyPort bool
	// Rotates says refresh tokens are single use and every refresh returns
	// a new one (Fitbit). When an answer carries no refresh token the old
	// one is kept (Google).
	Rotates bool
}

// FitbitProvider is the Fitbit Web API flavour: token and revoke endpoints
// under apiURL, consent page authURL, Basic auth, rotating refresh tokens.
func FitbitProvider(apiURL, authURL string) Provider {
	api := strings.TrimRight(apiURL, "/")
	return Provider{
		Source:    config.SourceFitbit,
		AuthURL:   authURL,
		TokenURL:  api + "/oauth2/token",
		RevokeURL: api + "/oauth2/revoke",
		BasicAuth: true,
		Rotates:   true,
	}
}

// GoogleProvider is the Google flavour: credentials in the body, offline
// access with forced consent, any loopback port, non-rotating refresh
// tokens; revoke is "revoke" beside the token endpoint.
func GoogleProvider(authURL, tokenURL string) Provider {
	revoke := tokenURL
	if i := strings.LastIndex(revoke, "/"); i >= 0 {
		revoke = revoke[:i+1] + "revoke"
	}
	return Provider{
		Source:     config.SourceGoogle,
		AuthURL:    authURL,
		TokenURL:   tokenURL,
		RevokeURL:  revoke,
		AuthParams: url.Values{"access_type": {"offline"}, "prompt": {"consent"}},
		AnyPort:    true,
	}
}

// ProviderFor returns the flavour of a resolved profile.
func ProviderFor(p config.Profile) (Provider, error) {
	switch p.Source {
	case config.SourceFitbit, "":
		return FitbitProvider(p.FitbitAPIURL, p.FitbitAuthURL), nil
	case config.SourceGoogle:
		return GoogleProvider(p.GoogleAuthURL, p.GoogleTokenURL), nil
	case config.SourceSandbox:
		return Provider{}, fmt.Errorf("the sandbox source needs no login: its synthetic users are built in")
	}
	return Provider{}, fmt.Errorf("unknown source %q", p.Source)
}

// OAuth is an OAuth client of one provider: the app's credentials and the
// HTTP client that reaches the token endpoint.
type OAuth struct {
	Provider     Provider
	ClientID     string
	ClientSecret string
	// HTTP is the base client; nil means one with a 30 s timeout.
	HTTP *http.Client
	// Redactor learns every token this client sees; nil means a private one.
	Redactor *Redactor
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// NewOAuth returns the OAuth client of a resolved profile.
func NewOAuth(p config.Profile, httpc *http.Client, red *Redactor) (*OAuth, error) {
	prov, err := ProviderFor(p)
	if err != nil {
		return nil, err
	}
	if p.ClientID == "" {
		return nil, fmt.Errorf("no OAuth client id: pass --client-id or set FITEXPORT_CLIENT_ID (register an app at dev.fitbit.com)")
	}
	if red == nil {
		red = NewRedactor()
	}
	red.Add(p.ClientSecret)
	return &OAuth{Provider: prov, ClientID: p.ClientID, ClientSecret: p.ClientSecret, HTTP: httpc, Redactor: red}, nil
}

func (o *OAuth) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *OAuth) httpClient() *http.Client {
	if o.HTTP != nil {
		return o.HTTP
	}
	return &http.Client{Timeout: 30 * time.Second}
}

func (o *OAuth) redactor() *Redactor {
	if o.Redactor == nil {
		o.Redactor = NewRedactor()
	}
	return o.Redactor
}

// tokenAnswer is the token endpoint's success body.
type tokenAnswer struct {
	AccessToken  string          `json:"access_token"`
	ExpiresIn    json.Number     `json:"expires_in"`
	RefreshToken string          `json:"refresh_token"`
	Scope        string          `json:"scope"`
	TokenType    string          `json:"token_type"`
	UserID       json.RawMessage `json:"user_id"`
}

// tokenError is a failed token-endpoint call.
type tokenError struct {
	status    int
	errType   string // invalid_grant, invalid_client, …
	message   string // redacted
	transient bool
}

func (e *tokenError) Error() string {
	if e.status == 0 {
		return e.message
	}
	if e.errType != "" {
		return fmt.Sprintf("token endpoint: HTTP %d %s: %s", e.status, e.errType, e.message)
	}
	return fmt.Sprintf("token endpoint: HTTP %d: %s", e.status, e.message)
}

// post sends a form to url with the client's credentials and returns the
// body of a 2xx answer. Failures are *tokenError.
func (o *OAuth) post(ctx context.Context, endpoint string, form url.Values, forceClientID bool) ([]byte, error) {
	red := o.redactor()
	basic := o.Provider.BasicAuth && o.ClientSecret != ""
	if !basic || forceClientID {
		form.Set("client_id", o.ClientID)
	}
	if !basic && o.ClientSecret != "" {
		form.Set("client_secret", o.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("token endpoint %s: %w", endpoint, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if basic {
		req.SetBasicAuth(o.ClientID, o.ClientSecret) // Fitbit: base64(id:secret), no form-encoding
	}
	resp, err := o.httpClient().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &tokenError{message: red.String(fmt.Sprintf("token endpoint %s: %v", endpoint, err)), transient: true}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, &tokenError{status: resp.StatusCode, message: red.String(fmt.Sprintf("reading the answer: %v", err)), transient: true}
	}
	if resp.StatusCode/100 == 2 {
		return body, nil
	}
	errType, msg := parseErrorBody(body)
	return nil, &tokenError{
		status:    resp.StatusCode,
		errType:   errType,
		message:   red.String(msg),
		transient: resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests,
	}
}

// tokenCall posts a token request, retrying transient failures (re-sending
// an identical refresh is safe: the API answers it identically within its
// idempotency window), and turns the answer into a Token.
func (o *OAuth) tokenCall(ctx context.Context, form url.Values, forceClientID bool, retry RetryPolicy) (*config.Token, error) {
	retry = retry.withDefaults()
	var last error
	for attempt := 1; attempt <= retry.Attempts; attempt++ {
		if attempt > 1 {
			if err := sleepCtx(ctx, retry.backoff(attempt-1)); err != nil {
				return nil, err
			}
		}
		body, err := o.post(ctx, o.Provider.TokenURL, cloneValues(form), forceClientID)
		if err != nil {
			var te *tokenError
			if errors.As(err, &te) && te.transient {
				last = err
				continue
			}
			return nil, err
		}
		return o.parseToken(body)
	}
	return nil, fmt.Errorf("token endpoint unreachable after %d attempts: %w", retry.Attempts, last)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func (o *OAuth) parseToken(body []byte) (*config.Token, error) {
	var a tokenAnswer
	if err := json.Unmarshal(body, &a); err != nil || a.AccessToken == "" {
		return nil, &tokenError{message: "token endpoint: the answer holds no access token (truncated or not JSON)", transient: false}
	}
	o.redactor().Add(a.AccessToken, a.RefreshToken)
	now := o.now()
	t := &config.Token{
		AccessToken:  a.AccessToken,
		RefreshToken: a.RefreshToken,
		TokenType:    a.TokenType,
		Source:       o.Provider.Source,
		ClientID:     o.ClientID,
		ObtainedAt:   now.UTC(),
		Scopes:       strings.Fields(a.Scope),
	}
	if t.TokenType == "" {
		t.TokenType = "Bearer"
	}
	secs, err := a.ExpiresIn.Float64()
	if err != nil || secs <= 0 {
		secs = 3600
	}
	t.Expiry = now.Add(time.Duration(secs * float64(time.Second))).UTC()
	if len(a.UserID) > 0 {
		var s string
		if json.Unmarshal(a.UserID, &s) == nil {
			t.UserID = s
		} else {
			t.UserID = strings.Trim(string(a.UserID), `"`)
		}
	}
	return t, nil
}

// refresh spends refreshToken and returns the new token, merged with what
// old knew: a missing refresh token (Google) keeps the old one, missing
// scopes or user id keep the old ones.
func (o *OAuth) refresh(ctx context.Context, old *config.Token, retry RetryPolicy) (*config.Token, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {old.RefreshToken}}
	t, err := o.tokenCall(ctx, form, false, retry)
	if err != nil {
		return nil, o.mapRefreshError(err)
	}
	if t.RefreshToken == "" {
		t.RefreshToken = old.RefreshToken
	}
	if len(t.Scopes) == 0 {
		t.Scopes = old.Scopes
	}
	if t.UserID == "" {
		t.UserID = old.UserID
	}
	return t, nil
}

func (o *OAuth) mapRefreshError(err error) error {
	var te *tokenError
	if !errors.As(err, &te) {
		return err
	}
	switch {
	case te.errType == "invalid_grant":
		return newKind(ErrLoginNeeded, err, "refresh token was rejected (invalid_grant): run fitexport auth login")
	case te.errType == "invalid_token" || te.errType == "expired_token":
		return newKind(ErrLoginNeeded, err, fmt.Sprintf("refresh token was rejected (%s): run fitexport auth login", te.errType))
	case te.errType == "invalid_client" || te.errType == "unauthorized_client":
		return newKind(ErrLoginNeeded, err, fmt.Sprintf("the token endpoint rejected the app credentials (%s: %s): check --client-id/--client-secret, then run fitexport auth login", te.errType, te.message))
	case te.status == http.StatusGone:
		return newKind(ErrGone, err, goneMessage(o.Provider.Source))
	}
	return fmt.Errorf("refreshing the access token: %w", err)
}

// parseErrorBody reads the error type and message of an API or token
// endpoint error body: Fitbit's errors[], Google's error{}, or RFC 6749's
// error/error_description. The message is not yet redacted.
func parseErrorBody(body []byte) (errType, msg string) {
	var b struct {
		Errors []struct {
			ErrorType string `json:"errorType"`
			Message   string `json:"message"`
		} `json:"errors"`
		Error json.RawMessage `json:"error"`
		Desc  string          `json:"error_description"`
	}
	if json.Unmarshal(body, &b) == nil {
		if len(b.Errors) > 0 {
			var msgs []string
			for _, e := range b.Errors {
				msgs = append(msgs, e.Message)
			}
			return b.Errors[0].ErrorType, strings.Join(msgs, "; ")
		}
		var s string
		if len(b.Error) > 0 && json.Unmarshal(b.Error, &s) == nil {
			return s, b.Desc
		}
		var g struct {
			Message string `json:"message"`
			Status  string `json:"status"`
			Details []struct {
				Reason string `json:"reason"`
			} `json:"details"`
		}
		if len(b.Error) > 0 && json.Unmarshal(b.Error, &g) == nil {
			t := g.Status
			for _, d := range g.Details {
				if d.Reason != "" {
					t = d.Reason
					break
				}
			}
			return t, g.Message
		}
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return "", s
}

// goneMessage is the user's message for a 410 Gone.
func goneMessage(source string) string {
	if source == config.SourceGoogle {
		return "the Google Health API answered 410 Gone: this API version is no longer served; upgrade fitexport"
	}
	return "the Fitbit Web API answered 410 Gone: Google switched it off in November 2026; use --source google-health (see README)"
}
