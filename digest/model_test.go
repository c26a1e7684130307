package digest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"newsdigest/internal/shareddata"
)

func trainingDocs() []LabeledDoc {
	return []LabeledDoc{
		{"en", "sport", "The striker scored a late goal and the club won the cup final.", nil, "test"},
		{"en", "sport", "The coach praised the players after the league match and the goal.", nil, "test"},
		{"en", "economy", "The central bank raised interest rates as inflation and prices climbed.", nil, "test"},
		{"en", "economy", "Shares fell on the stock market as the bank warned on inflation.", nil, "test"},
		{"ar", "sport", "سجل المهاجم هدفا في المباراة وفاز الفريق بالكأس.", nil, "test"},
		{"ar", "sport", "فاز الفريق في مباراة الدوري بهدف المهاجم.", nil, "test"},
		{"ar", "economy", "رفع البنك المركزي نسبة الفائدة بسبب التضخم والأسعار.", nil, "test"},
		{"ar", "economy", "تراجعت الأسعار في البورصة وحذر البنك من التضخم.", nil, "test"},
	}
}

func TestTopicModelTrainClassifyRoundTrip(t *testing.T) {
	docs := append(trainingDocs(), // stems spelled like the file's directives
		LabeledDoc{"en", "sport", "Lang prior alpha classes docs w goal", nil, "test"},
		LabeledDoc{"en", "economy", "Lang prior alpha classes docs w bank", nil, "test"})
	m, err := TrainTopicModel(docs, TrainOptions{MinDocs: 1})
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseTopicModel(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Langs) != 2 || again.Langs["en"].NumFeatures() != m.Langs["en"].NumFeatures() {
		t.Fatalf("round trip lost stems: %d languages, %d of %d English stems", len(again.Langs), again.Langs["en"].NumFeatures(), m.Langs["en"].NumFeatures())
	}
	tests := []struct{ lang, text, want string }{
		{"en", "A late goal won the match for the club.", "sport"},
		{"en", "Inflation pushed the bank to raise rates.", "economy"},
		{"ar", "فاز الفريق بهدف في المباراة", "sport"},
		{"ar", "البنك يرفع الفائدة لمواجهة التضخم", "economy"},
	}
	for _, model := range []*TopicModel{m, again} {
		for _, tt := range tests {
			got := model.Classify(tt.lang, tt.text)
			if len(got) != 2 || got[0].ID != tt.want || got[0].Score <= 0.5 || got[0].Score+got[1].Score < 0.999 {
				t.Errorf("Classify(%s, %q) = %+v, want %s first with a distribution", tt.lang, tt.text, got, tt.want)
			}
		}
	}
	// a calibration temperature survives the file and softens the scores
	sharp := m.Classify("en", "A late goal won the match for the club.")[0].Score
	m.Langs["en"].Temp = 3
	data, err = m.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	if again, err = ParseTopicModel(data); err != nil || again.Langs["en"].Temp != 3 {
		t.Fatalf("temperature lost in the round trip: %v", err)
	}
	if soft := again.Classify("en", "A late goal won the match for the club."); soft[0].ID != "sport" || soft[0].Score >= sharp {
		t.Errorf("temperature 3: %+v, want sport below %.3f", soft, sharp)
	}
	if got := m.Classify("fr", "Le but"); got != nil {
		t.Errorf("unknown language classified: %+v", got)
	}
	if _, err := TrainTopicModel(nil, TrainOptions{MinDocs: 1}); !errors.Is(err, ErrBadModel) {
		t.Errorf("empty training set: err = %v", err)
	}
}

func TestParseTopicModelRejectsBadFiles(t *testing.T) {
	gz := func(s string) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	tests := map[string][]byte{
		"not gzip":          []byte("plain text"),
		"stem before lang":  gz("w goal 1 2\n"),
		"wrong count width": gz("lang en\nclasses sport economy\ndocs 2 2\nw goal 1\n"),
		"negative count":    gz("lang en\nclasses sport economy\ndocs 2 2\nw goal 1 -2\n"),
		"untagged line":     gz("lang en\nclasses sport economy\ndocs 2 2\ngoal 1 2\n"),
		"bad alpha":         gz("lang en\nalpha x\n"),
		"negative temp":     gz("lang en\ntemp -1\n"),
		"no classes":        gz("lang en\nalpha 0.1\n"),
		"zero docs":         gz("lang en\nclasses sport\ndocs 0\n"),
		"feature twice":     gz("lang en\nclasses sport economy\ndocs 2 2\nw goal 1 2\nw goal 2 1\n"),
	}
	for name, data := range tests {
		if _, err := ParseTopicModel(data); !errors.Is(err, ErrBadModel) {
			t.Errorf("%s: err = %v, want ErrBadModel", name, err)
		}
	}
	if m, err := ParseTopicModel(nil); err != nil || len(m.Langs) != 0 {
		t.Errorf("empty file: %v, %v", m, err)
	}
}

