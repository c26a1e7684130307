package eval

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"newsdigest/digest"
)

// looDocs is a small multi-outlet set: outlets A, B and C file sport and
// economy; outlet D alone files culture.
func looDocs() []TopicDoc {
	texts := map[string][]string{
		"sport":   {"the striker scored a late goal and the club won the league match", "the coach praised the players after the cup final win"},
		"economy": {"the central bank raised interest rates as inflation climbed", "shares fell on the stock market as the bank warned on profits"},
		"culture": {"the film festival opened with a new play by the theatre director", "the singer released an album of songs at the music festival"},
	}
	categories := map[string]string{"sport": "Sports", "economy": "Business & Markets", "culture": "Arts & Culture"} // as RSS categories
	var docs []TopicDoc
	add := func(outlet, topic string, i int) {
		text := fmt.Sprintf("%s %s report %d", texts[topic][i%2], strings.ToLower(outlet)+"town", i)
		docs = append(docs, TopicDoc{Corpus: "fixture", Outlet: outlet, Lang: "en", Topic: topic,
			Rec: Record{ID: fmt.Sprint(outlet, topic, i), Lang: "en", Title: texts[topic][i%2], Text: text, Category: categories[topic]}, Terms: digest.Terms(text)})
	}
	for _, o := range []string{"A", "B", "C"} {
		for i := range 12 {
			add(o, "sport", i)
			add(o, "economy", i)
		}
	}
	for i := range 6 {
		add("D", "culture", i)
	}
	return docs
}

