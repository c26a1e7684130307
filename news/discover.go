package news

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// NotFeedError reports a page that is not a feed but links to feeds
// (<link rel="alternate" type="application/rss+xml" href="…">), as when an
// admin pastes a site's address instead of its feed's. It matches ErrParse.
type NotFeedError struct {
	URL        string
	Alternates []string // feed URLs the page announces, in page order
}

func (e *NotFeedError) Error() string {
	return fmt.Sprintf("%s is a web page, not a feed; it links to %s", e.URL, strings.Join(e.Alternates, ", "))
}

// Is makes errors.Is(err, ErrParse) true.
func (e *NotFeedError) Is(target error) bool { return target == ErrParse }

// feedLinkTypes are the MIME types of <link rel="alternate"> that name feeds.
func isFeedLinkType(t string) bool {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml":
		return true
	}
	return false
}

// looksLikeHTML reports an HTML page (by Content-Type or by its opening).
func looksLikeHTML(body []byte, contentType string) bool {
	if strings.Contains(strings.ToLower(contentType), "text/html") {
		return true
	}
	head := bytes.ToLower(body[:min(len(body), 1024)])
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype html"))
}

// asNotFeed turns a parse failure on a web page that announces feeds into a
// *NotFeedError; other failures stay as they are. The cheap looksLikeHTML
// goes first, so a broken XML feed is not also tokenised as HTML.
func asNotFeed(err error, body []byte, contentType, pageURL string) error {
	if !looksLikeHTML(body, contentType) {
		return err
	}
	if alt := discoverFeeds(body, pageURL); len(alt) > 0 {
		return &NotFeedError{URL: pageURL, Alternates: alt}
	}
	return err
}

// discoverFeeds lists the feed links in a page's head, resolved against
// pageURL. Hand-written on x/net/html's tokenizer: feed autodiscovery is
// a few lines of product logic, not a library's worth.
func discoverFeeds(body []byte, pageURL string) []string {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil
	}
	var out []string
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if tok.Data == "body" {
				return out
			}
			if u := feedLink(tok, base); u != "" && !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
}

// feedLink returns the canonical feed URL a <link> tag announces, or "".
func feedLink(tok html.Token, base *url.URL) string {
	if tok.Data != "link" {
		return ""
	}
	var rel, typ, href string
	for _, a := range tok.Attr {
		switch a.Key {
		case "rel":
			rel = strings.ToLower(a.Val)
		case "type":
			typ = a.Val
		case "href":
			href = a.Val
		}
	}
	if !strings.Contains(rel, "alternate") || !isFeedLinkType(typ) || href == "" {
		return ""
	}
	u, err := CanonicalURL(href, base)
	if err != nil {
		return ""
	}
	return u
}
