package sim

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

type authCode struct {
	code, user, client, redirect, challenge string
	scopes                                  []string
	exp                                     time.Time
	used                                    bool
}

// pair is one issued access/refresh pair and the token response that
// carried it.
type pair struct {
	access  *accessTok
	refresh *refreshTok
	resp    []byte
	used    bool // the access token or the refresh token has been used
}

type accessTok struct {
	tok, user, client string
	scopes            []string
	exp               time.Time
	revoked           bool
	pair              *pair
}

type refreshState int

const (
	refreshLive refreshState = iota
	refreshRotated
	refreshDead
)

type refreshTok struct {
	tok, user, client string
	scopes            []string
	state             refreshState
	pair              *pair // the pair this token belongs to
	next              *pair // the pair issued when this token was spent
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newAccessToken returns a JWT-looking opaque token, as Fitbit's are.
func newAccessToken(user, client string, scopes []string, iat, exp time.Time) string {
	enc := base64.RawURLEncoding
	claims, _ := json.Marshal(map[string]any{
		"aud": client, "sub": user, "iss": "Fitbit", "typ": "access_token",
		"scopes": strings.Join(scopes, " "), "iat": iat.Unix(), "exp": exp.Unix(), "jti": randHex(8),
	})
	sig := make([]byte, 32)
	_, _ = rand.Read(sig)
	return enc.EncodeToString([]byte(`{"alg":"HS256"}`)) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString(sig)
}

type tokenResp struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	TokenType    string `json:"token_type"`
	UserID       string `json:"user_id"`
}

// issueLocked issues a new pair for user and client; when fresh (a new login)
// it kills the user's other refresh tokens for that app.
func (s *Server) issueLocked(user, client string, scopes []string, now time.Time, fresh bool) *pair {
	if fresh {
		for _, rt := range s.refresh {
			if rt.user == user && rt.client == client {
				rt.state = refreshDead
			}
		}
	}
	exp := now.Add(s.cfg.AccessTTL)
	p := &pair{}
	p.access = &accessTok{tok: newAccessToken(user, client, scopes, now, exp), user: user, client: client, scopes: scopes, exp: exp, pair: p}
	p.refresh = &refreshTok{tok: randHex(32), user: user, client: client, scopes: scopes, pair: p}
	s.access[p.access.tok] = p.access
	s.refresh[p.refresh.tok] = p.refresh
	s.issued = append(s.issued, p.access.tok, p.refresh.tok)
	p.resp = mustJSON(tokenResp{
		AccessToken: p.access.tok, ExpiresIn: int(s.cfg.AccessTTL / time.Second), RefreshToken: p.refresh.tok,
		Scope: strings.Join(scopes, " "), TokenType: "Bearer", UserID: user,
	})
	return p
}

