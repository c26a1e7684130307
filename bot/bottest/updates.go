package bottest

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// updateQueue keeps updates until the bot confirms them with a higher
// offset, as Telegram does.
type updateQueue struct {
	mu      sync.Mutex
	pending []tgbotapi.Update
	nextID  int
	wake    chan struct{} // closed and replaced when an update arrives
	closed  bool
}

func newUpdateQueue() *updateQueue {
	return &updateQueue{nextID: 1, wake: make(chan struct{})}
}

// PushUpdate queues an update for getUpdates and returns its update_id
// (assigned by the server, increasing).
func (s *Server) PushUpdate(u tgbotapi.Update) int {
	q := s.updates
	q.mu.Lock()
	defer q.mu.Unlock()
	u.UpdateID = q.nextID
	q.nextID++
	q.pending = append(q.pending, u)
	close(q.wake)
	q.wake = make(chan struct{})
	return u.UpdateID
}

// PushText queues a text message from a user in a private chat (chat ID =
// user ID) with the given Telegram language_code, e.g. "/start".
func (s *Server) PushText(userID int64, lang, text string) int {
	msg := &tgbotapi.Message{
		MessageID: int(time.Now().UnixNano() % 1e6),
		From:      &tgbotapi.User{ID: userID, FirstName: "User" + strconv.FormatInt(userID, 10), LanguageCode: lang},
		Chat:      &tgbotapi.Chat{ID: userID, Type: "private"},
		Date:      int(time.Now().Unix()),
		Text:      text,
	}
	if len(text) > 0 && text[0] == '/' {
		end := len(text)
		if i := strings.IndexAny(text, " @"); i >= 0 {
			end = i
		}
		msg.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: end}} // commands are ASCII: bytes = UTF-16 units
	}
	return s.PushUpdate(tgbotapi.Update{Message: msg})
}

// Unconfirmed is how many updates the bot has not confirmed yet.
func (s *Server) Unconfirmed() int {
	q := s.updates
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

func (q *updateQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.wake)
	}
}

// poll confirms updates below offset and returns up to limit of the rest,
// plus a channel that closes when more arrive.
func (q *updateQueue) poll(offset, limit int) ([]tgbotapi.Update, <-chan struct{}, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if offset > 0 {
		i := 0
		for i < len(q.pending) && q.pending[i].UpdateID < offset {
			i++
		}
		q.pending = q.pending[i:]
	}
	n := min(limit, len(q.pending))
	return append([]tgbotapi.Update(nil), q.pending[:n]...), q.wake, q.closed
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p params) {
	offset, _ := strconv.Atoi(p.get("offset")) // absent = 0: everything unconfirmed
	limit, err := strconv.Atoi(p.get("limit"))
	if err != nil || limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p.get("timeout"))
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	for {
		ups, wake, closed := s.updates.poll(offset, limit)
		if len(ups) > 0 || timeout <= 0 || closed {
			writeResult(w, ups)
			return
		}
		select {
		case <-wake:
		case <-deadline.C:
			writeResult(w, []tgbotapi.Update{})
			return
		case <-r.Context().Done():
			return
		}
	}
}
