package bottest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// params holds a request's parameters whatever the body encoding.
type params map[string]string

func (p params) get(k string) string { return p[k] }

func (p params) int64(k string) (int64, error) {
	v, err := strconv.ParseInt(p[k], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not an integer", k, p[k])
	}
	return v, nil
}

func (p params) bool(k string) bool {
	b, _ := strconv.ParseBool(p[k]) // absent or malformed reads as false, as Telegram does
	return b
}

// readParams merges the query string with a url-encoded, multipart or JSON
// body, the encodings Telegram accepts.
func readParams(r *http.Request) (params, error) {
	p := params{}
	for k, v := range r.URL.Query() {
		p[k] = v[0]
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case ct == "application/json":
		return p, readJSON(r, p)
	case strings.HasPrefix(ct, "multipart/"):
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, fmt.Errorf("multipart body: %w", err)
		}
		for k, v := range r.MultipartForm.Value {
			p[k] = v[0]
		}
		for k, f := range r.MultipartForm.File {
			p[k] = f[0].Filename
		}
	case r.Method == http.MethodPost:
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("form body: %w", err)
		}
		for k, v := range r.PostForm {
			p[k] = v[0]
		}
	}
	return p, nil
}

func readJSON(r *http.Request, p params) error {
	var body map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return fmt.Errorf("json body: %w", err)
	}
	for k, raw := range body {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			p[k] = s
			continue
		}
		p[k] = string(raw) // numbers, booleans and objects keep their JSON text
	}
	return nil
}
