package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // user zones must load on machines without a zoneinfo database

	"github.com/fitexport/fitexport/dates"
)

// Config configures a simulator. The zero value is usable.
type Config struct {
	// Seed selects the synthetic universe: same seed, same bytes.
	Seed int64
	// Users are the simulated accounts; nil means DefaultUsers().
	Users []User
	// Clients are the registered OAuth apps of both faces; nil means
	// []Client{SandboxClient, SandboxGoogleClient}.
	Clients []Client
	// AccessTTL is the access-token lifetime (expires_in); default 8h.
	AccessTTL time.Duration
	// Quota is the number of requests per window per user; default 150.
	Quota int
	// Window is the rate-limit window, aligned to multiples of Window since
	// the Unix epoch (the top of the hour for 1h); default 1h.
	Window time.Duration
	// RetryAfter adds a Retry-After header to 429 answers.
	RetryAfter bool
	// Now is the clock for tokens, windows and sync; default time.Now.
	Now func() time.Time

	// GoogleAccessTTL is the Google face's access-token lifetime; default
	// 1h (the token answer says expires_in 3599, as Google does).
	GoogleAccessTTL time.Duration
	// GoogleRefreshTTL, when set, kills a Google refresh token that long
	// after it was issued (7×24h simulates a consent screen in "Testing");
	// 0 means refresh tokens live until revoked.
	GoogleRefreshTTL time.Duration
	// GoogleQuota is the Google face's requests per GoogleWindow per user;
	// default 300.
	GoogleQuota int
	// GoogleWindow is the Google face's quota window, aligned to multiples
	// of it since the Unix epoch; default 1 minute.
	GoogleWindow time.Duration
}

// User is a simulated account.
type User struct {
	// ID is the encodedId, e.g. "SIM001".
	ID string
	// Zone is the profile time zone (IANA name).
	Zone string
	// MemberSince is the first day with data.
	MemberSince dates.Date
	// LastSync is the tracker's last sync instant; zero means Now() − 1h at
	// each request. Data after min(LastSync, Now) is not served yet.
	LastSync time.Time
	// Scopes are the scopes the user grants at consent; nil means all.
	Scopes []string
}

// Client is a registered OAuth app.
type Client struct {
	ID, Secret, RedirectURL string
	// Public apps send client_id in the token request body instead of
	// authenticating with HTTP Basic.
	Public bool
}

// SandboxClient is the app registered by default (a value: never mutate it).
var SandboxClient = Client{ID: "SANDBOX", Secret: "sandbox-secret", RedirectURL: "http://127.0.0.1:8080/"}

// AllScopes are the Fitbit scopes the consent page accepts.
var allScopes = []string{"activity", "cardio_fitness", "electrocardiogram", "heartrate", "irregular_rhythm_notifications", "location", "nutrition", "oxygen_saturation", "profile", "respiratory_rate", "settings", "sleep", "social", "temperature", "weight"}

// AllScopes returns every scope the Fitbit API knows.
func AllScopes() []string { return append([]string(nil), allScopes...) }

// DefaultUsers returns the built-in users: SIM001 (Europe/Berlin) and SIM002
// (America/New_York), members since 2024-01-01, all scopes, LastSync an hour
// before Now.
func DefaultUsers() []User {
	since := dates.Date{Year: 2024, Month: time.January, Day: 1}
	return []User{
		{ID: "SIM001", Zone: "Europe/Berlin", MemberSince: since},
		{ID: "SIM002", Zone: "America/New_York", MemberSince: since},
	}
}

// FaultKind names an injected failure.
type FaultKind int

const (
	// NoFault injects nothing.
	NoFault FaultKind = iota
	// Fault5xx answers 503 with the errors[] body.
	Fault5xx
	// FaultReset closes the connection without answering.
	FaultReset
	// FaultTruncate sends the status and full Content-Length but only half
	// the body, then closes the connection.
	FaultTruncate
	// FaultSlow waits Delay (or until the request is cancelled) and then
	// answers normally.
	FaultSlow
	// Fault429 answers 429 even under quota.
	Fault429
	// FaultExpireToken expires the request's access token now: 401 expired_token.
	FaultExpireToken
)

// Fault describes failures injected into data requests (not OAuth ones).
// Matching requests are counted from SetFault on; every Every-th one fails.
type Fault struct {
	Kind FaultKind
	// Every: fault every Nth matching data request (0 or 1 = all).
	Every int
	// Count: stop after Count faults (0 = unlimited).
	Count int
	// PathContains restricts the fault to paths containing it.
	PathContains string
	// Delay is FaultSlow's wait.
	Delay time.Duration
}

