package load

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestManifestCorruptError(t *testing.T) {
	fsys := DirFS(t.TempDir())
	writeRaw(fsys, ManifestPath, `{"format_version": 1, "tool": "fitexport", "datas`)
	_, err := ReadManifest(fsys, ManifestPath)
	var ce *CorruptError
	if !errors.Is(err, ErrManifestCorrupt) || !errors.As(err, &ce) || ce.Name != ManifestPath || ce.Err == nil {
		t.Fatalf("truncated manifest: %v", err)
	}
	writeRaw(fsys, ManifestPath, `{"format_version": 9, "tool": "fitexport"}`)
	if _, err := ReadManifest(fsys, ManifestPath); errors.Is(err, ErrManifestCorrupt) {
		t.Errorf("a newer manifest is not corrupt: %v", err)
	}
}

func TestVerifyFile(t *testing.T) {
	root := t.TempDir()
	fsys := DirFS(root)
	name := "steps/month=2026-11/steps-2026-11.csv"
	f, _ := fsys.Create(name)
	f.Write([]byte("time_utc,steps\n2026-11-01T00:00:00Z,12\n"))
	f.Commit()
	b, _ := os.ReadFile(filepath.Join(root, name))
	good := FileInfo{Path: name, Rows: 1, Bytes: int64(len(b)), SHA256: sha(b)}
	if err := VerifyFile(fsys, good); err != nil {
		t.Fatalf("intact file: %v", err)
	}
	flipped := append([]byte{}, b...)
	flipped[len(b)/2] ^= 1
	os.WriteFile(filepath.Join(root, name), flipped, 0o644)
	var me *MismatchError
	if err := VerifyFile(fsys, good); !errors.As(err, &me) || !strings.Contains(err.Error(), "sha256") || !strings.Contains(err.Error(), name) {
		t.Errorf("bit flip: %v", err)
	}
	os.WriteFile(filepath.Join(root, name), b[:10], 0o644)
	if err := VerifyFile(fsys, good); !errors.As(err, &me) || me.Why != fmt.Sprintf("it has 10 bytes, the manifest records %d", len(b)) {
		t.Errorf("truncated: %v", err)
	}
	os.Remove(filepath.Join(root, name))
	if err := VerifyFile(fsys, good); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("deleted: %v", err)
	}
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
