package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"newsdigest/subscriptions"
)

// splitArgs splits command arguments on spaces and commas (Latin or
// Arabic), keeping "quoted phrases" and «guillemets» together.
func splitArgs(s string) []string {
	words := splitQuoted(s)
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = w.text
	}
	return out
}

// argWord is one argument and whether the user quoted it.
type argWord struct {
	text   string
	quoted bool
}

// splitQuoted is splitArgs keeping which words were quoted. The isolates
// our answers wrap values in are dropped: a user may copy them along.
func splitQuoted(s string) []argWord {
	var out []argWord
	var cur strings.Builder
	var quote rune
	flush := func(quoted bool) {
		if w := strings.TrimSpace(cur.String()); w != "" {
			out = append(out, argWord{w, quoted})
		}
		cur.Reset()
	}
	for _, r := range s {
		switch {
		case r == '\u2068' || r == '\u2069':
		case quote != 0 && r == quote:
			quote = 0
			flush(true)
		case quote == 0 && closingQuote(r) != 0:
			flush(false)
			quote = closingQuote(r)
		case quote == 0 && (unicode.IsSpace(r) || r == ',' || r == '،'):
			flush(false)
		default:
			cur.WriteRune(r)
		}
	}
	flush(quote != 0)
	return out
}

// closingQuote is the quote that closes one opened by r; 0 if r opens none.
func closingQuote(r rune) rune {
	switch r {
	case '"':
		return '"'
	case '«':
		return '»'
	case '“':
		return '”'
	}
	return 0
}

// prefChange is what /subscribe or /unsubscribe asks for.
type prefChange struct {
	topics, include, exclude []string
}

// parsePrefs sorts words into topics, keywords and excluded keywords and
// checks each keyword; the error message is ready to send.
func (b *Bot) parsePrefs(lang, args string) (prefChange, string) {
	var c prefChange
	for _, aw := range splitQuoted(args) {
		w := aw.text
		switch word, excl := strings.CutPrefix(w, "-"); {
		case excl:
			if msg := keywordProblem(lang, strings.TrimSpace(word)); msg != "" {
				return c, msg
			}
			c.exclude = append(c.exclude, strings.TrimSpace(word))
		case b.resolveTopic(w) != "":
			c.topics = append(c.topics, b.resolveTopic(w))
		case !aw.quoted && b.nearTopic(w) != "":
			// "sports" as a keyword would narrow every digest to stories
			// saying "sports": almost surely the topic was meant.
			return c, text(lang, msgDidYouMean, userText(w), userText(b.topicLabel(b.nearTopic(w), lang)), userText(w))
		default:
			if msg := keywordProblem(lang, w); msg != "" {
				return c, msg
			}
			c.include = append(c.include, w)
		}
	}
	return c, ""
}

func keywordProblem(lang, kw string) string {
	fe := subscriptions.CheckKeyword(kw)
	switch {
	case fe == nil:
		return ""
	case fe.Code == subscriptions.CodeTooLong:
		return text(lang, msgKeywordTooLong, userText(kw), count(lang, subscriptions.MaxKeywordLen, nounChar))
	default:
		return text(lang, msgKeywordBad, userText(kw))
	}
}

func (b *Bot) subscribe(ctx context.Context, r request) error {
	if r.args == "" {
		return b.replyErr(ctx, r, text(r.lang, msgSubscribeUsage, b.topicNames(r.lang)))
	}
	c, problem := b.parsePrefs(r.lang, r.args)
	if problem != "" {
		return b.replyErr(ctx, r, problem)
	}
	note := ""
	if len(c.include) > 0 {
		note = text(r.lang, msgKeywordsAdded, userList(r.lang, c.include)) + "\n\n"
	}
	return b.updatePrefs(ctx, r, note, func(s *subscriptions.Subscriber) {
		s.Topics = addAll(s.Topics, c.topics)
		s.Include = addAll(removeAll(s.Include, c.exclude), c.include)
		s.Exclude = addAll(removeAll(s.Exclude, c.include), c.exclude)
	})
}

