package bot

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

const secretToken = "555555:AAsecret-value-that-must-not-leak_x"

// TestNewAPIErrorsNeverCarryTheToken covers the ways connecting can fail;
// the Bot API URL holds the token, and Go's HTTP errors quote the URL.
func TestNewAPIErrorsNeverCarryTheToken(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	unauthorized := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"ok":false,"error_code":401,"description":"Unauthorized"}`))
	}))
	defer unauthorized.Close()
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()

	tests := []struct {
		name     string
		endpoint string
		want     string
	}{
		{"connection refused", "http://" + closed + "/bot%s/%s", "connection refused"},
		{"wrong token", unauthorized.URL + "/bot%s/%s", "Unauthorized"},
		{"timeout", hang.URL + "/bot%s/%s", "<token>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewAPI(context.Background(), secretToken, tc.endpoint, 300*time.Millisecond)
			if err == nil {
				t.Fatal("want an error")
			}
			if strings.Contains(err.Error(), secretToken) || strings.Contains(err.Error(), "AAsecret") {
				t.Fatalf("the token leaked: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q lacks %q", err, tc.want)
			}
		})
	}
}

func TestRedactKeepsCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer hang.Close()
	_, err := NewAPI(ctx, secretToken, hang.URL+"/bot%s/%s", time.Second)
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "AAsecret") {
		t.Fatalf("want a redacted error that is still context.Canceled, got %v", err)
	}
}

// TestRedactEveryEncoding: the token is hidden however a URL quoted it,
// e.g. query-escaped in a redirect's target.
func TestRedactEveryEncoding(t *testing.T) {
	escaped := url.QueryEscape("https://api.telegram.org/bot" + secretToken + "/getMe")
	for _, msg := range []string{
		"Get \"https://api.telegram.org/bot" + secretToken + "/getMe\": EOF",
		"Get \"http://127.0.0.1:1/r?next=" + escaped + "\": stopped after 10 redirects",
		"Get \"http://127.0.0.1:1/r?next=" + strings.ToLower(escaped) + "\": x",
		"Get \"http://127.0.0.1:1/r?next=" + url.QueryEscape(escaped) + "\": x",
	} {
		got := Redact(errors.New(msg), secretToken).Error()
		if strings.Contains(strings.ToLower(got), "aasecret") {
			t.Errorf("the token leaked: %s", got)
		}
		if !strings.Contains(got, "<token>") {
			t.Errorf("want <token> in %s", got)
		}
	}
}
