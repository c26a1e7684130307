package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"newsdigest/bot/bottest"
)

// TestGoModIsTidy: a newcomer reading go.mod sees which modules the code
// imports; `go mod tidy` would change nothing.
func TestGoModIsTidy(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	cmd := exec.Command(gobin, "mod", "tidy", "-diff")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if strings.Contains(string(out), "GOPROXY=off") || strings.Contains(string(out), "lookup disabled") {
		t.Skipf("module cache incomplete, cannot check offline: %s", out)
	}
	if err != nil {
		t.Fatalf("go.mod is not tidy (run go mod tidy):\n%s", out)
	}
}

// TestIngestDoneLoggedOnce: one ingest pass is one "ingest done" line.
func TestIngestDoneLoggedOnce(t *testing.T) {
	api := bottest.New(bottest.Config{})
	t.Cleanup(api.Close)
	m, logs := serveLogged(t, api.Token(), []string{"TELEGRAM_API_ENDPOINT=" + api.Endpoint(), "NEWSDIGEST_HTTP_ADDR=off"})
	before := strings.Count(logs.String(), "msg=\"ingest done\"")
	if err := m.ingest(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(logs.String(), "msg=\"ingest done\"") - before; got != 1 {
		t.Fatalf("one ingest pass logged \"ingest done\" %d times:\n%s", got, logs.String())
	}
}

// TestVersion: `newsdigest version` names the module and the Go release.
func TestVersion(t *testing.T) {
	code, out, errOut := runCLI(nil, "version")
	if code != 0 || !strings.Contains(out, "newsdigest") || !strings.Contains(out, runtime.Version()) {
		t.Fatalf("version: exit %d, %q %q", code, out, errOut)
	}
}

// TestOpsSecretRewrittenPrivately: a secret file left 0644 (or a symlink
// planted in its place) is replaced by a fresh 0600 file; the symlink's
// target is never written.
func TestOpsSecretRewrittenPrivately(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	cfg := Config{DBPath: db}
	if err := os.WriteFile(secretPath(cfg), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := writeSecret(cfg); err != nil {
		t.Fatal(err)
	}
	assertPrivateFile(t, secretPath(cfg))

	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(secretPath(cfg))
	if err := os.Symlink(victim, secretPath(cfg)); err != nil {
		t.Fatal(err)
	}
	if _, err := writeSecret(cfg); err != nil {
		t.Fatal(err)
	}
	assertPrivateFile(t, secretPath(cfg))
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Fatalf("the secret was written through the symlink into %s: %q", victim, b)
	}
}

func assertPrivateFile(t *testing.T, path string) {
	t.Helper()
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&fs.ModeSymlink != 0 || st.Mode().Perm() != 0o600 {
		t.Fatalf("%s has mode %v, want a regular file with 0600", path, st.Mode())
	}
}