func TestEvaluateTopicsLeavesEachOutletOut(t *testing.T) {
	p := TopicParams{Alpha: 0.1, Prior: 1, TrainOptions: digest.TrainOptions{MinDocs: 1, MinSources: 2}}
	var steps []string
	rep, err := EvaluateTopics(context.Background(), looDocs(), TopicOptions{Params: p, Progress: func(done, total int, step string) {
		steps = append(steps, fmt.Sprintf("%d/%d %s", done, total, step))
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Langs) != 1 || len(rep.Langs[0].Outlets) != 4 || strings.Join(steps, ",") != "1/4 en A,2/4 en B,3/4 en C,4/4 en D" {
		t.Fatalf("folds: %+v, progress %v", rep.Langs, steps)
	}
	en := rep.Langs[0]
	if en.Pooled.Total() != 78 || en.Total != 78 {
		t.Errorf("pooled %d / %d test articles, want all 78", en.Pooled.Total(), en.Total)
	}
	for _, o := range en.Outlets {
		acc := o.Conf.Accuracy()
		switch {
		case o.Outlet == "D" && acc != 0: // culture is D's alone: its fold never saw it
			t.Errorf("outlet D scored %.2f: its own articles leaked into its fold's training", acc)
		case o.Outlet != "D" && acc < 0.99:
			t.Errorf("outlet %s accuracy %.2f on separable topics", o.Outlet, acc)
		}
	}
	if d := en.Plain.Desks["sport"]; d.Desk != 36 || d.Recall() < 0.99 || d.Precision() < 0.85 { // at most D's six culture articles on top
		t.Errorf("subscriber view of sport: %+v", d)
	}
	// D's culture is learnt by no fold that tests D; its feed's category
	// ("Arts & Culture") still files it, in the hinted view only
	if d, h := en.Plain.Desks["culture"], en.Hinted.Desks["culture"]; d == nil || h == nil || d.Recall() > 0.5 || h.Recall() != 1 || en.Hinted.First != en.Total || en.Plain.First >= en.Total {
		t.Errorf("culture without hints %+v, with %+v; first topic right %d / %d of %d", d, h, en.Plain.First, en.Hinted.First, en.Total)
	}
	var out bytes.Buffer
	rep.Write(&out)
	for _, want := range []string{"leave-one-outlet-out", "pooled (en): accuracy", "Subscriber view (en", "each article's category as its feed hint", "first topic is the desk's: 1.0000", "Calibration (en", "score 0.9–1.0:", "Confusion (en", "  D  "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestEvaluateTopicsSample(t *testing.T) {
	p := TopicParams{Alpha: 0.1, Prior: 1, TrainOptions: digest.TrainOptions{MinDocs: 1, MinSources: 2}}
	rep, err := EvaluateTopics(context.Background(), looDocs(), TopicOptions{Params: p, Sample: 5})
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.Langs[0].Total; n != 20 {
		t.Errorf("tested %d articles, want 5 per outlet", n)
	}
	var out bytes.Buffer
	rep.Write(&out)
	if !strings.Contains(out.String(), "SAMPLE of at most 5") {
		t.Errorf("a sampled run does not say so:\n%s", out.String())
	}
}

// A language's own prior weight reaches its sub-model; the others get
// Prior, in the shipped model and in every leave-one-outlet-out fold.
func TestLanguagePrior(t *testing.T) {
	tests := []struct {
		name       string
		langPriors map[string]float64
		want       float64
	}{
		{"no override", nil, 0.5},
		{"English override", map[string]float64{"en": 0}, 0},
		{"another language's override", map[string]float64{"ar": 0.2}, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := TopicParams{Alpha: 0.1, Prior: 0.5, LangPriors: tt.langPriors, TrainOptions: digest.TrainOptions{MinDocs: 1}}
			tr := newTopicTrainer(looDocs(), p)
			for _, leaveOut := range []string{"", "A"} {
				m, err := tr.model(leaveOut)
				if err != nil {
					t.Fatal(err)
				}
				if got := m.Langs["en"].Prior; got != tt.want {
					t.Errorf("leave out %q: English prior %g, want %g", leaveOut, got, tt.want)
				}
			}
		})
	}
}

// adaptDocs: outlets A and B file "kavo lumet" stories as sport and
// "pirax denol" ones as economy, and use "welmo" a little more in economy;
// outlet C's sport desk writes "kavo welmo", and ten of its reports say
// only "welmo".
func adaptDocs() []TopicDoc {
	var docs []TopicDoc
	add := func(outlet, topic, text string, i int) {
		text = fmt.Sprintf("%s q%sz%d", text, strings.ToLower(outlet), i)
		docs = append(docs, TopicDoc{Corpus: "fixture", Outlet: outlet, Lang: "en", Topic: topic,
			Rec: Record{ID: fmt.Sprint(outlet, topic, i), Lang: "en", Text: text}, Terms: digest.Terms(text)})
	}
	for _, o := range []string{"A", "B"} {
		for i := range 10 {
			sport, economy := "kavo lumet", "pirax denol"
			if i < 4 {
				sport += " welmo"
			}
			if i < 6 {
				economy += " welmo"
			}
			add(o, "sport", sport, i)
			add(o, "economy", economy, i)
		}
	}
	for i := range 35 {
		text := "kavo welmo"
		if i%7 == 0 || i%7 == 3 {
			text = "welmo"
		}
		add("C", "sport", text, i)
	}
	return docs
}

// The pooled figures score the classifier as the engine uses it: adapted to
// the held-out outlet's articles when a window holds enough of them, as
// the model trained without it when not; the report prints both.
func TestEvaluateTopicsAdaptsInWindows(t *testing.T) {
	p := TopicParams{Alpha: 0.1, Prior: 1, TrainOptions: digest.TrainOptions{MinDocs: 1}}
	for _, tt := range []struct {
		window       int
		wantAccuracy float64
	}{{35, 1}, {20, 31.0 / 35}} { // windows of 20: the first window's four "welmo" reports have nothing remembered before them
		rep, err := EvaluateTopics(context.Background(), adaptDocs(), TopicOptions{Params: p, Window: tt.window})
		if err != nil {
			t.Fatal(err)
		}
		en := rep.Langs[0]
		var c OutletTopics
		for _, o := range en.Outlets {
			if o.Outlet == "C" {
				c = o
			}
		}
		if got := c.Conf.Accuracy(); got != tt.wantAccuracy {
			t.Errorf("window %d: outlet C accuracy %.4f, want %.4f", tt.window, got, tt.wantAccuracy)
		}
		var out bytes.Buffer
		rep.Write(&out)
		want := fmt.Sprintf("without adapting to the outlet's articles (the model trained without it alone): macro-F1 %.4f", en.Unadapted.MacroF1())
		if !strings.Contains(out.String(), want) || en.Unadapted.Total() != en.Pooled.Total() {
			t.Errorf("window %d: report lacks %q:\n%s", tt.window, want, out.String())
		}
	}
}

// The partly hinted figure scores what a site's hinted articles teach the
// model about its others: outlet D's sport desk writes only "welmo", the
// training outlets' economy word, so with none hinted the adaptation
// confirms economy; with a third hinted sport, the rest are read as sport.
func TestEvaluateTopicsPartlyHinted(t *testing.T) {
	docs := adaptDocs()[:40] // outlets A and B
	for i := range 36 {
		text := fmt.Sprintf("welmo qd%d", i)
		docs = append(docs, TopicDoc{Corpus: "fixture", Outlet: "D", Lang: "en", Topic: "sport",
			Rec: Record{ID: fmt.Sprint("D", i), Lang: "en", Text: text}, Terms: digest.Terms(text)})
	}
	p := TopicParams{Alpha: 0.1, Prior: 1, TrainOptions: digest.TrainOptions{MinDocs: 1}}
	rep, err := EvaluateTopics(context.Background(), docs, TopicOptions{Params: p})
	if err != nil {
		t.Fatal(err)
	}
	en := rep.Langs[0]
	wantUnhinted := 36 - 12 + (20 - 7) + (20 - 7) // each outlet's window: every third hinted
	if en.PartHinted.Total() != wantUnhinted || en.PartPlain.Total() != wantUnhinted {
		t.Fatalf("partly hinted view counts %d and %d articles, want the %d unhinted", en.PartHinted.Total(), en.PartPlain.Total(), wantUnhinted)
	}
	// D's 24 unhinted articles are all wrong with none hinted and all
	// right with a third hinted; A's and B's folds move little.
	if got, plain := en.PartHinted.Accuracy(), en.PartPlain.Accuracy(); got < plain+20.0/float64(wantUnhinted) {
		t.Errorf("partly hinted accuracy %.4f, none hinted %.4f: want D's unhinted sport reports read as sport", got, plain)
	}
	var out bytes.Buffer
	rep.Write(&out)
	want := fmt.Sprintf("the other articles: accuracy %.4f, macro-F1 %.4f (none hinted: %.4f", en.PartHinted.Accuracy(), en.PartHinted.MacroF1(), en.PartPlain.Accuracy())
	if !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q:\n%s", want, out.String())
	}
}

// The small-calls figure scores calls of smallCall articles, each adapted
// with the outlet's articles before it as the engine remembers a site's
// latest: outlet C's "welmo"-only reports in its later calls are read as
// sport, which no call of 10 would teach on its own (the unadapted figure).
func TestEvaluateTopicsSmallCallsRemembered(t *testing.T) {
	p := TopicParams{Alpha: 0.1, Prior: 1, TrainOptions: digest.TrainOptions{MinDocs: 1}}
	rep, err := EvaluateTopics(context.Background(), adaptDocs(), TopicOptions{Params: p})
	if err != nil {
		t.Fatal(err)
	}
	en := rep.Langs[0]
	if en.Small.Total() != en.Pooled.Total() {
		t.Fatalf("small calls score %d articles, the pooled figure %d", en.Small.Total(), en.Pooled.Total())
	}
	if got, alone := en.Small.Accuracy(), en.Unadapted.Accuracy(); got <= alone {
		t.Errorf("small calls with the site remembered: accuracy %.4f, unadapted %.4f: want the remembered articles to teach C's sport desk", got, alone)
	}
	if got, alone := en.SmallMemory.First, en.SmallAlone.First; got <= alone || en.SmallMemory.Desks["sport"].Desk != 35+20 {
		t.Errorf("through the engine, first topic the desk's for %d articles with the memory, %d without: want the prepared articles to teach C's sport desk", got, alone)
	}
	var out bytes.Buffer
	rep.Write(&out)
	want := fmt.Sprintf("adapted with the %d before them as the engine remembers a site's latest: accuracy %.4f, macro-F1 %.4f", digest.AdaptWindow-smallCall, en.Small.Accuracy(), en.Small.MacroF1())
	if !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q:\n%s", want, out.String())
	}
}
