package main

import (
	"bufio"
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// dockerfile reads the build command, environment and entrypoint out of the
// repository's Dockerfile, so this test follows it when it changes.
type dockerfile struct {
	build      string            // the RUN line that runs go build
	env        map[string]string // ENV of the final stage
	entrypoint string
	cmd        string
}

func parseDockerfile(t *testing.T) dockerfile {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := dockerfile{env: map[string]string{}}
	var logical strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		if cont, ok := strings.CutSuffix(line, "\\"); ok {
			logical.WriteString(cont + " ")
			continue
		}
		logical.WriteString(line)
		d.add(logical.String())
		logical.Reset()
	}
	return d
}

var envPair = regexp.MustCompile(`([A-Z_]+)=(\S+)`)

func (d *dockerfile) add(line string) {
	word, rest, _ := strings.Cut(line, " ")
	switch word {
	case "RUN":
		if strings.Contains(rest, "go build") {
			d.build = rest
		}
	case "ENV":
		for _, m := range envPair.FindAllStringSubmatch(rest, -1) {
			d.env[m[1]] = m[2]
		}
	case "ENTRYPOINT":
		d.entrypoint = strings.Trim(rest, `[]" `)
	case "CMD":
		d.cmd = strings.Trim(rest, `[]" `)
	}
}

// TestDockerfileBuildAndStart runs the Dockerfile's build step as written
// (there is no Docker engine on our machines), checks the binary is static,
// and starts it the way the image's entrypoint does, with the image's
// environment: no token, so it exits non-zero saying so (a restart policy then shows a
// failing container, not a clean exit in a loop). `digest` still prints
// the embedded seeds, and `version` names the build.
func TestDockerfileBuildAndStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	d := parseDockerfile(t)
	if d.build == "" || d.entrypoint != "/usr/local/bin/newsdigest" || d.cmd != "run" {
		t.Fatalf("unexpected Dockerfile: build %q entrypoint %q cmd %q", d.build, d.entrypoint, d.cmd)
	}
	for _, flag := range []string{"CGO_ENABLED=0", "-trimpath"} {
		if !strings.Contains(d.build, flag) {
			t.Errorf("the build step lacks %s: %q", flag, d.build)
		}
	}
	out := t.TempDir()
	build := strings.ReplaceAll(d.build, "/out/", out+"/")
	cmd := exec.Command("sh", "-c", build)
	cmd.Dir = filepath.Join("..", "..")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, b)
	}
	bin := filepath.Join(out, "newsdigest")
	assertStatic(t, bin)

	data := t.TempDir()
	run := exec.Command(bin, d.cmd)
	for k, v := range d.env { // the image's environment, with its database in a temp folder
		if k == "NEWSDIGEST_DB" {
			v = filepath.Join(data, filepath.Base(v))
		}
		run.Env = append(run.Env, k+"="+v)
	}
	var stderr strings.Builder
	run.Stderr = &stderr
	err := run.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 || !strings.Contains(stderr.String(), "TELEGRAM_BOT_TOKEN is not set") {
		t.Fatalf("starting the image's command without a token: %v, stderr %q", err, stderr.String())
	}
	if b, err := exec.Command(bin, "digest").Output(); err != nil || !strings.Contains(string(b), seedLead) {
		t.Fatalf("newsdigest digest: %v\n%s", err, b)
	}
	if b, err := exec.Command(bin, "version").Output(); err != nil || !strings.Contains(string(b), "newsdigest") || !strings.Contains(string(b), "go1.") {
		t.Fatalf("newsdigest version: %v\n%s", err, b)
	}
}

func assertStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatalf("%s is dynamically linked: the distroless static image cannot run it", path)
		}
	}
}
