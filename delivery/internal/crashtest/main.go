// Command crashtest is the smallest newsdigest that delivers: it wires the
// delivery service to the real sender and pushes a digest to every
// subscriber in NEWSDIGEST_DB, then keeps running. TestCrashDuringPush
// SIGKILLs it mid-push and restarts it; it exists so that test does not
// depend on the main binary's wiring.
//
// Environment: TELEGRAM_API_ENDPOINT, TELEGRAM_BOT_TOKEN, NEWSDIGEST_DB,
// CRASHTEST_RATE (messages/s, default 1000), CRASHTEST_INFLIGHT (default 32).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/bot"
	"newsdigest/delivery"
	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "crashtest:", err)
		os.Exit(1)
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func run(ctx context.Context) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := bolt.Open(os.Getenv("NEWSDIGEST_DB"), 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return fmt.Errorf("open db: %w", err)
	}
	svc, subs, err := wire(ctx, db, log)
	if err != nil {
		return errors.Join(err, db.Close())
	}
	var chats []int64
	if err := subs.All(ctx, func(s subscriptions.Subscriber) error {
		chats = append(chats, s.ChatID)
		return nil
	}); err != nil {
		return errors.Join(err, db.Close())
	}
	n, err := svc.Push(ctx, chats)
	fmt.Fprintf(os.Stderr, "crashtest: %d subscribers, %d records queued (%v)\n", len(chats), n, err)
	runErr := svc.Run(ctx)
	return errors.Join(runErr, svc.Close(), db.Close())
}

func wire(ctx context.Context, db *bolt.DB, log *slog.Logger) (*delivery.Service, *subscriptions.Store, error) {
	subs, err := subscriptions.NewStore(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	articles, err := news.NewStore(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	engine, err := digest.NewEngine(digest.Config{})
	if err != nil {
		return nil, nil, err
	}
	token := os.Getenv("TELEGRAM_BOT_TOKEN")
	api, err := bot.NewAPI(context.WithoutCancel(ctx), token, os.Getenv("TELEGRAM_API_ENDPOINT"), 10*time.Second)
	if err != nil {
		return nil, nil, err
	}
	rate := float64(envInt("CRASHTEST_RATE", 1000))
	sender := bot.NewSender(api, bot.SenderConfig{Token: token, GlobalRate: rate, PrivateRate: 50})
	svc, err := delivery.New(db, subs, articles, engine, sender, delivery.Config{InFlight: envInt("CRASHTEST_INFLIGHT", 32), Log: log})
	return svc, subs, err
}