func (b *Bot) unsubscribe(ctx context.Context, r request) error {
	if r.args == "" {
		return b.replyErr(ctx, r, text(r.lang, msgUnsubscribeUsage))
	}
	c, problem := b.parsePrefs(r.lang, r.args)
	if problem != "" {
		return b.replyErr(ctx, r, problem)
	}
	return b.updatePrefs(ctx, r, "", func(s *subscriptions.Subscriber) {
		s.Topics = removeAll(s.Topics, c.topics)
		s.Include = removeAll(s.Include, c.include)
		s.Exclude = removeAll(s.Exclude, c.exclude)
	})
}

// keywords shows the keywords; "/keywords clear" removes them all; other
// words are added like /subscribe.
func (b *Bot) keywords(ctx context.Context, r request) error {
	switch strings.ToLower(r.args) {
	case "":
		return b.withSub(ctx, r, func(sub subscriptions.Subscriber) error {
			return b.replyErr(ctx, r, b.prefsText(r.lang, sub))
		})
	case "clear", "مسح":
		return b.updatePrefs(ctx, r, "", func(s *subscriptions.Subscriber) { s.Include, s.Exclude = nil, nil })
	}
	return b.subscribe(ctx, r)
}

// updatePrefs applies a change and answers with note and the new
// preferences, or with the limit the change would break.
func (b *Bot) updatePrefs(ctx context.Context, r request, note string, change func(*subscriptions.Subscriber)) error {
	return b.withSub(ctx, r, func(subscriptions.Subscriber) error {
		sub, err := b.subs.Update(ctx, r.target, func(s *subscriptions.Subscriber) error {
			change(s)
			return nil
		})
		var fe *subscriptions.FieldError
		switch {
		case errors.As(err, &fe) && fe.Code == subscriptions.CodeTooMany:
			return b.replyErr(ctx, r, text(r.lang, msgKeywordsTooMany, count(r.lang, subscriptions.MaxKeywords, nounKeyword)))
		case errors.As(err, &fe):
			return b.replyErr(ctx, r, text(r.lang, msgKeywordBad, userText(fe.Value)))
		case err != nil:
			return err
		}
		return b.replyErr(ctx, r, note+b.prefsText(r.lang, sub))
	})
}

func (b *Bot) prefsText(lang string, sub subscriptions.Subscriber) string {
	return text(lang, msgPrefsNow, b.topicsList(lang, sub), userList(lang, sub.Include), userList(lang, sub.Exclude))
}

func (b *Bot) topicsList(lang string, sub subscriptions.Subscriber) string {
	if len(sub.Topics) == 0 {
		return text(lang, msgTopicsAll)
	}
	labels := make([]string, len(sub.Topics))
	for i, t := range sub.Topics {
		labels[i] = b.topicLabel(t, lang)
	}
	return userList(lang, labels)
}

// addAll appends the words not already present (case-insensitively).
func addAll(list, words []string) []string {
	for _, w := range words {
		if !slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, w) }) {
			list = append(list, w)
		}
	}
	return list
}

func removeAll(list, words []string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(x string) bool {
		return slices.ContainsFunc(words, func(w string) bool { return strings.EqualFold(x, w) })
	})
}

// setTime sets the delivery times: "/time 07:30 19:00".
func (b *Bot) setTime(ctx context.Context, r request) error {
	return b.withSub(ctx, r, func(sub subscriptions.Subscriber) error {
		words := splitArgs(r.args)
		if len(words) == 0 {
			return b.replyErr(ctx, r, text(r.lang, msgTimeUsage, count(r.lang, subscriptions.MaxTimes, nounTime), userList(r.lang, sub.Times), userText(sub.TimeZone)))
		}
		times, problem := parseTimes(r.lang, words)
		if problem != "" {
			return b.replyErr(ctx, r, problem)
		}
		sub, err := b.subs.Update(ctx, r.target, func(s *subscriptions.Subscriber) error {
			s.Times = times
			return nil
		})
		if err != nil {
			return err
		}
		return b.replyErr(ctx, r, text(r.lang, msgTimeSet, userList(r.lang, sub.Times), userText(sub.TimeZone)))
	})
}

