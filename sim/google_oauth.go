package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Google OAuth 2.0 for a Desktop-app client: consent (auto-approved),
// token (code with PKCE, non-rotating refresh) and revoke.

type gCode struct {
	code, user, client, redirect, challenge string
	scopes                                  []string
	offline                                 bool // access_type=offline and prompt=consent: issue a refresh token
	exp                                     time.Time
	used                                    bool
}

type gAccess struct {
	tok, user, client string
	scopes            []string
	exp               time.Time
	revoked           bool
}

type gRefresh struct {
	tok, user, client string
	scopes            []string
	exp               time.Time // zero: no expiry
	dead              bool
}

// gTokenResp is Google's token answer (RFC 6749 §5.1).
type gTokenResp struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
	TokenType    string `json:"token_type"`
}

// gOAuthErr is Google's token-endpoint error (RFC 6749 §5.2).
type gOAuthErr struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func writeOAuthErr(w http.ResponseWriter, status int, code, desc string) {
	writeGoogleJSON(w, status, mustJSON(gOAuthErr{code, desc}))
}

// googleRedirectOK reports whether redirect is allowed for client c: a
// registered loopback URL without a port ("http://127.0.0.1/") accepts
// http://127.0.0.1:<any port>[/path] and http://[::1]:<any port>[/path];
// any other registration must match exactly.
func googleRedirectOK(c Client, redirect string) bool {
	if redirect == c.RedirectURL {
		return true
	}
	reg, err := url.Parse(c.RedirectURL)
	if err != nil || reg.Scheme != "http" || reg.Port() != "" || !isLoopback(reg.Hostname()) {
		return false
	}
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme != "http" || u.User != nil || u.Fragment != "" || !isLoopback(u.Hostname()) {
		return false
	}
	return u.Hostname() == "127.0.0.1" || u.Hostname() == "::1"
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func googleBadPage(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>Google simulator: Authorization Error</title></head><body><h1>Access blocked: Authorization Error</h1><p>Error %d: %s</p><p>%s</p></body></html>\n",
		status, html.EscapeString(code), html.EscapeString(msg))
}

// googleAuthorize is the consent page: it validates and auto-approves.
func (s *Server) googleAuthorize(w http.ResponseWriter, r *http.Request, now time.Time) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		googleBadPage(w, http.StatusMethodNotAllowed, "invalid_request", "method not allowed")
		return
	}
	q := r.URL.Query()
	c, ok := s.clients[q.Get("client_id")]
	if !ok {
		googleBadPage(w, http.StatusUnauthorized, "invalid_client", "The OAuth client was not found.")
		return
	}
	redirect := q.Get("redirect_uri")
	if !googleRedirectOK(c, redirect) {
		googleBadPage(w, http.StatusBadRequest, "redirect_uri_mismatch",
			"redirect_uri "+redirect+" is not registered: a Desktop client needs http://127.0.0.1:<port> or http://[::1]:<port>.")
		return
	}
	u := s.users[0]
	if id := q.Get("sim_user"); id != "" {
		if u = s.byID[id]; u == nil {
			googleBadPage(w, http.StatusBadRequest, "invalid_request", "unknown sim_user "+id)
			return
		}
	}
	bad := func(msg string) { googleBadPage(w, http.StatusBadRequest, "invalid_request", msg) }
	switch {
	case q.Get("response_type") != "code":
		bad("response_type must be code")
		return
	case q.Get("state") == "":
		bad("missing state (the simulator requires it)")
		return
	case q.Get("code_challenge_method") != "S256":
		bad("code_challenge_method must be S256")
		return
	case len(q.Get("code_challenge")) != 43:
		bad("code_challenge must be 43 characters (base64url SHA-256)")
		return
	}
	requested := strings.Fields(q.Get("scope"))
	if len(requested) == 0 {
		bad("Missing required parameter: scope")
		return
	}
	for _, sc := range requested {
		if !slices.Contains(googleScopes, sc) {
			googleBadPage(w, http.StatusBadRequest, "invalid_scope", "Some requested scopes were invalid: "+sc)
			return
		}
	}
	to, _ := url.Parse(redirect)
	v := to.Query()
	granted := grantScopes(u, requested)
	if len(granted) == 0 {
		v.Set("error", "access_denied")
	} else {
		gc := &gCode{code: "4/0" + randHex(24), user: u.ID, client: c.ID, redirect: redirect,
			challenge: q.Get("code_challenge"), scopes: granted, exp: now.Add(10 * time.Minute),
			offline: q.Get("access_type") == "offline" && slices.Contains(strings.Fields(q.Get("prompt")), "consent")}
		s.mu.Lock()
		s.g.codes[gc.code] = gc
		s.mu.Unlock()
		v.Set("code", gc.code)
		v.Set("scope", strings.Join(granted, " "))
	}
	v.Set("state", q.Get("state"))
	to.RawQuery = v.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

