package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"newsdigest/news"
)

const feedsUsage = `usage: newsdigest feeds add URL [topic…] | check URL|N | list | remove URL|N | import FILE | export
  add      subscribe to a feed (or update its topics and re-enable it)
  check    fetch one feed now and say what came back (a site address adopts the feed it links to)
  list     every feed with its status; N is the number check and remove accept
  remove   unsubscribe by URL or list number
  import   add the feeds of an OPML file, or of a plain list (one "URL [topic…]" per line); "-" reads stdin
  export   print every feed as OPML`

// feedCtx is what a feeds subcommand works with.
type feedCtx struct {
	cfg   Config
	store *news.Store
	stdin io.Reader
	out   io.Writer
}

// withNewsStore opens the database named by NEWSDIGEST_DB and runs fn on the
// article/feed store, closing the database afterwards.
func withNewsStore(ctx context.Context, cfg Config, fn func(*news.Store) error) (err error) {
	path := cfg.DBPath
	db, err := openDB(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close %s: %w", path, cerr)
		}
	}()
	s, err := news.NewStore(ctx, db)
	if err != nil {
		return err
	}
	return fn(s)
}

// runFeeds manages the feed list: add, list, remove, import, export.
func runFeeds(ctx context.Context, env *cliEnv, args []string) error {
	stderr := env.stderr
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, feedsUsage)
		if len(args) == 0 {
			return errors.New("feeds: missing subcommand")
		}
		return flag.ErrHelp
	}
	sub, rest := args[0], args[1:]
	run, ok := map[string]func(context.Context, feedCtx, []string) error{
		"add": feedsAdd, "check": feedsCheck, "list": feedsList, "remove": feedsRemove, "rm": feedsRemove,
		"import": feedsImport, "export": feedsExport,
	}[sub]
	if !ok {
		fmt.Fprintln(stderr, feedsUsage)
		return fmt.Errorf("feeds: unknown subcommand %q", sub)
	}
	cfg, _, err := loadConfig("feeds", env.environ, nil, stderr)
	if err != nil {
		return err
	}
	return withNewsStore(ctx, cfg, func(s *news.Store) error {
		return run(ctx, feedCtx{cfg: cfg, store: s, stdin: env.stdin, out: env.stdout}, rest)
	})
}

func feedsAdd(ctx context.Context, fc feedCtx, args []string) error {
	s, out := fc.store, fc.out
	if len(args) == 0 {
		return errors.New("feeds add: want URL [topic…]")
	}
	if err := refusePrivateFeeds(ctx, fc.cfg, args[0]); err != nil {
		return fmt.Errorf("feeds add: %w", err)
	}
	f, created, err := s.AddFeed(ctx, args[0], args[1:])
	if err != nil {
		return err
	}
	verb := "added"
	if !created {
		verb = "updated"
	}
	fmt.Fprintf(out, "%s %s", verb, f.URL)
	if len(f.Topics) > 0 {
		fmt.Fprintf(out, " (topics: %s)", strings.Join(f.Topics, ", "))
	}
	fmt.Fprintln(out)
	return nil
}

func feedsCheck(ctx context.Context, fc feedCtx, args []string) error {
	s, out := fc.store, fc.out
	if len(args) != 1 {
		return errors.New("feeds check: want one URL or list number")
	}
	f, err := s.GetFeed(ctx, args[0])
	if err != nil {
		return err
	}
	o := ingestOptions(fc.cfg, slog.New(slog.DiscardHandler))
	o.Seeds = nil
	r, err := news.NewIngester(s, o).RunFeed(ctx, f.URL)
	if err != nil {
		return err
	}
	if r.MovedTo != "" {
		fmt.Fprintf(out, "%s now points to %s\n", f.URL, r.MovedTo)
	}
	if r.Err != nil {
		return fmt.Errorf("feeds check: %w", r.Err)
	}
	fmt.Fprintf(out, "%s: %s, %q, %d items, %d new articles (%s)\n", cmp.Or(r.MovedTo, f.URL), r.Status, r.Title, r.Items, r.New, r.Duration.Round(time.Millisecond))
	return nil
}

