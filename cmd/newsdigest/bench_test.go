package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestMain lets the bench command run its phases in child processes of
// the test binary: with envBenchChild set the binary is the command line,
// not the tests.
func TestMain(m *testing.M) {
	if os.Getenv(envBenchChild) == "1" {
		os.Exit(cli(context.Background(), &cliEnv{environ: os.Environ(), stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// A small push through the bench command prints every figure, each a
// number in a sane range. (A push of a few dozen messages fits in the
// limiters' bursts, so its rate may exceed the limit: only the big run's
// rate means anything.)
func TestBenchCommandPrintsEveryFigure(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two child processes")
	}
	var out, errs bytes.Buffer
	env := &cliEnv{environ: os.Environ(), stdout: &out, stderr: &errs}
	args := []string{"bench", "--subscribers", "40", "--articles", "150", "--days", "1", "--data", "../../eval/testdata/data"}
	if code := cli(context.Background(), env, args); code != 0 {
		t.Fatalf("bench exited %d:\n%s", code, errs.String())
	}
	got := map[string]float64{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		f, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil {
			t.Errorf("line %q is not key=number", sc.Text())
		}
		got[k] = f
	}
	ranges := map[string][2]float64{
		"subscribers": {40, 40}, "articles": {150, 150}, "window_articles": {150, 150}, "rate": {1000, 1000}, "stories": {50, 50},
		"compose_s": {0, 60}, "first_message_s": {0, 60}, "achieved_per_allowed": {0.001, 100}, "n429": {0, 0},
		"cpu_us_per_msg": {1, 1e6}, "commits_per_msg": {0.0001, 1}, "open_peak_rss_mib": {1, 1024}, "peak_rss_mib": {1, 1024},
		"peak_rss_anon_mib": {1, 1024}, "peak_rss_file_mib": {0, 1024}, "peak_heap_live_mib": {0.1, 1024},
		"messages": {1, 400}, "digests": {1, 40}, "messages_per_digest": {1, 10},
		"bare_cpu_us_per_msg": {1, 1e6}, "bare_achieved_per_allowed": {0.001, 100}, "bare_n429": {0, 0}, "cpu_per_bare": {0.01, 1000},
	}
	for k, r := range ranges {
		v, ok := got[k]
		if !ok {
			t.Errorf("no %s= line in:\n%s", k, out.String())
		} else if v < r[0] || v > r[1] {
			t.Errorf("%s=%g, want it in [%g, %g]", k, v, r[0], r[1])
		}
	}
	if got["messages"] < got["digests"] {
		t.Errorf("%g messages for %g digests", got["messages"], got["digests"])
	}
}

func TestBenchCommandRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--subscribers", "0"}, {"--rate", "-1"}, {"--stories", "51"}, {"extra"}, {"--child", "nope"}} {
		if err := runBench(context.Background(), &cliEnv{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}, args); err == nil {
			t.Errorf("bench %v succeeded", args)
		}
	}
}
