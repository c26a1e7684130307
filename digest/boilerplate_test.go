package digest

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
)

const teaser = "اقرأ المقال: أسعار الذهب تقفز إلى أعلى مستوى منذ عامين"

// bpArticles returns n articles of one source, each with its own lead and
// the same trailing paragraphs, a day apart.
func bpArticles(source string, n int, trailing ...string) []Article {
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	leads := []string{
		"أعلنت وزارة الصحة عن حملة تطعيم جديدة في المدارس.",
		"افتتح وزير الثقافة معرض الكتاب الدولي بمشاركة ثلاثين دولة.",
		"قتل ثلاثة أشخاص في انفجار سيارة مفخخة وسط المدينة.",
		"The central bank raised interest rates for the fifth time.",
	}
	titles := []string{"حملة تطعيم في المدارس", "افتتاح معرض الكتاب", "انفجار وسط المدينة", "Rates rise again"}
	out := make([]Article, n)
	for i := range out {
		out[i] = Article{ID: fmt.Sprint(source, i), Source: source, Title: titles[i%4], Published: day.Add(time.Duration(i) * 24 * time.Hour),
			Text: strings.Join(append([]string{leads[i%4], "تفاصيل الخبر رقم " + fmt.Sprint(i)}, trailing...), "\n")}
	}
	return out
}

func TestBoilerplateLearnedPerSource(t *testing.T) {
	trailing := []string{teaser, "تابعونا على تويتر"}
	tests := []struct {
		name string
		arts []Article
		want bool // the teaser is stripped from the first article
	}{
		{"three articles of one source", bpArticles("cnn", 3, trailing...), true},
		{"two articles are not enough", bpArticles("cnn", 2, trailing...), false},
		{"three sources, one article each", append(append(bpArticles("a", 1, trailing...), bpArticles("b", 1, trailing...)...), bpArticles("c", 1, trailing...)...), false},
		{"copies of one article count once", copies(bpArticles("cnn", 1, trailing...)[0], 3), false},
		{"a month apart is not a pattern", spread(bpArticles("cnn", 3, trailing...), 30*24*time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LearnBoilerplate(tt.arts).Strip(tt.arts[0])
			stripped := !strings.Contains(got.Text, teaser)
			if stripped != tt.want {
				t.Fatalf("teaser stripped = %v, want %v; text %q", stripped, tt.want, got.Text)
			}
			if !strings.HasPrefix(got.Text, strings.SplitN(tt.arts[0].Text, "\n", 2)[0]) {
				t.Errorf("lead lost: %q", got.Text)
			}
		})
	}
}

func copies(a Article, n int) []Article {
	out := make([]Article, n)
	for i := range out {
		out[i] = a
		out[i].ID = fmt.Sprint(a.ID, "-copy", i)
	}
	return out
}

func spread(arts []Article, d time.Duration) []Article {
	for i := range arts {
		arts[i].Published = arts[0].Published.Add(time.Duration(i) * d)
	}
	return arts
}

// An article made only of repeated paragraphs is kept whole.
func TestBoilerplateNeverEmpties(t *testing.T) {
	arts := bpArticles("cnn", 3, teaser)
	bare := Article{ID: "x", Source: "cnn", Title: "x", Text: teaser, Published: arts[0].Published}
	if got := LearnBoilerplate(append(arts, bare)).Strip(bare); got.Text != teaser {
		t.Errorf("article emptied: %q", got.Text)
	}
}

// A trailing block of teasers from other stories glued unrelated articles
// into one story; once learned, the engine neither shows them in a summary
// nor merges the articles on them.
func TestStoriesIgnoreBoilerplate(t *testing.T) {
	block := []string{
		"اقرأ أيضا عن: ارتفاع أسعار النفط في الأسواق العالمية بعد قرار أوبك خفض الإنتاج",
		"مقتل عشرة أشخاص في فيضانات ضربت جنوب البلاد وسط تحذيرات من أمطار جديدة",
		"المنتخب الوطني يتأهل إلى نهائيات كأس العالم بعد فوزه على منافسه بهدفين",
		"الحكومة تعلن خطة جديدة لدعم الشركات الصغيرة والمتوسطة بقيمة مليار دولار",
	}
	arts := bpArticles("cnn", 4, block...)
	eng, err := NewEngine(Config{})
	if err != nil {
		t.Fatal(err)
	}
	stories := eng.Stories(arts)
	if len(stories) != 4 {
		t.Errorf("%d stories, want 4: the shared teaser block merged unrelated articles", len(stories))
	}
	for _, s := range stories {
		for _, b := range block {
			if strings.Contains(s.Summary, b[:20]) {
				t.Errorf("summary %q carries boilerplate", s.Summary)
			}
		}
	}
}

// FuzzBoilerplateStrip: whatever the texts, the paragraphs kept are a
// subsequence of the article's paragraphs, and an article with a worded
// paragraph keeps one.
func FuzzBoilerplateStrip(f *testing.F) {
	f.Add("lead one\nshared teaser\nfollow us", "lead two\nshared teaser\nfollow us", "lead three\nshared teaser", "x")
	f.Add("أعلنت الوزارة.\nتابعونا", "قتل ثلاثة.\nتابعونا", "افتتح المعرض.\nتابعونا", "تابعونا")
	f.Add("", "\n\n", "a\n\na", ".")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		var arts []Article
		for i, text := range []string{a, b, c, d, a + "\n" + d, d + "\n" + b} {
			arts = append(arts, Article{ID: fmt.Sprint(i), Source: "s", Title: fmt.Sprint("t", i), Text: text})
		}
		bp := LearnBoilerplate(arts)
		for _, art := range arts {
			got := bp.Strip(art)
			in, out := strings.Split(art.Text, "\n"), strings.Split(got.Text, "\n")
			if !isSubsequence(out, in) {
				t.Fatalf("%q is not a subsequence of %q", out, in)
			}
			if strings.ContainsFunc(art.Text, unicode.IsLetter) && !strings.ContainsFunc(got.Text, unicode.IsLetter) {
				t.Fatalf("article %q emptied to %q", art.Text, got.Text)
			}
		}
	})
}

func isSubsequence(sub, of []string) bool {
	j := 0
	for _, s := range of {
		if j < len(sub) && sub[j] == s {
			j++
		}
	}
	return j == len(sub)
}
