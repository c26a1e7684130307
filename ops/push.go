package ops

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// RequestPush asks a running newsdigest to push now (to chatIDs, or every
// active subscriber) and relays its progress until the push is done.
func RequestPush(ctx context.Context, baseURL, secret string, chatIDs []int64, progress func(done, total int)) error {
	q := url.Values{}
	for _, id := range chatIDs {
		q.Add("chat", fmt.Sprint(id))
	}
	resp, err := callService(ctx, http.DefaultClient, http.MethodPost, baseURL, "/push?"+q.Encode(), secret, nil, "push")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("ops: push: the running newsdigest answered %s", resp.Status)
	}
	return relay(bufio.NewScanner(resp.Body), progress)
}

func relay(sc *bufio.Scanner, progress func(done, total int)) error {
	for sc.Scan() {
		line := sc.Text()
		var done, total int
		switch {
		case line == "ok":
			return nil
		case strings.HasPrefix(line, "error: "):
			return fmt.Errorf("ops: push: %s", strings.TrimPrefix(line, "error: "))
		default:
			if _, err := fmt.Sscanf(line, "progress %d %d", &done, &total); err == nil {
				progress(done, total)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("ops: push: %w", err)
	}
	return errors.New("ops: push: the connection ended before the push finished")
}
