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
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"newsdigest/news"
	"newsdigest/ops"
)

const feedsUsage = `usage: newsdigest feeds add URL [topic…] | check URL|N | list | remove URL | import FILE | export
  add      subscribe to a feed (or update its topics and re-enable it)
  check    fetch one feed now and say what came back (a site address adopts the feed it links to)
  list     every feed with its status; N is the number check and remove accept
  remove   unsubscribe by URL (given a list number, it names the feed's URL to use)
  import   add the feeds of an OPML file, or of a plain list (one "URL [topic…]" per line); "-" reads stdin
  export   print every feed as OPML`

// feedCtx is what a feeds subcommand works with: this process's store, or
// the running service's when the command runs there.
type feedCtx struct {
	cfg      Config
	store    *news.Store
	ingester *news.Ingester // the service's; nil: build one from cfg
	// ingestPass is the service's ingest (metrics, admins told of disabled
	// feeds); nil: run a local ingester.
	ingestPass func(context.Context) (news.Report, error)
	stdin      io.Reader
	out        io.Writer
	errOut     io.Writer // progress; discarded when the service runs the command
}

// storeCommand is a command that works on the article/feed store: flags
// defines its own flags (beside the configuration's), run does the work.
// Both are built afresh per invocation (flags bind run's variables).
type storeCommand struct {
	flags func(*flag.FlagSet)
	// check, when set, vets the arguments before the database is opened.
	check func(args []string, stderr io.Writer) error
	run   func(ctx context.Context, fc feedCtx, args []string) error
}

// storeCommands are the commands a second process may have the running
// service run (bbolt lets one process open the file).
func storeCommands() map[string]func() storeCommand {
	return map[string]func() storeCommand{"feeds": feedsCommand, "ingest": ingestCommand, "articles": articlesCommand}
}

// runStore runs a store command on NEWSDIGEST_DB: here when the file is
// free, else through the running service's ops API (authorised by its
// secret beside the database), which runs it on its open database with
// its own configuration.
func runStore(ctx context.Context, env *cliEnv, name string, args []string) error {
	sc := storeCommands()[name]()
	var parsed *flag.FlagSet
	cfg, rest, err := loadConfigWith(name, env.environ, args, env.stderr, func(fs *flag.FlagSet) {
		if sc.flags != nil {
			sc.flags(fs)
		}
		parsed = fs
	})
	if err != nil {
		return err
	}
	if sc.check != nil {
		if err := sc.check(rest, env.stderr); err != nil {
			return err
		}
	}
	fc := feedCtx{cfg: cfg, stdin: env.stdin, out: env.stdout, errOut: env.stderr}
	db, err := ops.OpenDB(cfg.DBPath, false, 100*time.Millisecond)
	if errors.Is(err, ops.ErrHeld) {
		svc, serr := findService(cfg)
		if serr != nil {
			return fmt.Errorf("%w, and the service cannot be asked to run the command: %w", err, serr)
		}
		req := ops.CommandRequest{Name: name, Args: append(ownFlags(parsed), rest...)}
		if slices.Contains(rest, "-") {
			if req.Stdin, err = io.ReadAll(env.stdin); err != nil {
				return err
			}
		}
		return ops.RunCommand(ctx, svc.url, svc.secret, req, env.stdout)
	}
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close %s: %w", cfg.DBPath, cerr)
		}
	}()
	if fc.store, err = news.NewStore(ctx, db); err != nil {
		return err
	}
	return sc.run(ctx, fc, rest)
}

// ownFlags returns the command's own flags that were set on parsed, as
// --name=value, for the service to parse again (the configuration's flags
// stay here: the service runs with its own configuration).
func ownFlags(parsed *flag.FlagSet) []string {
	config := map[string]bool{}
	for _, o := range options() {
		config[o.flag] = true
	}
	var out []string
	parsed.Visit(func(f *flag.Flag) {
		if !config[f.Name] {
			out = append(out, "--"+f.Name+"="+f.Value.String())
		}
	})
	return out
}

// runServiceCommand runs a store command that another process sent to
// the running service, on its store and ingester.
func (m *Main) runServiceCommand(ctx context.Context, req ops.CommandRequest, stdout io.Writer) error {
	mk, ok := storeCommands()[req.Name]
	if !ok {
		return fmt.Errorf("unknown command %q", req.Name)
	}
	sc := mk()
	fs := flag.NewFlagSet(req.Name, flag.ContinueOnError)
	var usage strings.Builder
	fs.SetOutput(&usage)
	if sc.flags != nil {
		sc.flags(fs)
	}
	rest, err := parseInterspersed(fs, req.Args)
	if err != nil {
		return fmt.Errorf("%w %s", err, usage.String())
	}
	fc := feedCtx{cfg: m.cfg, store: m.articles, ingester: m.ingester, ingestPass: m.ingestPass,
		stdin: bytes.NewReader(req.Stdin), out: stdout, errOut: io.Discard}
	return sc.run(ctx, fc, rest)
}

