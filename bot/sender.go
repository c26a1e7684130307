package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"newsdigest/delivery"
)

var (
	_ delivery.Sender = (*Sender)(nil)
	_ delivery.Pacer  = (*Sender)(nil)
)

// SenderConfig sets Telegram's flood limits as the sender observes them.
// Zero values mean Telegram's documented limits.
type SenderConfig struct {
	Token          string  // redacted from every error
	GlobalRate     float64 // messages/s for the whole bot; default 30, or 1000 with PaidBroadcast
	PaidBroadcast  bool    // NEWSDIGEST_PAID_BROADCAST=1: send allow_paid_broadcast (costs Stars) and allow up to 1000/s
	PrivateRate    float64 // messages/s per private chat; default 1
	GroupPerMinute float64 // messages/min per group or channel (negative chat ID); default 20
	InFlight       int     // bulk requests on the wire at once; default GlobalRate/20 (at least 8)
}

// interactiveSlots is how many replies may be on the wire beside bulk sends.
const interactiveSlots = 2

// MaxPaidRate is Telegram's ceiling for paid broadcasts.
const MaxPaidRate = 1000

// EnvPaidBroadcast turns on paid broadcasts ("1"/"true").
const EnvPaidBroadcast = "NEWSDIGEST_PAID_BROADCAST"

// SenderConfigFromEnv builds the sender's settings from the environment
// (getenv is os.Getenv, or a map lookup in tests).
func SenderConfigFromEnv(token string, getenv func(string) string) (SenderConfig, error) {
	cfg := SenderConfig{Token: token}
	if v := getenv(EnvPaidBroadcast); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return cfg, fmt.Errorf("bot: %s=%q: want 1 or 0", EnvPaidBroadcast, v)
		}
		cfg.PaidBroadcast = on
	}
	return cfg.withDefaults(), nil
}

func (c SenderConfig) withDefaults() SenderConfig {
	if c.GlobalRate <= 0 {
		c.GlobalRate = 30
		if c.PaidBroadcast {
			c.GlobalRate = MaxPaidRate
		}
	}
	if c.PrivateRate <= 0 {
		c.PrivateRate = 1
	}
	if c.GroupPerMinute <= 0 {
		c.GroupPerMinute = 20
	}
	if c.InFlight <= 0 {
		// 50 ms of sends on the wire. Fewer slots, not the rate, would
		// bound a push at Telegram's round trip (8 slots at 50 ms allow
		// 160 messages/s against the paid 1,000/s); many more would let
		// requests delayed together (a GC pause, a stalled connection)
		// arrive as one burst larger than Telegram tolerates (the fake
		// allows a tenth of a second's worth), which ends in 429s.
		c.InFlight = max(8, int(c.GlobalRate/20))
	}
	return c
}

// Sender implements delivery.Sender over go-telegram-bot-api, which has no
// rate limiting, no 429 handling and leaks the token in its errors.
//
// Every message waits for its chat's bucket, then for a request slot, then
// for the bot's bucket. Bulk and interactive messages have separate slots,
// so at most InFlight bulk requests hold reservations in the bot's bucket
// and a user's /digest waits behind those few, never behind a whole push.
type Sender struct {
	api         *tgbotapi.BotAPI
	cfg         SenderConfig
	global      *rate.Limiter
	bulk        chan struct{}
	interactive chan struct{}

	mu        sync.Mutex
	chats     map[int64]*chatLimit
	sweepAt   int
	pausedTil time.Time   // bot-wide pause after a 429 that hit many chats
	recent429 []time.Time // when the last 429s arrived, to tell a bot-wide one
	okStreak  int         // successes since the rate was last changed
}

type chatLimit struct {
	lim   *rate.Limiter
	until time.Time // Telegram said retry_after for this chat
}

// NewSender returns a sender over a connected client (see NewAPI; give it a
// context that outlives shutdown so in-flight sends can finish).
func NewSender(api *tgbotapi.BotAPI, cfg SenderConfig) *Sender {
	cfg = cfg.withDefaults()
	keepAlive(api, cfg.InFlight+interactiveSlots)
	return &Sender{
		api:         api,
		cfg:         cfg,
		global:      rate.NewLimiter(rate.Limit(cfg.GlobalRate), max(1, int(cfg.GlobalRate/50))), // 20 ms of slack for scheduling hiccups
		bulk:        make(chan struct{}, cfg.InFlight),
		interactive: make(chan struct{}, interactiveSlots),
		chats:       map[int64]*chatLimit{},
		sweepAt:     10_000,
	}
}

