package sim_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fitexport/fitexport/sim"
)

// genv is an env with a Google token pair for SIM001 (every read scope).
type genv struct {
	*env
	gAccess, gRefresh string
}

func newGEnv(t *testing.T, cfg sim.Config) *genv {
	t.Helper()
	e := newEnv(t, cfg)
	g := &genv{env: e}
	g.gAccess, g.gRefresh = e.s.IssueGoogleTokens("SIM001", "", nil)
	return g
}

// gget sends GET path?query with the Google access token tok.
func (g *genv) gget(t *testing.T, tok, path string, query url.Values) result {
	t.Helper()
	u := g.srv.URL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return do(t, g.srv.Client(), req)
}

// gpost sends a JSON body to path with the Google access token tok.
func (g *genv) gpost(t *testing.T, tok, path, body string) result {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, g.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return do(t, g.srv.Client(), req)
}

// gform posts a form to a Google OAuth endpoint (credentials in the body).
func (g *genv) gform(t *testing.T, path string, form url.Values) result {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, g.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, g.srv.Client(), req)
}

// googleErr is the Google error envelope.
type googleErr struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Details []struct {
			Type   string `json:"@type"`
			Reason string `json:"reason"`
		} `json:"details"`
	} `json:"error"`
}

// wantGErr checks status, google.rpc status and ErrorInfo reason ("" = no details).
func wantGErr(t *testing.T, r result, code int, status, reason string) googleErr {
	t.Helper()
	if r.status != code {
		t.Fatalf("HTTP %d, want %d: %s", r.status, code, trunc(r.body))
	}
	ge := decode[googleErr](t, r.body)
	if ge.Error.Code != code || ge.Error.Status != status || ge.Error.Message == "" {
		t.Fatalf("error %s, want code %d status %s", trunc(r.body), code, status)
	}
	got := ""
	if len(ge.Error.Details) > 0 {
		got = ge.Error.Details[0].Reason
		if ge.Error.Details[0].Type != "type.googleapis.com/google.rpc.ErrorInfo" {
			t.Errorf("details @type %q", ge.Error.Details[0].Type)
		}
	}
	if got != reason {
		t.Fatalf("reason %q, want %q: %s", got, reason, trunc(r.body))
	}
	return ge
}

// dayFilter is the civil filter of local day day for a field.
func dayFilter(field, day, next string) url.Values {
	return url.Values{"filter": {field + ` >= "` + day + `T00:00:00" AND ` + field + ` < "` + next + `T00:00:00"`}}
}

const v4 = "/v4/users/me/"
