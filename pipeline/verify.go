package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/fitexport/fitexport/extract"
	"github.com/fitexport/fitexport/load"
)

// verify checks the local files a run is about to trust, before it plans,
// and never trusts a damaged one. Each problem is one warning line on
// j.Log naming the file and what the run does about it:
//
//   - the raw cache (extract.Cache.Verify): unreadable journal lines are
//     removed and a raw answer whose size or checksum changed counts as not
//     fetched, so the run fetches its days again and replaces it;
//   - the manifest: a corrupt one is removed, so the build starts from an
//     empty manifest and rewrites every month from the raw cache (it is a
//     derived view, like the state); a manifest from a newer fitexport is an
//     error;
//   - each data file the manifest lists for this run's datasets: a missing
//     file, or one whose size or sha256 differs from the manifest's, is
//     removed, so the build rewrites its month from the raw cache;
//   - the state file: it is only a view of the journal, rewritten by every
//     build; a damaged one is reported.
//
// A dry run checks only the raw cache (so its plan counts the refetches)
// and writes nothing else. Only this run's own raw cache is verified: the
// answers of another layer cannot be fetched again by this run.
//
// It reads every data file and raw answer once (sha256 and CRC-32C), which
// costs a read of the output folder per run.
func (j Job) verify(cache *extract.Cache) error {
	damage, err := cache.Verify()
	if err != nil {
		return err
	}
	for _, d := range damage {
		fmt.Fprintf(j.Log, "warning: %s\n", d)
	}
	if j.DryRun {
		return nil
	}
	if err := j.verifyState(); err != nil {
		return err
	}
	man, err := load.ReadManifest(j.Out, ManifestPath)
	var ce *load.CorruptError
	if errors.As(err, &ce) {
		fmt.Fprintf(j.Log, "warning: manifest %s is corrupt (%v): rebuilding every month from the raw cache\n", j.display(ManifestPath), ce.Err)
		return j.Out.Remove(ManifestPath)
	}
	if err != nil {
		return err
	}
	if man.Format != "" && man.Format != string(j.Format) {
		return nil // every file is rewritten in the new format anyway
	}
	for _, d := range j.Datasets {
		e := man.Datasets[d.Name]
		if e == nil || e.SchemaVersion != d.Version {
			continue // rewritten anyway
		}
		for _, f := range e.Files {
			err := load.VerifyFile(j.Out, f)
			switch {
			case err == nil:
				continue
			case errors.Is(err, fs.ErrNotExist):
				fmt.Fprintf(j.Log, "warning: data file %s is missing: rebuilding its month from the raw cache\n", j.display(f.Path))
				continue
			}
			var me *load.MismatchError
			if !errors.As(err, &me) {
				return fmt.Errorf("verify data file %s: %w", j.display(f.Path), err)
			}
			fmt.Fprintf(j.Log, "warning: data file %s does not match the manifest (%s): rebuilding it from the raw cache\n", j.display(f.Path), me.Why)
			if err := j.Out.Remove(f.Path); err != nil {
				return fmt.Errorf("remove damaged data file %s: %w", j.display(f.Path), err)
			}
		}
	}
	return nil
}

// verifyState reports a damaged state file; the build rewrites it.
func (j Job) verifyState() error {
	r, err := j.Out.Open(StatePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", j.display(StatePath), err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read %s: %w", j.display(StatePath), err)
	}
	if !json.Valid(b) {
		fmt.Fprintf(j.Log, "warning: state file %s is damaged (not valid JSON): rewriting it from the raw cache journal\n", j.display(StatePath))
	}
	return nil
}

// display is the path of name (slash-separated, inside OUT) to show a user.
func (j Job) display(name string) string {
	if j.OutDir == "" {
		return name
	}
	return filepath.Join(j.OutDir, filepath.FromSlash(name))
}