// IssueTokens issues a token pair without the consent dance (a test and
// bootstrap shortcut). scopes nil means every scope the user grants; an
// empty clientID means the first configured client. Like a login, it kills
// the user's older refresh tokens for that app. It panics on an unknown
// user or client.
func (s *Server) IssueTokens(userID, clientID string, scopes []string) (access, refresh string) {
	u := s.byID[userID]
	if u == nil {
		panic("sim: IssueTokens: unknown user " + userID)
	}
	if clientID == "" {
		clientID = s.cfg.Clients[0].ID
	}
	if _, ok := s.clients[clientID]; !ok {
		panic("sim: IssueTokens: unknown client " + clientID)
	}
	if scopes == nil {
		scopes = allScopes
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.issueLocked(userID, clientID, grantScopes(u, scopes), s.now(), true)
	return p.access.tok, p.refresh.tok
}

// IssuedTokens returns every access and refresh token ever issued, in order
// (for leak checks).
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// grantScopes keeps the requested scopes the user grants, in request order.
func grantScopes(u *userState, requested []string) []string {
	out := []string{}
	for _, sc := range requested {
		if (u.Scopes == nil || slices.Contains(u.Scopes, sc)) && !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

func badPage(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>Fitbit simulator: bad request</title></head><body><h1>Bad request</h1><p>%s</p></body></html>\n", html.EscapeString(msg))
}

// authorize is the consent page: it validates and auto-approves.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, now time.Time) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		badPage(w, "method not allowed")
		return
	}
	q := r.URL.Query()
	c, ok := s.clients[q.Get("client_id")]
	if !ok {
		badPage(w, "invalid client_id "+q.Get("client_id"))
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect != c.RedirectURL {
		badPage(w, "invalid redirect_uri: it must match the registered one exactly: "+c.RedirectURL)
		return
	}
	fail := func(code, desc string) {
		u, _ := url.Parse(redirect)
		v := u.Query()
		v.Set("error", code)
		v.Set("error_description", desc)
		if st := q.Get("state"); st != "" {
			v.Set("state", st)
		}
		u.RawQuery = v.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
	u := s.users[0]
	if id := q.Get("sim_user"); id != "" {
		if u = s.byID[id]; u == nil {
			badPage(w, "unknown sim_user "+id)
			return
		}
	}
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "response_type must be code")
		return
	case q.Get("state") == "":
		fail("invalid_request", "missing state")
		return
	case q.Get("code_challenge_method") != "S256":
		fail("invalid_request", "code_challenge_method must be S256")
		return
	case len(q.Get("code_challenge")) != 43:
		fail("invalid_request", "code_challenge must be 43 characters (base64url SHA-256)")
		return
	}
	requested := strings.Fields(q.Get("scope"))
	if len(requested) == 0 {
		fail("invalid_scope", "missing scope")
		return
	}
	for _, sc := range requested {
		if !slices.Contains(allScopes, sc) {
			fail("invalid_scope", "unknown scope "+sc)
			return
		}
	}
	granted := grantScopes(u, requested)
	if len(granted) == 0 {
		fail("access_denied", "the user granted none of the requested scopes")
		return
	}
	ac := &authCode{code: randHex(20), user: u.ID, client: c.ID, redirect: redirect,
		challenge: q.Get("code_challenge"), scopes: granted, exp: now.Add(10 * time.Minute)}
	s.mu.Lock()
	s.codes[ac.code] = ac
	s.mu.Unlock()
	to, _ := url.Parse(redirect)
	v := to.Query()
	v.Set("code", ac.code)
	v.Set("state", q.Get("state"))
	to.RawQuery = v.Encode()
	to.Fragment = "_=_"
	http.Redirect(w, r, to.String(), http.StatusFound)
}

// clientAuth authenticates the app at the token and revoke endpoints.
func (s *Server) clientAuth(r *http.Request) (Client, *apiErr) {
	if id, secret, ok := r.BasicAuth(); ok {
		if v, err := url.QueryUnescape(id); err == nil {
			id = v
		}
		if v, err := url.QueryUnescape(secret); err == nil {
			secret = v
		}
		c, found := s.clients[id]
		if !found || (!c.Public && secret != c.Secret) {
			return Client{}, &apiErr{http.StatusUnauthorized, "invalid_client", "Invalid authorization header. Client id invalid or client secret does not match."}
		}
		return c, nil
	}
	if r.Header.Get("Authorization") != "" {
		return Client{}, &apiErr{http.StatusUnauthorized, "invalid_client", "Invalid authorization header format. The header was not recognized to be a valid header for any of known implementations or a client_id was not specified in case of a public client"}
	}
	id := r.PostForm.Get("client_id")
	c, found := s.clients[id]
	switch {
	case id == "":
		return Client{}, &apiErr{http.StatusUnauthorized, "invalid_client", "Authorization header required or client_id missing for a public client."}
	case !found:
		return Client{}, &apiErr{http.StatusUnauthorized, "invalid_client", "Invalid client_id: " + id}
	case !c.Public:
		return Client{}, &apiErr{http.StatusUnauthorized, "invalid_client", "Authorization header required: this client is confidential."}
	}
	return c, nil
}

func (s *Server) token(w http.ResponseWriter, r *http.Request, now time.Time) {
	if r.Method != http.MethodPost {
		writeErr(w, apiErr{http.StatusMethodNotAllowed, "request", "Method not allowed: use POST."})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeErr(w, apiErr{http.StatusBadRequest, "invalid_request", "Malformed form body."})
		return
	}
	c, e := s.clientAuth(r)
	if e != nil {
		writeErr(w, *e)
		return
	}
	f := r.PostForm
	s.mu.Lock()
	defer s.mu.Unlock()
	var status int
	var body []byte
	switch f.Get("grant_type") {
	case "authorization_code":
		status, body = s.exchangeLocked(c, f, now)
	case "refresh_token":
		status, body = s.refreshLocked(c, f, now)
	case "":
		status, body = http.StatusBadRequest, errJSON(apiErr{http.StatusBadRequest, "invalid_request", "Missing parameters: grant_type"})
	default:
		status, body = http.StatusBadRequest, errJSON(apiErr{http.StatusBadRequest, "invalid_request", "Unsupported grant_type: " + f.Get("grant_type")})
	}
	writeJSON(w, status, body)
}

func (s *Server) invalidGrantLocked(user, msg string) (int, []byte) {
	if user != "" {
		s.statsLocked(user).InvalidGrant++
	}
	return http.StatusBadRequest, errJSON(apiErr{http.StatusBadRequest, "invalid_grant", msg})
}

func (s *Server) exchangeLocked(c Client, f url.Values, now time.Time) (int, []byte) {
	code := f.Get("code")
	if code == "" {
		return http.StatusBadRequest, errJSON(apiErr{http.StatusBadRequest, "invalid_request", "Missing parameters: code"})
	}
	ac := s.codes[code]
	if ac == nil || ac.client != c.ID {
		return s.invalidGrantLocked("", "Authorization code invalid: "+code)
	}
	if ac.used || !now.Before(ac.exp) {
		return s.invalidGrantLocked(ac.user, "Authorization code invalid: "+code)
	}
	ac.used = true
	if f.Get("redirect_uri") != ac.redirect {
		return s.invalidGrantLocked(ac.user, "Invalid redirect_uri parameter value: it must match the authorization request.")
	}
	v := f.Get("code_verifier")
	if v == "" {
		return http.StatusBadRequest, errJSON(apiErr{http.StatusBadRequest, "invalid_request", "Missing parameters: code_verifier"})
	}
	if len(v) < 43 || len(v) > 128 {
		return http.StatusBadRequest, errJSON(apiErr{http.StatusBadRequest, "invalid_request", "Invalid code_verifier: it must be 43 to 128 characters."})
	}
	sum := sha256.Sum256([]byte(v))
	if base64.RawURLEncoding.EncodeToString(sum[:]) != ac.challenge {
		return s.invalidGrantLocked(ac.user, "Invalid code_verifier: it does not match the code_challenge.")
	}
	s.statsLocked(ac.user).CodeExchanges++
	p := s.issueLocked(ac.user, c.ID, ac.scopes, now, true)
	return http.StatusOK, p.resp
}

func (s *Server) refreshLocked(c Client, f url.Values, now time.Time) (int, []byte) {
	tok := f.Get("refresh_token")
	if tok == "" {
		return http.StatusBadRequest, errJSON(apiErr{http.StatusBadRequest, "invalid_request", "Missing parameters: refresh_token"})
	}
	rt := s.refresh[tok]
	if rt == nil || rt.client != c.ID {
		return s.invalidGrantLocked("", "Refresh token invalid: "+tok)
	}
	switch rt.state {
	case refreshLive:
		rt.pair.used = true // presenting it uses the pair it came with
		rt.state = refreshRotated
		rt.next = s.issueLocked(rt.user, rt.client, rt.scopes, now, false)
		s.statsLocked(rt.user).Refreshes++
		return http.StatusOK, rt.next.resp
	case refreshRotated:
		if !rt.next.used && rt.next.refresh.state == refreshLive && !rt.next.access.revoked {
			s.statsLocked(rt.user).Refreshes++
			return http.StatusOK, rt.next.resp
		}
		rt.state = refreshDead
	}
	return s.invalidGrantLocked(rt.user, "Refresh token invalid: "+tok)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request, now time.Time) {
	if r.Method != http.MethodPost {
		writeErr(w, apiErr{http.StatusMethodNotAllowed, "request", "Method not allowed: use POST."})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeErr(w, apiErr{http.StatusBadRequest, "invalid_request", "Malformed form body."})
		return
	}
	c, e := s.clientAuth(r)
	if e != nil {
		writeErr(w, *e)
		return
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		writeErr(w, apiErr{http.StatusBadRequest, "invalid_request", "Missing parameters: token"})
		return
	}
	s.mu.Lock()
	user := ""
	if at := s.access[tok]; at != nil && at.client == c.ID {
		user = at.user
	} else if rt := s.refresh[tok]; rt != nil && rt.client == c.ID {
		user = rt.user
	}
	if user != "" {
		for _, at := range s.access {
			if at.user == user && at.client == c.ID {
				at.revoked = true
			}
		}
		for _, rt := range s.refresh {
			if rt.user == user && rt.client == c.ID {
				rt.state = refreshDead
			}
		}
		s.statsLocked(user).Revokes++
		s.setRate(w, s.usedLocked(user, now), now)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, []byte("{}"))
}
