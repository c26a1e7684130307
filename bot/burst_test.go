package bot

import (
	"context"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/bot/bottest"
	"newsdigest/internal/dbtest"
)

// TestBurstOfUpdates: 10,000 users write /start at once. Every update is
// handled (each user is subscribed and answered), replies stay within the
// flood limits (no 429), and memory stays bounded because updates are
// fetched and handled 100 at a time.
func TestBurstOfUpdates(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 updates")
	}
	const users = 10_000
	fake := bottest.New(bottest.Config{GlobalRate: 5000, GlobalBurst: 100, PrivateRate: 1})
	defer fake.Close()
	for i := range users {
		lang := "en"
		if i%2 == 0 {
			lang = "ar"
		}
		fake.PushText(int64(1_000_000+i), lang, "/start")
	}
	db := dbtest.Open(t)
	db.NoSync = true // this test is about handling and memory; fsync cost is measured in benchmarks
	subs, api := subsAndAPI(t, fake, db)
	b := New(api, Config{Token: fake.Token(), PollTimeout: time.Second}, subs, nil,
		slog.New(slog.DiscardHandler), WithLimiter(NewSender(api, SenderConfig{Token: fake.Token(), GlobalRate: 4000})))
	var handled atomic.Int64
	done := make(chan struct{})
	b.afterHandle = func(tgbotapi.Update) {
		if handled.Add(1) == users {
			close(done)
		}
	}

	peak := watchHeap(t)
	ctx, cancel := context.WithCancel(context.Background())
	polled := make(chan error, 1)
	go func() { polled <- b.Poll(ctx) }()
	select {
	case <-done:
	case <-time.After(3 * time.Minute):
		t.Fatalf("only %d of %d updates handled", handled.Load(), users)
	}
	cancel()
	<-polled

	st, err := subs.Stats(context.Background())
	if err != nil || st.Total != users {
		t.Fatalf("%d subscribers stored (err %v), want %d", st.Total, err, users)
	}
	answered := map[int64]bool{}
	for _, m := range fake.Sent() {
		answered[m.ChatID] = true
	}
	if len(answered) != users || fake.TooMany() != 0 {
		t.Fatalf("%d users answered, %d 429s; want %d and 0", len(answered), fake.TooMany(), users)
	}
	if p := peak(); p > 200<<20 {
		t.Fatalf("peak heap %d MiB: memory grows with the burst", p>>20)
	} else {
		t.Logf("updates=%d peak_heap=%dMiB (the fake Bot API's own records included)", users, p>>20)
	}
}

// watchHeap samples the heap until the test ends and returns its peak.
func watchHeap(t *testing.T) func() uint64 {
	var mu sync.Mutex
	var peak uint64
	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapInuse)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-stopped })
	return func() uint64 { mu.Lock(); defer mu.Unlock(); return peak }
}

// TestSlowChatDoesNotHoldUpOthers: a user's replies wait for their chat's
// flood-limit bucket (about one message a second), but another user's
// command in the same batch is answered meanwhile, not after them.
func TestSlowChatDoesNotHoldUpOthers(t *testing.T) {
	p := newPaced(t, nil)
	fake, b := p.fake, p.bot
	const eager, patient = int64(501), int64(502)
	for range 3 {
		fake.PushText(eager, "en", "/help")
	}
	fake.PushText(patient, "en", "/help")
	ctx, cancel := context.WithCancel(context.Background())
	polled := make(chan error, 1)
	go func() { polled <- b.Poll(ctx) }()
	deadline := time.Now().Add(20 * time.Second)
	for len(fake.SentTo(eager)) < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-polled
	eagerMsgs, patientMsgs := fake.SentTo(eager), fake.SentTo(patient)
	if len(eagerMsgs) != 3 || len(patientMsgs) != 1 {
		t.Fatalf("answers: eager %d (want 3), patient %d (want 1); 429s: %d", len(eagerMsgs), len(patientMsgs), fake.TooMany())
	}
	if patientMsgs[0].Seq > eagerMsgs[1].Seq {
		t.Fatalf("the patient user was answered after the eager user's paced replies (seq %d > %d)", patientMsgs[0].Seq, eagerMsgs[1].Seq)
	}
	if fake.TooMany() != 0 {
		t.Fatalf("%d 429s: the paced replies outran the per-chat limit", fake.TooMany())
	}
}
