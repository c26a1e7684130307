package digest

// Story language settings (Prefs.StoryLangs); subscriptions stores the
// same strings.
const (
	// StoriesAuto, the default: stories in the reader's language, plus
	// stories in another language that at least MinOtherLangSources
	// distinct outlets carry (news big enough to be worth reading in it).
	StoriesAuto = ""
	StoriesOwn  = "own"  // stories in the reader's language only
	StoriesBoth = "both" // stories in Arabic and English alike
)

// MinOtherLangSources is how many distinct outlets must carry a story in
// the other language before the default setting lets it through.
const MinOtherLangSources = 2

// LangAllowed reports whether a story may reach a reader whose interface
// language is ui under the setting mode. A story of unknown language
// ("") counts as the reader's own: it is not hidden for what the engine
// could not tell. An unknown mode is the default; an empty ui (no reader,
// as in the command-line digest) filters nothing.
func LangAllowed(s Story, ui, mode string) bool {
	if ui == "" || !OtherLang(s, ui) {
		return true
	}
	switch mode {
	case StoriesBoth:
		return true
	case StoriesOwn:
		return false
	}
	return len(s.Sources) >= MinOtherLangSources
}

// OtherLang reports whether a story is in a language other than the
// interface language ui (and is labelled so in the digest).
func OtherLang(s Story, ui string) bool {
	return s.Lang != "" && s.Lang != uiLang(ui)
}

// langTag is the label beside the headline of a story in another
// language: the language named as its own readers write it ("EN",
// «عربي»), so a reader sees at a glance what the headline is in.
func langTag(storyLang string) string {
	switch storyLang {
	case "ar":
		return "«عربي»"
	case "en":
		return "EN"
	}
	return storyLang
}
