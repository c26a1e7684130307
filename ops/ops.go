// Package ops serves what operators and their tools ask a running newsdigest:
// liveness, readiness, Prometheus metrics, and an online backup of the
// database (bbolt locks the file, so a second process cannot copy it).
package ops

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Check is one readiness condition; it returns nil when ready.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Options configures the handler.
type Options struct {
	Gatherer prometheus.Gatherer
	Checks   []Check
	// Backup writes a consistent copy of the database to w.
	Backup func(ctx context.Context, w io.Writer) (int64, error)
	// Secret authorises /backup and /push (sent as "Authorization:
	// Bearer …").
	Secret string
	// Push sends the digest now to the given chats (all active ones when
	// empty), reporting progress as chats are done.
	Push func(ctx context.Context, chatIDs []int64, progress func(done, total int)) error
	// Command runs a CLI command on the service's open database (feeds,
	// ingest, articles), writing its output to stdout; same secret.
	Command func(ctx context.Context, req CommandRequest, stdout io.Writer) error
}

// Handler serves /healthz, /readyz, /metrics, /backup, /push and /command.
func Handler(o Options) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", o.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(o.Gatherer, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /backup", o.authorised(o.Backup != nil, o.backup))
	mux.HandleFunc("POST /push", o.authorised(o.Push != nil, o.push))
	mux.HandleFunc("POST /command", o.authorised(o.Command != nil, o.command))
	return mux
}

func (o Options) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	var report strings.Builder
	status := http.StatusOK
	for _, c := range o.Checks {
		if err := c.Run(ctx); err != nil {
			status = http.StatusServiceUnavailable
			fmt.Fprintf(&report, "%s: %v\n", c.Name, err)
			continue
		}
		fmt.Fprintf(&report, "%s: ok\n", c.Name)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, report.String())
}

func (o Options) backup(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	if _, err := o.Backup(r.Context(), w); err != nil {
		// Headers are gone; a broken stream makes the client's length check fail.
		panic(http.ErrAbortHandler)
	}
}

// push streams "progress DONE TOTAL" lines while a manual push runs, then
// "ok" or "error: …", so the CLI can draw a bar.
func (o Options) push(w http.ResponseWriter, r *http.Request) {
	chats, err := chatIDs(r.URL.Query()["chat"])
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	flusher, _ := w.(http.Flusher)
	err = o.Push(r.Context(), chats, func(done, total int) {
		fmt.Fprintf(w, "progress %d %d\n", done, total)
		if flusher != nil {
			flusher.Flush()
		}
	})
	if err != nil {
		fmt.Fprintf(w, "error: %v\n", err)
		return
	}
	_, _ = io.WriteString(w, "ok\n")
}

func chatIDs(vals []string) ([]int64, error) {
	ids := make([]int64, 0, len(vals))
	for _, v := range vals {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("chat %q is not a chat ID", v)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// authorised lets a request through to next only when the endpoint is
// enabled and it carries the secret (compared in constant time).
func (o Options) authorised(enabled bool, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !enabled || o.Secret == "" || !ok || subtle.ConstantTimeCompare([]byte(got), []byte(o.Secret)) != 1 {
			http.Error(w, "unauthorised", http.StatusUnauthorized)
			return
		}
		next(w, r)
	}
}

// DefaultIdleTimeout closes keep-alive connections that sent nothing for
// this long, so idle clients (a scraper, a stuck script) cannot hold
// connections and file descriptors forever.
const DefaultIdleTimeout = 2 * time.Minute

// Server is the operators' listener.
type Server struct {
	Addr        string
	Handler     http.Handler
	IdleTimeout time.Duration // 0: DefaultIdleTimeout
	// Ready, when set, receives the address actually bound (":0" picks a port).
	Ready chan<- string
}

// Serve runs the handler on addr until ctx ends, then shuts down within 5 s.
func Serve(ctx context.Context, addr string, h http.Handler, ready chan<- string) error {
	return Server{Addr: addr, Handler: h, Ready: ready}.Run(ctx)
}

func (s Server) httpServer() *http.Server {
	idle := s.IdleTimeout
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	return &http.Server{Addr: s.Addr, Handler: s.Handler, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: idle}
}

// Run serves until ctx ends, then shuts down within 5 s.
func (s Server) Run(ctx context.Context) error {
	srv := s.httpServer()
	ln, err := listen(ctx, s.Addr)
	if err != nil {
		return err
	}
	if s.Ready != nil {
		s.Ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("ops: serve %s: %w", s.Addr, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

func listen(ctx context.Context, addr string) (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("ops: listen on %s: %w", addr, err)
	}
	return ln, nil
}
