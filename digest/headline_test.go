package digest

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHeadline(t *testing.T) {
	tests := []struct{ name, lead, want string }{
		{"arabic speech with time words", "قال مسؤول كبير في وزارة الدفاع الأمريكية، الجمعة، إن القوات الأمريكية ستبقى في العراق.",
			"القوات الأمريكية ستبقى في العراق"},
		{"arabic announcement becomes subject first", "أعلنت وزارة الصحة، اليوم الجمعة، عن ارتفاع عدد الإصابات بالحصبة في المدارس.",
			"وزارة الصحة تعلن عن ارتفاع عدد الإصابات بالحصبة في المدارس"},
		{"arabic verb with conjunction and yesterday", "وأكد الرئيس الأمريكي أمس دعمه للحكومة العراقية.",
			"الرئيس الأمريكي يؤكد دعمه للحكومة العراقية"},
		{"arabic channel phrase dropped", "أعلنت وزارة الشؤون الثقافية في بلاغ لها على صفحتها الرسمية عن تعيين مدير جديد للمهرجان.",
			"وزارة الشؤون الثقافية تعلن عن تعيين مدير جديد للمهرجان"},
		{"arabic weekday at the end", "قتل ثلاثة أشخاص في انفجار سيارة مفخخة وسط بغداد يوم الخميس.",
			"قتل ثلاثة أشخاص في انفجار سيارة مفخخة وسط بغداد"},
		{"friday prayers are not a day", "ألقى الإمام خطبة الجمعة.", "ألقى الإمام خطبة الجمعة"},
		{"quoted weekday after yesterday", "أعلنت السفارتان الأمريكية والبريطانية فى مصر، أمس «الأحد»، إغلاق أبوابهما بسبب الظروف الأمنية.",
			"السفارتان الأمريكية والبريطانية تعلن فى مصر، إغلاق أبوابهما بسبب الظروف الأمنية"},
		{"weekday in straight quotes", "يجتمع الرئيس النيجيري جودلاك جوناثان اليوم \"الإثنين\" مع رئيس الوزراء البريطاني.",
			"يجتمع الرئيس النيجيري جودلاك جوناثان مع رئيس الوزراء البريطاني"},
		{"two weekdays", "تعقد الدول الناشئة في مجموعة بريكس قمة الثلاثاء والاربعاء في دوربان.",
			"تعقد الدول الناشئة في مجموعة بريكس قمة في دوربان"},
		{"the night between two weekdays", "ألقت دورية أمنية بالكاف في الليلة الفاصلة بين السبت والأحد، القبض على زوجة قيادي إرهابي.",
			"ألقت دورية أمنية بالكاف، القبض على زوجة قيادي إرهابي"},
		{"arabic cut at relative pronoun", "افتتح وزير الثقافة معرض الكتاب الدولي بمشاركة ثلاثين دولة الذي يستمر عشرة أيام في العاصمة التونسية حتى نهاية الشهر.",
			"افتتح وزير الثقافة معرض الكتاب الدولي بمشاركة ثلاثين دولة"},
		{"arabic cut at a clause comma", "قررت الحكومة رفع أسعار المحروقات بنسبة خمسة بالمائة، وهو ثالث ارتفاع هذا العام بعد زيادتين في الربيع والصيف.",
			"قررت الحكومة رفع أسعار المحروقات بنسبة خمسة بالمائة"},
		{"english trailing attribution and weekday", "Iraq wants coalition forces to leave by September, four Iraqi sources said on Friday.",
			"Iraq wants coalition forces to leave by September"},
		{"english leading attribution", "Police said on Friday that two men had been arrested over the bombing.",
			"Two men had been arrested over the bombing"},
		{"english pronoun takes the speaker", "The company said it would cut 500 jobs in its European plants.",
			"The company would cut 500 jobs in its European plants"},
		{"english according to", "According to the United Nations, one million Syrians have fled the country.",
			"One million Syrians have fled the country"},
		{"english time words", "On Friday, the central bank raised interest rates for the fifth time this year.",
			"The central bank raised interest rates for the fifth time this year"},
		{"english cut before which", "The European Parliament approved a sweeping overhaul of the bloc's copyright rules, which critics say will hurt the open internet and small publishers.",
			"The European Parliament approved a sweeping overhaul of the bloc's copyright rules"},
		{"weekday left by a cut", "Natalie Coughlin won gold in the backstroke at the Athens pool Monday, beating the record her rival set in Sydney four years ago.",
			"Natalie Coughlin won gold in the backstroke at the Athens pool"},
		{"good friday is a name", "Thousands of pilgrims walked the Way of the Cross in Jerusalem on Good Friday", "Thousands of pilgrims walked the Way of the Cross in Jerusalem on Good Friday"},
		{"english yesterday", "Shares in Sears shot up 23 percent yesterday after a property trust bought a stake.", "Shares in Sears shot up 23 percent after a property trust bought a stake"},
		// the shapes the clean-copy eval still found opening with an
		// attribution verb or ending in "…" (shorouknews, agnews, arriyadiyah)
		{"a name spelt like a preposition, titles up to the comma", "أكد علي عبدالله صالح الرئيس اليمني السابق ورئيس حزب المؤتمر الشعبي العام، تمسك الحزب بتنفيذ المبادرة الخليجية.",
			"علي عبدالله صالح يؤكد تمسك الحزب بتنفيذ المبادرة الخليجية"},
		{"according to without a comma", "According to the FTSE World Index Japan has been best performer of the major markets with a 6 per cent rise in dollar terms while Germany, down 7.7 per cent, was the worst.",
			"Japan has been best performer of the major markets with a 6 per cent rise in dollar terms"},
		{"said twice around the day", "Microsoft Corp. said on Monday said it will pay $536 million to its smaller rival Novell Inc.",
			"Microsoft Corp. will pay $536 million to its smaller rival Novell Inc"},
		{"a long speaker before إن", "قال المدير الفني للفريق الأول لكرة القدم بنادي الهلال جورجيوس دونيس (يوناني) إن مباراة كأس السوبر المقررة أمام النصر مساء يوم الأربعاء في لندن تشكل فرصة جيدة.",
			"مباراة كأس السوبر المقررة أمام النصر في لندن تشكل فرصة جيدة"},
		{"quoted إن", "قال عضو الشورى السابق خليل عبدالله الخليل “إن الشباب في السعودية جاهزون للانضمام إلى داعش”، في تصريح استفز ناشطين.",
			"الشباب في السعودية جاهزون للانضمام إلى داعش”، في تصريح استفز ناشطين"}, // the quote closes mid-headline: kept
		{"what was said opens with a reporting word", "قال داني أيالون \"إن كشف إيران الغطاء عن برنامجها النووي خدعة\".",
			"داني أيالون: كشف إيران الغطاء عن برنامجها النووي خدعة"},
		{"the speaker is the subject of أنه", "أعلن اتلتيكو مدريد ثالث الدوري الاسباني لكرة القدم اليوم الاثنين انه مدد عقد المدافع الفرنسي الشاب لوكاس هرنانديز موسمين حتى 2019.",
			"اتلتيكو مدريد مدد عقد المدافع الفرنسي الشاب لوكاس هرنانديز موسمين حتى 2019"},
		{"impersonal أنه", "أكدت وزارة العمل على أنه يحق للمقيمين اليمنيين التسجيل في البرنامج.",
			"يحق للمقيمين اليمنيين التسجيل في البرنامج"},
		{"a title, not a name, before the first definite word", "أعلن مدير عام صندوق الأوبك سليمان الحربش، عن اعتماد مجلس المحافظين قروضا جديدة.",
			"مدير عام صندوق الأوبك سليمان الحربش يعلن عن اعتماد مجلس المحافظين قروضا جديدة"},
		{"trailing source dropped", "خضع قلب الدفاع الايطالي الشاب اليسيو رومانيولي لفحص طبي تمهيدا لانتقاله الى ميلان بحسب ما ذكر الأخير يوم الثلاثاء.",
			"خضع قلب الدفاع الايطالي الشاب اليسيو رومانيولي لفحص طبي تمهيدا لانتقاله"},
		{"the day before yesterday", "اختتمت أمانة الرياض احتفالاتها بعيد الفطر أول من أمس التي استمرت ثلاثة أيام.",
			"اختتمت أمانة الرياض احتفالاتها بعيد الفطر التي استمرت ثلاثة أيام"},
		{"evening before the weekday and a semicolon", "سيلاقي الفريق نظيره غازينتاب سبور التركي مساء يوم الاثنين المقبل؛ وذلك في أولى مبارياته الودية.",
			"سيلاقي الفريق نظيره غازينتاب سبور التركي؛ وذلك في أولى مبارياته الودية"},
		{"cut before an adjunct instead of an ellipsis", "تعادل المنتخب السعودي للشباب لكرة القدم أمام نظيره الموريتاني بنتيجة هدف لكل منها في لقائه الثاني ضمن المجموعة الثانية من منافسات بطولة كوتيف الودية الدولية.",
			"تعادل المنتخب السعودي للشباب لكرة القدم أمام نظيره الموريتاني"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Headline(tt.lead); got != tt.want {
				t.Errorf("Headline(%q) =\n%q\nwant\n%q", tt.lead, got, tt.want)
			}
		})
	}
}

