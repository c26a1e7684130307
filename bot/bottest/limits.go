package bottest

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limits holds Telegram's flood-control buckets: one for the bot, one for
// paid broadcasts and one per chat.
type limits struct {
	mu      sync.Mutex
	global  *rate.Limiter
	paid    *rate.Limiter
	private func() *rate.Limiter
	group   func() *rate.Limiter
	chats   map[int64]*rate.Limiter
}

func newLimits(cfg Config) *limits {
	cfg.GlobalRate = orDefault(cfg.GlobalRate, 30)
	cfg.PaidRate = orDefault(cfg.PaidRate, 1000)
	cfg.PrivateRate = orDefault(cfg.PrivateRate, 1)
	cfg.GroupPerMinute = orDefault(cfg.GroupPerMinute, 20)
	globalBurst := cfg.GlobalBurst
	if globalBurst <= 0 {
		globalBurst = max(1, int(cfg.GlobalRate/10))
	}
	return &limits{
		global: rate.NewLimiter(rate.Limit(cfg.GlobalRate), globalBurst),
		paid:   rate.NewLimiter(rate.Limit(cfg.PaidRate), max(1, int(cfg.PaidRate/10))),
		private: func() *rate.Limiter {
			return rate.NewLimiter(rate.Limit(cfg.PrivateRate), orDefault(cfg.PrivateBurst, 3))
		},
		group: func() *rate.Limiter {
			return rate.NewLimiter(rate.Limit(cfg.GroupPerMinute/60), orDefault(cfg.GroupBurst, 3))
		},
		chats: map[int64]*rate.Limiter{},
	}
}

// orDefault is cmp.Or where a negative setting also means the default.
func orDefault[T int | float64](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// admit takes one message from the chat's and the bot's buckets, or none
// and reports how long the client must wait, as Telegram's 429 does.
func (l *limits) admit(chatID int64, paid bool, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	chat := l.chat(chatID)
	bot := l.global
	if paid {
		bot = l.paid
	}
	rc := chat.ReserveN(now, 1)
	rb := bot.ReserveN(now, 1)
	wait := max(rc.DelayFrom(now), rb.DelayFrom(now))
	if wait > 0 {
		rb.CancelAt(now)
		rc.CancelAt(now)
		return wait, false
	}
	return 0, true
}

func (l *limits) chat(chatID int64) *rate.Limiter {
	lim, ok := l.chats[chatID]
	if !ok {
		lim = l.private()
		if chatID < 0 {
			lim = l.group()
		}
		l.chats[chatID] = lim
	}
	return lim
}