// runFeeds manages the feed list: add, list, remove, import, export.
func runFeeds(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprintln(env.stderr, feedsUsage)
		return flag.ErrHelp
	}
	return runStore(ctx, env, "feeds", args)
}

func checkFeedsArgs(args []string, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, feedsUsage)
		return errors.New("feeds: missing subcommand")
	}
	if _, ok := feedsSubcommands()[args[0]]; !ok {
		fmt.Fprintln(stderr, feedsUsage)
		return fmt.Errorf("feeds: unknown subcommand %q", args[0])
	}
	return nil
}

func feedsSubcommands() map[string]func(context.Context, feedCtx, []string) error {
	return map[string]func(context.Context, feedCtx, []string) error{
		"add": feedsAdd, "check": feedsCheck, "list": feedsList, "remove": feedsRemove, "rm": feedsRemove,
		"import": feedsImport, "export": feedsExport,
	}
}

func feedsCommand() storeCommand {
	return storeCommand{check: checkFeedsArgs, run: func(ctx context.Context, fc feedCtx, args []string) error {
		if len(args) == 0 {
			return errors.New("feeds: missing subcommand")
		}
		run, ok := feedsSubcommands()[args[0]]
		if !ok {
			return fmt.Errorf("feeds: unknown subcommand %q", args[0])
		}
		return run(ctx, fc, args[1:])
	}}
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
	in := fc.ingester
	if in == nil {
		o := ingestOptions(fc.cfg, slog.New(slog.DiscardHandler))
		o.Seeds = nil
		in = news.NewIngester(s, o)
	}
	r, err := in.RunFeed(ctx, f.URL)
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
		return errors.New("feeds remove: want the feed's URL")
	}
	// A list number names another feed once one before it is removed, so
	// the same command run twice would remove two feeds: say which feed N
	// is and take its URL.
	if _, err := strconv.Atoi(args[0]); err == nil {
		f, err := s.GetFeed(ctx, args[0])
		if err != nil {
			return err
		}
		return fmt.Errorf("feeds remove: number %s is %s now; list numbers change as feeds go, so remove it by URL: newsdigest feeds remove %s",
			args[0], f.URL, f.URL)
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
	return runStore(ctx, env, "ingest", args)
}

// ingestCommand: here it runs its own ingester (--workers); in the running
// service it runs the service's, with the service's worker count.
func ingestCommand() storeCommand {
	var workers int
	return storeCommand{
		flags: func(fs *flag.FlagSet) { fs.IntVar(&workers, "workers", news.DefaultWorkers, "concurrent fetches") },
		run: func(ctx context.Context, fc feedCtx, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("ingest: unexpected arguments %q", args)
			}
			pass := fc.ingestPass
			if pass == nil {
				if _, err := firstStartFeeds(ctx, fc.store, fc.cfg); err != nil {
					return err
				}
				o := ingestOptions(fc.cfg, slog.New(slog.NewTextHandler(fc.errOut, &slog.HandlerOptions{Level: slog.LevelError})))
				o.Workers = workers
				o.Progress = progressReporter(fc.errOut)
				pass = news.NewIngester(fc.store, o).Run
			}
			rep, err := pass(ctx)
			printReport(fc.out, rep)
			return err
		},
	}
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
	return runStore(ctx, env, "articles", args)
}

func articlesCommand() storeCommand {
	var since time.Duration
	return storeCommand{
		flags: func(fs *flag.FlagSet) {
			fs.DurationVar(&since, "since", 24*time.Hour, "list articles first seen within this long")
		},
		run: func(ctx context.Context, fc feedCtx, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("articles: unexpected arguments %q", args)
			}
			return listArticles(ctx, fc, time.Now().Add(-since)) // one cutoff for the query and the footer
		},
	}
}

func listArticles(ctx context.Context, fc feedCtx, from time.Time) error {
	arts, err := fc.store.SinceTime(ctx, from)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(fc.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tINGESTED\tLANG\tSOURCE\tTITLE")
	for _, a := range arts {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", a.Seq, a.Fetched.Local().Format("2006-01-02 15:04"), a.Lang, clip(a.Source, 30), clip(articleTitle(a), 80))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(fc.out, "%d articles since %s\n", len(arts), from.Format(time.DateTime))
	return nil
}

// articleTitle falls back to the lead of the text for untitled articles.
func articleTitle(a news.Article) string {
	if a.Title != "" {
		return a.Title
	}
	line, _, _ := strings.Cut(a.Text, "\n")
	return line
}

// clip shortens s to n runes for table columns, never splitting a rune. It
// also strips terminal controls: rows stored before ingest learned to strip
// them must not reach the operator's terminal either.
func clip(s string, n int) string {
	s = strings.ReplaceAll(news.StripControls(s), "\t", " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