// Derived headlines fit the language's budget, and with no boundary to cut
// at, end in an ellipsis at a word, never on a preposition.
func TestHeadlineBudgetAndEllipsis(t *testing.T) {
	ar := strings.Repeat("كلمة ", 40) + "في النهاية"
	en := strings.Repeat("word ", 40) + "of the end"
	for lead, budget := range map[string]int{ar: 80, en: 90} {
		h := Headline(lead)
		if runeLen(h) > budget {
			t.Errorf("headline of %d runes > %d: %q", runeLen(h), budget, h)
		}
		if !strings.HasSuffix(h, "…") {
			t.Errorf("cut headline %q has no ellipsis", h)
		}
		last := strings.Fields(strings.TrimSuffix(h, "…"))
		if w := last[len(last)-1]; danglingEnd[Normalize(w)] {
			t.Errorf("headline %q ends on %q", h, w)
		}
	}
}

// An untitled article gets a derived headline, and its summary does not
// repeat it: a lead that became the whole headline gives way to the next
// sentence, and an article with nothing else has no summary.
func TestSummaryDoesNotRepeatHeadline(t *testing.T) {
	a := Article{Text: "The wage talks have collapsed.\nUnion leaders walked out of the meeting with the ministry after six hours."}
	if got := DeriveTitle(a); got != "The wage talks have collapsed" {
		t.Fatalf("title %q", got)
	}
	if got := Summarize(a, 300); got != "Union leaders walked out of the meeting with the ministry after six hours." {
		t.Errorf("summary %q repeats the headline or lost the next sentence", got)
	}
	tweet := Article{Text: "منظمة اليونيسكو تدرج فخار مدينة سجنان التونسية في قائمة التراث"}
	if got := Summarize(tweet, 300); got != "" {
		t.Errorf("summary %q of a one-sentence text repeats its headline", got)
	}
	titled := Article{Title: "Wage talks collapse", Text: "Wage talks collapse.\nUnion leaders walked out after six hours of talks."}
	if got := Summarize(titled, 300); got != "Union leaders walked out after six hours of talks." {
		t.Errorf("summary %q repeats the given title", got)
	}
	// a long lead shortened into the headline still serves as the summary
	long := Article{Text: "Iraq wants coalition forces to leave by September, four Iraqi sources said on Friday."}
	if got := Summarize(long, 300); got != long.Text {
		t.Errorf("summary %q, want the lead", got)
	}
}

