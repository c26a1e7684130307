package digest

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestStripDateline(t *testing.T) {
	tests := []struct {
		name, in, rest, place string
	}{
		{"reuters", "WASHINGTON (Reuters) - The U.S. said on Friday it would act.", "The U.S. said on Friday it would act.", "WASHINGTON"},
		{"ap with country", "BEIRUT, Lebanon (AP) — Protesters blocked roads.", "Protesters blocked roads.", "BEIRUT"},
		{"ap with date", "LONDON, March 3 (AP) — Shares fell.", "Shares fell.", "LONDON"},
		{"city agency dash", "Gaza City (AFP) - Three people were killed.", "Three people were killed.", "Gaza City"},
		{"capitals without agency", "NEW YORK - Stocks rose on Monday.", "Stocks rose on Monday.", "NEW YORK"},
		{"site prefix then dateline", "SPACE.com - TORONTO, Canada -- A second team of rocketeers set a date.", "A second team of rocketeers set a date.", "TORONTO"},
		{"agency prefix alone", "AP - Randy Johnson took a four-hitter into the ninth inning.", "Randy Johnson took a four-hitter into the ninth inning.", ""},
		{"agency prefix then dateline", "Canadian Press - VANCOUVER (CP) - The sister of a man who died has demanded action.", "The sister of a man who died has demanded action.", "VANCOUVER"},
		{"agency with slash", "NEW YORK (CNN/Money) - Money managers are growing more pessimistic.", "Money managers are growing more pessimistic.", "NEW YORK"},
		{"agency alone in parentheses", "(KRT) - Despite criticism, the forecast was not far off.", "Despite criticism, the forecast was not far off.", ""},
		{"the hague", "THE HAGUE (Reuters) - Judges imposed a defense counsel.", "Judges imposed a defense counsel.", "THE HAGUE"},
		{"lower-case agency and date", "ABUJA, Aug 25, 2004 (dpa) -- Rebel groups agreed to talks.", "Rebel groups agreed to talks.", "ABUJA"},
		{"date in parentheses", "NEW YORK, (Aug. 30, 2004) - Cattle farmers are out of luck.", "Cattle farmers are out of luck.", "NEW YORK"},
		{"cnn arabic", "دبي، الإمارات العربية المتحدة (CNN)— أعلنت السلطات فتح الطريق.", "أعلنت السلطات فتح الطريق.", "دبي"},
		{"cnn arabic double dash", "بيروت، لبنان (CNN)-- قال الجيش إن الهدوء عاد.", "قال الجيش إن الهدوء عاد.", "بيروت"},
		{"arabic agency", "تونس (رويترز) - قال الوزير إن الإصلاح سيستمر.", "قال الوزير إن الإصلاح سيستمر.", "تونس"},
		{"arabic place dash glued", "بغداد- قتل ثلاثة أشخاص في انفجار.", "قتل ثلاثة أشخاص في انفجار.", "بغداد"},
		{"arabic place with country", "دبي، الإمارات - ارتفعت أسعار النفط.", "ارتفعت أسعار النفط.", "دبي"},
		{"arabic dateline alone", "بغداد-", "", "بغداد"},
		{"arabic tatweel dash", "القاهرة ـ أعلنت الحكومة خطة جديدة.", "أعلنت الحكومة خطة جديدة.", "القاهرة"},
		// negatives: real content survives
		{"sentence with comma and city", "Paris, the French capital, was calm on Sunday.", "Paris, the French capital, was calm on Sunday.", ""},
		{"hyphenated compound", "Tel Aviv-based Physicians for Human Rights says Israel failed.", "Tel Aviv-based Physicians for Human Rights says Israel failed.", ""},
		{"aside in parentheses", "The minister (in a long speech) - said talks would go on.", "The minister (in a long speech) - said talks would go on.", ""},
		{"english speech with dash", "The minister said - in a long speech - that talks would go on.", "The minister said - in a long speech - that talks would go on.", ""},
		{"arabic speech with dash", "قال الوزير - وهو غاضب - إن المحادثات ستستمر.", "قال الوزير - وهو غاضب - إن المحادثات ستستمر.", ""},
		{"arabic city and comma", "القاهرة، التي استضافت القمة، شهدت هدوءا.", "القاهرة، التي استضافت القمة، شهدت هدوءا.", ""},
		{"capitals acronym in sentence", "UK-EU talks resumed in Brussels.", "UK-EU talks resumed in Brussels.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rest, place := StripDateline(tt.in)
			if rest != tt.rest || place != tt.place {
				t.Errorf("StripDateline(%q) = %q, %q; want %q, %q", tt.in, rest, place, tt.rest, tt.place)
			}
		})
	}
}

