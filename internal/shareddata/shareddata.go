// Package shareddata locates the read-only development data set that lives
// beside the project (../shared/data). A user's fresh clone has no such folder,
// so tests that need it skip with a clear message instead of failing.
package shareddata

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// EnvVar overrides the location of the shared data folder.
const EnvVar = "NEWSDIGEST_SHARED_DATA"

// Find returns the shared data folder: $NEWSDIGEST_SHARED_DATA, else
// ../shared/data beside the module root found by walking up from the working
// directory.
func Find() (string, error) {
	if dir := os.Getenv(EnvVar); dir != "" {
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			data := filepath.Join(dir, "..", "shared", "data")
			if _, err := os.Stat(data); err != nil {
				return "", err
			}
			return data, nil
		}
		if filepath.Dir(dir) == dir {
			return "", errors.New("shareddata: no go.mod above the working directory")
		}
	}
}

// Dir returns the shared data folder, or skips the test when it is absent.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := Find()
	if err != nil {
		t.Skipf("shared test data not found (../shared/data beside the repo, or $%s): %v", EnvVar, err)
	}
	return dir
}

// Path returns a file or folder inside the shared data, skipping the test when
// it is absent.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{Dir(t)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared test data %s not found: %v", p, err)
	}
	return p
}
