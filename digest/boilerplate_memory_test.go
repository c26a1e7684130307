package digest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// todayWithTeaser is one article of cnn published after bpArticles' three
// days, opening with the teaser: kept, the teaser would be its summary.
func todayWithTeaser(at time.Time) Article {
	return Article{ID: "today", Source: "cnn", Title: "اجتماع لمجلس الوزراء", Published: at,
		Text: teaser + "\nعقد مجلس الوزراء اجتماعه الأسبوعي وناقش مشروع قانون الموازنة العامة للدولة.\nوقرر المجلس إحالة المشروع إلى البرلمان."}
}

// A teaser that appeared in three articles of one outlet over the previous
// three days, learnt as they were stored, is dropped from today's single
// article: the push sees one article, the memory the three days.
func TestLearnedTeaserDroppedFromTodaysOnlyArticle(t *testing.T) {
	past := bpArticles("cnn", 3, teaser) // days 0, 1, 2
	today := todayWithTeaser(past[2].Published.Add(20 * time.Hour))
	tests := []struct {
		name    string
		learn   []Article
		dropped bool
	}{
		{"three earlier articles over three days", past, true},
		{"nothing learnt: one article alone is not a pattern", nil, false},
		{"two earlier articles and today's, learnt twice, count three", append(past[1:], today, today), true},
		{"one earlier article and today's count two", []Article{past[2], today}, false},
		{"another outlet's three articles", bpArticles("bbc", 3, teaser), false},
		{"forgotten once older than the memory's days (within the week of the rule)", daysEarlier(bpArticles("cnn", 3, teaser), 2), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustEngine(t, Config{})
			for _, a := range tt.learn {
				e.Learn(a) // one at a time, as the ingest path stores them
			}
			if strings.Contains(tt.name, "forgotten") {
				e.Learn(Article{ID: "late", Source: "cnn", Text: "خبر لاحق", Published: today.Published})
			}
			got := e.Annotate([]Article{today})[0]
			if dropped := !strings.Contains(got.Summary, "اقرأ المقال"); dropped != tt.dropped {
				t.Errorf("teaser dropped = %v, want %v (summary %q)", dropped, tt.dropped, got.Summary)
			}
			if tt.dropped && !strings.Contains(got.Summary, "مجلس الوزراء") {
				t.Errorf("summary %q: want today's news", got.Summary)
			}
		})
	}
}

// daysEarlier moves arts n days back.
func daysEarlier(arts []Article, n int) []Article {
	for i := range arts {
		arts[i].Published = arts[i].Published.Add(-time.Duration(n) * 24 * time.Hour)
	}
	return arts
}

// The memory keeps at most BoilerplateMinArticles reports per paragraph and
// forgets whole paragraphs older than BoilerplateMemoryDays.
func TestBoilerplateMemoryIsBounded(t *testing.T) {
	e := mustEngine(t, Config{})
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 40 {
		e.Learn(Article{ID: fmt.Sprint(i), Source: "cnn", Title: fmt.Sprint("خبر ", i),
			Text: fmt.Sprintf("فقرة خاصة بالخبر رقم %d\n%s", i, teaser), Published: day.Add(time.Duration(i) * 6 * time.Hour)})
	}
	m := e.bpMem
	k := memKey("cnn", mustParaHash(t, teaser))
	if n := m.count(k); n != BoilerplateMinArticles {
		t.Errorf("teaser remembered in %d reports, want the latest %d", n, BoilerplateMinArticles)
	}
	// 40 reports 6 h apart span 9.75 days: only the last 3 days' own
	// paragraphs (13 reports) and the teaser are left
	if n := m.len(); n != 14 {
		t.Errorf("%d paragraphs remembered, want 14: the own paragraphs of the 13 reports of the last 3 days and the teaser", n)
	}
}

func mustParaHash(t *testing.T, p string) uint64 {
	t.Helper()
	h, ok := paraHash(p)
	if !ok {
		t.Fatalf("no hash for %q", p)
	}
	return h
}

// Learn from the ingest path runs while a push builds its stories.
func TestLearnWhileStories(t *testing.T) {
	e := mustEngine(t, Config{})
	arts := bpArticles("cnn", 4, teaser)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range 50 {
			a := arts[i%4]
			a.ID, a.Text = fmt.Sprint("n", i), fmt.Sprint(a.Text, "\nسطر ", i)
			e.Learn(a)
		}
	}()
	go func() {
		defer wg.Done()
		for range 5 {
			if got := e.Stories(arts); len(got) == 0 {
				t.Error("no stories")
			}
		}
	}()
	wg.Wait()
}

// TestParaHashFastPath: hashing through foldTable gives the hash of
// asking foldRune and the unicode tables rune by rune, on both sides of
// the table's end and on invalid UTF-8.
func TestParaHashFastPath(t *testing.T) {
	slow := func(p string) (uint64, bool) {
		const offset, prime = 14695981039346656037, 1099511628211
		h, gap, ok := uint64(offset), false, false
		for _, r := range p {
			r2, keep := foldRune(r)
			switch {
			case !keep:
			case !unicode.IsLetter(r2) && !unicode.IsDigit(r2):
				gap = ok
			default:
				if gap {
					h, gap = (h^' ')*prime, false
				}
				h, ok = (h^uint64(r2))*prime, true
			}
		}
		if !ok || h == 0 {
			return 0, false
		}
		return h, ok
	}
	for _, p := range []string{
		"تابعونا على تويتر — «فيسبوك»، وإنستغرام!",
		"قَالَ الرَّئِيسُ ١٢٣ ۴۵ ـــ",
		"Ünïcødé ÀÉÎ façade – naïve\u200d\u202bكلمة",
		"\u06ff\u0700\u0701 \u05ff \u0080\u00ad\u00a0x",
		"bad \xff\xfe utf-8 \xc3",
		"日本語 emoji 😀 ok",
		"",
	} {
		gh, gok := paraHash(p)
		wh, wok := slow(p)
		if gh != wh || gok != wok {
			t.Errorf("paraHash(%q) = %x %v, want %x %v", p, gh, gok, wh, wok)
		}
	}
}
