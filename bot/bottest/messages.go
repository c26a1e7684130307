package bottest

import (
	"encoding/json"
	"net/http"
	"time"
	"unicode/utf16"
)

// Sent is one message the server accepted.
type Sent struct {
	Seq       int // position among all accepted messages, from 1
	Method    string
	ChatID    int64
	MessageID int
	Text      string // sendDocument: the caption
	ParseMode string
	Document  string     // sendDocument: the file name
	Paid      bool       // allow_paid_broadcast was set
	Buttons   [][]Button // the inline keyboard (reply_markup) of callback buttons, by row
	At        time.Time
}

// Button is one inline keyboard button of a sent message.
type Button struct {
	Text string
	Data string // callback_data
}

// keyboard reads an InlineKeyboardMarkup as Telegram does: unparsable JSON
// or callback data beyond 64 bytes is refused with Telegram's description.
func keyboard(markup string) ([][]Button, string) {
	if markup == "" {
		return nil, ""
	}
	var kb struct {
		Rows [][]struct {
			Text string `json:"text"`
			Data string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(markup), &kb); err != nil {
		return nil, "Bad Request: can't parse reply keyboard markup JSON object"
	}
	out := make([][]Button, 0, len(kb.Rows))
	for _, row := range kb.Rows {
		var r []Button
		for _, b := range row {
			if b.Text == "" || len(b.Data) > 64 {
				return nil, "Bad Request: BUTTON_DATA_INVALID"
			}
			r = append(r, Button{Text: b.Text, Data: b.Data})
		}
		out = append(out, r)
	}
	return out, ""
}

// Edit is one accepted editMessageText or editMessageReplyMarkup.
type Edit struct {
	ChatID      int64
	MessageID   int
	Text        string // "" for editMessageReplyMarkup
	ParseMode   string
	ReplyMarkup string // the new keyboard's JSON, as sent
}

func (s *Server) send(w http.ResponseWriter, r *http.Request, method string, p params) {
	chatID, err := p.int64("chat_id")
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), nil)
		return
	}
	if ft, ok := s.faults.take(chatID); ok && s.faults.apply(w, r, ft) {
		return
	}
	if !s.validText(w, method, p) {
		return
	}
	buttons, refused := keyboard(p.get("reply_markup"))
	if refused != "" {
		writeError(w, http.StatusBadRequest, refused, nil)
		return
	}
	if wait, ok := s.limits.admit(chatID, p.bool("allow_paid_broadcast"), time.Now()); !ok {
		s.record(func() { s.tooMany++ })
		tooManyRequests(w, wait)
		return
	}
	m := s.accept(method, chatID, p, buttons)
	writeResult(w, map[string]any{
		"message_id": m.MessageID, "date": m.At.Unix(),
		"chat": map[string]any{"id": chatID, "type": chatType(chatID)}, "text": m.Text,
	})
}

// validText rejects what Telegram rejects: empty or over-long text.
func (s *Server) validText(w http.ResponseWriter, method string, p params) bool {
	if method != "sendMessage" {
		return true
	}
	n := 0
	for _, r := range p.get("text") {
		n += utf16.RuneLen(r)
	}
	switch {
	case n == 0:
		writeError(w, http.StatusBadRequest, "Bad Request: message text is empty", nil)
	case n > 4096:
		writeError(w, http.StatusBadRequest, "Bad Request: message is too long", nil)
	default:
		return true
	}
	return false
}

func (s *Server) accept(method string, chatID int64, p params, buttons [][]Button) Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID[chatID]++
	m := Sent{
		Seq: len(s.sent) + 1, Method: method, ChatID: chatID, MessageID: s.nextID[chatID],
		Text: s.intern(p.get("text")), ParseMode: p.get("parse_mode"), Paid: p.bool("allow_paid_broadcast"), Buttons: buttons, At: time.Now(),
	}
	if method == "sendDocument" {
		m.Text, m.Document = p.get("caption"), p.get("document")
	}
	s.sent = append(s.sent, m)
	return m
}

