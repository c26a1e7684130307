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
)

// feedCLI runs one of the feed commands the way main does and returns its
// stdout, failing the test on error.
func feedCLI(t *testing.T, f ioCommand, stdin string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := f(context.Background(), args, strings.NewReader(stdin), &out, &errOut); err != nil {
		t.Fatalf("%v: %v\nstderr: %s", args, err, errOut.String())
	}
	return out.String()
}

func setFeedEnv(t *testing.T) {
	t.Helper()
	t.Setenv(envDB, filepath.Join(t.TempDir(), "cli.db"))
	t.Setenv(envAllowPrivate, "1")
	t.Setenv(envSeedsDir, "../../seeds")
	t.Setenv(envFeeds, "")
	t.Setenv(envFeedsFile, "")
}

func TestFeedsCLIManageImportExport(t *testing.T) {
	setFeedEnv(t)
	if out := feedCLI(t, runFeeds, "", "add", "https://Wire.Example/rss", "world"); out != "added https://wire.example/rss (topics: world)\n" {
		t.Errorf("add printed %q", out)
	}
	out := feedCLI(t, runFeeds, "https://b.example/atom economy\n# comment\nhttps://c.example/feed\n", "import", "-")
	if !strings.Contains(out, "2 added, 0 updated") {
		t.Errorf("import printed %q", out)
	}
	list := feedCLI(t, runFeeds, "", "list")
	for _, want := range []string{"1  https://b.example/atom", "economy", "not fetched yet", "3  https://wire.example/rss"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	opml := feedCLI(t, runFeeds, "", "export")
	if !strings.Contains(opml, `xmlUrl="https://wire.example/rss"`) || !strings.Contains(opml, `category="world"`) {
		t.Errorf("export:\n%s", opml)
	}
	feedCLI(t, runFeeds, "", "remove", "1")
	feedCLI(t, runFeeds, "", "remove", "https://c.example/feed")
	if list := feedCLI(t, runFeeds, "", "list"); strings.Contains(list, "b.example") || strings.Contains(list, "c.example") {
		t.Errorf("removed feeds still listed:\n%s", list)
	}
	// The exported OPML imports into a fresh database unchanged.
	path := filepath.Join(t.TempDir(), "feeds.opml")
	os.WriteFile(path, []byte(opml), 0o600)
	t.Setenv(envDB, filepath.Join(t.TempDir(), "other.db"))
	if out := feedCLI(t, runFeeds, "", "import", path); !strings.Contains(out, "3 added") {
		t.Errorf("OPML import printed %q", out)
	}
}

func TestFeedsCLIErrors(t *testing.T) {
	setFeedEnv(t)
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
		err := runFeeds(context.Background(), tt.args, strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("feeds %v: err = %v, want %q", tt.args, err, tt.want)
		}
	}
}

func TestIngestAndArticlesCLI(t *testing.T) {
	setFeedEnv(t)
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
	t.Setenv(envFeeds, srv.URL+"/ok.xml world,"+srv.URL+"/broken.xml")

	var out, progress bytes.Buffer
	if err := runIngest(context.Background(), nil, strings.NewReader(""), &out, &progress); err != nil {
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
	if out := feedCLI(t, runFeeds, "", "check", srv.URL+"/ok.xml"); !strings.Contains(out, `ok, "Loopback Wire", 1 items, 0 new`) {
		t.Errorf("check printed %q", out)
	}
	if err := runFeeds(context.Background(), []string{"check", "1"}, strings.NewReader(""), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "HTTP 410") {
		t.Errorf("check of the broken feed = %v, want its HTTP error", err)
	}
	arts := feedCLI(t, runArticles, "", "--since", "1h")
	for _, want := range []string{"Bridge reopens after repairs", "Loopback Wire", "en", "قالت أربعة مصادر عراقية", "2 articles since"} {
		if !strings.Contains(arts, want) {
			t.Errorf("articles lacks %q:\n%s", want, arts)
		}
	}
}