// Stats counts what a user's requests did.
type Stats struct {
	// Requests counts authenticated data, profile and devices requests of
	// both faces (Fitbit and Google; the OAuth counters below count both
	// faces' token endpoints too).
	Requests int
	// ByPath counts Requests by URL path (without query), e.g.
	// "/v4/users/me/dataTypes/steps/dataPoints:reconcile".
	ByPath        map[string]int
	Status429     int
	InvalidGrant  int
	Refreshes     int
	CodeExchanges int
	Revokes       int
}

// Server is the simulator; it implements http.Handler and is safe for
// concurrent use.
type Server struct {
	cfg     Config
	users   []*userState
	byID    map[string]*userState
	clients map[string]Client
	cache   *dayCache

	mu       sync.Mutex
	gone     bool
	fault    Fault
	faultN   int // matching requests seen since SetFault
	faultHit int // faults injected since SetFault
	codes    map[string]*authCode
	access   map[string]*accessTok
	refresh  map[string]*refreshTok
	issued   []string
	stats    map[string]*Stats
	rate     map[string]*rateWindow
	g        googleState // the Google face's tokens, quota and switches (guarded by mu)
}

type rateWindow struct {
	start int64 // window start, Unix nanoseconds
	n     int
}

// New returns a simulator for cfg. It panics on an invalid configuration
// (unknown time zone, duplicate user or client id), a programming error.
func New(cfg Config) *Server {
	if cfg.Users == nil {
		cfg.Users = DefaultUsers()
	}
	if cfg.Clients == nil {
		cfg.Clients = []Client{SandboxClient, SandboxGoogleClient}
	}
	if cfg.AccessTTL <= 0 {
		cfg.AccessTTL = 8 * time.Hour
	}
	if cfg.Quota <= 0 {
		cfg.Quota = 150
	}
	if cfg.Window <= 0 {
		cfg.Window = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.GoogleAccessTTL <= 0 {
		cfg.GoogleAccessTTL = time.Hour
	}
	if cfg.GoogleQuota <= 0 {
		cfg.GoogleQuota = 300
	}
	if cfg.GoogleWindow <= 0 {
		cfg.GoogleWindow = time.Minute
	}
	s := &Server{
		cfg:     cfg,
		byID:    map[string]*userState{},
		clients: map[string]Client{},
		cache:   newDayCache(96),
		codes:   map[string]*authCode{},
		access:  map[string]*accessTok{},
		refresh: map[string]*refreshTok{},
		stats:   map[string]*Stats{},
		rate:    map[string]*rateWindow{},
		g:       newGoogleState(),
	}
	for _, u := range cfg.Users {
		if _, dup := s.byID[u.ID]; dup || u.ID == "" || u.ID == "-" {
			panic(fmt.Sprintf("sim: invalid or duplicate user id %q", u.ID))
		}
		loc, err := time.LoadLocation(u.Zone)
		if err != nil {
			panic(fmt.Sprintf("sim: user %s: %v", u.ID, err))
		}
		if u.MemberSince.IsZero() {
			u.MemberSince = dates.Date{Year: 2024, Month: time.January, Day: 1}
		}
		us := newUserState(cfg.Seed, u, loc)
		s.users = append(s.users, us)
		s.byID[u.ID] = us
	}
	for _, c := range cfg.Clients {
		if _, dup := s.clients[c.ID]; dup || c.ID == "" {
			panic(fmt.Sprintf("sim: invalid or duplicate client id %q", c.ID))
		}
		s.clients[c.ID] = c
	}
	return s
}

func (s *Server) now() time.Time { return s.cfg.Now() }

// SetLastSync moves the user's tracker sync instant (zero: an hour before Now).
func (s *Server) SetLastSync(userID string, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.byID[userID]; u != nil {
		u.lastSync = t
	}
}

// syncCutoff is the instant before which the user's data is served.
func (s *Server) syncCutoff(u *userState) time.Time {
	now := s.now()
	s.mu.Lock()
	ls := u.lastSync
	s.mu.Unlock()
	return effectiveSync(ls, now)
}

func effectiveSync(ls, now time.Time) time.Time {
	if ls.IsZero() {
		ls = now.Add(-time.Hour).Truncate(time.Second)
	}
	if ls.After(now) {
		return now
	}
	return ls
}

// lastSyncAt is the tracker's lastSyncTime as the devices endpoint shows it.
func (s *Server) lastSyncAt(u *userState) time.Time {
	s.mu.Lock()
	ls := u.lastSync
	s.mu.Unlock()
	if ls.IsZero() {
		ls = s.now().Add(-time.Hour).Truncate(time.Second)
	}
	return ls
}

// SetFault replaces the current fault; Fault{} clears it.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault, s.faultN, s.faultHit = f, 0, 0
}

