package ops

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestIdleConnectionsAreClosed: a client that keeps a connection open and
// sends nothing more is disconnected after the idle timeout.
func TestIdleConnectionsAreClosed(t *testing.T) {
	if got := (Server{}).httpServer().IdleTimeout; got != DefaultIdleTimeout {
		t.Fatalf("the ops listener's IdleTimeout is %v, want %v", got, DefaultIdleTimeout)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	done := make(chan error, 1)
	go func() {
		done <- (Server{Addr: "127.0.0.1:0", Handler: h, IdleTimeout: 200 * time.Millisecond, Ready: ready}).Run(ctx)
	}()
	conn, err := net.Dial("tcp", <-ready)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := r.ReadByte(); err == nil || strings.Contains(err.Error(), "timeout") {
		t.Fatalf("an idle keep-alive connection stayed open: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