// googleClientAuth authenticates the app: client_id and client_secret in
// the form body (HTTP Basic is accepted too, as Google does).
func (s *Server) googleClientAuth(r *http.Request) (Client, int, string, string) {
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id == "" {
		return Client{}, http.StatusBadRequest, "invalid_request", "Could not determine client ID from request."
	}
	c, ok := s.clients[id]
	switch {
	case !ok:
		return Client{}, http.StatusUnauthorized, "invalid_client", "The OAuth client was not found."
	case secret == "":
		return Client{}, http.StatusBadRequest, "invalid_request", "client_secret is missing."
	case secret != c.Secret:
		return Client{}, http.StatusUnauthorized, "invalid_client", "Unauthorized"
	}
	return c, 0, "", ""
}

func (s *Server) googleToken(w http.ResponseWriter, r *http.Request, now time.Time) {
	if r.Method != http.MethodPost {
		writeOAuthErr(w, http.StatusMethodNotAllowed, "invalid_request", "Method not allowed: use POST.")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthErr(w, http.StatusBadRequest, "invalid_request", "Malformed form body.")
		return
	}
	c, status, code, desc := s.googleClientAuth(r)
	if status != 0 {
		writeOAuthErr(w, status, code, desc)
		return
	}
	f := r.PostForm
	s.mu.Lock()
	defer s.mu.Unlock()
	var body []byte
	switch f.Get("grant_type") {
	case "authorization_code":
		status, body = s.googleExchangeLocked(c, f, now)
	case "refresh_token":
		status, body = s.googleRefreshLocked(c, f, now)
	case "":
		status, body = http.StatusBadRequest, mustJSON(gOAuthErr{"unsupported_grant_type", "Invalid grant_type: "})
	default:
		status, body = http.StatusBadRequest, mustJSON(gOAuthErr{"unsupported_grant_type", "Invalid grant_type: " + f.Get("grant_type")})
	}
	writeGoogleJSON(w, status, body)
}

func (s *Server) gInvalidGrantLocked(user, desc string) (int, []byte) {
	if user != "" {
		s.statsLocked(user).InvalidGrant++
	}
	return http.StatusBadRequest, mustJSON(gOAuthErr{"invalid_grant", desc})
}

func (s *Server) googleExchangeLocked(c Client, f url.Values, now time.Time) (int, []byte) {
	code := f.Get("code")
	if code == "" {
		return http.StatusBadRequest, mustJSON(gOAuthErr{"invalid_request", "Missing required parameter: code"})
	}
	gc := s.g.codes[code]
	if gc == nil || gc.client != c.ID {
		return s.gInvalidGrantLocked("", "Malformed auth code.")
	}
	if gc.used || !now.Before(gc.exp) {
		return s.gInvalidGrantLocked(gc.user, "Bad Request")
	}
	gc.used = true
	if f.Get("redirect_uri") != gc.redirect {
		return http.StatusBadRequest, mustJSON(gOAuthErr{"redirect_uri_mismatch", "Bad Request"})
	}
	v := f.Get("code_verifier")
	if v == "" {
		return s.gInvalidGrantLocked(gc.user, "Missing code verifier.")
	}
	sum := sha256.Sum256([]byte(v))
	if len(v) < 43 || len(v) > 128 || base64.RawURLEncoding.EncodeToString(sum[:]) != gc.challenge {
		return s.gInvalidGrantLocked(gc.user, "Invalid code verifier.")
	}
	s.statsLocked(gc.user).CodeExchanges++
	return http.StatusOK, s.googleIssueLocked(gc.user, c.ID, gc.scopes, now, gc.offline)
}

