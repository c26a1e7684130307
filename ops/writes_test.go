package ops_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"newsdigest/ops"
)

// TestReadyzReportsFailingWrites: a database that still answers reads but
// refuses writes (a full disk) makes /readyz fail and name it, until a write
// works again.
func TestReadyzReportsFailingWrites(t *testing.T) {
	var writes ops.WriteHealth
	srv := httptest.NewServer(ops.Handler(ops.Options{Gatherer: prometheus.NewRegistry(), Checks: []ops.Check{writes.Check()}}))
	defer srv.Close()
	ready := func() (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	writes.RecordWrite(nil)
	if code, body := ready(); code != http.StatusOK || !strings.Contains(body, "writes: ok") {
		t.Fatalf("healthy writes: %d %q", code, body)
	}
	full := errors.New("write newsdigest.db: no space left on device")
	writes.RecordWrite(full)
	writes.RecordWrite(full)
	if code, body := ready(); code != http.StatusServiceUnavailable || !strings.Contains(body, "writes: 2 failed in a row") || !strings.Contains(body, "no space left") {
		t.Fatalf("failing writes: %d %q", code, body)
	}
	writes.RecordWrite(nil)
	if code, _ := ready(); code != http.StatusOK {
		t.Fatalf("after a write worked again: %d", code)
	}
}
