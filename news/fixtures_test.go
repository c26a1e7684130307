package news

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"newsdigest/internal/shareddata"
)

// headerRe reads the HTTP header feedparser's harness serves a fixture with
// ("Header: Content-type: text/xml; charset=windows-1252" in a comment).
var headerRe = regexp.MustCompile(`(?m)^Header:\s*Content-type:\s*(.+?)\s*$`)

// expectedFeed is the part of gofeed's expected JSON we compare: feed title
// and item titles and links, in each of the shapes gofeed writes
// (universal/RSS "items" with "link", Atom "entries" with "links", JSON
// Feed "items" with "url").
type expectedFeed struct {
	Title   *string        `json:"title"`
	Items   []expectedItem `json:"items"`
	Entries []expectedItem `json:"entries"`
}

type expectedItem struct {
	Title *string `json:"title"`
	Link  *string `json:"link"`
	URL   *string `json:"url"`
	Links []struct {
		Href string `json:"href"`
	} `json:"links"`
}

// TestSharedFeedFixtures serves every file under ../shared/data/feeds
// through a local HTTP server and fetches it like a real feed: each either
// parses or fails with ErrParse (never a panic, never another error), and
// where gofeed ships an expected result, titles and links match it.
func TestSharedFeedFixtures(t *testing.T) {
	root := shareddata.Path(t, "feeds")
	files := feedFixtures(t, root)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/"))))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if m := headerRe.FindSubmatch(data); m != nil {
			w.Header().Set("Content-Type", string(m[1]))
		} else {
			w.Header().Set("Content-Type", "application/octet-stream")
		}
		w.Write(data)
	}))
	defer srv.Close()
	parsed := 0
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			res, err := testFetcher().Fetch(context.Background(), srv.URL+"/"+rel, "", "")
			if err != nil {
				if !errors.Is(err, ErrParse) {
					t.Fatalf("error is not a parse error: %v", err)
				}
				t.Logf("clear error: %v", err)
				return
			}
			parsed++
			checkParsedFeed(t, res)
			checkExpected(t, filepath.Join(root, rel), res)
		})
	}
	if parsed < len(files)/2 {
		t.Errorf("only %d of %d fixtures parsed", parsed, len(files))
	}
}

func feedFixtures(t *testing.T, root string) []string {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		if strings.HasSuffix(name, ".expected.json") || strings.HasSuffix(name, ".md") || name == "LICENSE" || strings.HasPrefix(name, ".") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("found %d feed fixtures, expected the full set", len(files))
	}
	return files
}

// checkParsedFeed: whatever parsed normalises into valid, tag-free text.
func checkParsedFeed(t *testing.T, res FetchResult) {
	t.Helper()
	fi := FeedInfoFrom(res.URL, res.Feed, nil)
	for _, it := range res.Feed.Items {
		a, ok := NormalizeItem(it, fi)
		if !ok {
			continue
		}
		if !utf8.ValidString(a.Title) || !utf8.ValidString(a.Text) || a.ID == "" || a.Hash == "" {
			t.Errorf("normalised item broken: %+v", a)
		}
	}
}

func checkExpected(t *testing.T, feedPath string, res FetchResult) {
	t.Helper()
	ext := filepath.Ext(feedPath)
	data, err := os.ReadFile(strings.TrimSuffix(feedPath, ext) + ".expected.json")
	if err != nil {
		return // no expectation for this fixture
	}
	var exp expectedFeed
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatalf("expected JSON: %v", err)
	}
	if exp.Title != nil && res.Feed.Title != *exp.Title {
		t.Errorf("feed title = %q, want %q", res.Feed.Title, *exp.Title)
	}
	items := append(exp.Items, exp.Entries...)
	if len(items) != len(res.Feed.Items) {
		t.Fatalf("%d items, want %d", len(res.Feed.Items), len(items))
	}
	for i, want := range items {
		got := res.Feed.Items[i]
		if want.Title != nil && got.Title != *want.Title {
			t.Errorf("item %d title = %q, want %q", i, got.Title, *want.Title)
		}
		if link := wantLink(want); link != "" && got.Link != link {
			t.Errorf("item %d link = %q, want %q", i, got.Link, link)
		}
	}
}

func wantLink(e expectedItem) string {
	switch {
	case e.Link != nil:
		return *e.Link
	case e.URL != nil:
		return *e.URL
	case len(e.Links) > 0:
		return e.Links[0].Href
	}
	return ""
}

// TestFeedparserEncodings checks the charset each feedparser fixture must be
// decoded from and, where feedparser asserts one, the decoded value.
func TestFeedparserEncodings(t *testing.T) {
	root := shareddata.Path(t, "feeds", "feedparser")
	tests := []struct {
		file, contentType, charset string
		title, desc                string
	}{
		{file: "encoding/utf-8-bom.xml", charset: "utf-8"},
		{file: "encoding/utf-16be-bom.xml", charset: "utf-16be"},
		{file: "encoding/utf-16le-bom.xml", charset: "utf-16le"},
		{file: "encoding/utf-16be.xml", charset: "utf-16be"},
		{file: "encoding/utf-16le-autodetect.xml", charset: "utf-16le"},
		{file: "encoding/utf-32be-bom.xml", charset: "utf-32be"},
		{file: "encoding/utf-32le-bom.xml", charset: "utf-32le"},
		{file: "encoding/utf-32le.xml", charset: "utf-32le"},
		{file: "encoding/utf-32be-autodetect.xml", charset: "utf-32be"},
		{file: "encoding/http_application_rss_xml_encoding.xml", contentType: "application/rss+xml", charset: "iso-8859-1"},
		{file: "encoding/http_text_xml_charset_2.xml", contentType: "text/xml; charset=windows-1252", charset: "windows-1252", desc: "This is a £“test.”"},
		{file: "encoding/euc-kr.xml", charset: "euc-kr", title: "\ub144"},
		{file: "encoding/http_i18n.xml", contentType: "application/xml", charset: "utf-8", title: "Iñtërnâtiônàlizætiøn"},
		{file: "illformed/always_strip_doctype.xml", charset: "utf-8", title: "found"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(root, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			feed, cs, err := ParseFeed(data, tt.contentType)
			if err != nil {
				t.Fatalf("ParseFeed: %v", err)
			}
			if cs != tt.charset {
				t.Errorf("charset = %q, want %q", cs, tt.charset)
			}
			if tt.title != "" && feed.Title != tt.title {
				t.Errorf("title = %q, want %q", feed.Title, tt.title)
			}
			if tt.desc != "" && (len(feed.Items) == 0 || feed.Items[0].Description != tt.desc) {
				t.Errorf("first description = %+v, want %q", feed.Items, tt.desc)
			}
		})
	}
}
