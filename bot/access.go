package bot

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// adminCache remembers each chat's administrators for a short while, so a
// burst of commands in a busy group costs one getChatAdministrators call,
// and a demoted admin loses access within the TTL.
type adminCache struct {
	ttl    time.Duration
	mu     sync.Mutex
	byChat map[int64]adminEntry
}

type adminEntry struct {
	ids     map[int64]bool
	expires time.Time
}

func newAdminCache(ttl time.Duration) *adminCache {
	return &adminCache{ttl: ttl, byChat: map[int64]adminEntry{}}
}

func (c *adminCache) get(chatID int64, now time.Time) (map[int64]bool, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byChat[chatID]
	if !ok || now.After(e.expires) {
		return nil, false
	}
	return e.ids, true
}

func (c *adminCache) put(chatID int64, ids map[int64]bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byChat) > 10_000 { // bound memory: drop expired entries
		for id, e := range c.byChat {
			if now.After(e.expires) {
				delete(c.byChat, id)
			}
		}
	}
	c.byChat[chatID] = adminEntry{ids: ids, expires: now.Add(c.ttl)}
}

func (c *adminCache) invalidate(chatID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byChat, chatID)
}

// chatAdmins returns the user IDs of a group's or channel's administrators
// (creator included), asking Telegram at most once per TTL.
func (b *Bot) chatAdmins(ctx context.Context, chatID int64) (map[int64]bool, error) {
	if ids, ok := b.admins.get(chatID, b.now()); ok {
		return ids, nil
	}
	cfg := tgbotapi.ChatAdministratorsConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: chatID}}
	members, err := b.apiFor(ctx).GetChatAdministrators(cfg)
	if err != nil {
		return nil, fmt.Errorf("bot: administrators of %d: %w", chatID, Redact(err, b.cfg.Token))
	}
	ids := make(map[int64]bool, len(members))
	for _, m := range members {
		if m.User != nil && (m.Status == "creator" || m.Status == "administrator") {
			ids[m.User.ID] = true
		}
	}
	b.admins.put(chatID, ids, b.now())
	return ids, nil
}

// mayConfigure reports whether the sender of a message may change the
// settings of chat: anyone in a private chat; in groups and channels only
// administrators, or the group itself when an anonymous admin writes as the
// group (sender_chat = the chat).
func (b *Bot) mayConfigure(ctx context.Context, chat *tgbotapi.Chat, from *tgbotapi.User, senderChat *tgbotapi.Chat) (bool, error) {
	if chat.IsPrivate() {
		return true, nil
	}
	if senderChat != nil && senderChat.ID == chat.ID {
		return true, nil
	}
	if from == nil {
		return false, nil
	}
	ids, err := b.chatAdmins(ctx, chat.ID)
	if err != nil {
		return false, err
	}
	return ids[from.ID], nil
}

// editTargets remembers which channel a user configures from their private
// chat (/channel @name). It lives in memory: after a restart commands apply
// to the private chat again, which is the safe default.
type editTargets struct {
	mu sync.Mutex
	m  map[int64]int64 // private chat ID → channel chat ID
}

func newEditTargets() *editTargets { return &editTargets{m: map[int64]int64{}} }

func (e *editTargets) get(chatID int64) (int64, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id, ok := e.m[chatID]
	return id, ok
}

func (e *editTargets) set(chatID, channelID int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if channelID == 0 {
		delete(e.m, chatID)
		return
	}
	e.m[chatID] = channelID
}

// forget drops every link to a chat that no longer exists.
func (e *editTargets) forget(channelID int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, v := range e.m {
		if v == channelID || k == channelID {
			delete(e.m, k)
		}
	}
}

// pendingStore keeps broadcasts between /broadcast and its confirmation
// button: the text does not fit in 64 bytes of callback data.
type pendingStore struct {
	mu   sync.Mutex
	next int
	m    map[string]pendingBroadcast
}

type pendingBroadcast struct {
	admin   int64
	html    string
	expires time.Time
}

func newPendingStore() *pendingStore { return &pendingStore{m: map[string]pendingBroadcast{}} }

const pendingTTL = 10 * time.Minute

func (p *pendingStore) add(admin int64, html string, now time.Time) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, v := range p.m {
		if now.After(v.expires) {
			delete(p.m, k)
		}
	}
	p.next++
	id := strconv.Itoa(p.next)
	p.m[id] = pendingBroadcast{admin: admin, html: html, expires: now.Add(pendingTTL)}
	return id
}

// restore puts back a broadcast taken for a send that failed.
func (p *pendingStore) restore(id string, admin int64, html string, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m[id] = pendingBroadcast{admin: admin, html: html, expires: now.Add(pendingTTL)}
}

// take removes and returns the broadcast if it exists, is fresh and belongs
// to admin.
func (p *pendingStore) take(id string, admin int64, now time.Time) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.m[id]
	if !ok || v.admin != admin || now.After(v.expires) {
		return "", false
	}
	delete(p.m, id)
	return v.html, true
}
