package eval

import (
	"bytes"
	"strings"
	"testing"

	"newsdigest/digest"
)

func TestHasClutter(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"دبي، الإمارات العربية المتحدة (CNN)— أعلنت السلطات", true},
		{"WASHINGTON (Reuters) - The U.S. said", true},
		{"BEIRUT, Lebanon - Protesters", true},
		{"بغداد - قتل ثلاثة", true},
		{"عين اليوم – جدة", true},
		{"أعلنت #وزارة_الصحة حملة", true},
		{"see https://example.com/x", true},
		{"قال الوزير - وهو غاضب - إن المحادثات ستستمر", false},
		{"احتراق سيارة محملة بـ 28 برميل", false},
		{"الجزيرة هذا الصباح - تعرف على", false},
		{"He was ranked #1 in the world", false},
		{"Tel Aviv-based doctors said", false},
	}
	for _, tt := range tests {
		if got := HasClutter(tt.s); got != tt.want {
			t.Errorf("HasClutter(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// CleanCopy counts clutter per source: raw leads carry it, the engine's
// summaries and headlines do not, and derived headlines are measured.
func TestCleanCopy(t *testing.T) {
	eng, err := digest.NewEngine(digest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	recs := []Record{
		{ID: "1", Source: "cnn", Lang: "ar", Title: "فتح الطريق", Text: "دبي، الإمارات العربية المتحدة (CNN)— أعلنت السلطات، الجمعة، فتح الطريق السريع بين دبي وأبوظبي بعد إغلاقه ثلاثة أيام."},
		{ID: "2", Source: "cnn", Lang: "ar", Text: "بيروت، لبنان (CNN)-- قال الجيش اللبناني إن الهدوء عاد إلى المدينة بعد اشتباكات استمرت يومين. #لبنان #بيروت"},
		{ID: "3", Source: "ap", Lang: "en", Text: "BEIRUT, Lebanon (AP) — Protesters blocked the main roads of the capital on Sunday, officials said. https://apnews.com/x"},
	}
	rows := CleanCopy(eng, "set", recs)
	if len(rows) != 2 || rows[0].Source != "set/ap" || rows[1].Source != "set/cnn" {
		t.Fatalf("rows %+v, want set/ap and set/cnn", rows)
	}
	cnn := rows[1]
	if cnn.N != 2 || cnn.RawLead != 2 || cnn.Summary != 0 || cnn.Title != 0 || cnn.Derived != 2 || cnn.DerivedClutter != 0 || cnn.DerivedWeekday != 0 || cnn.DerivedAttrib != 0 {
		t.Errorf("cnn row %+v: want 2 raw leads with clutter, none after cleaning", cnn)
	}
	var out bytes.Buffer
	writeCleanCopy(&out, rows)
	if !strings.Contains(out.String(), "set/cnn") || !strings.Contains(out.String(), "100.00") || !strings.Contains(out.String(), "headline targets met") {
		t.Errorf("table:\n%s", out.String())
	}
}

// The headline targets are checked per source: an attribution opening or a
// report's weekday anywhere is a miss, and so is a source with enough
// derived headlines over the ellipsis share, while a name holding a
// weekday («صلاة الجمعة») is not a weekday ending.
func TestHeadlineTargets(t *testing.T) {
	for h, want := range map[string]bool{
		"قتل ثلاثة أشخاص في بغداد، الجمعة":   true,
		"Storm hits the coast on Friday":     true,
		"أدى آلاف المصلين صلاة الجمعة":       false,
		"The markets recall Black Wednesday": false,
		"Storm hits the coast":               false,
	} {
		if got := EndsOnWeekday(h); got != want {
			t.Errorf("EndsOnWeekday(%q) = %v, want %v", h, got, want)
		}
	}
	rows := []CleanRow{
		{Source: "big", Derived: 100, DerivedEllipsis: 31},
		{Source: "small", Derived: 10, DerivedEllipsis: 9}, // too few to hold to the share
		{Source: "said", Derived: 50, DerivedEllipsis: 1, DerivedAttrib: 1, DerivedWeekday: 2},
	}
	total, misses := HeadlineTargets(rows)
	if total.Derived != 160 || total.DerivedEllipsis != 41 || total.DerivedAttrib != 1 || total.DerivedWeekday != 2 {
		t.Errorf("total %+v", total)
	}
	got := strings.Join(misses, "\n")
	for _, want := range []string{"big: 31.00% end in …", "said: 1 open with an attribution verb", "said: 2 end on a weekday"} {
		if !strings.Contains(got, want) {
			t.Errorf("misses %q lack %q", got, want)
		}
	}
	if strings.Contains(got, "small") || strings.Contains(got, "all:") {
		t.Errorf("misses %q: a small source and the 25.6%% total meet the target", got)
	}
	var out bytes.Buffer
	writeCleanCopy(&out, rows)
	if !strings.Contains(out.String(), "headline targets missed") {
		t.Errorf("table does not report the misses:\n%s", out.String())
	}
}