// Gone switches 410 mode: when on, every Fitbit endpoint answers 410 Gone
// (the Google face is not affected).
func (s *Server) Gone(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gone = on
}

// Stats returns a copy of the user's counters.
func (s *Server) Stats(userID string) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.statsLocked(userID)
	out := *st
	out.ByPath = make(map[string]int, len(st.ByPath))
	for k, v := range st.ByPath {
		out.ByPath[k] = v
	}
	return out
}

func (s *Server) statsLocked(userID string) *Stats {
	st := s.stats[userID]
	if st == nil {
		st = &Stats{ByPath: map[string]int{}}
		s.stats[userID] = st
	}
	return st
}

// Truth returns the ground truth served for userID, nil for an unknown user.
func (s *Server) Truth(userID string) *Truth {
	u := s.byID[userID]
	if u == nil {
		return nil
	}
	return &Truth{s: s, u: u}
}

// faultLocked counts a matching data request and says which fault, if any,
// to inject into it.
func (s *Server) faultLocked(path string) Fault {
	f := s.fault
	if f.Kind == NoFault || !strings.Contains(path, f.PathContains) {
		return Fault{}
	}
	if f.Count > 0 && s.faultHit >= f.Count {
		return Fault{}
	}
	s.faultN++
	every := f.Every
	if every <= 0 {
		every = 1
	}
	if s.faultN%every != 0 {
		return Fault{}
	}
	s.faultHit++
	return f
}

// window returns the aligned window's start and end containing now.
func (s *Server) window(now time.Time) (start, end time.Time) {
	w := int64(s.cfg.Window)
	ns := now.UnixNano()
	st := ns - ((ns%w)+w)%w
	return time.Unix(0, st), time.Unix(0, st+w)
}

// countLocked counts a request of user against the current window and
// returns the count including it.
func (s *Server) countLocked(user string, now time.Time) int {
	st, _ := s.window(now)
	rw := s.rate[user]
	if rw == nil || rw.start != st.UnixNano() {
		rw = &rateWindow{start: st.UnixNano()}
		s.rate[user] = rw
	}
	rw.n++
	return rw.n
}

func (s *Server) usedLocked(user string, now time.Time) int {
	st, _ := s.window(now)
	if rw := s.rate[user]; rw != nil && rw.start == st.UnixNano() {
		return rw.n
	}
	return 0
}

// setRate writes the rate-limit headers for a window where used requests
// are spent.
func (s *Server) setRate(w http.ResponseWriter, used int, now time.Time) int {
	_, end := s.window(now)
	reset := int((end.Sub(now) + time.Second - 1) / time.Second)
	rem := s.cfg.Quota - used
	if rem < 0 {
		rem = 0
	}
	h := w.Header()
	h.Set("Fitbit-Rate-Limit-Limit", strconv.Itoa(s.cfg.Quota))
	h.Set("Fitbit-Rate-Limit-Remaining", strconv.Itoa(rem))
	h.Set("Fitbit-Rate-Limit-Reset", strconv.Itoa(reset))
	return reset
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	if isGooglePath(r.URL.Path) {
		// The Google face: no Fitbit rate headers, unaffected by Gone.
		s.serveGoogle(w, r, now)
		return
	}
	s.setRate(w, 0, now)
	s.mu.Lock()
	gone := s.gone
	s.mu.Unlock()
	if gone {
		writeErr(w, apiErr{http.StatusGone, "request", "The Fitbit Web API has been shut down; use the Google Health API."})
		return
	}
	switch r.URL.Path {
	case "/oauth2/authorize":
		s.authorize(w, r, now)
	case "/oauth2/token":
		s.token(w, r, now)
	case "/oauth2/revoke":
		s.revoke(w, r, now)
	default:
		s.data(w, r, now)
	}
}

// apiErr is a Fitbit error answer.
type apiErr struct {
	status int
	typ    string
	msg    string
}

type errBody struct {
	Errors  []errItem `json:"errors"`
	Success bool      `json:"success"`
}

type errItem struct {
	ErrorType string `json:"errorType"`
	FieldName string `json:"fieldName"`
	Message   string `json:"message"`
}

func errJSON(e apiErr) []byte {
	return mustJSON(errBody{Errors: []errItem{{ErrorType: e.typ, FieldName: "n/a", Message: e.msg}}})
}

func writeErr(w http.ResponseWriter, e apiErr) { writeJSON(w, e.status, errJSON(e)) }

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// mustJSON encodes v compactly, without HTML escaping (URLs keep their &).
func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("sim: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// sleepCtx waits d or until ctx is done; it reports whether d elapsed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func hash64(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64()
}
