// Package subscriptions holds the subscriber model (what a chat wants, when
// and in which language), its validation, and the bbolt store that keeps
// subscribers with two indexes: topic → chats and delivery minute → chats.
//
// # Due index and daylight saving time
//
// Delivery times are local wall-clock times ("08:00" in Europe/Berlin). The
// due index is keyed by zone and local minute of the day:
//
//	due/<zone>/<minute-of-day uint16><chat id> → {}
//
// rather than by UTC minute, because a UTC key would move twice a year for
// every subscriber of a DST zone and would need a re-index at each
// transition. With local keys nothing moves: Due walks the zones in the index
// (a few hundred at most, never every subscriber), converts the interval
// (from, to] into the range of wall-clock minutes the zone showed in it, and
// reads those keys with a cursor.
//
// The wall-clock range is taken from a "high-water" clock: the latest wall
// reading the zone has shown at or before an instant. A minute skipped by a
// spring-forward gap is therefore due at the first valid minute after the gap
// (the clock jumps past it), and a minute repeated by a fall-back is due only
// the first time (the second pass is below the high-water mark).
//
// Paused and inactive subscribers are kept out of the due index, so Due
// returns exactly the chats that should get a scheduled digest.
package subscriptions

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // Validate must accept the same zones on every machine, with or without /usr/share/zoneinfo.
	"unicode"
	"unicode/utf8"

	"newsdigest/digest"
)

// Limits enforced by Validate.
const (
	MaxKeywordLen  = 64 // characters (runes) per keyword
	MaxKeywords    = 50 // Include and Exclude together
	MaxTimes       = 24 // delivery times per day
	MaxTopics      = 64
	MaxStoriesCap  = 50 // largest MaxStories a subscriber may choose
	DefaultTime    = "08:00"
	DefaultZone    = "UTC"
	DefaultStories = 10
)

// Story language settings (Subscriber.StoryLangs).
// The strings are digest's (digest.LangAllowed reads them).
const (
	// StoriesAuto, the default: stories in the interface language, plus
	// stories in the other language that several outlets carry.
	StoriesAuto = digest.StoriesAuto
	StoriesOwn  = digest.StoriesOwn  // stories in the interface language only
	StoriesBoth = digest.StoriesBoth // stories in Arabic and English alike
)

// Chat types, as Telegram names them.
const (
	ChatPrivate    = "private"
	ChatGroup      = "group"
	ChatSupergroup = "supergroup"
	ChatChannel    = "channel"
)

// ErrNotFound is returned when no subscriber is stored for a chat ID.
var ErrNotFound = errors.New("subscriptions: subscriber not found")

// ErrInvalid is wrapped by every *FieldError, so callers can test
// errors.Is(err, ErrInvalid) and use errors.As for the details.
var ErrInvalid = errors.New("subscriptions: invalid subscriber")

// Codes of FieldError, stable so the bot can map them to localised texts.
const (
	CodeRequired  = "required"
	CodeFormat    = "format"
	CodeRange     = "range"
	CodeTooLong   = "too_long"
	CodeTooMany   = "too_many"
	CodeDuplicate = "duplicate"
	CodeUnknown   = "unknown"
)

