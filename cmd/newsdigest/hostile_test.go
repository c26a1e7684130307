package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/ops"
)

// TestDigestTextPrintsNoEscapes: `newsdigest digest --format text` over a
// seed file full of terminal escapes prints the story without them, so a
// seed cannot recolour, retitle or hyperlink the operator's terminal.
func TestDigestTextPrintsNoEscapes(t *testing.T) {
	seed := "\x1b[31mMinistry\x1b[0m announces new budget \x1b]0;owned\a plan\n\n" +
		"The ministry \x1b]8;;http://evil.example\x1b\\announced\x1b]8;;\x1b\\ a budget plan on Monday \u202eafter talks\u202c with the unions.\n"
	var out bytes.Buffer
	if err := printSeedDigest(context.Background(), &out, io.Discard, fstest.MapFS{"budget.txt": {Data: []byte(seed)}}, "text", "en"); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "Ministry announces new budget plan") {
		t.Errorf("story missing from the digest:\n%s", got)
	}
	for _, c := range []string{"\x1b", "\a", "\u202e", "[31m", "]0;", "8;;"} {
		if strings.Contains(got, c) {
			t.Errorf("digest prints %q raw:\n%q", c, got)
		}
	}
}

// TestArticlesPrintsNoEscapes: an article stored before ingest learned to
// strip escapes (here written to the store directly) is listed by
// `articles` without them: what reaches the operator's terminal is cleaned
// at print time too.
func TestArticlesPrintsNoEscapes(t *testing.T) {
	env := newFeedEnv(t)
	path := strings.TrimPrefix((*env)[0], "NEWSDIGEST_DB=")
	db, err := ops.OpenDB(path, false, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	store, err := news.NewStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	old := news.Article{Article: digest.Article{ID: "old-1", URL: "https://wire.example/old", Source: "Old \x1b]0;owned\aWire",
		Lang: "en", Title: "\x1b[31mRed\x1b[0m alert \u202eover", Text: "Body.", Published: time.Now()}}
	if _, err := store.Add(context.Background(), []news.Article{old}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	out := env.cli(t, runArticles, "", "--since", "1h")
	if !strings.Contains(out, "Red alert over") {
		t.Errorf("articles lacks the title:\n%s", out)
	}
	for _, c := range []string{"\x1b", "\a", "\u202e"} {
		if strings.Contains(out, c) {
			t.Errorf("articles prints %q raw:\n%q", c, out)
		}
	}
}
