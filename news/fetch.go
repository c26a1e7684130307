package news

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mmcdole/gofeed"
)

// Fetch errors. Fetch wraps them with the feed URL and details; test with
// errors.Is.
var (
	ErrScheme           = errors.New("news: only http and https feed URLs are allowed")
	ErrPrivateAddress   = errors.New("news: feed host resolves to a loopback, private or link-local address (set NEWSDIGEST_ALLOW_PRIVATE_FEEDS=1 to allow)")
	ErrTooManyRedirects = errors.New("news: too many redirects")
	ErrTooLarge         = errors.New("news: feed body exceeds the size limit")
	ErrHTTPStatus       = errors.New("news: unexpected HTTP status")
	ErrParse            = errors.New("news: feed could not be parsed")
)

// Fetch defaults.
const (
	DefaultUserAgent    = "newsdigest/1.0 (Telegram news digest bot)"
	DefaultMaxBodyBytes = 10 << 20
	DefaultFetchTimeout = 30 * time.Second
	MaxRedirects        = 5
)

// FetcherOptions configures a Fetcher; the zero value means the defaults.
type FetcherOptions struct {
	UserAgent    string        // default DefaultUserAgent
	MaxBodyBytes int64         // default DefaultMaxBodyBytes (decompressed)
	Timeout      time.Duration // whole request including body; default DefaultFetchTimeout
	AllowPrivate bool          // allow loopback/private/link-local hosts (tests, intranet feeds)
}

// Fetcher downloads and parses feeds. It does the HTTP itself (gofeed only
// parses) so it can send conditional requests, cap the body, limit
// redirects and refuse private addresses at dial time.
type Fetcher struct {
	client *http.Client
	opts   FetcherOptions
}

// FetchResult is the outcome of one successful request.
type FetchResult struct {
	NotModified  bool         // 304: nothing was parsed
	Feed         *gofeed.Feed // nil when NotModified
	ETag         string       // validators to send next time
	LastModified string
	Charset      string // charset the body was decoded from
	URL          string // final URL after redirects
	MovedTo      string // final URL when every redirect was permanent (301/308): the feed moved
}

// HTTPStatusError is a non-2xx, non-304 answer.
type HTTPStatusError struct {
	Code       int
	RetryAfter time.Duration // from a Retry-After header, 0 if none
}

func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
}

// Is makes errors.Is(err, ErrHTTPStatus) true for every HTTPStatusError.
func (e *HTTPStatusError) Is(target error) bool { return target == ErrHTTPStatus }

// NewFetcher builds a Fetcher with its own HTTP client and transport.
func NewFetcher(o FetcherOptions) *Fetcher {
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultFetchTimeout
	}
	return &Fetcher{client: newHTTPClient(o), opts: o}
}

func newHTTPClient(o FetcherOptions) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !o.AllowPrivate {
		// Checking the address actually dialled (after DNS) defeats names
		// that resolve to internal hosts and DNS rebinding between check and
		// use.
		dialer.Control = refusePrivate
	}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would dial for us and bypass the address check
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 20 * time.Second,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       60 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr, Timeout: o.Timeout, CheckRedirect: checkRedirect}
}

// refusePrivate is a net.Dialer Control hook: it sees the resolved IP.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot check %q: %v", ErrPrivateAddress, address, err)
	}
	if !publicAddr(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, ap.Addr())
	}
	return nil
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return fmt.Errorf("%w (more than %d)", ErrTooManyRedirects, MaxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: redirect to %s", ErrScheme, req.URL.Redacted())
	}
	if t, ok := req.Context().Value(redirectKey{}).(*redirectTrace); ok && req.Response != nil {
		code := req.Response.StatusCode
		t.temporary = t.temporary || (code != http.StatusMovedPermanently && code != http.StatusPermanentRedirect)
	}
	return nil
}

// redirectTrace records, per request, whether any redirect hop was
// temporary; the client is shared, so it travels in the request context.
type redirectTrace struct{ temporary bool }

type redirectKey struct{}

// Fetch requests feedURL, sending etag/lastModified as validators, and parses
// the answer. A 304 returns NotModified without parsing.
func (f *Fetcher) Fetch(ctx context.Context, feedURL, etag, lastModified string) (FetchResult, error) {
	trace := &redirectTrace{}
	req, err := f.newRequest(context.WithValue(ctx, redirectKey{}, trace), feedURL, etag, lastModified)
	if err != nil {
		return FetchResult{}, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return FetchResult{}, fmt.Errorf("news: fetch %s: %w", req.URL.Redacted(), unwrapURLError(err))
	}
	defer resp.Body.Close()
	res := FetchResult{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), URL: resp.Request.URL.String()}
	if res.URL != req.URL.String() && !trace.temporary {
		res.MovedTo = res.URL
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		res.NotModified = true
		res.ETag, res.LastModified = firstNonEmpty(res.ETag, etag), firstNonEmpty(res.LastModified, lastModified)
		return res, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return res, fmt.Errorf("news: fetch %s: %w", req.URL.Redacted(), statusError(resp))
	}
	body, err := readCapped(resp.Body, f.opts.MaxBodyBytes)
	if err != nil {
		return res, fmt.Errorf("news: fetch %s: %w", req.URL.Redacted(), err)
	}
	res.Feed, res.Charset, err = ParseFeed(body, resp.Header.Get("Content-Type"))
	if err != nil {
		err = asNotFeed(err, body, resp.Header.Get("Content-Type"), res.URL)
		return res, fmt.Errorf("news: fetch %s: %w", req.URL.Redacted(), err)
	}
	return res, nil
}

func (f *Fetcher) newRequest(ctx context.Context, feedURL, etag, lastModified string) (*http.Request, error) {
	u, err := url.Parse(feedURL)
	if err != nil {
		return nil, fmt.Errorf("news: feed URL %q: %w", feedURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%w: %q", ErrScheme, feedURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("news: request %s: %w", u.Redacted(), err)
	}
	req.Header.Set("User-Agent", f.opts.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	return req, nil
}

// unwrapURLError drops *url.Error's "Get \"URL\":" prefix (we add our own)
// while keeping the chain for errors.Is.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func statusError(resp *http.Response) error {
	e := &HTTPStatusError{Code: resp.StatusCode}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if secs, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && secs > 0 {
			e.RetryAfter = time.Duration(secs) * time.Second
		} else if t, err := http.ParseTime(s); err == nil {
			e.RetryAfter = time.Until(t)
		}
	}
	return e
}

// readCapped reads at most limit bytes; one more means the body is too big.
// The transport has already undone gzip, so the cap applies to the
// decompressed size and a gzip bomb stops at the limit.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, limit)
	}
	return body, nil
}

// ParseFeed decodes body to UTF-8 (see toUTF8 for the charset order) and
// parses it as RSS, Atom or JSON Feed. It returns the feed and the charset
// the body was decoded from.
func ParseFeed(body []byte, contentType string) (*gofeed.Feed, string, error) {
	utf, cs := toUTF8(body, contentType)
	feed, err := parseRecovering(utf)
	if err != nil {
		return nil, cs, fmt.Errorf("%w (charset %s): %v", ErrParse, cs, err)
	}
	return feed, cs, nil
}

// parseRecovering runs gofeed and turns a panic on hostile input into an
// error, so one broken feed can never take the ingester down.
func parseRecovering(body []byte) (feed *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			feed, err = nil, fmt.Errorf("parser panic: %v", r)
		}
	}()
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("empty document")
	}
	return gofeed.NewParser().Parse(bytes.NewReader(body))
}
