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
	// BackupSecret authorises /backup (sent as "Authorization: Bearer …").
	BackupSecret string
}

// Handler serves /healthz, /readyz, /metrics and /backup.
func Handler(o Options) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", o.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(o.Gatherer, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /backup", o.backup)
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
	if o.Backup == nil || o.BackupSecret == "" || !authorised(r, o.BackupSecret) {
		http.Error(w, "unauthorised", http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if _, err := o.Backup(r.Context(), w); err != nil {
		// Headers are gone; a broken stream makes the client's length check fail.
		panic(http.ErrAbortHandler)
	}
}

func authorised(r *http.Request, secret string) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(secret)) == 1
}

// Serve runs the handler on addr until ctx ends, then shuts down within 5 s.
func Serve(ctx context.Context, addr string, h http.Handler, ready chan<- string) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	ln, err := listen(ctx, addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("ops: serve %s: %w", addr, err)
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
