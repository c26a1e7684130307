package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// DefaultEndpoint is Telegram's Bot API URL pattern (token, method).
const DefaultEndpoint = tgbotapi.APIEndpoint

// NewAPI builds the go-telegram-bot-api client on an HTTP client that
//   - carries ctx into every request, because the library's requests have no
//     context of their own and a long poll must end when the bot stops;
//   - has a timeout, because the library's default client has none;
//   - strips the token from every error, because the Bot API URL contains it.
//
// The constructor calls getMe, so this fails fast on a wrong token or endpoint.
func NewAPI(ctx context.Context, token, endpoint string, timeout time.Duration) (*tgbotapi.BotAPI, error) {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	hc := &ctxClient{ctx: ctx, token: token, client: &http.Client{Timeout: timeout}}
	api, err := tgbotapi.NewBotAPIWithClient(token, endpoint, hc)
	if err != nil {
		return nil, fmt.Errorf("bot: connect to Bot API: %w", Redact(err, token))
	}
	return api, nil
}

// ctxClient implements tgbotapi.HTTPClient.
type ctxClient struct {
	ctx    context.Context
	token  string
	client *http.Client
}

func (c *ctxClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.client.Do(req.WithContext(c.ctx))
	if err != nil {
		return nil, Redact(err, c.token)
	}
	return resp, nil
}

// Redact returns err with every occurrence of token (raw or URL-escaped,
// once or several times, in any letter case) replaced by "<token>". It keeps
// the *tgbotapi.Error and context errors reachable through errors.As/Is when
// they carry no token.
func Redact(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	msg := err.Error()
	red := RedactString(msg, token)
	if red == msg {
		return err
	}
	return &redactedError{msg: red, cause: unwrapSafe(err)}
}

// RedactString replaces the token in s. A token is "<bot id>:<secret>"; the
// secret's letters (A-Z a-z 0-9 _ -) are never escaped by URL encoders, only
// the colon is (%3A, %253A once escaped twice…), so the secret itself is
// matched in any of its encodings, with the ID and colon when they precede it.
func RedactString(s, token string) string {
	if token == "" {
		return s
	}
	id, secret, ok := strings.Cut(token, ":")
	if !ok || secret == "" {
		s = strings.ReplaceAll(s, token, "<token>")
		return strings.ReplaceAll(s, url.QueryEscape(token), "<token>")
	}
	re := regexp.MustCompile(`(?i)(?:` + regexp.QuoteMeta(id) + `(?::|%(?:25)*3a))?` + regexp.QuoteMeta(secret))
	return re.ReplaceAllLiteralString(s, "<token>")
}

type redactedError struct {
	msg   string
	cause error // a token-free error for errors.Is (context.Canceled, timeouts)
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }

// unwrapSafe keeps the well-known sentinel causes so callers can still tell a
// cancellation or a timeout from other failures.
func unwrapSafe(err error) error {
	for _, target := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, target) {
			return target
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return errTimeout
	}
	return nil
}

var errTimeout = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string { return "request timed out" }
func (timeoutError) Timeout() bool { return true }

// apiFor returns a shallow copy of the bot's client whose requests carry ctx
// instead of the context NewAPI was given. The library's calls take no
// context, so this is how the updates loop ends a 50 s long poll at shutdown,
// and how it still confirms the last updates after the service's context is
// gone (with a short context of its own).
func (b *Bot) apiFor(ctx context.Context) *tgbotapi.BotAPI {
	base, ok := b.api.Client.(*ctxClient)
	if !ok {
		return b.api
	}
	cp := *b.api
	cp.Client = &ctxClient{ctx: ctx, token: base.token, client: base.client}
	return &cp
}
