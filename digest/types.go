package digest

import (
	"errors"
	"time"
)

// Article is what the engine reads. Feeds and seed files are parsed by the
// news package into this shape.
type Article struct {
	ID        string    // stable ID
	URL       string    // link shown as a source
	Title     string    // may be empty: the engine derives one from the lead
	Text      string    // plain text, paragraphs separated by "\n"
	Place     string    // dateline place such as "بغداد"; NOT part of Text
	Source    string    // outlet name
	Lang      string    // "ar" | "en" | "other"; "" means detect
	Topics    []string  // topic hints: admin feed topics, RSS categories, front matter
	Published time.Time // zero when unknown
}

// TopicScore is one topic of a story with the engine's confidence in [0,1].
type TopicScore struct {
	ID    string
	Score float64
}

// Source is one outlet that reported a story.
type Source struct {
	Name, URL string
}

// Story is one event, possibly reported by several articles.
type Story struct {
	ID        string
	Title     string
	Summary   string
	Lang      string
	Topics    []TopicScore // best first
	Sources   []Source     // distinct outlets, in the order they first reported; each links its latest report
	Published time.Time    // newest article's
	// LatestURL links the newest report (the one-line story in a digest
	// section links it); empty when that report has no link.
	LatestURL string
	// FirstReported is the earliest report's time (zero when no member is dated).
	FirstReported time.Time
	// Disputed: the reports disagree on a figure ("seven wounded" / "no
	// injuries"); Title and Summary are then the latest report's.
	Disputed bool
	Articles []string // IDs of the articles merged into this story

	memo storyMemo // what ranking derives from Title and Summary, made by the engine
}

// storyMemo is what selection derives from a story's Title and Summary,
// made once by the engine with the story: learned ranking reads the
// headline stems for every story and chat (stemming there cost seven times
// a plain Select, BENCHMARKS.md "Feedback"), Select asks every story's
// ServiceKind (matching the rules costs more than the rest of the ranking),
// and the near-duplicate guard compares every selection's word hashes. It
// is read only while Title and Summary are the ones it was made from, so a
// caller's edited copy is derived afresh.
type storyMemo struct {
	title, summary string
	set            bool
	terms          []string // headlineTerms(Title, -1)
	service        string   // serviceKindOf(Title)
	dup            []uint64 // dupHashes(Title, Summary)
}

// newStoryMemo makes the memo of a story's headline and summary (whose
// words, Words(summary), are summaryWords), from the words prepare split.
func newStoryMemo(head headline, summary string, summaryWords []string) storyMemo {
	return storyMemo{
		title: head.text, summary: summary, set: true,
		terms:   distinctTerms(head.terms, -1),
		service: serviceKindOfWords(head.words),
		dup:     dupHashesOf(head.words, summaryWords),
	}
}

// memoized returns the engine's memo when it is still the story's.
func (s Story) memoized() (storyMemo, bool) {
	return s.memo, s.memo.set && s.memo.title == s.Title && s.memo.summary == s.Summary
}

// Config tunes the engine; the zero value means the defaults.
type Config struct {
	SummaryBudget int                 // characters (runes) per summary; 0 = DefaultSummaryBudget
	MergeWindow   time.Duration       // near-duplicates further apart are separate stories; 0 = DefaultMergeWindow
	ExtraTopics   map[string][]string // admin topics: ID → keywords (matched like subscriber keywords)
	TopicModel    *TopicModel         // classifier; nil = the embedded model (eval swaps in per-fold models)
	// MergeThreshold is the merge score (IDF-weighted lead cosine plus shared
	// names and figures) above which two outlets' reports are one story;
	// 0 = DefaultMergeThreshold. Lower merges more.
	MergeThreshold float64
	// PreparedCache is how many articles' prepared forms (summary,
	// headline, signature, merge features, topic evidence) the engine keeps
	// between calls, per generation of its two-generation cache (formCache):
	// a push a minute after the last one prepares only the new articles.
	// 0 = DefaultPreparedCache; negative = keep none.
	PreparedCache int
}

// Defaults applied for zero Config fields.
const (
	DefaultSummaryBudget = 300
	DefaultMergeWindow   = 48 * time.Hour
	DefaultMaxStories    = 10
)

// ErrBadConfig reports an unusable Config (negative budget, bad topic ID...).
var ErrBadConfig = errors.New("digest: bad config")