// keepAlive lets the client keep one idle connection per request in
// flight. Go's default transport keeps two per host, so with more requests
// in flight every send beyond two would open (and, for Telegram, TLS-
// handshake) a new connection. Only a client still on the default transport
// is changed; NewSender runs before any request of the bot's loops.
func keepAlive(api *tgbotapi.BotAPI, conns int) {
	var hc *http.Client
	switch c := api.Client.(type) {
	case *ctxClient:
		hc = c.client
	case *http.Client:
		hc = c
	}
	if hc == nil || hc.Transport != nil {
		return
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = max(tr.MaxIdleConnsPerHost, conns)
	hc.Transport = tr
}

// Send delivers one message, waiting as the limits require. Errors wrap the
// delivery error kinds and never contain the token.
func (s *Sender) Send(ctx context.Context, m delivery.Message) error {
	slots := s.bulk
	if m.Interactive {
		slots = s.interactive
	}
	release, err := s.admit(ctx, m.ChatID, slots)
	if err != nil {
		return err
	}
	defer release()
	_, err = s.api.MakeRequest("sendMessage", s.params(m))
	if err != nil {
		return s.classify(m.ChatID, err)
	}
	s.recover()
	return nil
}

// Do runs one Bot API call that sends or edits a message in chatID (the
// bot's answers to commands, with keyboards delivery.Message cannot carry)
// under the same limits as an interactive message, so command replies and
// digests share one budget with Telegram. A 429 is learnt from (the chat or
// the bot pauses) and, when Telegram asks for a short wait, the call is made
// again after it: a user's answer is not dropped for a timing hiccup.
func (s *Sender) Do(ctx context.Context, chatID int64, call func() error) error {
	const attempts, maxWait = 3, 10 * time.Second
	var err error
	for range attempts {
		var after time.Duration
		if after, err = s.doOnce(ctx, chatID, call); after == 0 || after > maxWait {
			return err
		}
	}
	return err
}

// doOnce makes the call once and returns Telegram's retry_after if it
// answered 429.
func (s *Sender) doOnce(ctx context.Context, chatID int64, call func() error) (time.Duration, error) {
	release, err := s.admit(ctx, chatID, s.interactive)
	if err != nil {
		return 0, err
	}
	defer release()
	err = call()
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		return s.retryAfter(chatID, te), err
	}
	return 0, err
}

// retryAfter learns from a 429 answer (the chat or the bot pauses) and
// returns how long Telegram asked to wait; 0 for any other answer. Send and
// Do share it so both kinds of call pause the same way.
func (s *Sender) retryAfter(chatID int64, te *tgbotapi.Error) time.Duration {
	if te.Code != 429 && te.RetryAfter <= 0 {
		return 0
	}
	after := time.Duration(max(1, te.RetryAfter)) * time.Second
	s.tooMany(chatID, after)
	return after
}

// admit waits for the chat's bucket, a request slot and the bot's bucket.
func (s *Sender) admit(ctx context.Context, chatID int64, slots chan struct{}) (release func(), err error) {
	if err := s.waitChat(ctx, chatID); err != nil {
		return nil, err
	}
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("bot: send to chat %d: %w", chatID, ctx.Err())
	}
	if err := s.waitGlobal(ctx); err != nil {
		<-slots
		return nil, fmt.Errorf("bot: send to chat %d: %w", chatID, err)
	}
	return func() { <-slots }, nil
}

// recover raises a rate lowered by bot-wide 429s by 10% per 100 messages
// Telegram accepted, up to the configured rate.
func (s *Sender) recover() {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := float64(s.global.Limit())
	if cur >= s.cfg.GlobalRate {
		return
	}
	if s.okStreak++; s.okStreak >= 100 {
		s.global.SetLimit(rate.Limit(min(s.cfg.GlobalRate, cur*1.1)))
		s.okStreak = 0
	}
}

func (s *Sender) params(m delivery.Message) tgbotapi.Params {
	p := tgbotapi.Params{
		"chat_id":                  strconv.FormatInt(m.ChatID, 10),
		"text":                     m.Text,
		"disable_web_page_preview": "true",
	}
	p.AddNonEmpty("parse_mode", m.ParseMode)
	if len(m.Buttons) > 0 {
		// Strings only: encoding cannot fail.
		_ = p.AddInterface("reply_markup", inlineKeyboard(m.Buttons))
	}
	if s.cfg.PaidBroadcast {
		// The library (v5.5.1) predates allow_paid_broadcast: pass it raw.
		p["allow_paid_broadcast"] = "true"
	}
	return p
}

// inlineKeyboard is delivery's rows of callback buttons as Telegram's
// InlineKeyboardMarkup.
func inlineKeyboard(rows [][]delivery.Button) tgbotapi.InlineKeyboardMarkup {
	kb := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: make([][]tgbotapi.InlineKeyboardButton, 0, len(rows))}
	for _, row := range rows {
		out := make([]tgbotapi.InlineKeyboardButton, 0, len(row))
		for _, b := range row {
			out = append(out, tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, out)
	}
	return kb
}

