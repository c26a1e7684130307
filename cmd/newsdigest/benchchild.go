package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"newsdigest/bot"
	"newsdigest/delivery"
	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

// benchPushChild runs one scheduled push of f.db with the shipped settings
// (paid broadcasts, the sender's and delivery's defaults) except the
// bot-wide rate, and prints its figures. Its clock starts at the due
// minute, so Run's catch-up at start is the scheduled push.
func benchPushChild(ctx context.Context, stdout, stderr io.Writer, f benchFlags) error {
	db, err := openDB(f.db)
	if err != nil {
		return err
	}
	defer db.Close()
	// The open's damage checks read every page of the file through a
	// memory map of their own, closed before openDB returns: the peak
	// they leave (about the file's size, clean file pages) is the open's,
	// printed apart, and the push's peak is measured from here on.
	openPeak := peakRSSMiB()
	resetPeakRSS()
	due := time.Unix(f.due, 0).UTC()
	start := time.Now()
	clock := func() time.Time { return due.Add(time.Since(start)) }
	subs, err := subscriptions.NewStore(ctx, db, subscriptions.WithClock(clock))
	if err != nil {
		return err
	}
	articles, err := news.NewStore(ctx, db, news.WithClock(clock))
	if err != nil {
		return err
	}
	engine, err := digest.NewEngine(digest.Config{})
	if err != nil {
		return err
	}
	api, err := bot.NewAPI(context.WithoutCancel(ctx), f.token, f.endpoint, 90*time.Second)
	if err != nil {
		return err
	}
	sender := &countingSender{Sender: bot.NewSender(api, bot.SenderConfig{Token: f.token, PaidBroadcast: true, GlobalRate: f.rate})}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := delivery.New(db, subs, articles, engine, sender, delivery.Config{Now: clock, Log: log})
	if err != nil {
		return err
	}
	stopCPU, err := startCPUProfile(f.cpuProfile)
	if err != nil {
		return err
	}
	mem, stopMem := startMemSampler(ctx, 50*time.Millisecond, f.memProfile)
	res, err := benchPush(ctx, svc, sender)
	stopMem()
	stopCPU()
	res.anon, res.file, res.heap = mem.peaks()
	res.open = openPeak
	if cerr := svc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	res.print(stdout, f.rate)
	return nil
}

type pushResult struct {
	compose, first, span time.Duration
	cpu                  time.Duration
	messages             int64
	commits              int64
	anon, file, heap     float64 // peaks in MiB (memSampler)
	open                 float64 // VmHWM after opening the database, MiB
}

// benchPush runs svc until the push is delivered: the outbox is empty and
// nothing was sent for two seconds.
func benchPush(ctx context.Context, svc *delivery.Service, sender *countingSender) (pushResult, error) {
	var res pushResult
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	c0, cpu0, t0 := svc.Commits(), processCPU(), time.Now()
	sender.start = t0
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()
	// Tick is serialised with Run's catch-up at start: when it returns,
	// the push is composed and queued.
	if err := svc.Tick(ctx); err != nil {
		return res, err
	}
	res.compose = time.Since(t0)
	for {
		time.Sleep(200 * time.Millisecond)
		if err := ctx.Err(); err != nil {
			return res, err
		}
		n, last := sender.progress()
		if n == 0 && time.Since(t0) > time.Minute {
			return res, errors.New("bench: nothing sent a minute after the push")
		}
		if n == 0 || time.Since(last) < 2*time.Second {
			continue
		}
		if st, err := svc.Stats(ctx); err == nil && st.Pending == 0 {
			res.messages = n
			res.first, res.span = sender.firstAt.Sub(t0), last.Sub(sender.firstAt)
			res.cpu, res.commits = processCPU()-cpu0, svc.Commits()-c0
			break
		}
	}
	stop()
	return res, <-done
}

