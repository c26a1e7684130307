package news

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"newsdigest/digest"
	"newsdigest/seeds"
)

func TestParseSeedRealSeedArticle(t *testing.T) {
	data, err := os.ReadFile("../seeds/000_683981210742a10c.txt")
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseSeed("000_683981210742a10c.txt", data)
	if err != nil {
		t.Fatalf("ParseSeed: %v", err)
	}
	if a.Place != "بغداد" {
		t.Errorf("Place = %q, want بغداد", a.Place)
	}
	if !strings.HasPrefix(a.Text, "قالت أربعة مصادر عراقية") {
		t.Errorf("Text starts %q, want the lead sentence", firstRunes(a.Text, 40))
	}
	if strings.Contains(a.Text, "بغداد-") {
		t.Error("Text still holds the dateline")
	}
	if a.Lang != "ar" {
		t.Errorf("Lang = %q, want ar", a.Lang)
	}
	if a.Title != "" {
		t.Errorf("Title = %q, want none (the first line is a dateline)", a.Title)
	}
	if got := strings.Count(a.Text, "\n") + 1; got != 15 {
		t.Errorf("paragraphs = %d, want 15", got)
	}
	if a.Feed != SeedsFeed || !strings.HasPrefix(a.ID, "seed:000_683981210742a10c.txt:") || a.Hash == "" {
		t.Errorf("Feed/ID/Hash = %q/%q/%q", a.Feed, a.ID, a.Hash)
	}
}

func TestParseSeedFormats(t *testing.T) {
	tests := []struct {
		file                       string
		title, place, source, lang string
		textPrefix, textNot        string
		url                        string
		topics                     []string
		published                  time.Time
		paragraphs                 int
	}{
		{file: "reuters_inline.txt", title: "Iraq wants coalition exit to start in September", place: "WASHINGTON", source: "Reuters", lang: "en",
			textPrefix: "Iraq wants the U.S.-led military coalition", textNot: "(Reuters)", paragraphs: 2},
		{file: "dateline_alone.txt", place: "WASHINGTON", source: "Reuters", lang: "en",
			textPrefix: "The Federal Reserve held", textNot: "Reuters", paragraphs: 2},
		{file: "title_blank.txt", title: "الحكومة تعلن خطة جديدة للنقل", lang: "ar",
			textPrefix: "أعلنت الحكومة اليوم", textNot: "تعلن خطة", paragraphs: 2},
		{file: "front.md", title: "Markets rally as inflation cools", place: "LONDON", lang: "en",
			url: "https://example.com/markets/rally?utm_source=x", topics: []string{"economy", "markets"},
			published:  time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC),
			textPrefix: "Stocks rose on Tuesday after new data showed", textNot: "**", paragraphs: 2},
		{file: "heading.md", title: "Storm closes schools", lang: "en",
			textPrefix: "Heavy rain closed schools", textNot: "#", paragraphs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/seeds/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			a, err := ParseSeed(tt.file, data)
			if err != nil {
				t.Fatalf("ParseSeed: %v", err)
			}
			got := []string{a.Title, a.Place, a.Source, a.Lang, a.URL}
			want := []string{tt.title, tt.place, tt.source, tt.lang, tt.url}
			if !slices.Equal(got, want) {
				t.Errorf("title/place/source/lang/url = %q, want %q", got, want)
			}
			if !strings.HasPrefix(a.Text, tt.textPrefix) || strings.Contains(a.Text, tt.textNot) {
				t.Errorf("Text = %q, want prefix %q and no %q", a.Text, tt.textPrefix, tt.textNot)
			}
			if n := strings.Count(a.Text, "\n") + 1; n != tt.paragraphs {
				t.Errorf("paragraphs = %d, want %d in %q", n, tt.paragraphs, a.Text)
			}
			if !slices.Equal(a.Topics, tt.topics) || !a.Published.Equal(tt.published) {
				t.Errorf("topics/published = %v/%v, want %v/%v", a.Topics, a.Published, tt.topics, tt.published)
			}
		})
	}
}