// FuzzHeadline: a headline fits the longer budget, is valid text, and its
// words are the lead's (or a reporting verb moved to the present).
func FuzzHeadline(f *testing.F) {
	for _, s := range []string{
		"قال المدير الفني للفريق الأول لكرة القدم بنادي الهلال جورجيوس دونيس (يوناني) إن مباراة كأس السوبر تشكل فرصة جيدة.",
		"أكد علي عبدالله صالح الرئيس اليمني السابق ورئيس حزب المؤتمر الشعبي العام، تمسك الحزب بالمبادرة.",
		"According to the FTSE World Index Japan has been best performer of the major markets.",
		"Microsoft Corp. said on Monday said it will pay $536 million.",
		"قال داني أيالون \"إن كشف إيران الغطاء خدعة\".",
	} {
		f.Add(s)
	}
	present := map[string]bool{}
	for _, v := range arSpeech {
		present[v] = true
	}
	f.Fuzz(func(t *testing.T, lead string) {
		h := Headline(lead)
		if !utf8.ValidString(h) && utf8.ValidString(lead) {
			t.Fatalf("invalid UTF-8 from %q: %q", lead, h)
		}
		if runeLen(h) > HeadlineBudget("en") {
			t.Fatalf("headline of %d runes: %q", runeLen(h), h)
		}
		in := " " + strings.Join(Words(lead), " ") + " "
		for _, w := range Words(h) {
			if !strings.Contains(in, w) && !present[w] && !present[Normalize(w)] {
				t.Fatalf("word %q not in the lead %q: %q", w, lead, h)
			}
		}
	})
}