// FieldError says which field is wrong and why. Value is the offending input
// as typed: callers must escape it before showing it to anyone.
type FieldError struct {
	Field string // Go field name: "Times", "TimeZone", "Include", ...
	Code  string // one of the Code* constants
	Value string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("subscriptions: %s: %s %q", e.Field, e.Code, e.Value)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Subscriber is one chat's preferences and delivery state.
type Subscriber struct {
	ChatID     int64    `json:"chat_id"`
	ChatType   string   `json:"chat_type"`         // "private" | "group" | "supergroup" | "channel"
	Lang       string   `json:"lang"`              // "ar" | "en"
	Topics     []string `json:"topics,omitempty"`  // topic IDs; empty = all
	Include    []string `json:"include,omitempty"` // keywords that must match (any)
	Exclude    []string `json:"exclude,omitempty"` // keywords that exclude a story
	TimeZone   string   `json:"time_zone"`         // IANA name, e.g. "Asia/Baghdad"
	Times      []string `json:"times"`             // local delivery times "HH:MM"
	MaxStories int      `json:"max_stories"`       // 0 = DefaultStories
	// StoryLangs is which languages' stories arrive: StoriesAuto (""),
	// StoriesOwn or StoriesBoth. Records written before the field existed
	// decode to "", the default.
	StoryLangs string `json:"story_langs,omitempty"`
	// Alerts: breaking-news alerts outside the schedule (opt-in with
	// /alerts on). Records written before the field existed decode to
	// false, the default.
	Alerts   bool      `json:"alerts,omitempty"`
	Paused   bool      `json:"paused,omitempty"`   // chose to pause
	Inactive bool      `json:"inactive,omitempty"` // blocked the bot / chat not found: never sent to
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`

	// Learned is what the chat's feedback buttons taught its ranking
	// (see Learned); the zero value, also of older records, is nothing.
	Learned Learned `json:"learned,omitzero"`
}

// New returns a subscriber with defaults: daily at DefaultTime in
// DefaultZone, all topics. lang may be a Telegram language_code such as
// "ar-SA"; anything not Arabic becomes English.
func New(chatID int64, chatType, lang string, now time.Time) Subscriber {
	return Subscriber{
		ChatID:   chatID,
		ChatType: chatType,
		Lang:     NormalizeLang(lang),
		TimeZone: DefaultZone,
		Times:    []string{DefaultTime},
		Created:  now,
		Updated:  now,
	}
}

// NormalizeLang maps a Telegram language_code to a UI language: "ar…" → "ar",
// everything else → "en".
func NormalizeLang(code string) string {
	if strings.HasPrefix(strings.ToLower(code), "ar") {
		return "ar"
	}
	return "en"
}

// Active reports whether scheduled digests go to this chat.
func (s Subscriber) Active() bool { return !s.Paused && !s.Inactive }

// Validate checks every field a user can set and returns the first problem as
// a *FieldError wrapping ErrInvalid.
func (s Subscriber) Validate() error {
	checks := []func() error{
		s.validateChat, s.validateLang, s.validateTopics, s.validateKeywords,
		s.validateZone, s.validateTimes, s.validateMaxStories, s.validateStoryLangs, s.validateLearned,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (s Subscriber) validateChat() error {
	if s.ChatID == 0 {
		return &FieldError{Field: "ChatID", Code: CodeRequired}
	}
	switch s.ChatType {
	case ChatPrivate, ChatGroup, ChatSupergroup, ChatChannel:
		return nil
	}
	return &FieldError{Field: "ChatType", Code: CodeUnknown, Value: s.ChatType}
}

func (s Subscriber) validateLang() error {
	if s.Lang == "ar" || s.Lang == "en" {
		return nil
	}
	return &FieldError{Field: "Lang", Code: CodeUnknown, Value: s.Lang}
}

// MaxTopicIDLen bounds topic IDs so that callback data holding one stays
// far below Telegram's 64 bytes.
const MaxTopicIDLen = 32

// ValidTopicID reports whether id is a well-formed topic ID, the same shape
// digest.IsTopicID accepts: 1–32 lowercase ASCII letters, digits or inner
// hyphens, so an ID fits in commands, deep links and callback data.
// (A loop rather than a package-level regexp: no package-level state.)
func ValidTopicID(id string) bool {
	if id == "" || len(id) > MaxTopicIDLen || id[0] == '-' || id[len(id)-1] == '-' {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func (s Subscriber) validateTopics() error {
	if len(s.Topics) > MaxTopics {
		return &FieldError{Field: "Topics", Code: CodeTooMany, Value: fmt.Sprint(len(s.Topics))}
	}
	for i, t := range s.Topics {
		if !ValidTopicID(t) {
			return &FieldError{Field: "Topics", Code: CodeFormat, Value: t}
		}
		if slices.Contains(s.Topics[:i], t) {
			return &FieldError{Field: "Topics", Code: CodeDuplicate, Value: t}
		}
	}
	return nil
}

func (s Subscriber) validateKeywords() error {
	if n := len(s.Include) + len(s.Exclude); n > MaxKeywords {
		return &FieldError{Field: "Include", Code: CodeTooMany, Value: fmt.Sprint(n)}
	}
	for _, f := range []struct {
		name string
		list []string
	}{{"Include", s.Include}, {"Exclude", s.Exclude}} {
		for i, kw := range f.list {
			if err := CheckKeyword(kw); err != nil {
				return &FieldError{Field: f.name, Code: err.Code, Value: kw}
			}
			if slices.Contains(f.list[:i], kw) {
				return &FieldError{Field: f.name, Code: CodeDuplicate, Value: kw}
			}
		}
	}
	return nil
}

// CheckKeyword validates one keyword: not blank, at most MaxKeywordLen
// characters, no control characters, no surrounding spaces.
func CheckKeyword(kw string) *FieldError {
	switch {
	case strings.TrimSpace(kw) == "":
		return &FieldError{Field: "Include", Code: CodeRequired, Value: kw}
	case !utf8.ValidString(kw) || strings.TrimSpace(kw) != kw:
		return &FieldError{Field: "Include", Code: CodeFormat, Value: kw}
	case utf8.RuneCountInString(kw) > MaxKeywordLen:
		return &FieldError{Field: "Include", Code: CodeTooLong, Value: kw}
	case strings.IndexFunc(kw, unicode.IsControl) >= 0:
		return &FieldError{Field: "Include", Code: CodeFormat, Value: kw}
	}
	return nil
}

func (s Subscriber) validateZone() error {
	if _, err := LoadZone(s.TimeZone); err != nil {
		return &FieldError{Field: "TimeZone", Code: CodeUnknown, Value: s.TimeZone}
	}
	return nil
}

// LoadZone loads an IANA zone by name. Unlike time.LoadLocation it refuses
// "" and "Local", which would silently mean the server's zone.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("subscriptions: load zone %q: %w", name, ErrInvalid)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("subscriptions: load zone: %w", err)
	}
	return loc, nil
}

func (s Subscriber) validateTimes() error {
	if len(s.Times) == 0 {
		return &FieldError{Field: "Times", Code: CodeRequired}
	}
	if len(s.Times) > MaxTimes {
		return &FieldError{Field: "Times", Code: CodeTooMany, Value: fmt.Sprint(len(s.Times))}
	}
	for i, t := range s.Times {
		if _, ok := minuteOfDay(t); !ok {
			return &FieldError{Field: "Times", Code: CodeFormat, Value: t}
		}
		if slices.Contains(s.Times[:i], t) {
			return &FieldError{Field: "Times", Code: CodeDuplicate, Value: t}
		}
	}
	return nil
}

func (s Subscriber) validateMaxStories() error {
	if s.MaxStories < 0 || s.MaxStories > MaxStoriesCap {
		return &FieldError{Field: "MaxStories", Code: CodeRange, Value: fmt.Sprint(s.MaxStories)}
	}
	return nil
}

func (s Subscriber) validateStoryLangs() error {
	switch s.StoryLangs {
	case StoriesAuto, StoriesOwn, StoriesBoth:
		return nil
	}
	return &FieldError{Field: "StoryLangs", Code: CodeUnknown, Value: s.StoryLangs}
}

// minuteOfDay parses a canonical "HH:MM" (two digits each, 00:00–23:59).
func minuteOfDay(hhmm string) (int, bool) {
	if len(hhmm) != 5 || hhmm[2] != ':' {
		return 0, false
	}
	h, ok1 := twoDigits(hhmm[0:2])
	m, ok2 := twoDigits(hhmm[3:5])
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

func twoDigits(s string) (int, bool) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}

// ParseTime accepts what a user types ("8:00", "08:00", "8.30", "٠٨:٠٠"
// with Arabic-Indic digits) and returns the canonical "HH:MM".
func ParseTime(s string) (string, error) {
	s = strings.Map(asciiDigit, strings.TrimSpace(s))
	s = strings.Replace(s, ".", ":", 1)
	if len(s) == 4 && s[1] == ':' {
		s = "0" + s
	}
	if _, ok := minuteOfDay(s); !ok {
		return "", &FieldError{Field: "Times", Code: CodeFormat, Value: s}
	}
	return s, nil
}

// asciiDigit maps Arabic-Indic (٠–٩) and Eastern Arabic-Indic (۰–۹) digits
// to ASCII, and the Arabic colon-like marks to ':'.
func asciiDigit(r rune) rune {
	switch {
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠')
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰')
	case r == '：' || r == '٫':
		return ':'
	}
	return r
}
