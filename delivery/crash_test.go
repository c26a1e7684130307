package delivery_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/bot/bottest"
	"newsdigest/delivery"
	"newsdigest/digest"
	"newsdigest/news"
	"newsdigest/subscriptions"
)

const (
	crashSubscribers = 2000
	crashKills       = 6
	crashInFlight    = delivery.DefaultInFlight + 2 // delivery's default window plus the reply slots: sends on the wire or unrecorded
)

// TestCrashDuringPush runs the real newsdigest binary against the fake Bot
// API, kills it with SIGKILL at random points of the scheduled push to 2,000
// subscribers, restarts it each time, and checks that in the end every
// subscriber has the digest, none is missing, and a kill repeats at most the
// sends it interrupted.
func TestCrashDuringPush(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a subprocess")
	}
	bin := buildCrashtest(t)
	srv := bottest.New(bottest.Config{GlobalRate: 5000, GlobalBurst: 500, PrivateRate: 100, PrivateBurst: 5})
	t.Cleanup(srv.Close)
	dbPath := filepath.Join(t.TempDir(), "crash.db")
	seedCrashDB(t, dbPath)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	var ends []int // server Seq of the last message accepted before each kill
	var runs []int // messages accepted in each killed run
	for k := 1; k <= crashKills; k++ {
		sentBefore := srv.SentCount()
		child := startChild(t, bin, srv, dbPath)
		target := sentBefore + 1 + rng.IntN(crashSubscribers/(crashKills+2))
		waitSent(srv, target, child, 20*time.Second)
		if err := child.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("kill %d: %v", k, err)
		}
		_ = child.Wait() // "signal: killed" is the expected outcome
		settleServer(srv)
		ends = append(ends, srv.SentCount())
		runs = append(runs, srv.SentCount()-sentBefore)
	}
	child := startChild(t, bin, srv, dbPath)
	waitAll(srv, child, 60*time.Second)
	_ = child.Process.Signal(syscall.SIGTERM)
	if err := child.Wait(); err != nil {
		t.Errorf("final run did not stop cleanly: %v\n%s", err, child.Stderr)
	}
	perKill := resentPerKill(srv, ends)
	for k, n := range perKill {
		t.Logf("kill %d: after %d messages (%d in this run); %d sent again after it", k+1, ends[k], runs[k], n)
		if n > crashInFlight {
			t.Errorf("kill %d caused %d repeats; at most %d sends can be in flight", k+1, n, crashInFlight)
		}
	}
	lost, dups := missing(srv), duplicates(srv)
	t.Logf("kills=%d lost=%d duplicates=%d inflight_max=%d", crashKills, lost, dups, crashInFlight)
	if lost != 0 {
		t.Errorf("%d subscribers never got the digest", lost)
	}
}

// resentPerKill attributes each repeated message to a kill: a copy is
// caused by the kill that ended the run in which the previous copy was
// accepted (that run died before recording it as sent).
func resentPerKill(srv *bottest.Server, ends []int) []int {
	perKill := make([]int, len(ends))
	last := map[int64]int{} // chat → Seq of its latest copy
	for _, m := range srv.Sent() {
		if prev, ok := last[m.ChatID]; ok {
			run := 0
			for run < len(ends) && prev > ends[run] {
				run++
			}
			if run < len(ends) {
				perKill[run]++
			}
		}
		last[m.ChatID] = m.Seq
	}
	return perKill
}

// settleServer lets requests the dead child already wrote to its sockets
// land, so they count for the run that sent them.
func settleServer(srv *bottest.Server) {
	time.Sleep(100 * time.Millisecond)
	deadline := time.Now().Add(2 * time.Second)
	for srv.InFlight() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

func buildCrashtest(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "newsdigest")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/newsdigest").CombinedOutput()
	if err != nil {
		t.Fatalf("go build ./cmd/newsdigest: %v\n%s", err, out)
	}
	return bin
}

// seedCrashDB stores the subscribers and a few articles, as an earlier run
// of the bot would have.
func seedCrashDB(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	subs, err := subscriptions.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	// Due now or in the next two minutes, whenever the first start's
	// due-check runs; the later slots find nothing new and send nothing.
	now := time.Now().UTC()
	var times []string
	for m := range 3 {
		times = append(times, now.Add(time.Duration(m)*time.Minute).Format("15:04"))
	}
	all := make([]subscriptions.Subscriber, crashSubscribers)
	for i := range all {
		all[i] = subscriptions.New(int64(i+1), subscriptions.ChatPrivate, "en", now)
		all[i].TimeZone, all[i].Times = "UTC", times
	}
	if err := subs.PutMany(ctx, all); err != nil {
		t.Fatal(err)
	}
	articles, err := news.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var arts []news.Article
	for i := range 3 {
		arts = append(arts, news.Article{Article: digest.Article{
			ID: "crash-" + strconv.Itoa(i), Title: fmt.Sprintf("Item%d %s", i, vocabulary[i]),
			Text: fmt.Sprintf("Item%d reports %s %s %s.", i, vocabulary[i+3], vocabulary[i+9], vocabulary[i+17]), Lang: "en",
		}, Feed: "test"})
	}
	if _, err := articles.Add(ctx, arts); err != nil {
		t.Fatal(err)
	}
}

// startChild runs the binary with no seed files and no feeds: the articles
// stored by seedCrashDB are all there is to send.
func startChild(t *testing.T, bin string, srv *bottest.Server, dbPath string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"TELEGRAM_API_ENDPOINT="+srv.Endpoint(), "TELEGRAM_BOT_TOKEN="+srv.Token(), "NEWSDIGEST_DB="+dbPath,
		"NEWSDIGEST_PAID_BROADCAST=1", // 1,000/s, so a push to 2,000 takes seconds
		"NEWSDIGEST_SEEDS_DIR="+t.TempDir(), "NEWSDIGEST_HTTP_ADDR=off", "NEWSDIGEST_LOG_LEVEL=warn")
	cmd.Stderr = &bytes.Buffer{}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// waitSent waits until the server accepted n messages, the child exited or
// the timeout passed.
func waitSent(srv *bottest.Server, n int, child *exec.Cmd, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for srv.SentCount() < n && time.Now().Before(deadline) && child.ProcessState == nil {
		time.Sleep(time.Millisecond)
	}
}

func waitAll(srv *bottest.Server, child *exec.Cmd, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for missing(srv) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

func perChat(srv *bottest.Server) map[int64]int {
	n := map[int64]int{}
	for _, m := range srv.Sent() {
		n[m.ChatID]++
	}
	return n
}

func missing(srv *bottest.Server) int {
	got := perChat(srv)
	lost := 0
	for id := int64(1); id <= crashSubscribers; id++ {
		if got[id] == 0 {
			lost++
		}
	}
	return lost
}

func duplicates(srv *bottest.Server) int {
	dups := 0
	for _, n := range perChat(srv) {
		dups += max(0, n-1)
	}
	return dups
}
