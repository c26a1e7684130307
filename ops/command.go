package ops

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// CommandRequest is a CLI command the running service runs for a second
// process, which cannot open the database while the service holds it.
type CommandRequest struct {
	Name  string   `json:"name"`  // "feeds", "ingest", "articles"
	Args  []string `json:"args"`  // the command's own flags and arguments
	Stdin []byte   `json:"stdin"` // what the command reads for "-"
}

// maxCommandBody bounds a command request (an OPML import rides in Stdin).
const maxCommandBody = 16 << 20

// errorTrailer carries a command's error after its output.
const errorTrailer = "Newsdigest-Error"

// command streams the command's standard output and sends its error, if
// any, in a trailer (the output may be long, the status comes last).
func (o Options) command(w http.ResponseWriter, r *http.Request) {
	var req CommandRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxCommandBody)).Decode(&req); err != nil {
		http.Error(w, "bad command request: "+err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Trailer", errorTrailer)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	err := o.Command(r.Context(), req, flushWriter{w})
	if err != nil {
		// Trailer values are one line.
		w.Header().Set(errorTrailer, strings.Join(strings.Fields(err.Error()), " "))
	}
}

// flushWriter sends each write at once, so a long listing or an ingest
// shows up as it is written.
type flushWriter struct{ w http.ResponseWriter }

func (f flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if fl, ok := f.w.(http.Flusher); ok {
		fl.Flush()
	}
	return n, err
}

// callService sends the running newsdigest at baseURL an authorised
// request (the ops secret as a bearer token; body, when there is one, is
// JSON). what names the request in errors.
func callService(ctx context.Context, client *http.Client, method, baseURL, path, secret string, body io.Reader, what string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, baseURL+path, body)
	if err != nil {
		return nil, fmt.Errorf("ops: %s request: %w", what, err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("ops: reach the running newsdigest at %s: %w", baseURL, err)
	}
	return resp, nil
}

// RunCommand has the running service at baseURL run req, copying its
// output to stdout; the command's error is returned as an error.
func RunCommand(ctx context.Context, baseURL, secret string, req CommandRequest, stdout io.Writer) error {
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("ops: command: %w", err)
	}
	resp, err := callService(ctx, http.DefaultClient, http.MethodPost, baseURL, "/command", secret, bytes.NewReader(body), "command")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("ops: command: the running newsdigest answered %s: %s", resp.Status, bytes.TrimSpace(msg))
	}
	if _, err := io.Copy(stdout, resp.Body); err != nil {
		return fmt.Errorf("ops: command: %w", err)
	}
	if msg := resp.Trailer.Get(errorTrailer); msg != "" {
		return errors.New(msg)
	}
	return nil
}