func TestCleanTextClutter(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"relayed wire copy with two datelines", "SEPTEMBER 27, 2004 (COMPUTERWORLD) - CHICAGO -- Microsoft's announcement positions the company to compete.", "Microsoft's announcement positions the company to compete."},
		{"hyphenated place", "PORT-AU-PRINCE, Haiti (Reuters) - Shooting erupted on Wednesday outside the palace while talks went on.", "Shooting erupted on Wednesday outside the palace while talks went on."},
		{"byline line then text", "عين اليوم – جدة\nأطلقت وزارة العمل خدمة جديدة.", "أطلقت وزارة العمل خدمة جديدة."},
		{"reporter byline", "رغد عشميل – عين اليوم\nافتتح المعرض أبوابه.", "افتتح المعرض أبوابه."},
		{"writer byline with colon", "كتب - محمود الطباخ:\nقررت المحكمة تأجيل القضية.", "قررت المحكمة تأجيل القضية."},
		{"byline with invisible marks", "كتب ـ محمود فؤاد\u200f:\u200f\nساد الهدوء.", "ساد الهدوء."},
		{"agency line", "أ ش أ\nالقاهرة - أ ش أ:\nأعلنت الحكومة خطة.", "أعلنت الحكومة خطة."},
		{"byline then cnn dateline", "عين اليوم – متابعات\nدبي، الإمارات العربية المتحدة (CNN)— أعلنت السلطات فتح الطريق.", "أعلنت السلطات فتح الطريق."},
		{"dated wire line and end mark", "الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس\nاستقبل الأمير الوفد.\n// انتهى //", "استقبل الأمير الوفد."},
		{"inline hashtags become words", "أعلنت #وزارة_الصحة عن حملة #تطعيم جديدة.", "أعلنت وزارة الصحة عن حملة تطعيم جديدة."},
		{"trailing tags dropped", "افتتح المعرض أبوابه اليوم. #الرياض #معرض_الكتاب", "افتتح المعرض أبوابه اليوم."},
		{"trailing single tag after sentence dropped", "The storm hit the coast. #weather", "The storm hit the coast."},
		{"single trailing tag in grammar kept as word", "انفجار في #بغداد", "انفجار في بغداد"},
		{"tag line dropped", "قتل ثلاثة أشخاص.\n#الجزيرة\n#الجزيرة▶️حقوق", "قتل ثلاثة أشخاص."},
		{"urls removed", "Read the report at https://example.com/report?id=3 today.\nwww.example.org", "Read the report at today."},
		{"a photo's address between title and text ends the title's line", "بثنائية في التعاون النصر إلى نهائي الملك http://www.arriyadiyah.com/sites/default/files/styles/114x72/public/2015/05/31/not%20yet%20assigned-CP3V7459.JPG?itok=7AMkwMXt تغلب الفريق الأول لكرة القدم بنادي النصر على مضيفه.",
			"بثنائية في التعاون النصر إلى نهائي الملك\nتغلب الفريق الأول لكرة القدم بنادي النصر على مضيفه."},
		{"a page address inside a sentence stays inline", "Read the report at https://example.com/report.html today.", "Read the report at today."},
		{"link line with colon", "نشرت الوزارة الرسوم.\nالمزيد من الرسوم على الرابط التالي: https://t.co/abc", "نشرت الوزارة الرسوم."},
		{"media marks", "Flood waters rise in Dhaka (photo)\nغرق شوارع المدينة (صور) بعد الأمطار.", "Flood waters rise in Dhaka\nغرق شوارع المدينة بعد الأمطار."},
		{"caption lines", "Photo: Reuters/John Smith\nتصوير: أحمد علي\nالمصدر: وزارة الداخلية\nأرشيفية\nThe talks failed.", "The talks failed."},
		{"credit in parentheses", "The talks failed.\n(Reporting by Jane Doe; Editing by John Roe)\n(إعداد أحمد صبحي خليفة للنشرة العربية)", "The talks failed."},
		{"punctuation lines", "The talks failed.\n.\n* * *\nThey resume Monday.", "The talks failed.\nThey resume Monday."},
		{"related stories", "The talks failed.\nأخبار متعلقة:\nRelated stories", "The talks failed."},
		// negatives
		{"sentence starting with by kept", "By Monday, talks had failed.", "By Monday, talks had failed."},
		{"long caption-like sentence kept", "المصدر الوحيد للدخل في القرية هو الزراعة التي تضررت كثيرا من الجفاف هذا العام.", "المصدر الوحيد للدخل في القرية هو الزراعة التي تضررت كثيرا من الجفاف هذا العام."},
		{"dash sentence later kept", "The talks failed.\nJapan - the host - was upset.", "The talks failed.\nJapan - the host - was upset."},
		{"number sign kept", "He was ranked #1 in the world.", "He was ranked #1 in the world."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := CleanText(tt.in); got != tt.want {
				t.Errorf("CleanText(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Second Private Team Sets Launch Date (SPACE.com)", "Second Private Team Sets Launch Date"},
		{"Oil rises on supply fears (Reuters)", "Oil rises on supply fears"},
		{"#عاجل انفجار في #بغداد_الجديدة", "عاجل انفجار في بغداد الجديدة"},
		{"افتتاح معرض الكتاب #الرياض #ثقافة", "افتتاح معرض الكتاب"},
		{"بالصور: غرق شوارع المدينة (صور)", "بالصور: غرق شوارع المدينة"},
		{"Obama (D) wins Senate vote", "Obama (D) wins Senate vote"},
		{"(Sports Network) - Carlos Beltran may be the newest Killer B", "Carlos Beltran may be the newest Killer B"},
	}
	for _, tt := range tests {
		if got := CleanTitle(tt.in); got != tt.want {
			t.Errorf("CleanTitle(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A summary carries none of the clutter of a CNN-Arabic-style article.
func TestSummaryHasNoClutter(t *testing.T) {
	a := Article{Text: "دبي، الإمارات العربية المتحدة (CNN)— أعلنت #وزارة_الصحة الإماراتية، الجمعة، عن حملة تطعيم جديدة تشمل جميع المدارس https://cnn.it/x\n" +
		"وقالت الوزارة إن الحملة تبدأ الشهر المقبل. #الإمارات #صحة"}
	s := Summarize(a, 300)
	for _, bad := range []string{"CNN", "#", "http", "دبي،", "_"} {
		if strings.Contains(s, bad) {
			t.Errorf("summary %q contains %q", s, bad)
		}
	}
	if !strings.Contains(s, "وزارة الصحة") {
		t.Errorf("summary %q lost the inlined hashtag's words", s)
	}
}

// FuzzCleanText: whatever the text, the cleaner invents no words (each
// word out is part of a word in), adds no
// lines, and leaves no URL or hashtag behind.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{
		"دبي، الإمارات العربية المتحدة (CNN)— أعلنت #وزارة_الصحة حملة https://cnn.it/x\nوقالت الوزارة. #الإمارات #صحة",
		"WASHINGTON (Reuters) - The U.S. said on Friday it would act.\nPhoto: Reuters",
		"عين اليوم – جدة\nأطلقت وزارة العمل خدمة.\n// انتهى //",
		"a#b#c (photo) www.x.org #_1 #",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, _ := CleanText(s)
		// a photo's address between two texts ends a line (see CleanText)
		if CleanTitle(s); strings.Count(out, "\n") > strings.Count(inlineImage.ReplaceAllString(s, "\n"), "\n") {
			t.Fatalf("more lines out than in: %q → %q", s, out)
		}
		in := " " + strings.Join(Words(s), " ") + " "
		for _, w := range Words(out) {
			if !strings.Contains(in, w) { // a part of a word: a URL glued to it was cut off
				t.Fatalf("word %q invented: %q → %q", w, s, out)
			}
		}
		if m := urlRe.FindString(out); m != "" {
			t.Fatalf("URL %q left in %q", m, out)
		}
		if m := hashtag.FindString(out); m != "" {
			t.Fatalf("hashtag %q left in %q", m, out)
		}
	})
}

func TestStripDatelineMore(t *testing.T) {
	tests := []struct{ in, rest, place string }{
		{"الاقصر (مصر) (ا ف ب) - قتل 19 شخصا في انفجار منطاد.", "قتل 19 شخصا في انفجار منطاد.", "الاقصر"},
		{"القاهرة/عمان (رويترز) - استقال معاذ الخطيب.", "استقال معاذ الخطيب.", "القاهرة/عمان"},
		{"ديرا إسماعيل خان (باكستان) (رويترز) - قال مسؤولون إن متشددين هاجموا نقطة تفتيش.", "قال مسؤولون إن متشددين هاجموا نقطة تفتيش.", "ديرا إسماعيل خان"},
		{"مطالبات بـ 28 مليون دولار تعويضا للضحايا.", "مطالبات بـ 28 مليون دولار تعويضا للضحايا.", ""}, // a tatweel after a letter is no dash
	}
	for _, tt := range tests {
		if rest, place := StripDateline(tt.in); rest != tt.rest || place != tt.place {
			t.Errorf("StripDateline(%q) = %q, %q; want %q, %q", tt.in, rest, place, tt.rest, tt.place)
		}
	}
}

// ParseDateline names the agency of the dateline it strips, whether the
// dateline stands alone on its line or opens the text.
func TestParseDatelineAgency(t *testing.T) {
	tests := []struct{ line, place, agency, rest string }{
		{"WASHINGTON (Reuters) -", "WASHINGTON", "Reuters", ""},
		{"WASHINGTON (Reuters) - The Fed held rates.", "WASHINGTON", "Reuters", "The Fed held rates."},
		{"القاهرة (رويترز) - قال مسؤولون", "القاهرة", "رويترز", "قال مسؤولون"},
		{"بغداد-", "بغداد", "", ""},
		{"LONDON - Stocks rose", "LONDON", "", "Stocks rose"},
		{"Tom (in a speech) - said nothing", "", "", "Tom (in a speech) - said nothing"},
	}
	for _, tt := range tests {
		place, agency, rest := ParseDateline(tt.line)
		if place != tt.place || agency != tt.agency || rest != tt.rest {
			t.Errorf("ParseDateline(%q) = %q, %q, %q; want %q, %q, %q", tt.line, place, agency, rest, tt.place, tt.agency, tt.rest)
		}
	}
}

// FuzzParseDateline: what ParseDateline strips is a prefix of the line
// (a dateline, or an agency's "(AFP) - " alone): what is left is the line's
// tail, and the place and agency are text of the line.
func FuzzParseDateline(f *testing.F) {
	for _, s := range []string{"WASHINGTON (Reuters) -", "القاهرة (رويترز) - قال مسؤولون", "بغداد-", "LONDON - Stocks rose", "(x) -", "A (B) - C"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		place, agency, rest := ParseDateline(s)
		if !strings.HasSuffix(s, rest) || !strings.Contains(s, place) || !strings.Contains(s, agency) {
			t.Fatalf("ParseDateline(%q) = %q, %q, %q: not parts of the line", s, place, agency, rest)
		}
	})
}

// invisibleTwoBytes reads isInvisible off the bytes of every two-byte rune.
func TestInvisibleTwoBytes(t *testing.T) {
	for r := rune(0x80); r < 0x800; r++ {
		var b [2]byte
		utf8.EncodeRune(b[:], r)
		if got, want := invisibleTwoBytes(b[0], b[1]), isInvisible(r); got != want {
			t.Fatalf("invisibleTwoBytes(% x) = %v, isInvisible(%U) = %v", b, got, r, want)
		}
	}
}

// isInvisible answers the Latin and Arabic runes without the Unicode
// table; it must agree with the table on every rune.
func TestIsInvisibleIsCf(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := isInvisible(r), unicode.Is(unicode.Cf, r); got != want {
			t.Fatalf("isInvisible(%U) = %v, unicode.Cf says %v", r, got, want)
		}
	}
}
