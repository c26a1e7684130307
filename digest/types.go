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

	stems   titleStems  // Title's content stems, made with the engine's stemmer (see learnedScore)
	service serviceMemo // ServiceKind of Title, made by the engine
	dup     dupMemo     // dupWords of Title and Summary, made by the engine
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
}

// Defaults applied for zero Config fields.
const (
	DefaultSummaryBudget = 300
	DefaultMergeWindow   = 48 * time.Hour
	DefaultMaxStories    = 10
)

// ErrBadConfig reports an unusable Config (negative budget, bad topic ID...).
var ErrBadConfig = errors.New("digest: bad config")