func parseTimes(lang string, words []string) ([]string, string) {
	var times []string
	for _, w := range words {
		t, err := subscriptions.ParseTime(w)
		if err != nil {
			return nil, text(lang, msgTimeBad, userText(w))
		}
		if !slices.Contains(times, t) {
			times = append(times, t)
		}
	}
	if len(times) > subscriptions.MaxTimes {
		return nil, text(lang, msgTimesTooMany, count(lang, subscriptions.MaxTimes, nounTime))
	}
	slices.Sort(times)
	return times, ""
}

// setZone sets the time zone: "/timezone Asia/Baghdad" or "/timezone +03:00".
func (b *Bot) setZone(ctx context.Context, r request) error {
	return b.withSub(ctx, r, func(sub subscriptions.Subscriber) error {
		if r.args == "" {
			return b.replyErr(ctx, r, text(r.lang, msgZoneUsage, userText(sub.TimeZone)))
		}
		zone, err := subscriptions.ParseZone(r.args)
		if err != nil {
			return b.replyErr(ctx, r, text(r.lang, msgZoneBad, userText(r.args)))
		}
		if _, err := b.subs.Update(ctx, r.target, func(s *subscriptions.Subscriber) error {
			s.TimeZone = zone
			return nil
		}); err != nil {
			return err
		}
		loc, err := subscriptions.LoadZone(zone)
		if err != nil {
			return fmt.Errorf("load zone %s: %w", zone, err)
		}
		return b.replyErr(ctx, r, text(r.lang, msgZoneSet, userText(zone), userText(b.now().In(loc).Format("15:04"))))
	})
}

// setLang switches the UI language: "/lang ar", "/lang English", "/lang عربي".
func (b *Bot) setLang(ctx context.Context, r request) error {
	lang := parseLang(r.args)
	if lang == "" {
		return b.replyErr(ctx, r, text(r.lang, msgLangUsage))
	}
	return b.withSub(ctx, r, func(subscriptions.Subscriber) error {
		if _, err := b.subs.Update(ctx, r.target, func(s *subscriptions.Subscriber) error {
			s.Lang = lang
			return nil
		}); err != nil {
			return err
		}
		return b.replyErr(ctx, r, text(lang, msgLangSet))
	})
}

func parseLang(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ar", "arabic", "العربية", "عربي", "عربية":
		return "ar"
	case "en", "english", "الإنجليزية", "الانجليزية", "انجليزي", "إنجليزي":
		return "en"
	}
	return ""
}

// setStories sets how many stories a digest holds: "/stories 5".
func (b *Bot) setStories(ctx context.Context, r request) error {
	return b.withSub(ctx, r, func(subscriptions.Subscriber) error {
		n, err := strconv.Atoi(strings.Map(asciiDigits, strings.TrimSpace(r.args)))
		if err != nil || n < 1 || n > subscriptions.MaxStoriesCap {
			return b.replyErr(ctx, r, text(r.lang, msgStoriesUsage, subscriptions.MaxStoriesCap))
		}
		if _, err := b.subs.Update(ctx, r.target, func(s *subscriptions.Subscriber) error {
			s.MaxStories = n
			return nil
		}); err != nil {
			return err
		}
		return b.replyErr(ctx, r, text(r.lang, msgStoriesSet, count(r.lang, n, nounStory)))
	})
}

// asciiDigits maps Arabic-Indic digits to ASCII so "/stories ٥" works.
func asciiDigits(r rune) rune {
	switch {
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠')
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰')
	}
	return r
}

// nearTopic is the topic a word that is none was probably meant to be
// ("sports", "politic", "الرياضة"), or "". It asks for the same first
// letter, so "wealth" is not taken for "health".
func (b *Bot) nearTopic(word string) string {
	w := []rune(strings.ToLower(word))
	if len(w) < 4 {
		return ""
	}
	for _, t := range b.cfg.Topics {
		for _, name := range append([]string{t.ID}, slices.Collect(maps.Values(t.Labels))...) {
			n := []rune(strings.ToLower(name))
			limit := pick(len(n) <= 5, 1, 2)
			if strings.ToLower(word) == "ال"+strings.ToLower(name) || len(n) > 0 && n[0] == w[0] && editDistance(w, n) <= limit {
				return t.ID
			}
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between two words. Written here
// (a dozen lines) rather than adding a module for it.
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := pick(a[i-1] == b[j-1], 0, 1)
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
