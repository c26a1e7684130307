package bot

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// topicNames lists the topics by their label in lang, for usage texts: an
// Arabic answer shows سياسة, not politics (both are accepted as input).
func (b *Bot) topicNames(lang string) string {
	labels := make([]string, len(b.cfg.Topics))
	for i, t := range b.cfg.Topics {
		labels[i] = b.topicLabel(t.ID, lang)
	}
	return userList(lang, labels)
}

// topicLabels maps topic IDs to their labels in lang.
func (b *Bot) topicLabels(lang string, ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = b.topicLabel(id, lang)
	}
	return out
}

// chatTypeLabel names a Telegram chat type ("private", "supergroup"…) or a
// language code in lang; anything else is shown as it is.
func chatTypeLabel(lang, key string) string {
	names := map[string]map[string]string{
		"ar": {"private": "خاصة", "group": "مجموعة", "supergroup": "مجموعة كبيرة", "channel": "قناة",
			"ar": "العربية", "en": "الإنجليزية"},
		"en": {"private": "private", "group": "group", "supergroup": "supergroup", "channel": "channel",
			"ar": "Arabic", "en": "English"},
	}
	if n := names[pick(lang == "ar", "ar", "en")][key]; n != "" {
		return n
	}
	return key
}

// relabel renames a count map's keys (several keys may merge into one).
func relabel(m map[string]int, name func(string) string) map[string]int {
	out := make(map[string]int, len(m))
	for k, n := range m {
		out[name(k)] += n
	}
	return out
}

// failureSentence says in lang what went wrong, from an error's text, for
// the answers that used to show Go's error message itself ("news: fetch
// …: dial tcp …: connection refused"). Callers log the error in full. It
// works on the text because some errors reach the bot as strings (a feed's
// stored last result) or lose their type on the way (redaction).
func failureSentence(lang, msg string) string {
	m := strings.ToLower(msg)
	if code := httpCode.FindStringSubmatch(msg); code != nil {
		n, _ := strconv.Atoi(code[1])
		return text(lang, msgWhyHTTP, n, userText(http.StatusText(n)))
	}
	for _, k := range failureKinds {
		for _, w := range k.words {
			if strings.Contains(m, w) {
				return text(lang, k.key)
			}
		}
	}
	return text(lang, msgErrUnexpected)
}

var httpCode = regexp.MustCompile(`\bHTTP (?:status )?(\d{3})\b`)

// failureKinds are tried in order: the first whose word appears wins.
var failureKinds = []struct {
	words []string
	key   msgKey
}{
	{[]string{"no space left", "max size reached", "read-only file system", "input/output error", "database not open"}, msgErrStorage},
	{[]string{"private", "loopback", "link-local"}, msgWhyPrivate},
	{[]string{"no such host", "server misbehaving"}, msgErrDNS},
	{[]string{"connection refused"}, msgErrRefused},
	{[]string{"timeout", "timed out", "deadline exceeded"}, msgErrTimeout},
	{[]string{"x509", "tls:", "certificate"}, msgErrTLS},
	{[]string{"connection reset", "broken pipe", "eof"}, msgErrDropped},
	{[]string{"dial tcp", "unreachable", "no route to host"}, msgErrUnreachable},
	{[]string{"too large"}, msgWhyTooLarge},
	{[]string{"redirect"}, msgWhyRedirects},
	{[]string{"not a feed", "parse", "xml", "json"}, msgWhyNotFeed},
	{[]string{"context canceled"}, msgErrShutdown},
	{[]string{"bad request", "forbidden", "too many requests", "unauthorized"}, msgErrTelegram},
}
