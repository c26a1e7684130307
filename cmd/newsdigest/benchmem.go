package main

import (
	"context"
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"
)

// memSampler records, every interval, the process's resident memory split
// the way /proc/self/status splits it (RssAnon: the Go heap, stacks and
// runtime; RssFile: pages of the bbolt file mapped and touched) and the
// Go heap's live objects, and keeps each one's peak. VmHWM alone cannot
// say whether a peak is memory the process owns or file pages the kernel
// may drop at will.
type memSampler struct {
	mu                    sync.Mutex
	anon, file, heapBytes float64 // peaks, MiB
	profile               string  // where to write a heap profile at each new peak ("" = none)
	profiled              float64 // live heap (MiB) when it was last written
}

func startMemSampler(ctx context.Context, every time.Duration, profile string) (*memSampler, func()) {
	m := &memSampler{profile: profile}
	ctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			m.sample()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return m, func() { stop(); <-done; m.sample() }
}

func (m *memSampler) sample() {
	anon, file := procRSS()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	heap := 0.0
	if s[0].Value.Kind() == metrics.KindUint64 {
		heap = float64(s[0].Value.Uint64()) / (1 << 20)
	}
	m.mu.Lock()
	m.anon, m.file, m.heapBytes = max(m.anon, anon), max(m.file, file), max(m.heapBytes, heap)
	write := m.profile != "" && heap > 1.05*m.profiled
	if write {
		m.profiled = heap
	}
	m.mu.Unlock()
	if write {
		writeHeapProfile(m.profile)
	}
}

// startCPUProfile profiles the process's CPU into path until the returned
// function is called; "" profiles nothing.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("bench: --cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("bench: --cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeHeapProfile replaces path with the current heap profile (the
// allocations live at the last GC); a failure only loses the profile.
func writeHeapProfile(path string) {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return
	}
	if err := pprof.WriteHeapProfile(f); err != nil || f.Close() != nil {
		os.Remove(tmp)
		return
	}
	os.Rename(tmp, path)
}

func (m *memSampler) peaks() (anon, file, heap float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.anon, m.file, m.heapBytes
}

// procRSS reads RssAnon and RssFile (+RssShmem) from /proc/self/status, in
// MiB; zeros where /proc is missing.
func procRSS() (anon, file float64) {
	st := procStatusMiB()
	return st["RssAnon"], st["RssFile"] + st["RssShmem"]
}

// procStatusMiB is every "Key: N kB" line of /proc/self/status, in MiB;
// nil where /proc is missing.
func procStatusMiB() map[string]float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil
	}
	out := make(map[string]float64)
	for line := range strings.Lines(string(data)) {
		key, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kib, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		if err != nil {
			continue
		}
		out[key] = kib / 1024
	}
	return out
}
