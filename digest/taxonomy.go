package digest

import (
	"maps"
	"slices"
	"strings"
)

// TopicInfo describes one topic of the taxonomy.
type TopicInfo struct {
	ID     string            // short lowercase ASCII, used in commands, callback data and annotate output
	Labels map[string]string // Labels["ar"], Labels["en"]
}

// taxonomy is the built-in topic list in display order; read-only after
// package initialisation (Taxonomy hands out copies), so TopicLabel, called
// per rendered section and per topic hint, reads it without rebuilding it.
var taxonomy = []TopicInfo{
	{ID: "politics", Labels: map[string]string{"ar": "سياسة", "en": "Politics"}},
	{ID: "world", Labels: map[string]string{"ar": "العالم", "en": "World"}},
	{ID: "middle-east", Labels: map[string]string{"ar": "الشرق الأوسط", "en": "Middle East"}},
	{ID: "economy", Labels: map[string]string{"ar": "اقتصاد", "en": "Economy"}},
	{ID: "sport", Labels: map[string]string{"ar": "رياضة", "en": "Sport"}},
	{ID: "technology", Labels: map[string]string{"ar": "تكنولوجيا", "en": "Technology"}},
	{ID: "culture", Labels: map[string]string{"ar": "ثقافة", "en": "Culture"}},
	{ID: "health", Labels: map[string]string{"ar": "صحة", "en": "Health"}},
	{ID: "science", Labels: map[string]string{"ar": "علوم", "en": "Science"}},
	{ID: "society", Labels: map[string]string{"ar": "مجتمع", "en": "Society"}},
}

// Taxonomy returns the built-in topics in display order. The slice and maps
// are fresh on every call, so callers may keep or change them.
func Taxonomy() []TopicInfo {
	out := make([]TopicInfo, len(taxonomy))
	for i, t := range taxonomy {
		out[i] = TopicInfo{ID: t.ID, Labels: maps.Clone(t.Labels)}
	}
	return out
}

// TopicLabel returns the label of a topic ID in lang ("ar" or "en"), falling
// back to English and then to the ID itself (admin topics have no labels).
func TopicLabel(id, lang string) string {
	for _, t := range taxonomy {
		if t.ID == id {
			if l := t.Labels[lang]; l != "" {
				return l
			}
			return t.Labels["en"]
		}
	}
	return id
}

// IsTopicID reports whether id has the shape of a topic ID: 1–32 lowercase
// ASCII letters, digits or inner hyphens (safe in commands and callback data).
func IsTopicID(id string) bool {
	if id == "" || len(id) > 32 || strings.HasPrefix(id, "-") || strings.HasSuffix(id, "-") {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// MatchKeyword reports whether keyword occurs in text after normalisation and
// stemming, so «العراق» matches «والعراق» and «بالعراق», and "Iraq" matches
// "Iraq's". A multi-word keyword matches when its stems occur consecutively.
func MatchKeyword(text, keyword string) bool {
	return MatchAll(text, []string{keyword})
}

// MatchAll reports whether every keyword occurs in text, each tested as
// MatchKeyword describes; the text is stemmed once for all of them (/search).
// No keywords match nothing.
func MatchAll(text string, keywords []string) bool {
	if len(keywords) == 0 {
		return false
	}
	st := newStemmer()
	hay := st.stemAll(Words(text))
	for _, k := range keywords {
		kw := st.stemAll(Words(k))
		if len(kw) == 0 || !ContainsRun(hay, kw) {
			return false
		}
	}
	return true
}

// keywordStems stems every word of a keyword, keeping stop words so that a
// phrase keeps its shape.
func keywordStems(keyword string) []string {
	return newStemmer().stemAll(Words(keyword))
}

// ContainsRun reports whether needle occurs in hay as consecutive items:
// MatchKeyword's test of a keyword's stems against a text's.
func ContainsRun(hay, needle []string) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		if slices.Equal(hay[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}