func (r pushResult) print(w io.Writer, limit float64) {
	out := benchOut{w: w}
	msgs := float64(r.messages)
	out.line("compose_s", fmt.Sprintf("%.2f", r.compose.Seconds()))
	out.line("first_message_s", fmt.Sprintf("%.2f", r.first.Seconds()))
	out.line("achieved_per_allowed", fmt.Sprintf("%.3f", (msgs-1)/r.span.Seconds()/limit))
	out.line("cpu_us_per_msg", fmt.Sprintf("%.1f", float64(r.cpu.Microseconds())/msgs))
	out.line("commits_per_msg", fmt.Sprintf("%.4f", float64(r.commits)/msgs))
	out.line("open_peak_rss_mib", fmt.Sprintf("%.1f", r.open))
	out.line("peak_rss_mib", fmt.Sprintf("%.1f", peakRSSMiB()))
	out.line("peak_rss_anon_mib", fmt.Sprintf("%.1f", r.anon))
	out.line("peak_rss_file_mib", fmt.Sprintf("%.1f", r.file))
	out.line("peak_heap_live_mib", fmt.Sprintf("%.1f", r.heap))
	out.line("messages", r.messages)
}

// countingSender notes when the push's first and latest messages went out.
type countingSender struct {
	*bot.Sender
	start time.Time

	mu      sync.Mutex
	n       int64
	firstAt time.Time
	lastAt  time.Time
}

func (c *countingSender) Send(ctx context.Context, m delivery.Message) error {
	err := c.Sender.Send(ctx, m)
	if err == nil {
		now := time.Now()
		c.mu.Lock()
		if c.n == 0 {
			c.firstAt = now
		}
		c.n++
		c.lastAt = now
		c.mu.Unlock()
	}
	return err
}

func (c *countingSender) progress() (int64, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n, c.lastAt
}

// benchBareChild is the baseline: the push's number of messages, the texts
// of one of its digests, sent with go-telegram-bot-api's MakeRequest from
// as many goroutines as the sender has bulk slots, under one rate limiter,
// and nothing else.
func benchBareChild(ctx context.Context, stdout io.Writer, f benchFlags) error {
	data, err := os.ReadFile(f.text)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	var texts []string
	if err := json.Unmarshal(data, &texts); err != nil || len(texts) == 0 {
		return fmt.Errorf("bench: texts %s: %v", f.text, err)
	}
	workers := max(8, int(f.rate/20)) // bot.SenderConfig's default bulk slots
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = workers
	api, err := tgbotapi.NewBotAPIWithClient(f.token, f.endpoint, &http.Client{Timeout: 90 * time.Second, Transport: tr})
	if err != nil {
		return fmt.Errorf("bench: %w", bot.Redact(err, f.token))
	}
	lim := rate.NewLimiter(rate.Limit(f.rate), max(1, int(f.rate/50)))
	var next, failed atomic.Int64
	cpu0, t0 := processCPU(), time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(f.messages); i = next.Add(1) - 1 {
				if lim.Wait(ctx) != nil {
					return
				}
				chat := 1 + i%int64(max(1, f.chats))
				p := tgbotapi.Params{"chat_id": strconv.FormatInt(chat, 10), "text": texts[int(i)%len(texts)],
					"parse_mode": "HTML", "disable_web_page_preview": "true", "allow_paid_broadcast": "true"}
				if _, err := api.MakeRequest("sendMessage", p); err != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed, cpu := time.Since(t0), processCPU()-cpu0
	out := benchOut{w: stdout}
	out.line("bare_cpu_us_per_msg", fmt.Sprintf("%.1f", float64(cpu.Microseconds())/float64(f.messages)))
	out.line("bare_achieved_per_allowed", fmt.Sprintf("%.3f", float64(f.messages-1)/elapsed.Seconds()/f.rate))
	out.line("bare_failed", failed.Load())
	return out.err
}

// processCPU is the user and system CPU time this process used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS makes VmHWM restart from the current resident set (Linux's
// clear_refs "5"); where that is refused, peak_rss_mib includes the open.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSSMiB is this process's peak resident set: VmHWM from
// /proc/self/status. getrusage's ru_maxrss is not used where /proc exists:
// Linux carries it over exec from the memory the child shared with its
// parent before exec (Go starts children with vfork), so a child reports
// at least the parent's peak. Both are in KiB.
func peakRSSMiB() float64 {
	if hwm, ok := procStatusMiB()["VmHWM"]; ok {
		return hwm
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}
