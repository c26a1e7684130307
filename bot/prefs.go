package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"newsdigest/subscriptions"
)

// splitArgs splits command arguments on spaces and commas (Latin or
// Arabic), keeping "quoted phrases" and «guillemets» together.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	flush := func() {
		if w := strings.TrimSpace(cur.String()); w != "" {
			out = append(out, w)
		}
		cur.Reset()
	}
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
			flush()
		case quote == 0 && closingQuote(r) != 0:
			flush()
			quote = closingQuote(r)
		case quote == 0 && (unicode.IsSpace(r) || r == ',' || r == '،'):
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
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
	for _, w := range splitArgs(args) {
		switch word, excl := strings.CutPrefix(w, "-"); {
		case excl:
			if msg := keywordProblem(lang, strings.TrimSpace(word)); msg != "" {
				return c, msg
			}
			c.exclude = append(c.exclude, strings.TrimSpace(word))
		case b.resolveTopic(w) != "":
			c.topics = append(c.topics, b.resolveTopic(w))
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
		return text(lang, msgKeywordTooLong, userText(kw), subscriptions.MaxKeywordLen)
	default:
		return text(lang, msgKeywordBad, userText(kw))
	}
}

func (b *Bot) subscribe(ctx context.Context, r request) error {
	if r.args == "" {
		return b.replyErr(ctx, r, text(r.lang, msgSubscribeUsage, b.topicIDs()))
	}
	c, problem := b.parsePrefs(r.lang, r.args)
	if problem != "" {
		return b.replyErr(ctx, r, problem)
	}
	return b.updatePrefs(ctx, r, func(s *subscriptions.Subscriber) {
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
	return b.updatePrefs(ctx, r, func(s *subscriptions.Subscriber) {
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
		return b.updatePrefs(ctx, r, func(s *subscriptions.Subscriber) { s.Include, s.Exclude = nil, nil })
	}
	return b.subscribe(ctx, r)
}

// updatePrefs applies a change and answers with the new preferences, or
// with the limit the change would break.
func (b *Bot) updatePrefs(ctx context.Context, r request, change func(*subscriptions.Subscriber)) error {
	return b.withSub(ctx, r, func(subscriptions.Subscriber) error {
		sub, err := b.subs.Update(ctx, r.target, func(s *subscriptions.Subscriber) error {
			change(s)
			return nil
		})
		var fe *subscriptions.FieldError
		switch {
		case errors.As(err, &fe) && fe.Code == subscriptions.CodeTooMany:
			return b.replyErr(ctx, r, text(r.lang, msgKeywordsTooMany, subscriptions.MaxKeywords))
		case errors.As(err, &fe):
			return b.replyErr(ctx, r, text(r.lang, msgKeywordBad, userText(fe.Value)))
		case err != nil:
			return err
		}
		return b.replyErr(ctx, r, b.prefsText(r.lang, sub))
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

func (b *Bot) topicIDs() string {
	ids := make([]string, len(b.cfg.Topics))
	for i, t := range b.cfg.Topics {
		ids[i] = t.ID
	}
	return strings.Join(ids, ", ")
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
			return b.replyErr(ctx, r, text(r.lang, msgTimeUsage, subscriptions.MaxTimes, userList(r.lang, sub.Times), userText(sub.TimeZone)))
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
		return nil, text(lang, msgTimesTooMany, subscriptions.MaxTimes)
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
		return b.replyErr(ctx, r, text(r.lang, msgStoriesSet, n))
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
