package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/seeds"
)

// runDigest prints the digest built from a folder of seed files.
func runDigest(ctx context.Context, env *cliEnv, args []string) error {
	fl := flag.NewFlagSet("digest", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	dir := fl.String("seeds", "", "folder of seed files (default: the embedded seeds)")
	format := fl.String("format", "text", "text or html")
	lang := fl.String("lang", "en", "language of the digest's labels: en or ar")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if err := oneOf(*format, "text", "html"); err != nil {
		return fmt.Errorf("--format: %w", err)
	}
	if err := oneOf(*lang, "en", "ar"); err != nil {
		return fmt.Errorf("--lang: %w", err)
	}
	return printSeedDigest(ctx, env.stdout, env.stderr, seedsFS(*dir), *format, *lang)
}

// seedsFS is the seeds folder dir, or the seeds embedded in the binary.
func seedsFS(dir string) fs.FS {
	if dir == "" {
		return seeds.FS
	}
	return os.DirFS(dir)
}

// printSeedDigest prints the digest of the seed files in fsys to w. Files
// that do not parse are named on warn and skipped, as the bot's ingest
// skips them: one bad file never hides the others' digest. It fails only
// when no file parsed and some did not.
func printSeedDigest(ctx context.Context, w, warn io.Writer, fsys fs.FS, format, lang string) error {
	arts, err := news.LoadSeeds(ctx, fsys)
	if err != nil && (len(arts) == 0 || ctx.Err() != nil) {
		return fmt.Errorf("load seeds: %w", err)
	}
	if err != nil {
		fmt.Fprintf(warn, "warning: seed files skipped:\n%v\n\n", err)
	}
	engine, err := digest.NewEngine(digest.Config{})
	if err != nil {
		return fmt.Errorf("digest engine: %w", err)
	}
	in := make([]digest.Article, len(arts))
	for i, a := range arts {
		in[i] = a.Article
	}
	now := time.Now()
	sel := digest.Select(engine.Stories(in), digest.Prefs{}, now)
	opts := digest.RenderOptions{Lang: lang, Location: time.Local, Now: now}
	if format == "text" {
		_, err = fmt.Fprintln(w, digest.RenderText(sel, opts))
		return err
	}
	for _, chunk := range digest.RenderHTML(sel, opts) {
		if _, err := fmt.Fprintln(w, chunk); err != nil {
			return err
		}
	}
	return nil
}