// intern keeps one copy of each distinct text: a benchmark push sends the
// same digest to 100,000 chats, and the log should not weigh 100,000 copies.
// Called with s.mu held.
func (s *Server) intern(text string) string {
	if v, ok := s.texts[text]; ok {
		return v
	}
	if len(s.texts) < 10_000 {
		s.texts[text] = text
	}
	return text
}

func chatType(chatID int64) string {
	if chatID < 0 {
		return "supergroup"
	}
	return "private"
}

func (s *Server) edit(w http.ResponseWriter, p params) {
	chatID, id, ok := messageRef(w, p)
	if !ok {
		return
	}
	s.record(func() {
		s.edits = append(s.edits, Edit{ChatID: chatID, MessageID: int(id), Text: p.get("text"), ParseMode: p.get("parse_mode"),
			ReplyMarkup: p.get("reply_markup")})
	})
	writeResult(w, map[string]any{"message_id": id, "chat": map[string]any{"id": chatID}, "text": p.get("text")})
}

// messageRef reads an edit's chat and message IDs, answering 400 when
// either is missing.
func messageRef(w http.ResponseWriter, p params) (chatID, messageID int64, ok bool) {
	chatID, err := p.int64("chat_id")
	if err == nil {
		messageID, err = p.int64("message_id")
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), nil)
		return 0, 0, false
	}
	return chatID, messageID, true
}

// editMarkup accepts editMessageReplyMarkup and answers true, as Telegram
// does for some edits (the client must not expect a Message).
func (s *Server) editMarkup(w http.ResponseWriter, p params) {
	chatID, id, ok := messageRef(w, p)
	if !ok {
		return
	}
	s.record(func() {
		s.edits = append(s.edits, Edit{ChatID: chatID, MessageID: int(id), ReplyMarkup: p.get("reply_markup")})
	})
	writeResult(w, true)
}

// Sent returns every accepted message in the order the server accepted them.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentTo returns the messages accepted for one chat, in order.
func (s *Server) SentTo(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, m := range s.sent {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// SentCount is the number of accepted messages.
func (s *Server) SentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

// Edits returns every accepted editMessageText, in order.
func (s *Server) Edits() []Edit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Edit(nil), s.edits...)
}

// TooMany is how many 429 answers the server gave.
func (s *Server) TooMany() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooMany
}

// SetMember sets the status getChatMember reports for a user in a chat
// ("creator", "administrator", "member", "left", ...). Unset users are "member".
func (s *Server) SetMember(chatID, userID int64, status string) {
	s.record(func() { s.members[[2]int64{chatID, userID}] = status })
}

// SetAdmins sets the users getChatAdministrators lists for a chat.
func (s *Server) SetAdmins(chatID int64, userIDs ...int64) {
	s.record(func() { s.admins[chatID] = append([]int64(nil), userIDs...) })
}

func (s *Server) chatMember(w http.ResponseWriter, p params) {
	chatID, err1 := p.int64("chat_id")
	userID, err2 := p.int64("user_id")
	if err1 != nil || err2 != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: chat_id and user_id are required", nil)
		return
	}
	s.mu.Lock()
	status, ok := s.members[[2]int64{chatID, userID}]
	s.mu.Unlock()
	if !ok {
		status = "member"
	}
	writeResult(w, member(userID, status))
}

func (s *Server) chatAdmins(w http.ResponseWriter, p params) {
	chatID, err := p.int64("chat_id")
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), nil)
		return
	}
	s.mu.Lock()
	ids := s.admins[chatID]
	s.mu.Unlock()
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, member(id, "administrator"))
	}
	writeResult(w, out)
}

func member(userID int64, status string) map[string]any {
	return map[string]any{"user": map[string]any{"id": userID, "is_bot": false, "first_name": "User"}, "status": status}
}
