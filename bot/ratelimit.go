package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// userLimiter gives every user a token bucket for commands, so one user
// flooding the bot cannot slow everyone else down. A user over the limit
// gets one warning, then silence until their bucket refills.
type userLimiter struct {
	limit rate.Limit
	burst int

	mu    sync.Mutex
	users map[int64]*userBucket
}

type userBucket struct {
	lim    *rate.Limiter
	warned bool
	seen   time.Time
}

func newUserLimiter(perSecond float64, burst int) *userLimiter {
	return &userLimiter{limit: rate.Limit(perSecond), burst: burst, users: map[int64]*userBucket{}}
}

// allow reports whether the user's command may run and, if not, whether this
// is the first refusal since the user was last allowed (time to warn).
func (l *userLimiter) allow(userID int64, now time.Time) (ok, warn bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	u := l.users[userID]
	if u == nil {
		l.sweep(now)
		u = &userBucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.users[userID] = u
	}
	u.seen = now
	if u.lim.AllowN(now, 1) {
		u.warned = false
		return true, false
	}
	warn = !u.warned
	u.warned = true
	return false, warn
}

// sweep forgets users idle long enough for their bucket to be full again,
// keeping the map as small as the set of currently active users.
func (l *userLimiter) sweep(now time.Time) {
	if len(l.users) < 1024 {
		return
	}
	idle := time.Duration(float64(l.burst)/float64(l.limit)*float64(time.Second)) + time.Minute
	for id, u := range l.users {
		if now.Sub(u.seen) > idle {
			delete(l.users, id)
		}
	}
}
