// Package bottest is a fake Telegram Bot API server for tests and benchmarks.
//
// It serves /bot<TOKEN>/<method> on a loopback httptest server, accepts the
// url-encoded, multipart and JSON bodies real clients send, enforces
// Telegram's flood limits the way Telegram does (429 with retry_after),
// injects per-chat failures on demand and records every message it accepted.
// It is written by hand rather than with a mocking library so that the real
// go-telegram-bot-api client and our sender run unchanged against it.
package bottest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// DefaultToken is the token New accepts when Config.Token is empty.
const DefaultToken = "123456:TEST-token-never-logged"

// Config sets the limits the fake enforces. Zero values mean Telegram's.
type Config struct {
	Token          string
	GlobalRate     float64 // messages/s per bot; default 30
	GlobalBurst    int     // default GlobalRate/10 (at least 1): tolerates network jitter
	PaidRate       float64 // messages/s with allow_paid_broadcast; default 1000
	PrivateRate    float64 // messages/s per private chat; default 1
	PrivateBurst   int     // default 3
	GroupPerMinute float64 // messages/min per group (negative chat ID); default 20
	GroupBurst     int     // default 3
}

// Server is the fake Bot API. Create it with New; it is safe for
// concurrent use.
type Server struct {
	srv     *httptest.Server
	token   string
	limits  *limits
	faults  *faults
	updates *updateQueue

	mu       sync.Mutex
	sent     []Sent
	edits    []Edit
	answers  []string
	commands json.RawMessage
	webhook  string
	members  map[[2]int64]string
	admins   map[int64][]int64
	nextID   map[int64]int
	texts    map[string]string // interned message texts
	calls    map[string]int
	tooMany  int
	inflight int
	maxIn    int
	conns    int

	fileStore *fileStore // uploads for getFile; see files.go
}

// New starts a fake Bot API on a loopback port. Close it when done.
func New(cfg Config) *Server {
	if cfg.Token == "" {
		cfg.Token = DefaultToken
	}
	s := &Server{
		token:   cfg.Token,
		limits:  newLimits(cfg),
		faults:  newFaults(),
		updates: newUpdateQueue(),
		members: map[[2]int64]string{},
		admins:  map[int64][]int64{},
		nextID:  map[int64]int{},
		texts:   map[string]string{},
		calls:   map[string]int{},
	}
	s.srv = httptest.NewUnstartedServer(s.withFiles(http.HandlerFunc(s.serve)))
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.record(func() { s.conns++ })
		}
	}
	s.srv.Start()
	return s
}

// Close stops the server; hanging requests are released.
func (s *Server) Close() {
	s.faults.releaseAll()
	s.updates.close()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// URL is the server's base URL, e.g. http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.srv.URL }

// Endpoint is the API endpoint format go-telegram-bot-api expects.
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.token }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeError(w, http.StatusNotFound, "Not Found", nil)
		return
	}
	if token != s.token {
		writeError(w, http.StatusUnauthorized, "Unauthorized", nil)
		return
	}
	p, err := readParams(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), nil)
		return
	}
	s.track(method, +1)
	defer s.track("", -1)
	s.dispatch(w, r, method, p)
}

// track counts calls per method and requests being handled at once.
func (s *Server) track(method string, delta int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if method != "" {
		s.calls[method]++
	}
	s.inflight += delta
	s.maxIn = max(s.maxIn, s.inflight)
}

func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, method string, p params) {
	switch method {
	case "getMe":
		writeResult(w, map[string]any{"id": 123456, "is_bot": true, "first_name": "Digest", "username": "digest_test_bot"})
	case "sendMessage", "sendDocument":
		s.send(w, r, method, p)
	case "getUpdates":
		s.getUpdates(w, r, p)
	case "editMessageText":
		s.edit(w, p)
	case "editMessageReplyMarkup":
		s.editMarkup(w, p)
	case "answerCallbackQuery":
		s.record(func() { s.answers = append(s.answers, p.get("callback_query_id")) })
		writeResult(w, true)
	case "setMyCommands":
		s.record(func() { s.commands = json.RawMessage(p.get("commands")) })
		writeResult(w, true)
	case "setWebhook", "deleteWebhook":
		s.record(func() { s.webhook = p.get("url") })
		writeResult(w, true)
	case "getChatMember":
		s.chatMember(w, p)
	case "getChatAdministrators":
		s.chatAdmins(w, p)
	case "getFile":
		s.getFile(w, p)
	default:
		writeError(w, http.StatusNotFound, "Not Found: method not found", nil)
	}
}

func (s *Server) record(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn()
}

// Calls is how many requests the method received (accepted or not).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Connections is how many TCP connections clients opened: a client that
// does not keep connections alive opens one per request.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// MaxInFlight is the largest number of requests handled at the same time.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxIn
}

// InFlight is the number of requests being handled now.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inflight
}

// Webhook is the URL of the last setWebhook ("" after deleteWebhook).
func (s *Server) Webhook() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
}

// Commands is the JSON the bot last passed to setMyCommands.
func (s *Server) Commands() json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands
}

// Answers lists the callback query IDs answered, in order.
func (s *Server) Answers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.answers...)
}

type apiResponse struct {
	OK          bool        `json:"ok"`
	Result      any         `json:"result,omitempty"`
	ErrorCode   int         `json:"error_code,omitempty"`
	Description string      `json:"description,omitempty"`
	Parameters  *parameters `json:"parameters,omitempty"`
}

type parameters struct {
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	RetryAfter      int   `json:"retry_after,omitempty"`
}

func writeResult(w http.ResponseWriter, result any) {
	writeJSON(w, http.StatusOK, apiResponse{OK: true, Result: result})
}

func writeError(w http.ResponseWriter, code int, desc string, p *parameters) {
	writeJSON(w, code, apiResponse{ErrorCode: code, Description: desc, Parameters: p})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v) // the client may have gone; nothing to do
}

func tooManyRequests(w http.ResponseWriter, wait time.Duration) {
	secs := max(1, int((wait+time.Second-1)/time.Second))
	writeError(w, http.StatusTooManyRequests, fmt.Sprintf("Too Many Requests: retry after %d", secs), &parameters{RetryAfter: secs})
}