func TestSplitDateline(t *testing.T) {
	tests := []struct{ line, place, agency, rest string }{
		{"بغداد-", "بغداد", "", ""},
		{"بغداد -", "بغداد", "", ""},
		{"القاهرة (رويترز) - قال مسؤولون", "القاهرة", "رويترز", "قال مسؤولون"},
		{"WASHINGTON (Reuters) -", "WASHINGTON", "Reuters", ""},
		{"LONDON - Stocks rose", "LONDON", "", "Stocks rose"},
		{"NEW YORK (AP) — Stocks fell", "NEW YORK", "AP", "Stocks fell"},
		{"UK-EU deal agreed", "", "", ""},
		{"Covid-19 cases rise", "", "", ""},
		{"London - a city of rain", "", "", ""},
		{"قالت أربعة مصادر عراقية إن العراق يريد", "", "", ""},
		{"One two three four five six -", "", "", ""},
		// shapes the engine's cleaner knows, now the seeds' too
		{"دبي، الإمارات العربية المتحدة (CNN)— أعلنت السلطات", "دبي", "CNN", "أعلنت السلطات"},
		{"TORONTO, Canada -- Stocks rose", "TORONTO", "", "Stocks rose"},
		{"بغداد - قتل ثلاثة أشخاص", "بغداد", "", "قتل ثلاثة أشخاص"},
		{"قال الوزير - وهو غاضب - إن المحادثات ستستمر", "", "", ""},
	}
	for _, tt := range tests {
		place, agency, rest := splitDateline(tt.line)
		if place == "" {
			rest = ""
		}
		if place != tt.place || agency != tt.agency || rest != tt.rest {
			t.Errorf("splitDateline(%q) = %q, %q, %q; want %q, %q, %q", tt.line, place, agency, rest, tt.place, tt.agency, tt.rest)
		}
	}
}

func TestParseSeedErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want error
	}{
		{"empty.txt", "\n  \n", ErrSeedEmpty},
		{"latin1.txt", "caf\xe9 au lait", ErrSeedUTF8},
		{"notes.pdf", "hello", ErrSeedFormat},
	}
	for _, tt := range tests {
		if _, err := ParseSeed(tt.name, []byte(tt.data)); !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.name) {
			t.Errorf("ParseSeed(%s) error = %v, want %v naming the file", tt.name, err, tt.want)
		}
	}
	_, err := ParseSeed("bad_front.md", []byte("---\ntitle: x\npublished: yesterday-ish\n---\nBody."))
	if err == nil || !strings.Contains(err.Error(), "yesterday-ish") {
		t.Errorf("bad published error = %v, want it to quote the value", err)
	}
}

func TestParseSeedEditChangesID(t *testing.T) {
	a, _ := ParseSeed("a.txt", []byte("First version of the text."))
	b, _ := ParseSeed("a.txt", []byte("Second version of the text."))
	c, _ := ParseSeed("a.txt", []byte("First version of the text.\n"))
	if a.ID == b.ID {
		t.Error("an edited seed kept its ID; the next ingest would skip it")
	}
	if a.ID != c.ID {
		t.Error("an unchanged seed got a new ID; the next ingest would duplicate it")
	}
}

func TestLoadSeedsKeepsGoodFilesAndNamesBadOnes(t *testing.T) {
	arts, err := LoadSeeds(context.Background(), os.DirFS("testdata/seeds"))
	if err == nil || !strings.Contains(err.Error(), "bad_front.md") {
		t.Errorf("LoadSeeds error = %v, want one naming bad_front.md", err)
	}
	var names []string
	for _, a := range arts {
		names = append(names, strings.Split(a.ID, ":")[1])
	}
	want := []string{"dateline_alone.txt", "front.md", "heading.md", "reuters_inline.txt", "title_blank.txt"}
	if !slices.Equal(names, want) {
		t.Errorf("loaded %v, want %v in name order", names, want)
	}
}

func TestLoadSeedsEmbedded(t *testing.T) {
	arts, err := LoadSeeds(context.Background(), seeds.FS)
	if err != nil {
		t.Fatalf("LoadSeeds: %v", err)
	}
	if len(arts) == 0 || arts[0].Place != "بغداد" || arts[0].Lang != "ar" {
		t.Fatalf("embedded seeds = %d articles, first %+v", len(arts), arts)
	}
}

func TestLoadSeedsSkipsOtherFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"b.txt":       {Data: []byte("Second article text.")},
		"a.md":        {Data: []byte("First article text.")},
		"README":      {Data: []byte("not a seed")},
		".hidden.txt": {Data: []byte("editor swap")},
		"sub/c.txt":   {Data: []byte("nested, ignored")},
	}
	arts, err := LoadSeeds(context.Background(), fsys)
	if err != nil || len(arts) != 2 || arts[0].Text != "First article text." {
		t.Fatalf("LoadSeeds = %+v, %v; want a.md then b.txt", arts, err)
	}
}

func firstRunes(s string, n int) string {
	r := []rune(s)
	return string(r[:min(n, len(r))])
}

// FuzzParseSeed: any file content parses or fails with an error, never
// panics, and a parsed article is valid UTF-8 with no dateline left in the
// text's first line and a Place that is a short phrase.
func FuzzParseSeed(f *testing.F) {
	for _, name := range []string{"reuters_inline.txt", "dateline_alone.txt", "title_blank.txt", "front.md", "heading.md", "bad_front.md"} {
		data, err := os.ReadFile("testdata/seeds/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		a, err := ParseSeed(name, data)
		if err != nil {
			return
		}
		for _, s := range []string{a.Title, a.Text, a.Place, a.Source, a.ID} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8: %q", s)
			}
		}
		if a.ID == "" || a.Lang == "" || (a.Title == "" && a.Text == "") {
			t.Fatalf("incomplete article: %+v", a)
		}
		if len(strings.Fields(a.Place)) > 4 {
			t.Fatalf("Place %q is not a dateline", a.Place)
		}
		for _, s := range []string{a.Title, a.Text, a.Place, a.Source} {
			if hasControlRune(s) {
				t.Fatalf("control character kept: %q", s)
			}
		}
		checkCaps(t, a)
	})
}

// Seeds and the engine's cleaner share one dateline parser: every seed file
// (the shipped one and the fixtures) parses to the place it always did, and
// what is left of its text opens with no dateline the cleaner would still
// strip from a summary.
func TestSeedDatelinesAgreeWithTheCleaner(t *testing.T) {
	places := map[string]string{
		"../seeds/000_683981210742a10c.txt": "بغداد",
		"testdata/seeds/reuters_inline.txt": "WASHINGTON",
		"testdata/seeds/dateline_alone.txt": "WASHINGTON",
		"testdata/seeds/title_blank.txt":    "",
		"testdata/seeds/front.md":           "LONDON",
		"testdata/seeds/heading.md":         "",
	}
	for file, want := range places {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		a, err := ParseSeed(file[strings.LastIndex(file, "/")+1:], data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if a.Place != want {
			t.Errorf("%s: Place = %q, want %q", file, a.Place, want)
		}
		first, _, _ := strings.Cut(a.Text, "\n")
		if _, p := digest.StripDateline(first); p != "" {
			t.Errorf("%s: text still opens with the dateline %q: %q", file, p, firstRunes(first, 60))
		}
	}
}

// TestSeedPublishedReadsFeedDateShapes: a seed's published field is read
// by the same ParseTime as feeds and data sets, so a seed written from a
// crawl ("… (crawl time)"), an e-mail-style date or a bare "date hour:minute"
// keeps its time; before, only RFC 3339 and a bare date were read, and such
// a seed failed to load at all.
func TestSeedPublishedReadsFeedDateShapes(t *testing.T) {
	tests := []struct {
		published string
		want      time.Time
	}{
		{"2013-01-30 21:48:02 (crawl time)", time.Date(2013, 1, 30, 21, 48, 2, 0, time.UTC)},
		{"2024-05-01 08:00", time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)},
		{"Wed, 01 May 2024 08:00:00 +0300", time.Date(2024, 5, 1, 5, 0, 0, 0, time.UTC)},
		{"1 May 2024 08:00 GMT", time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)},
		{"2024-05-01T08:00:00Z", time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		a, err := ParseSeed("s.md", []byte("---\ntitle: x\npublished: \""+tt.published+"\"\n---\nBody text."))
		if err != nil || !a.Published.Equal(tt.want) {
			t.Errorf("published %q: got %v, %v; want %v", tt.published, a.Published, err, tt.want)
		}
	}
}
