package digest

import (
	"strings"
	"unicode/utf8"
)

// Stop-word lists, normalised (see Normalize); read-only after package
// initialisation. Kept short and news-oriented:
// they only need to remove the glue words that would otherwise dominate
// overlap, similarity and classifier features.
var (
	arabicStopWords = wordSet(`
في من على إلى الى عن مع أن ان إن لا لم لن ما ماذا هذا هذه ذلك تلك هو هي هم هن نحن انا أنا انت
التي الذي الذين اللذين اللتين اللواتي كان كانت يكون تكون كانوا قد لقد و او أو ثم بل لكن لكنه
كل بعض غير بين حتى اذا إذا عند عندما منذ خلال بعد قبل حول ضد دون فوق تحت أي اي ايضا أيضا كما
وفي ومن وعلى والى وإلى وعن ومع وان وأن وإن ولا ولم وما وهذا وهذه وهو وهي وقد وكان وكانت فقد فإن فان
به بها له لها لهم منه منها عنه عليه عليها فيه فيها اليه إليه لدى لدي لذلك كذلك هناك هنا حيث
قال قالت وقال وقالت يقول تقول أنه انه أنها انها اي إلى إلا الا أما اما أمام امام عام ذات وذلك
`)
	// persianStopWords only tell Persian/Urdu from Arabic in DetectLang.
	persianStopWords = wordSet(`است این را که از به با می های برای آن یک شد کرد خواهد ها هم نیز بود
		ہے کے کی میں اور سے کو پر نے`)
	englishStopWords = wordSet(`
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves said says say also mr mrs ms s t
its it's he's she's they're we're i'm don't doesn't didn't won't can't isn't aren't wasn't
`)
)

func wordSet(list string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[Normalize(w)] = true
	}
	return m
}

// isStopWord reports normalised words that carry no topic or event signal:
// the listed ones and every word of fewer than two letters. A word is
// looked up in its own script's list only (every Arabic stop word begins
// with a non-ASCII byte, every English one with an ASCII letter; a test
// holds the lists to it): it is asked of every new word and of every word
// of each headline and summary.
func isStopWord(w string) bool {
	if len(w) <= utf8.UTFMax && utf8.RuneCountInString(w) < 2 {
		return true
	}
	if w[0] < utf8.RuneSelf {
		return englishStopWords[w]
	}
	return arabicStopWords[w]
}