// TestEmbeddedModelWritesBackTheSameFile: the model keeps its features
// packed (sorted names in one string, counts in one slice); writing the
// shipped model back must give the very file it was read from, so no
// feature, count or order is lost in the packing.
func TestEmbeddedModelWritesBackTheSameFile(t *testing.T) {
	m, err := ParseTopicModel(topicModelFile)
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, topicModelFile) {
		t.Errorf("written back: %d bytes, the embedded file has %d", len(data), len(topicModelFile))
	}
	lm := m.Langs["en"]
	if c, ok := lm.FeatureCounts(lm.feats[0]); !ok || len(c) != len(lm.Classes) {
		t.Errorf("FeatureCounts(%q) = %v, %v", lm.feats[0], c, ok)
	}
	if _, ok := lm.FeatureCounts("no-such-feature"); ok {
		t.Error("FeatureCounts knows a feature the model lacks")
	}
}

func TestEmbeddedModelCoversBothLanguages(t *testing.T) {
	m, err := EmbeddedModel()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ar", "en"} {
		lm := m.Langs[lang]
		if lm == nil || len(lm.Classes) < 5 || lm.NumFeatures() < 500 {
			t.Errorf("embedded model for %s is missing or tiny", lang)
			continue
		}
		for _, c := range lm.Classes {
			if TopicLabel(c, "en") == c {
				t.Errorf("model class %q is not a taxonomy topic", c)
			}
		}
	}
	tests := []struct{ lang, text, want string }{
		{"ar", "فاز الترجي الرياضي على النجم الساحلي بهدفين مقابل هدف في مباراة الدربي", "sport"},
		{"en", "The striker scored twice as the club won the league title on Saturday", "sport"},
		{"en", "Shares in the company fell after profits dropped and the bank cut its forecast", "economy"},
	}
	for _, tt := range tests {
		if got := m.Classify(tt.lang, tt.text); got[0].ID != tt.want {
			t.Errorf("Classify(%q) = %+v, want %s", tt.text, got[:2], tt.want)
		}
	}
}

func TestHintTopic(t *testing.T) {
	tests := map[string]string{
		"politics": "politics", "Sports": "sport", "Business": "economy", "tech": "technology",
		"رياضة": "sport", "الرياضة": "sport", "internationalNews": "world", "Arts & Entertainment": "culture",
		"middle-east": "middle-east", "#Health": "health", "weather": "", "": "",
		"Middle East": "middle-east", "الشرق الأوسط": "middle-east", "العالم العربي": "middle-east", "Arab World": "middle-east",
		"World News": "world", "كرة القدم": "sport", "اقتصاد وأعمال": "economy", "Sci/Tech": "technology",
		// a society section's desks, continents, the Gulf, two-word names
		"Crime": "society", "حوادث": "society", "محليات": "society", "Education": "society", "accidents": "society",
		"section:news/local": "society", "Middle East & Africa": "middle-east", "Europe": "world", "دولي": "world",
		"الخليج": "middle-east", "Gulf News": "middle-east", "Premier League": "sport", "World Cup": "sport",
		"Arab League": "middle-east", "علوم وتكنولوجيا": "technology", "Science & Technology": "technology",
		"spa-prefix:ثقافي": "culture", "Opinion": "", "منوعات": "", "Travel": "",
		"ترفيه": "culture", "أسواق": "economy", "Latin America": "world", "الأمريكيتان": "world", "سياحة": "",
	}
	for hint, want := range tests {
		if got := hintTopic(hint); got != want {
			t.Errorf("hintTopic(%q) = %q, want %q", hint, got, want)
		}
	}
}