// ReadyAt is when chatID may next be sent to without waiting: after any
// retry_after Telegram gave for it and once its bucket holds a token. The
// delivery workers set a record aside until then instead of blocking in
// Send while holding a slot.
func (s *Sender) ReadyAt(chatID int64) time.Time {
	now := time.Now()
	s.mu.Lock()
	cl, ok := s.chats[chatID]
	var until time.Time
	if ok {
		until = cl.until
	}
	s.mu.Unlock()
	if !ok {
		return now
	}
	at := now
	if tokens := cl.lim.TokensAt(now); tokens < 1 {
		at = now.Add(time.Duration((1 - tokens) / float64(cl.lim.Limit()) * float64(time.Second)))
	}
	if until.After(at) {
		at = until
	}
	return at
}

// waitChat waits out a retry_after Telegram gave for the chat, then the
// chat's own bucket.
func (s *Sender) waitChat(ctx context.Context, chatID int64) error {
	cl, until := s.chat(chatID)
	if err := sleepUntil(ctx, until); err != nil {
		return fmt.Errorf("bot: send to chat %d: %w", chatID, err)
	}
	if err := cl.lim.Wait(ctx); err != nil {
		return fmt.Errorf("bot: send to chat %d: %w", chatID, err)
	}
	return nil
}

func (s *Sender) waitGlobal(ctx context.Context) error {
	s.mu.Lock()
	until := s.pausedTil
	s.mu.Unlock()
	if err := sleepUntil(ctx, until); err != nil {
		return err
	}
	return s.global.Wait(ctx)
}

func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// chat returns the chat's bucket, creating it, and its retry_after pause
// (read under the same lock); idle full buckets are dropped now and then so
// a push to a million chats does not keep a million buckets.
func (s *Sender) chat(chatID int64) (*chatLimit, time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cl, ok := s.chats[chatID]; ok {
		return cl, cl.until
	}
	if len(s.chats) >= s.sweepAt {
		s.sweep(time.Now())
	}
	perSec, burst := s.cfg.PrivateRate, 1
	if chatID < 0 {
		perSec = s.cfg.GroupPerMinute / 60
	}
	cl := &chatLimit{lim: rate.NewLimiter(rate.Limit(perSec), burst)}
	s.chats[chatID] = cl
	return cl, time.Time{}
}

func (s *Sender) sweep(now time.Time) {
	for id, cl := range s.chats {
		if now.After(cl.until) && cl.lim.TokensAt(now) >= float64(cl.lim.Burst()) {
			delete(s.chats, id)
		}
	}
	s.sweepAt = max(10_000, 2*len(s.chats))
}

// classify maps a Bot API failure onto the delivery error kinds, with the
// token removed.
func (s *Sender) classify(chatID int64, err error) error {
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		// Network failure, timeout or a non-JSON answer (a proxy's 502 page).
		return fmt.Errorf("bot: send to chat %d: %w: %w", chatID, delivery.ErrTemporary, Redact(err, s.cfg.Token))
	}
	desc := RedactString(te.Message, s.cfg.Token)
	if after := s.retryAfter(chatID, te); after > 0 {
		return fmt.Errorf("bot: send to chat %d: %s: %w", chatID, desc, &delivery.RetryAfterError{After: after})
	}
	switch {
	case te.MigrateToChatID != 0:
		return fmt.Errorf("bot: send to chat %d: %s: %w", chatID, desc, &delivery.MigratedError{To: te.MigrateToChatID})
	case te.Code == 403, te.Code == 400 && strings.Contains(strings.ToLower(desc), "chat not found"):
		return fmt.Errorf("bot: send to chat %d: %s: %w", chatID, desc, delivery.ErrChatGone)
	case apiTemporary(te):
		return fmt.Errorf("bot: send to chat %d: %d %s: %w", chatID, te.Code, desc, delivery.ErrTemporary)
	default:
		return fmt.Errorf("bot: send to chat %d: %d %s: %w", chatID, te.Code, desc, delivery.ErrRejected)
	}
}

// tooMany pauses the chat for retry_after. Telegram does not say which limit
// a 429 is about; when several chats get one within a second it is the
// bot's: the whole sender pauses and halves its rate (the configured rate
// is evidently above what Telegram grants this bot).
func (s *Sender) tooMany(chatID int64, after time.Duration) {
	now := time.Now()
	until := now.Add(after)
	s.mu.Lock()
	defer s.mu.Unlock()
	if cl, ok := s.chats[chatID]; ok && until.After(cl.until) {
		cl.until = until
	}
	s.recent429 = append(s.recent429, now)
	for len(s.recent429) > 0 && now.Sub(s.recent429[0]) > time.Second {
		s.recent429 = s.recent429[1:]
	}
	if len(s.recent429) >= 3 && until.After(s.pausedTil) {
		s.pausedTil = until
		s.global.SetLimit(max(1, s.global.Limit()/2))
		s.okStreak = 0
		s.recent429 = s.recent429[:0]
	}
}