func feedsList(ctx context.Context, fc feedCtx, _ []string) error {
	s, out := fc.store, fc.out
	feeds, err := s.ListFeeds(ctx)
	if err != nil {
		return err
	}
	if len(feeds) == 0 {
		fmt.Fprintln(out, "no feeds yet: newsdigest feeds add URL [topic…]")
		return nil
	}
	now := time.Now()
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "N\tURL\tTITLE\tTOPICS\tSTATUS")
	for i, f := range feeds {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", i+1, f.URL, clip(f.Title, 40), strings.Join(f.Topics, ","), f.Status(now))
	}
	return tw.Flush()
}

func feedsRemove(ctx context.Context, fc feedCtx, args []string) error {
	s, out := fc.store, fc.out
	if len(args) != 1 {
		return errors.New("feeds remove: want one URL or list number")
	}
	f, err := s.RemoveFeed(ctx, args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "removed %s\n", f.URL)
	return nil
}

// feedsImport reads OPML, or a plain feed list when the file is not XML.
func feedsImport(ctx context.Context, fc feedCtx, args []string) error {
	s, out := fc.store, fc.out
	stdin := fc.stdin
	if len(args) != 1 {
		return errors.New("feeds import: want FILE (OPML or one URL per line; - for stdin)")
	}
	data, err := readInput(args[0], stdin)
	if err != nil {
		return err
	}
	if err := refusePrivateFeeds(ctx, fc.cfg, feedURLsIn(data)...); err != nil {
		return fmt.Errorf("feeds import: nothing imported: %w", err)
	}
	var res news.ImportResult
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("<")) {
		res, err = s.ImportOPML(ctx, bytes.NewReader(data))
	} else {
		res, err = importList(ctx, s, string(data))
	}
	fmt.Fprintf(out, "imported %s: %d added, %d updated\n", args[0], res.Added, res.Updated)
	return err
}

// refusePrivateFeeds is the up-front private-address check /addfeed's
// first fetch makes, skipped when NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1.
func refusePrivateFeeds(ctx context.Context, cfg Config, urls ...string) error {
	if cfg.AllowPrivate {
		return nil
	}
	return news.CheckFeedHosts(ctx, urls...)
}

// feedURLsIn lists the feed URLs of an import file (OPML or a plain list);
// entries that do not parse are reported by the import itself.
func feedURLsIn(data []byte) []string {
	var specs []news.FeedSpec
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("<")) {
		specs, _ = news.ParseOPML(bytes.NewReader(data))
	} else {
		specs, _ = news.ParseFeedList(string(data))
	}
	urls := make([]string, len(specs))
	for i, sp := range specs {
		urls[i] = sp.URL
	}
	return urls
}

func importList(ctx context.Context, s *news.Store, list string) (news.ImportResult, error) {
	specs, perr := news.ParseFeedList(list)
	res, err := s.AddFeeds(ctx, specs)
	return res, errors.Join(err, perr)
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("feeds import: %w", err)
	}
	return data, nil
}

func feedsExport(ctx context.Context, fc feedCtx, _ []string) error {
	s, out := fc.store, fc.out
	return s.ExportOPML(ctx, out)
}

// ingestOptions builds the Ingester's options from the configuration.
func ingestOptions(cfg Config, log *slog.Logger) news.IngesterOptions {
	return news.IngesterOptions{
		Fetcher:   news.FetcherOptions{AllowPrivate: cfg.AllowPrivate},
		Seeds:     news.SeedsDir(cfg.SeedsDir),
		Retention: cfg.Retention,
		Logger:    log,
	}
}

// firstStartFeeds adds NEWSDIGEST_FEEDS and NEWSDIGEST_FEEDS_FILE when the
// database has no feeds yet.
func firstStartFeeds(ctx context.Context, s *news.Store, cfg Config) (int, error) {
	list := cfg.Feeds
	if path := cfg.FeedsFile; path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return 0, fmt.Errorf("NEWSDIGEST_FEEDS_FILE: %w", err)
		}
		list += "\n" + string(data)
	}
	if strings.TrimSpace(list) == "" {
		return 0, nil
	}
	specs, err := news.ParseFeedList(list)
	if err != nil {
		return 0, err
	}
	return s.SeedFeeds(ctx, specs)
}

