package bottest

import (
	"net/http"
	"sync"
	"time"
)

// FaultKind is a failure the server injects for one chat.
type FaultKind int

// Fault kinds, each answered exactly as Telegram answers it.
const (
	Blocked      FaultKind = iota + 1 // 403 "Forbidden: bot was blocked by the user"
	Deactivated                       // 403 "Forbidden: user is deactivated"
	ChatNotFound                      // 400 "Bad Request: chat not found"
	Migrated                          // 400 with parameters.migrate_to_chat_id = Fault.MigrateTo
	ServerError                       // Fault.Code (default 500); 502 answers an HTML body like a proxy
	Latency                           // the request succeeds after Fault.Delay
	Hang                              // the request never answers until the client gives up
	BadHTML                           // 400 "Bad Request: can't parse entities"
)

// Fault describes what to do with the next messages to a chat.
type Fault struct {
	Kind      FaultKind
	Code      int           // ServerError: HTTP status
	MigrateTo int64         // Migrated: the supergroup's chat ID
	Delay     time.Duration // Latency
	Times     int           // how many requests it affects; 0 = all of them
}

type faults struct {
	mu      sync.Mutex
	byChat  map[int64]*Fault
	release chan struct{}
	once    sync.Once
}

func newFaults() *faults {
	return &faults{byChat: map[int64]*Fault{}, release: make(chan struct{})}
}

// SetFault makes the server fail requests to chatID as f says.
func (s *Server) SetFault(chatID int64, f Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.byChat[chatID] = &f
}

// ClearFault lets requests to chatID succeed again.
func (s *Server) ClearFault(chatID int64) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	delete(s.faults.byChat, chatID)
}

// take returns the fault for the chat's next request, counting it down.
func (f *faults) take(chatID int64) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ft, ok := f.byChat[chatID]
	if !ok {
		return Fault{}, false
	}
	if ft.Times > 0 {
		ft.Times--
		if ft.Times == 0 {
			delete(f.byChat, chatID)
		}
	}
	return *ft, true
}

func (f *faults) releaseAll() { f.once.Do(func() { close(f.release) }) }

// apply answers the request if the fault ends it and reports whether it did.
func (f *faults) apply(w http.ResponseWriter, r *http.Request, ft Fault) bool {
	switch ft.Kind {
	case Blocked:
		writeError(w, http.StatusForbidden, "Forbidden: bot was blocked by the user", nil)
	case Deactivated:
		writeError(w, http.StatusForbidden, "Forbidden: user is deactivated", nil)
	case ChatNotFound:
		writeError(w, http.StatusBadRequest, "Bad Request: chat not found", nil)
	case BadHTML:
		writeError(w, http.StatusBadRequest, "Bad Request: can't parse entities: unsupported start tag", nil)
	case Migrated:
		writeError(w, http.StatusBadRequest, "Bad Request: group chat was upgraded to a supergroup chat", &parameters{MigrateToChatID: ft.MigrateTo})
	case ServerError:
		serverError(w, ft.Code)
	case Hang:
		select {
		case <-r.Context().Done():
		case <-f.release:
		}
	case Latency:
		return !sleepCtx(r, ft.Delay)
	}
	return ft.Kind != Latency
}

func serverError(w http.ResponseWriter, code int) {
	if code == 0 {
		code = http.StatusInternalServerError
	}
	if code == http.StatusBadGateway {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		_, _ = w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
		return
	}
	writeError(w, code, "Internal Server Error", nil)
}

// sleepCtx waits d, or less if the client gives up; it reports whether the
// full delay passed.
func sleepCtx(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
