// Command newsdigest runs the news-digest Telegram bot and its tools.
//
// This package only parses configuration and wires the packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // subscribers' zones resolve even on an image without zoneinfo
)

// command is one subcommand. Every command gets the environment as a list so
// tests can run it without touching the process environment.
type command struct {
	run   func(ctx context.Context, env *cliEnv, args []string) error
	usage string
}

// cliEnv is what a command may touch of the outside world.
type cliEnv struct {
	environ        []string
	stdin          io.Reader
	stdout, stderr io.Writer
}

// ioCommand is the shape of commands that need no environment list.
type ioCommand func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error

// withIO adapts an ioCommand to the command table.
func withIO(f ioCommand) func(context.Context, *cliEnv, []string) error {
	return func(ctx context.Context, env *cliEnv, args []string) error {
		return f(ctx, args, env.stdin, env.stdout, env.stderr)
	}
}

func commands() map[string]command {
	return map[string]command{
		"run":         {run: runMain, usage: "run the bot (default); without a token: print the seed digest (fail if NEWSDIGEST_REQUIRE_TOKEN=1)"},
		"version":     {run: runVersion, usage: "print the module version, Go version and commit the binary was built from"},
		"digest":      {run: runDigest, usage: "print the digest built from a seeds folder"},
		"annotate":    {run: withIO(runAnnotate), usage: "annotate article JSON lines from stdin with lang, title, summary, topics, story"},
		"eval":        {run: withIO(runEval), usage: "eval [--data DIR] [--topics-only] [--topic-sample N]: ROUGE and clustering of the embedded engine, topics leave-one-outlet-out"},
		"config":      {run: runConfig, usage: "print the effective configuration (secrets redacted)"},
		"backup":      {run: runBackup, usage: "backup FILE: a verified copy of the database, also while the bot runs"},
		"push":        {run: runPush, usage: "push --chat ID… | --all: the running bot sends the digest now, with progress"},
		"restore":     {run: runRestore, usage: "restore FILE: replace the database with a backup (bot stopped)"},
		"healthcheck": {run: runHealthcheck, usage: "exit 0 when the running bot answers /healthz (for container HEALTHCHECK)"},
		"feeds":       {run: runFeeds, usage: "feeds add URL [topic…] | list | remove URL|N | import FILE | export"},
		"ingest":      {run: runIngest, usage: "fetch every due feed and the seeds folder once, with a summary"},
		"articles":    {run: runArticles, usage: "list stored articles: articles [--since 24h]"},
		"bench":       {run: runBench, usage: "bench [--subscribers N] [--articles M] [--rate R] [--data DIR]: measure one push of a generated database"},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli(ctx, &cliEnv{environ: os.Environ(), stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// cli dispatches to a subcommand and turns its error into an exit code.
func cli(ctx context.Context, env *cliEnv, args []string) int {
	name := "run"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	cmd, ok := commands()[name]
	if !ok || name == "help" {
		printUsage(env.stderr)
		if name == "help" {
			return 0
		}
		fmt.Fprintf(env.stderr, "newsdigest: unknown command %q\n", name)
		return 2
	}
	if err := cmd.run(ctx, env, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(env.stderr, "newsdigest %s: %v\n", name, err)
		return 1
	}
	return 0
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: newsdigest [command] [flags]\n\ncommands:")
	for _, name := range sortedKeys(commands()) {
		fmt.Fprintf(w, "  %-12s %s\n", name, commands()[name].usage)
	}
}