// runIngest fetches every due feed once and stores new articles, with a
// progress bar on a terminal (plain lines otherwise) and a summary table.
func runIngest(ctx context.Context, env *cliEnv, args []string) error {
	stdout, stderr := env.stdout, env.stderr
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	workers := fs.Int("workers", news.DefaultWorkers, "concurrent fetches")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, _, err := loadConfig("ingest", env.environ, nil, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	return withNewsStore(ctx, cfg, func(s *news.Store) error {
		if _, err := firstStartFeeds(ctx, s, cfg); err != nil {
			return err
		}
		o := ingestOptions(cfg, log)
		o.Workers = *workers
		o.Progress = progressReporter(stderr)
		rep, err := news.NewIngester(s, o).Run(ctx)
		printReport(stdout, rep)
		return err
	})
}

// progressReporter shows ingest progress, a line per feed off a terminal.
func progressReporter(w io.Writer) func(done, total int, r news.FeedResult) {
	show := newProgress(w, "fetching feeds")
	return func(done, total int, r news.FeedResult) {
		show(done, total, fmt.Sprintf("%-12s %s%s", r.Status, r.URL, resultDetail(r)))
	}
}

func resultDetail(r news.FeedResult) string {
	switch {
	case r.Err != nil:
		return ": " + r.Err.Error()
	case r.Status == news.StatusOK:
		return fmt.Sprintf(" (%d items, %d new)", r.Items, r.New)
	}
	return ""
}

func printReport(w io.Writer, rep news.Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(rep.Feeds) > 0 {
		fmt.Fprintln(tw, "FEED\tSTATUS\tITEMS\tNEW\tTIME\tERROR")
		for _, r := range rep.Feeds {
			errText := ""
			if r.Err != nil {
				errText = clip(r.Err.Error(), 80)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", clip(cmp.Or(r.Title, r.URL), 50), r.Status, r.Items, r.New, r.Duration.Round(time.Millisecond), errText)
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "feeds: %d fetched, %d not modified, %d failed, %d skipped (backoff or disabled)\n",
		rep.OK, rep.NotModified, rep.Failed, rep.Skipped)
	fmt.Fprintf(w, "articles: %d new from feeds, %d from seeds, %d pruned; took %s\n",
		rep.New, rep.SeedsNew, rep.Pruned, rep.Duration.Round(time.Millisecond))
	if rep.SeedErr != nil {
		fmt.Fprintf(w, "seed files skipped: %v\n", rep.SeedErr)
	}
	for _, r := range rep.Feeds {
		if r.MovedTo != "" {
			fmt.Fprintf(w, "moved permanently, now fetched from the new URL: %s → %s\n", r.URL, r.MovedTo)
		}
	}
	for _, u := range rep.NewlyDisabled {
		fmt.Fprintf(w, "disabled after failing for %d days: %s (re-enable with: newsdigest feeds add %s)\n", int(news.DisableAfter.Hours()/24), u, u)
	}
}

// runArticles lists stored articles first seen within --since.
func runArticles(ctx context.Context, env *cliEnv, args []string) error {
	stdout, stderr := env.stdout, env.stderr
	fs := flag.NewFlagSet("articles", flag.ContinueOnError)
	fs.SetOutput(stderr)
	since := fs.Duration("since", 24*time.Hour, "list articles first seen within this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, _, err := loadConfig("articles", env.environ, nil, stderr)
	if err != nil {
		return err
	}
	from := time.Now().Add(-*since) // one cutoff for the query and the footer
	return withNewsStore(ctx, cfg, func(s *news.Store) error {
		arts, err := s.SinceTime(ctx, from)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEQ\tINGESTED\tLANG\tSOURCE\tTITLE")
		for _, a := range arts {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", a.Seq, a.Fetched.Local().Format("2006-01-02 15:04"), a.Lang, clip(a.Source, 30), clip(articleTitle(a), 80))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d articles since %s\n", len(arts), from.Format(time.DateTime))
		return nil
	})
}

// articleTitle falls back to the lead of the text for untitled articles.
func articleTitle(a news.Article) string {
	if a.Title != "" {
		return a.Title
	}
	line, _, _ := strings.Cut(a.Text, "\n")
	return line
}

// clip shortens s to n runes for table columns, never splitting a rune.
func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\t", " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
