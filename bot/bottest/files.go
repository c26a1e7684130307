package bottest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// fileStore keeps the files users "uploaded", for getFile and the file
// download endpoint (/file/bot<TOKEN>/<path>).
type fileStore struct {
	mu     sync.Mutex
	byID   map[string]storedFile
	byPath map[string][]byte
	next   int
}

type storedFile struct {
	path string
	size int
}

// files returns the server's file store, creating it on first use.
func (s *Server) files() *fileStore {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fileStore == nil {
		s.fileStore = &fileStore{byID: map[string]storedFile{}, byPath: map[string][]byte{}}
	}
	return s.fileStore
}

// AddFile stores data as if a user had uploaded it and returns the Document
// a message carrying it holds (file_size = len(data)).
func (s *Server) AddFile(name, mimeType string, data []byte) tgbotapi.Document {
	fs := s.files()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.next++
	id := fmt.Sprintf("file-%d", fs.next)
	path := fmt.Sprintf("documents/file_%d%s", fs.next, extOf(name))
	fs.byID[id] = storedFile{path: path, size: len(data)}
	fs.byPath[path] = append([]byte(nil), data...)
	return tgbotapi.Document{FileID: id, FileUniqueID: "u" + id, FileName: name, MimeType: mimeType, FileSize: len(data)}
}

// PushDocument queues a message with a document from a user in a private
// chat (chat ID = user ID).
func (s *Server) PushDocument(userID int64, lang string, doc tgbotapi.Document) int {
	msg := &tgbotapi.Message{
		MessageID: int(time.Now().UnixNano() % 1e6),
		From:      &tgbotapi.User{ID: userID, FirstName: "User", LanguageCode: lang},
		Chat:      &tgbotapi.Chat{ID: userID, Type: "private"},
		Document:  &doc,
	}
	return s.PushUpdate(tgbotapi.Update{Message: msg})
}

func extOf(name string) string {
	if i := strings.LastIndex(name, "."); i >= 0 {
		return name[i:]
	}
	return ""
}

// getFile answers like Telegram: the file's path, valid for downloading.
func (s *Server) getFile(w http.ResponseWriter, p params) {
	fs := s.files()
	fs.mu.Lock()
	f, ok := fs.byID[p.get("file_id")]
	fs.mu.Unlock()
	if !ok {
		writeError(w, http.StatusBadRequest, "Bad Request: invalid file_id", nil)
		return
	}
	writeResult(w, map[string]any{"file_id": p.get("file_id"), "file_unique_id": "u" + p.get("file_id"), "file_size": f.size, "file_path": f.path})
}

// withFiles serves file downloads at /file/bot<TOKEN>/<path> and passes
// everything else to next.
func (s *Server) withFiles(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot")
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		token, path, _ := strings.Cut(rest, "/")
		if token != s.token {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		s.track("file", +1)
		defer s.track("", -1)
		fs := s.files()
		fs.mu.Lock()
		data, found := fs.byPath[path]
		fs.mu.Unlock()
		if !found {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(data) // the client may have gone; nothing to do
	})
}
