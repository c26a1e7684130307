package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newsdigest/bot/bottest"
)

// feedEnv is the environment the feed commands see in a test.
type feedEnv []string

func newFeedEnv(t *testing.T) *feedEnv {
	t.Helper()
	return &feedEnv{"NEWSDIGEST_DB=" + filepath.Join(t.TempDir(), "cli.db"),
		"NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1", "NEWSDIGEST_SEEDS_DIR=../../seeds"}
}

func (e *feedEnv) set(kv string) { *e = append(*e, kv) }

// run runs one of the feed commands the way main does.
func (e *feedEnv) run(f func(context.Context, *cliEnv, []string) error, stdin string, stdout, stderr io.Writer, args ...string) error {
	return f(context.Background(), &cliEnv{environ: *e, stdin: strings.NewReader(stdin), stdout: stdout, stderr: stderr}, args)
}

// cli returns the command's stdout, failing the test on error.
func (e *feedEnv) cli(t *testing.T, f func(context.Context, *cliEnv, []string) error, stdin string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := e.run(f, stdin, &out, &errOut, args...); err != nil {
		t.Fatalf("%v: %v\nstderr: %s", args, err, errOut.String())
	}
	return out.String()
}

func TestFeedsCLIManageImportExport(t *testing.T) {
	env := newFeedEnv(t)
	if out := env.cli(t, runFeeds, "", "add", "https://Wire.Example/rss", "world"); out != "added https://wire.example/rss (topics: world)\n" {
		t.Errorf("add printed %q", out)
	}
	out := env.cli(t, runFeeds, "https://b.example/atom economy\n# comment\nhttps://c.example/feed\n", "import", "-")
	if !strings.Contains(out, "2 added, 0 updated") {
		t.Errorf("import printed %q", out)
	}
	list := env.cli(t, runFeeds, "", "list")
	for _, want := range []string{"1  https://b.example/atom", "economy", "not fetched yet", "3  https://wire.example/rss"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	opml := env.cli(t, runFeeds, "", "export")
	if !strings.Contains(opml, `xmlUrl="https://wire.example/rss"`) || !strings.Contains(opml, `category="world"`) {
		t.Errorf("export:\n%s", opml)
	}
	// A list number is not removed blindly (run twice it would remove two
	// feeds): the error names the feed to remove by URL, which is idempotent.
	if err := env.run(runFeeds, "", io.Discard, io.Discard, "remove", "1"); err == nil || !strings.Contains(err.Error(), "feeds remove https://b.example/atom") {
		t.Errorf("remove 1: err = %v, want the feed's URL to remove it by", err)
	}
	env.cli(t, runFeeds, "", "remove", "https://b.example/atom")
	if err := env.run(runFeeds, "", io.Discard, io.Discard, "remove", "https://b.example/atom"); err == nil || !strings.Contains(err.Error(), "no such feed") {
		t.Errorf("removing the same URL twice: err = %v, want no such feed", err)
	}
	env.cli(t, runFeeds, "", "remove", "https://c.example/feed")
	if list := env.cli(t, runFeeds, "", "list"); strings.Contains(list, "b.example") || strings.Contains(list, "c.example") {
		t.Errorf("removed feeds still listed:\n%s", list)
	}
	// The exported OPML imports into a fresh database unchanged.
	path := filepath.Join(t.TempDir(), "feeds.opml")
	os.WriteFile(path, []byte(opml), 0o600)
	env.set("NEWSDIGEST_DB=" + filepath.Join(t.TempDir(), "other.db"))
	if out := env.cli(t, runFeeds, "", "import", path); !strings.Contains(out, "3 added") {
		t.Errorf("OPML import printed %q", out)
	}
}

func TestFeedsCLIErrors(t *testing.T) {
	env := newFeedEnv(t)
	tests := []struct {
		args []string
		want string
	}{
		{nil, "missing subcommand"},
		{[]string{"frobnicate"}, "unknown subcommand"},
		{[]string{"add", "ftp://x.example/f"}, "want http or https"},
		{[]string{"remove", "9"}, "no such feed"},
		{[]string{"import", "/nonexistent/feeds.opml"}, "no such file"},
	}
	for _, tt := range tests {
		err := env.run(runFeeds, "", io.Discard, io.Discard, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("feeds %v: err = %v, want %q", tt.args, err, tt.want)
		}
	}
}

func TestIngestAndArticlesCLI(t *testing.T) {
	env := newFeedEnv(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/broken.xml" {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss version="2.0"><channel><title>Loopback Wire</title>
<item><title>Bridge reopens after repairs</title><link>https://wire.example/bridge</link><description>The bridge reopened on Monday.</description></item>
</channel></rss>`)
	}))
	defer srv.Close()
	env.set("NEWSDIGEST_FEEDS=" + srv.URL + "/ok.xml world," + srv.URL + "/broken.xml")

	var out, progress bytes.Buffer
	if err := env.run(runIngest, "", &out, &progress); err != nil {
		t.Fatalf("ingest: %v", err)
	}
	for _, want := range []string{"Loopback Wire", "1 fetched, 0 not modified, 1 failed", "1 new from feeds, 1 from seeds", "HTTP 410"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(progress.String(), "[2/2]") {
		t.Errorf("no plain progress lines off a terminal:\n%s", progress.String())
	}
	if out := env.cli(t, runFeeds, "", "check", srv.URL+"/ok.xml"); !strings.Contains(out, `ok, "Loopback Wire", 1 items, 0 new`) {
		t.Errorf("check printed %q", out)
	}
	if err := env.run(runFeeds, "", io.Discard, io.Discard, "check", "1"); err == nil || !strings.Contains(err.Error(), "HTTP 410") {
		t.Errorf("check of the broken feed = %v, want its HTTP error", err)
	}
	arts := env.cli(t, runArticles, "", "--since", "1h")
	for _, want := range []string{"Bridge reopens after repairs", "Loopback Wire", "en", "قالت أربعة مصادر عراقية", "2 articles since"} {
		if !strings.Contains(arts, want) {
			t.Errorf("articles lacks %q:\n%s", want, arts)
		}
	}
}

// TestFeedsCLIRefusesPrivateAddresses: `feeds add` and `feeds import` refuse
// loopback and private hosts before storing anything, as /addfeed does,
// unless NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1.
func TestFeedsCLIRefusesPrivateAddresses(t *testing.T) {
	env := &feedEnv{"NEWSDIGEST_DB=" + filepath.Join(t.TempDir(), "cli.db"), "NEWSDIGEST_SEEDS_DIR=../../seeds"}
	opml := filepath.Join(t.TempDir(), "feeds.opml")
	os.WriteFile(opml, []byte(`<opml version="2.0"><body><outline text="a" xmlUrl="https://a.example/rss"/>`+
		`<outline text="meta" xmlUrl="http://[64:ff9b::a9fe:a9fe]/latest/meta-data"/></body></opml>`), 0o600)
	tests := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"add", "http://127.0.0.1:8080/rss"}, "127.0.0.1:8080"},
		{"", []string{"add", "http://localhost/rss"}, "localhost"},
		{"https://b.example/atom\nhttp://10.0.0.7/feed world\n", []string{"import", "-"}, "10.0.0.7"},
		{"", []string{"import", opml}, "64:ff9b::a9fe:a9fe"},
	}
	for _, tt := range tests {
		err := env.run(runFeeds, tt.stdin, io.Discard, io.Discard, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1") {
			t.Errorf("feeds %v: err = %v, want a refusal naming %s", tt.args, err, tt.want)
		}
	}
	if list := env.cli(t, runFeeds, "", "list"); !strings.Contains(list, "no feeds yet") {
		t.Errorf("a refused command stored feeds:\n%s", list)
	}
	env.set("NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1")
	if out := env.cli(t, runFeeds, "", "add", "http://127.0.0.1:8080/rss"); !strings.Contains(out, "added http://127.0.0.1:8080/rss") {
		t.Errorf("allowed private feed: add printed %q", out)
	}
}

// TestStoreCommandsHonourFlags: --db and the commands' own flags work
// before and after the arguments.
func TestStoreCommandsHonourFlags(t *testing.T) {
	env := newFeedEnv(t)
	other := filepath.Join(t.TempDir(), "other.db")
	env.cli(t, runFeeds, "", "add", "https://wire.example/rss", "--db", other)
	if list := env.cli(t, runFeeds, "", "list"); strings.Contains(list, "wire.example") {
		t.Fatalf("--db was ignored: the feed went to NEWSDIGEST_DB:\n%s", list)
	}
	if list := env.cli(t, runFeeds, "", "--db="+other, "list"); !strings.Contains(list, "wire.example") {
		t.Fatalf("the feed is not in the --db database:\n%s", list)
	}
	if out := env.cli(t, runArticles, "", "--db", other, "--since", "1h"); !strings.Contains(out, "0 articles since") {
		t.Fatalf("articles --db: %q", out)
	}
}

// TestStoreCommandsWhileTheServiceRuns: feeds, ingest and articles work
// while the bot holds the database, through its ops API, on its data.
func TestStoreCommandsWhileTheServiceRuns(t *testing.T) {
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss version="2.0"><channel><title>Loopback Wire</title>
<item><title>Ferry service resumes</title><link>https://wire.example/ferry</link><description>The ferry sailed again on Friday.</description></item>
</channel></rss>`)
	}))
	defer feed.Close()
	env, _ := runningService(t, "NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1")
	steps := []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"feeds", "add", feed.URL + "/rss", "world"}, "", "added " + feed.URL + "/rss (topics: world)"},
		{[]string{"feeds", "import", "-"}, "https://b.example/atom economy\n", "1 added, 0 updated"},
		{[]string{"feeds", "list"}, "", "https://b.example/atom"},
		{[]string{"feeds", "remove", "https://b.example/atom"}, "", "removed https://b.example/atom"},
		{[]string{"ingest", "--workers", "2"}, "", "1 new from feeds"},
		{[]string{"articles", "--since", "1h"}, "", "Ferry service resumes"},
	}
	for _, st := range steps {
		var out, errOut bytes.Buffer
		code := cli(context.Background(), &cliEnv{environ: env, stdin: strings.NewReader(st.stdin), stdout: &out, stderr: &errOut}, st.args)
		if code != 0 || !strings.Contains(out.String(), st.want) {
			t.Fatalf("%v while the service runs: exit %d, stdout %q, stderr %q (want %q)", st.args, code, out.String(), errOut.String(), st.want)
		}
	}
	if code, _, errOut := runCLI(env, "feeds", "remove", "https://b.example/atom"); code == 0 || !strings.Contains(errOut, "no such feed") {
		t.Fatalf("a failing remote command must fail here too: exit %d, %q", code, errOut)
	}
	if code, out, _ := runCLI(env, "feeds", "list"); code != 0 || strings.Contains(out, "b.example") || !strings.Contains(out, "Loopback Wire") {
		t.Fatalf("the service's feed list after remove and ingest:\n%s", out)
	}
}

// TestStoreCommandsWhileRunningWithoutOps: with the ops listener off the
// feed commands cannot reach the service, and say why and what to do.
func TestStoreCommandsWhileRunningWithoutOps(t *testing.T) {
	api := bottest.New(bottest.Config{})
	t.Cleanup(api.Close)
	db := filepath.Join(t.TempDir(), "noops.db")
	env := []string{"NEWSDIGEST_DB=" + db, "NEWSDIGEST_HTTP_ADDR=off"}
	serve(t, api.Token(), append([]string{"TELEGRAM_API_ENDPOINT=" + api.Endpoint()}, env...))
	for _, args := range [][]string{{"feeds", "list"}, {"backup", filepath.Join(t.TempDir(), "b.db")}} {
		code, _, errOut := runCLI(env, args...)
		if code == 0 || !strings.Contains(errOut, "another newsdigest process holds the database") || !strings.Contains(errOut, "NEWSDIGEST_HTTP_ADDR is off") {
			t.Errorf("%v with the service running and its ops listener off: exit %d, %q", args, code, errOut)
		}
	}
}