func TestAnnotateKeepsInputOrder(t *testing.T) {
	e, err := NewEngine(Config{})
	if err != nil {
		t.Fatal(err)
	}
	seed := seedArticle(t)
	copyOf := seed
	copyOf.ID = "copy"
	other := Article{ID: "goal", Text: "The striker scored a late goal and the club won the cup final on Sunday."}
	got := e.Annotate([]Article{other, seed, copyOf})
	if len(got) != 3 || got[1].Story != got[2].Story || got[0].Story == got[1].Story {
		t.Fatalf("annotations = %+v", got)
	}
	if got[0].Lang != "en" || got[0].Topics[0].ID != "sport" || got[1].Lang != "ar" || !strings.HasPrefix(got[1].Summary, seedLead) {
		t.Errorf("annotations = %+v", got)
	}
}

// TestClassifyIsExact: the same article gets bit-for-bit the same scores on
// every call, so a story's topics and rank never flicker between pushes.
func TestClassifyIsExact(t *testing.T) {
	m, err := EmbeddedModel()
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{
		"ar": "أعلن البنك المركزي المصري رفع أسعار الفائدة لمواجهة التضخم، وقال محافظ البنك إن القرار يهدف إلى دعم الجنيه واستقرار الأسعار في الأسواق المحلية خلال الأشهر المقبلة",
		"en": "The central bank raised interest rates on Thursday to fight inflation, and its governor said the decision aims to support the currency and steady prices in local markets over the coming months",
	}
	for lang, text := range texts {
		first := m.Classify(lang, text)
		if len(first) == 0 {
			t.Fatalf("%s: no scores", lang)
		}
		for range 30 {
			if got := m.Classify(lang, text); !slices.Equal(got, first) {
				t.Fatalf("%s: scores changed between calls:\n%v\n%v", lang, first, got)
			}
		}
	}
}

// TestSetAlphaRecomputesTheLogs: the likelihoods are precomputed, so a
// model whose smoothing is changed after training must classify exactly as
// one read from a file with that smoothing.
func TestSetAlphaRecomputesTheLogs(t *testing.T) {
	m, err := TrainTopicModel(trainingDocs(), TrainOptions{MinDocs: 1})
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if _, err := text.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	var smooth bytes.Buffer
	zw := gzip.NewWriter(&smooth)
	zw.Write([]byte(strings.ReplaceAll(text.String(), "alpha 0.1\n", "alpha 2\n")))
	zw.Close()
	read, err := ParseTopicModel(smooth.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	const goal = "A late goal won the match for the club."
	before := m.Classify("en", goal)
	for _, lm := range m.Langs {
		lm.SetAlpha(2)
	}
	got, want := m.Classify("en", goal), read.Classify("en", goal)
	if !slices.Equal(got, want) || slices.Equal(got, before) {
		t.Errorf("after SetAlpha(2): %v, want %v as read with alpha 2 (and not %v)", got, want, before)
	}
}

// The engine classifies by the stemmer's numbers of the stems
// (featureRowsOf), sharing one stemmer across articles of both languages;
// it must give the same scores, bit for bit, as ClassifyTerms on the stems,
// on real articles of several outlets, Latin words in Arabic text included.
func TestClassifyByNumbersIsClassifyTerms(t *testing.T) {
	m, err := EmbeddedModel()
	if err != nil {
		t.Fatal(err)
	}
	st := newStemmer()
	for _, f := range []string{"ar/saudinewsnet2015.jsonl", "en/newscred2013.jsonl", "ar/newscred2013.jsonl"} {
		for i, a := range sharedArticles(t, f, 300) {
			text := a.Title + "\n" + a.Text
			h := newHeadline(st, text)
			for _, lang := range []string{"ar", "en"} { // a model of the other script too: a stem's row is per model
				want := m.ClassifyTerms(lang, Terms(text))
				var got []TopicScore
				if lm := m.sub(lang); lm != nil {
					got = lm.score(lm.featureRowsOf(st, h.tids))
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s #%d in %s: by numbers = %v, ClassifyTerms = %v", f, i, lang, got, want)
				}
			}
		}
	}
}

// sharedArticles reads the first n articles of a news-multi-outlet file.
func sharedArticles(t *testing.T, file string, n int) []Article {
	t.Helper()
	f, err := os.Open(shareddata.Path(t, "news-multi-outlet", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<22)
	var out []Article
	for len(out) < n && sc.Scan() {
		var r struct{ Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, Article{Title: r.Title, Text: r.Text})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
