package main

import (
	"bufio"
	"debug/elf"
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
// and starts it the way the image's entrypoint does, as a newcomer would:
// no token, so it prints the seed digest and exits 0.
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
	run.Env = []string{"NEWSDIGEST_DB=" + filepath.Join(data, filepath.Base(d.env["NEWSDIGEST_DB"])),
		"NEWSDIGEST_HTTP_ADDR=" + d.env["NEWSDIGEST_HTTP_ADDR"]}
	b, err := run.Output()
	if err != nil || !strings.Contains(string(b), seedLead) {
		t.Fatalf("starting the image's command: %v\n%s", err, b)
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
