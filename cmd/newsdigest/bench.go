package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"newsdigest/bot/bottest"
)

// benchFlags are the options of `newsdigest bench`; the child ones are set
// by the parent when it runs the push and the baseline in child processes.
type benchFlags struct {
	subscribers, articles int
	rate                  float64
	data                  string
	days, stories         int
	seed                  uint64
	memProfile            string // heap profile of the push at its live-heap peak
	cpuProfile            string // CPU profile of the push process

	child                     string // "push" or "bare": run one measured phase (internal)
	db, endpoint, token, text string
	due                       int64 // unix seconds of the due minute
	messages, chats           int
}

func parseBenchFlags(args []string, stderr io.Writer) (benchFlags, error) {
	var f benchFlags
	fl := flag.NewFlagSet("bench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.IntVar(&f.subscribers, "subscribers", 100_000, "subscribers in the generated database")
	fl.IntVar(&f.articles, "articles", 50_000, "stored articles in the generated database")
	fl.Float64Var(&f.rate, "rate", 1000, "bot-wide limit in messages/s, enforced by the fake Bot API and given to the sender")
	fl.StringVar(&f.data, "data", "../shared/data", `folder of article data sets (JSON lines as in ../shared/data); "" = copies of the embedded seeds`)
	fl.IntVar(&f.days, "days", 14, "the articles' dates are spread over this many days before the push (the default retention)")
	fl.IntVar(&f.stories, "stories", 50, "stories per digest (/stories) of most subscribers: a briefing shows one line a story, so 50 makes the two-message digests issue 13 measures with (the shipped 10 fit one message)")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed of the generated database")
	fl.StringVar(&f.cpuProfile, "cpuprofile", "", "write the push process's CPU profile to this file (go tool pprof)")
	fl.StringVar(&f.memProfile, "memprofile", "", "write the push's heap profile, taken at its live-heap peak, to this file (go tool pprof)")
	fl.StringVar(&f.child, "child", "", "internal: run one measured phase (push or bare)")
	fl.StringVar(&f.db, "db", "", "internal: database of the push phase")
	fl.StringVar(&f.endpoint, "endpoint", "", "internal: fake Bot API endpoint")
	fl.StringVar(&f.token, "token", "", "internal: fake Bot API token")
	fl.StringVar(&f.text, "texts", "", "internal: JSON file of the message texts the baseline sends")
	fl.Int64Var(&f.due, "due", 0, "internal: the due minute, unix seconds")
	fl.IntVar(&f.messages, "messages", 0, "internal: messages the baseline sends")
	fl.IntVar(&f.chats, "chats", 0, "internal: chats the baseline sends to")
	if err := fl.Parse(args); err != nil {
		return f, err
	}
	if fl.NArg() > 0 {
		return f, fmt.Errorf("unexpected argument %q", fl.Arg(0))
	}
	if f.subscribers < 1 || f.articles < 1 || f.rate <= 0 || f.days < 1 || f.stories < 1 || f.stories > 50 {
		return f, errors.New("--subscribers, --articles, --rate and --days must be positive, --stories 1–50")
	}
	return f, nil
}

// runBench measures one scheduled push of the real delivery path: it builds
// a database of generated subscribers and articles in a temporary folder,
// runs the push in a child process (so its CPU time and peak RSS are the
// bot's alone) against the fake Bot API served from this process, then the
// same number of messages with a bare go-telegram-bot-api loop in another
// child as the baseline, and prints one key=value line per figure.
func runBench(ctx context.Context, env *cliEnv, args []string) error {
	f, err := parseBenchFlags(args, env.stderr)
	if err != nil {
		return err
	}
	switch f.child {
	case "":
	case "push":
		return benchPushChild(ctx, env.stdout, env.stderr, f)
	case "bare":
		return benchBareChild(ctx, env.stdout, f)
	default:
		return fmt.Errorf("--child %q: want push or bare", f.child)
	}
	dir, err := os.MkdirTemp("", "newsdigest-bench-")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(dir)
	f.db = filepath.Join(dir, "bench.db")
	// The push runs at the start of the current minute as the child sees
	// it: every subscriber has that minute (in its own zone) as a time.
	due := time.Now().UTC().Truncate(time.Minute)
	f.due = due.Unix()
	fmt.Fprintf(env.stderr, "bench: building %d subscribers and %d articles in %s\n", f.subscribers, f.articles, dir)
	built, err := buildBenchDB(ctx, f, due)
	if err != nil {
		return err
	}
	out := benchOut{w: env.stdout}
	out.line("subscribers", f.subscribers)
	out.line("articles", f.articles)
	out.line("window_articles", built.window)
	out.line("rate", f.rate)
	out.line("stories", f.stories)
	return benchPhases(ctx, env, f, &out)
}

// benchPhases runs the push, then the baseline with the push's messages.
func benchPhases(ctx context.Context, env *cliEnv, f benchFlags, out *benchOut) error {
	srv := benchFake(&f)
	defer srv.Close()
	fmt.Fprintf(env.stderr, "bench: push at %g messages/s\n", f.rate)
	push, err := runBenchChild(ctx, env, f, "push")
	if err != nil {
		return err
	}
	sent := srv.Sent()
	if len(sent) == 0 {
		return errors.New("bench: the push sent nothing")
	}
	for _, k := range []string{"compose_s", "first_message_s", "achieved_per_allowed"} {
		out.raw(k, push[k])
	}
	out.line("n429", srv.TooMany())
	for _, k := range []string{"cpu_us_per_msg", "commits_per_msg", "open_peak_rss_mib", "peak_rss_mib", "peak_rss_anon_mib", "peak_rss_file_mib", "peak_heap_live_mib", "messages"} {
		out.raw(k, push[k])
	}
	chats := map[int64]bool{}
	for _, m := range sent {
		chats[m.ChatID] = true
	}
	out.line("digests", len(chats))
	out.line("messages_per_digest", fmt.Sprintf("%.2f", float64(len(sent))/float64(len(chats))))
	texts := sampleTexts(sent)
	srv.Close()

	f.text = filepath.Join(filepath.Dir(f.db), "texts.json")
	if err := writeJSON(f.text, texts); err != nil {
		return err
	}
	f.messages, f.chats = len(sent), f.subscribers
	bare := benchFake(&f) // a fresh one: no chat buckets or message log from the push
	defer bare.Close()
	fmt.Fprintf(env.stderr, "bench: bare go-telegram-bot-api loop, %d messages\n", f.messages)
	base, err := runBenchChild(ctx, env, f, "bare")
	if err != nil {
		return err
	}
	out.raw("bare_cpu_us_per_msg", base["bare_cpu_us_per_msg"])
	out.raw("bare_achieved_per_allowed", base["bare_achieved_per_allowed"])
	out.line("bare_n429", bare.TooMany())
	var cpu, bareCPU float64
	if _, err := fmt.Sscan(push["cpu_us_per_msg"], &cpu); err == nil {
		if _, err := fmt.Sscan(base["bare_cpu_us_per_msg"], &bareCPU); err == nil && bareCPU > 0 {
			out.line("cpu_per_bare", fmt.Sprintf("%.2f", cpu/bareCPU))
		}
	}
	return out.err
}

// benchFake starts a fake Bot API at the benchmark's rate (paid broadcasts
// included) and points f at it.
func benchFake(f *benchFlags) *bottest.Server {
	srv := bottest.New(bottest.Config{GlobalRate: f.rate, PaidRate: f.rate})
	f.endpoint, f.token = srv.Endpoint(), srv.Token()
	return srv
}

// sampleTexts returns the texts of one chat's digest (the first chat with
// the most common number of messages): what the baseline sends.
func sampleTexts(sent []bottest.Sent) []string {
	byChat := map[int64][]string{}
	var order []int64
	for _, m := range sent {
		if _, ok := byChat[m.ChatID]; !ok {
			order = append(order, m.ChatID)
		}
		byChat[m.ChatID] = append(byChat[m.ChatID], m.Text)
	}
	count := map[int]int{}
	best := 0
	for _, id := range order {
		n := len(byChat[id])
		count[n]++
		if count[n] > count[best] {
			best = n
		}
	}
	for _, id := range order {
		if len(byChat[id]) == best {
			return byChat[id]
		}
	}
	return byChat[order[0]]
}

func writeJSON(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

// runBenchChild runs this binary's bench command in one measured phase and
// returns the key=value lines it printed.
func runBenchChild(ctx context.Context, env *cliEnv, f benchFlags, phase string) (map[string]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	args := []string{"bench", "--child", phase, "--db", f.db, "--endpoint", f.endpoint, "--token", f.token,
		"--rate", fmt.Sprint(f.rate), "--due", fmt.Sprint(f.due), "--texts", f.text,
		"--messages", fmt.Sprint(f.messages), "--chats", fmt.Sprint(f.chats)}
	for flagName, path := range map[string]string{"memprofile": f.memProfile, "cpuprofile": f.cpuProfile} {
		if path == "" || phase != "push" {
			continue
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("bench: --%s: %w", flagName, err)
		}
		args = append(args, "--"+flagName, abs)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), envBenchChild+"=1")
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, env.stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("bench: %s phase: %w", phase, err)
	}
	vals := map[string]string{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			vals[k] = v
		}
	}
	return vals, nil
}

// envBenchChild marks a bench child process (the test binary's TestMain
// runs the command line instead of the tests when it is set).
const envBenchChild = "NEWSDIGEST_BENCH_CHILD"

// benchOut prints key=value lines, keeping the first write error.
type benchOut struct {
	w   io.Writer
	err error
}

func (o *benchOut) line(k string, v any) {
	if o.err == nil {
		_, o.err = fmt.Fprintf(o.w, "%s=%v\n", k, v)
	}
}

func (o *benchOut) raw(k, v string) {
	if v == "" {
		v = "NaN"
	}
	o.line(k, v)
}
