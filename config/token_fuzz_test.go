package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzStoreLoad reads arbitrary bytes as token.json: no panic; a failure
// is ErrTokenUnreadable (never a silent empty token); a token that loads
// holds an access or refresh token; and its printed forms never show
// either secret.
func FuzzStoreLoad(f *testing.F) {
	f.Add([]byte(`{"access_token":"eyJhbGciOiJIUzI1NiJ9.access","refresh_token":"c0ffee0123456789refresh","expiry":"2026-11-20T19:00:00Z","scopes":["activity","heartrate"],"user_id":"SIM001","token_type":"Bearer","source":"fitbit","client_id":"SANDBOX","obtained_at":"2026-11-20T11:00:00Z"}`))
	f.Add([]byte(`{"refresh_token":"only-refresh-token"}`))
	f.Add([]byte(`{"access_token":"","refresh_token":""}`))
	f.Add([]byte(`{"access_token":"x","expiry":"not a time"}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"access_token":"abc"`))
	f.Add([]byte{0xff, 0xfe})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "token.json"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		tok, err := OpenStore(dir).Load()
		if err != nil {
			if !errors.Is(err, ErrTokenUnreadable) {
				t.Fatalf("a bad token file is not ErrTokenUnreadable: %v", err)
			}
			return
		}
		if tok == nil || tok.AccessToken == "" && tok.RefreshToken == "" {
			t.Fatalf("loaded an empty token from %q", data)
		}
		for _, s := range []string{tok.String(), fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v", *tok, *tok, *tok), tok.LogValue().String()} {
			for _, secret := range []string{tok.AccessToken, tok.RefreshToken} {
				// Short secrets could occur in the text by chance.
				if len(secret) >= 8 && strings.Contains(s, secret) {
					t.Fatalf("a printed token shows a secret: %q", s)
				}
			}
		}
	})
}
