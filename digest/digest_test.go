package digest

import (
	"os"
	"strings"
	"testing"
	"time"
)

const seedLead = "قالت أربعة مصادر عراقية إن العراق يريد أن تبدأ قوات التحالف"

// seedArticle loads the project's seed article the way the news package
// parses it: the first line «بغداد-» is the dateline place, the rest the text.
func seedArticle(t testing.TB) Article {
	t.Helper()
	b, err := os.ReadFile("../seeds/000_683981210742a10c.txt")
	if err != nil {
		t.Fatalf("seed article: %v", err)
	}
	first, rest, _ := strings.Cut(string(b), "\n")
	if strings.TrimSpace(first) != "بغداد-" {
		t.Fatalf("seed first line = %q, want the dateline", first)
	}
	return Article{ID: "seed", Text: rest, Place: "بغداد", Source: "Reuters", URL: "https://www.reuters.com/x"}
}

func TestDetectLang(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"arabic prose", "قالت أربعة مصادر عراقية إن العراق يريد أن تبدأ قوات التحالف الانسحاب في سبتمبر", "ar"},
		{"english prose", "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn for the three months to December.", "en"},
		{"arabic title", "انسحاب التحالف", "ar"},
		{"english title", "Ad sales boost profit", "en"},
		{"french prose", "Le gouvernement a annoncé mardi une nouvelle réforme des retraites qui sera présentée au parlement.", "other"},
		{"persian prose", "دولت ایران روز سه شنبه اعلام کرد که مذاکرات با آمریکا ادامه خواهد داشت و نتیجه آن به زودی", "other"},
		{"arabic typed on a persian keyboard", "أدی عمر مسعود المدیر العام للأمن العمومي زیارة تفقدیة لإقليم الأمن الوطني بالمنستیر حیث اطلع علی الخطة", "ar"},
		{"digits only", "2024 - 12:30", "other"},
		{"empty", "", "other"},
		{"arabic with english brand", "أعلنت شركة Apple عن هاتف جديد في مؤتمر صحفي عقد في كاليفورنيا أمس", "ar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectLang(tt.text); got != tt.want {
				t.Errorf("DetectLang(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestSummarizeSeed(t *testing.T) {
	a := seedArticle(t)
	for _, budget := range []int{0, 300, 120, 40} {
		got := Summarize(a, budget)
		want := budget
		if want == 0 {
			want = DefaultSummaryBudget
		}
		if n := runeLen(got); n > want || n == 0 {
			t.Errorf("budget %d: summary has %d runes", budget, n)
		}
		if !strings.HasPrefix(got, strings.Fields(seedLead)[0]) || strings.Contains(got, "بغداد-") {
			t.Errorf("budget %d: summary %q does not start with the lead or holds the dateline", budget, got)
		}
		if budget == 0 && !strings.HasPrefix(got, seedLead) {
			t.Errorf("default summary %q does not start with %q", got, seedLead)
		}
	}
}

func TestSummarizeWithDatelineInText(t *testing.T) {
	a := seedArticle(t)
	a.Place = ""
	a.Text = "بغداد-\n" + a.Text // a caller that did not strip the dateline
	if got := Summarize(a, 0); !strings.HasPrefix(got, seedLead) {
		t.Errorf("summary %q does not start with the lead", got)
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name    string
		a       Article
		budget  int
		want    string
		wantPre string
	}{
		{
			name: "english lead with reuters dateline", budget: 300,
			a:    Article{Title: "Iraq wants coalition exit", Text: "WASHINGTON (Reuters) - Iraq wants U.S.-led coalition forces to begin leaving in September, sources said. The talks continue this week.\nRead more: other stories"},
			want: "Iraq wants U.S.-led coalition forces to begin leaving in September, sources said. The talks continue this week.",
		},
		{
			name: "two sentences do not fit: one", budget: 60,
			a:    Article{Title: "Smith buys a firm", Text: "Mr. Smith paid $3.5bn for the firm. Shares rose sharply on the news today in London."},
			want: "Mr. Smith paid $3.5bn for the firm.",
		},
		{
			name: "long sentence cut at clause", budget: 50,
			a:       Article{Text: "The minister said on Tuesday, after a long meeting with unions, that the reform would go ahead."},
			wantPre: "The minister said on Tuesday…",
		},
		{
			name: "arabic comma is not a sentence end; lede paragraph continues", budget: 300,
			a:    Article{Text: "قال الوزير، في مؤتمر صحفي، إن الإصلاح سيستمر؛ وأضاف أن النقابات موافقة. وفي سياق آخر تحدث عن الميزانية.\nوفي فقرة ثانية تفاصيل أخرى كثيرة."},
			want: "قال الوزير، في مؤتمر صحفي، إن الإصلاح سيستمر؛ وأضاف أن النقابات موافقة. وفي سياق آخر تحدث عن الميزانية.",
		},
		{
			name: "one-sentence lede paragraph stands alone", budget: 300,
			a:    Article{Text: "قال الوزير، في مؤتمر صحفي، إن الإصلاح سيستمر؛ وأضاف أن النقابات موافقة.\nوفي سياق آخر تحدث عن الميزانية."},
			want: "قال الوزير، في مؤتمر صحفي، إن الإصلاح سيستمر؛ وأضاف أن النقابات موافقة.",
		},
		{
			name: "short lead gets the next sentence", budget: 300,
			a:    Article{Title: "Wage talks", Text: "The wage talks have collapsed.\nUnion leaders walked out of the meeting with the ministry after six hours on Tuesday."},
			want: "The wage talks have collapsed. Union leaders walked out of the meeting with the ministry after six hours on Tuesday.",
		},
		{name: "empty text", a: Article{Text: "  \n "}, budget: 300, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.a, tt.budget)
			if tt.wantPre != "" {
				if got != tt.wantPre {
					t.Errorf("got %q, want %q", got, tt.wantPre)
				}
				return
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCutAtClauseNeverCutsAWord(t *testing.T) {
	tests := []struct {
		s      string
		budget int
		want   string
	}{
		{"alpha beta gamma delta", 12, "alpha beta…"},
		{"alpha beta gamma delta", 100, "alpha beta gamma delta"},
		{"ذهب الوزير إلى المؤتمر، ثم عاد إلى بيته مساء", 30, "ذهب الوزير إلى المؤتمر…"},
		{"supercalifragilistic", 6, "super…"},
	}
	for _, tt := range tests {
		if got := CutAtClause(tt.s, tt.budget); got != tt.want {
			t.Errorf("CutAtClause(%q, %d) = %q, want %q", tt.s, tt.budget, got, tt.want)
		}
	}
}

func TestDeriveTitle(t *testing.T) {
	a := seedArticle(t)
	if got, want := DeriveTitle(a), "العراق يريد أن تبدأ قوات التحالف العسكري بقيادة الولايات المتحدة الانسحاب"; got != want {
		t.Errorf("derived title %q, want %q", got, want)
	}
	tests := []struct{ text, want string }{
		{"WASHINGTON (Reuters) - Iraq wants coalition forces to leave, four Iraqi sources said on Friday.", "Iraq wants coalition forces to leave"},
		{"وأعلنت وزارة الصحة أن عدد الإصابات ارتفع.", "عدد الإصابات ارتفع"},
		{"The minister said the talks had failed.", "The talks had failed"}, // the speaker moves out
		{"", ""},
	}
	for _, tt := range tests {
		if got := DeriveTitle(Article{Text: tt.text}); got != tt.want {
			t.Errorf("DeriveTitle(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	a.Title = "  العراق يريد انسحاب التحالف "
	if got := DeriveTitle(a); got != "العراق يريد انسحاب التحالف" {
		t.Errorf("existing title changed: %q", got)
	}
}

func TestMatchKeyword(t *testing.T) {
	tests := []struct {
		text, kw string
		want     bool
	}{
		{"وغزت القوات التي تقودها الولايات المتحدة العراق", "العراق", true},
		{"يرغب المسؤولون في ترك بعض الوجود والعراق", "العراق", true},
		{"الوجود العسكري بالعراق", "العراق", true},
		{"الوجود العسكري بالعراق", "عراق", true},
		{"قالت مصادر إن الإصلاح سيستمر", "العراق", false},
		{"Iraq's prime minister said", "Iraq", true},
		{"the Iraqi army", "IRAQI", true},
		{"two Iraqis were hurt", "Iraqi", true},
		{"Iran and Russia", "Iraq", false},
		{"talks in New York today", "new york", true},
		{"a new car in York", "new york", false},
		{"الشَّرْق الأوسط", "الشرق", true},
		{"anything", "  ", false},
	}
	for _, tt := range tests {
		if got := MatchKeyword(tt.text, tt.kw); got != tt.want {
			t.Errorf("MatchKeyword(%q, %q) = %v, want %v", tt.text, tt.kw, got, tt.want)
		}
	}
}

// TestMatchAll: /search needs every word and phrase, each matched as
// MatchKeyword matches it.
func TestMatchAll(t *testing.T) {
	tests := []struct {
		text string
		kws  []string
		want bool
	}{
		{"وصل الوزير إلى العراق في زيارة رسمية", []string{"بالعراق"}, true},
		{"وصل الوزير إلى العراق في زيارة رسمية", []string{"العراق", "زيارة"}, true},
		{"وصل الوزير إلى العراق في زيارة رسمية", []string{"العراق", "سوريا"}, false},
		{"The central bank raised interest rates", []string{"interest rates"}, true},
		{"Mortgage rates climb as buyers lose interest", []string{"interest rates"}, false},
		{"Mortgage rates climb as buyers lose interest", []string{"interest", "rates"}, true},
		{"anything", nil, false},
		{"anything", []string{"anything", " "}, false},
	}
	for _, tt := range tests {
		if got := MatchAll(tt.text, tt.kws); got != tt.want {
			t.Errorf("MatchAll(%q, %q) = %v, want %v", tt.text, tt.kws, got, tt.want)
		}
	}
}

func TestTaxonomy(t *testing.T) {
	tax := Taxonomy()
	want := []string{"politics", "world", "middle-east", "economy", "sport", "technology", "culture", "health", "science"}
	ids := map[string]bool{}
	for _, ti := range tax {
		ids[ti.ID] = true
		if !IsTopicID(ti.ID) || ti.Labels["ar"] == "" || ti.Labels["en"] == "" {
			t.Errorf("topic %+v: bad ID or missing label", ti)
		}
	}
	for _, id := range want {
		if !ids[id] {
			t.Errorf("taxonomy lacks %q", id)
		}
	}
}

func TestEngineSeedStory(t *testing.T) {
	e, err := NewEngine(Config{})
	if err != nil {
		t.Fatal(err)
	}
	a := seedArticle(t)
	a.Published = time.Date(2024, 7, 12, 9, 0, 0, 0, time.UTC)
	stories := e.Stories([]Article{a})
	if len(stories) != 1 {
		t.Fatalf("got %d stories, want 1", len(stories))
	}
	s := stories[0]
	if !strings.HasPrefix(s.Summary, seedLead) || s.Lang != "ar" || s.Title == "" || len(s.Topics) == 0 || s.Topics[0].ID != "middle-east" {
		t.Errorf("story = %+v", s)
	}
	if len(s.Sources) != 1 || s.Sources[0].Name != "Reuters" || len(s.Articles) != 1 || s.Articles[0] != "seed" {
		t.Errorf("sources/articles = %+v %v", s.Sources, s.Articles)
	}
}

func TestNewEngineRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{SummaryBudget: -1},
		{MergeWindow: -time.Hour},
		{ExtraTopics: map[string][]string{"Bad Topic": {"x"}}},
		{ExtraTopics: map[string][]string{"empty": {" "}}},
	} {
		if _, err := NewEngine(cfg); err == nil {
			t.Errorf("NewEngine(%+v) accepted", cfg)
		}
	}
}
