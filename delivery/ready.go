package delivery

import (
	"container/heap"
	"context"
	"time"
)

// Pacer is implemented by a Sender that knows when a chat may next be sent
// to (Telegram allows about one message a second per private chat). The
// workers use it to set a record aside until its chat is ready instead of
// waiting inside a delivery slot.
type Pacer interface {
	ReadyAt(chatID int64) time.Time
}

// task is a claimed record on its way through the workers. chat is the chat
// that was claimed (a migration changes r.ChatID); loaded means r holds the
// durable state and messages already.
type task struct {
	r      record
	chat   int64
	loaded bool
}

// readyItem is a task waiting for its time.
type readyItem struct {
	at time.Time
	j  task
}

// readyQueue is a min-heap of jobs by the time their chat may be sent to:
// the per-chat next-send times of every record part-way through.
type readyQueue []readyItem

func (q readyQueue) Len() int           { return len(q) }
func (q readyQueue) Less(i, k int) bool { return q[i].at.Before(q[k].at) }
func (q readyQueue) Swap(i, k int)      { q[i], q[k] = q[k], q[i] }
func (q *readyQueue) Push(x any)        { *q = append(*q, x.(readyItem)) }
func (q *readyQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// queueReady sets j aside until at; the pacer hands it to a worker then.
func (s *Service) queueReady(j task, at time.Time) {
	s.mu.Lock()
	heap.Push(&s.ready, readyItem{at: at, j: j})
	first := s.ready[0].j.r.ID == j.r.ID
	s.mu.Unlock()
	if first {
		select {
		case s.readyWake <- struct{}{}:
		default:
		}
	}
}

// popReady returns the earliest task if its time has come, else how long
// until it does (a minute when the queue is empty).
func (s *Service) popReady() (task, time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ready) == 0 {
		return task{}, time.Minute, false
	}
	if wait := time.Until(s.ready[0].at); wait > 0 {
		return task{}, wait, false
	}
	return heap.Pop(&s.ready).(readyItem).j, 0, true
}

// pace hands jobs from the ready queue to the workers as their chats come
// due, until ctx ends. Jobs still waiting then stay pending in the outbox
// with their progress and resume at the next start.
func (s *Service) pace(ctx context.Context, jobs chan<- task) {
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		j, wait, ok := s.popReady()
		if ok {
			select {
			case jobs <- j:
				continue
			case <-ctx.Done():
				return
			}
		}
		t.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-s.readyWake:
		case <-t.C:
		}
	}
}