// googleIssueLocked issues an access token (and a refresh token when
// withRefresh) and returns the token answer.
func (s *Server) googleIssueLocked(user, client string, scopes []string, now time.Time, withRefresh bool) []byte {
	at := &gAccess{tok: "ya29.sim-" + randHex(32), user: user, client: client, scopes: scopes, exp: now.Add(s.cfg.GoogleAccessTTL)}
	s.g.access[at.tok] = at
	s.issued = append(s.issued, at.tok)
	resp := gTokenResp{AccessToken: at.tok, ExpiresIn: googleExpiresIn(s.cfg.GoogleAccessTTL), Scope: strings.Join(scopes, " "), TokenType: "Bearer"}
	if withRefresh {
		rt := &gRefresh{tok: "1//sim-" + randHex(32), user: user, client: client, scopes: scopes}
		if s.cfg.GoogleRefreshTTL > 0 {
			rt.exp = now.Add(s.cfg.GoogleRefreshTTL)
		}
		s.g.refresh[rt.tok] = rt
		s.issued = append(s.issued, rt.tok)
		resp.RefreshToken = rt.tok
	}
	return mustJSON(resp)
}

// googleExpiresIn is expires_in for a lifetime: a second less, as Google
// answers 3599 for its one-hour tokens.
func googleExpiresIn(ttl time.Duration) int {
	n := int(ttl / time.Second)
	if n > 1 {
		n--
	}
	return n
}

func (s *Server) googleRefreshLocked(c Client, f url.Values, now time.Time) (int, []byte) {
	tok := f.Get("refresh_token")
	if tok == "" {
		return http.StatusBadRequest, mustJSON(gOAuthErr{"invalid_request", "Missing required parameter: refresh_token"})
	}
	rt := s.g.refresh[tok]
	if rt == nil || rt.client != c.ID {
		return s.gInvalidGrantLocked("", "Bad Request")
	}
	if rt.dead || (!rt.exp.IsZero() && !now.Before(rt.exp)) {
		return s.gInvalidGrantLocked(rt.user, "Token has been expired or revoked.")
	}
	s.statsLocked(rt.user).Refreshes++
	// No rotation: the answer carries no refresh_token; keep the old one.
	return http.StatusOK, s.googleIssueLocked(rt.user, rt.client, rt.scopes, now, false)
}

// googleRevoke revokes the grant an access or refresh token belongs to:
// every token of that user and client dies.
func (s *Server) googleRevoke(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeOAuthErr(w, http.StatusMethodNotAllowed, "invalid_request", "Method not allowed: use POST.")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthErr(w, http.StatusBadRequest, "invalid_request", "Malformed form body.")
		return
	}
	tok := r.Form.Get("token")
	if tok == "" {
		writeOAuthErr(w, http.StatusBadRequest, "invalid_request", "Missing required parameter: token")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var user, client string
	if at := s.g.access[tok]; at != nil && !at.revoked {
		user, client = at.user, at.client
	} else if rt := s.g.refresh[tok]; rt != nil && !rt.dead {
		user, client = rt.user, rt.client
	}
	if user == "" {
		writeOAuthErr(w, http.StatusBadRequest, "invalid_token", "Token expired or revoked")
		return
	}
	for _, at := range s.g.access {
		if at.user == user && at.client == client {
			at.revoked = true
		}
	}
	for _, rt := range s.g.refresh {
		if rt.user == user && rt.client == client {
			rt.dead = true
		}
	}
	s.statsLocked(user).Revokes++
	writeGoogleJSON(w, http.StatusOK, []byte("{}"))
}

// IssueGoogleTokens issues a Google access and refresh token without the
// consent dance (a test and bootstrap shortcut). scopes nil means every
// read scope the user grants; an empty clientID means SandboxGoogleClient.
// It panics on an unknown user or client.
func (s *Server) IssueGoogleTokens(userID, clientID string, scopes []string) (access, refresh string) {
	u := s.byID[userID]
	if u == nil {
		panic("sim: IssueGoogleTokens: unknown user " + userID)
	}
	if clientID == "" {
		clientID = SandboxGoogleClient.ID
	}
	if _, ok := s.clients[clientID]; !ok {
		panic("sim: IssueGoogleTokens: unknown client " + clientID)
	}
	if scopes == nil {
		scopes = googleScopes
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	before := len(s.issued)
	s.googleIssueLocked(userID, clientID, grantScopes(u, scopes), now, true)
	return s.issued[before], s.issued[before+1]
}
