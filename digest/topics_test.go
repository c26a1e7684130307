package digest

import (
	"strings"
	"testing"
)

func ids(ts []TopicScore) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return strings.Join(out, ",")
}

func TestArrangeTopicsRegionAndSubject(t *testing.T) {
	tests := []struct {
		name   string
		score  map[string]float64
		model  map[string]float64 // nil: same as score
		hinted []string
		want   string
	}{
		{"subject before a stronger region", map[string]float64{"world": 0.7, "economy": 0.25}, nil, nil, "economy,world"},
		{"weak region dropped beside a subject", map[string]float64{"world": 0.35, "economy": 0.5}, nil, nil, "economy"},
		{"one region only: middle-east refines world", map[string]float64{"world": 0.6, "middle-east": 0.6, "politics": 0.3}, nil, nil, "politics,middle-east"},
		{"weak middle-east leaves world", map[string]float64{"world": 0.8, "middle-east": 0.45, "politics": 0.15}, nil, nil, "politics,world"},
		{"no subject strong enough: filed by region", map[string]float64{"world": 0.95, "politics": 0.05}, nil, nil, "world"},
		{"only weak subjects: best kept", map[string]float64{"sport": 0.05, "economy": 0.04}, nil, nil, "sport"},
		{"second subject needs the threshold", map[string]float64{"technology": 0.5, "economy": 0.35, "culture": 0.15}, nil, nil, "technology,economy"},
		{"sport hint beats the classifier's region and subject",
			map[string]float64{"middle-east": 0.9, "politics": 0.55, "sport": 1 - 0.95*(1-hintConfidence)},
			map[string]float64{"middle-east": 0.4, "politics": 0.55, "sport": 0.05}, []string{"sport"}, "sport,middle-east,politics"},
		{"text clearly says otherwise",
			map[string]float64{"economy": 0.97, "culture": 1 - 0.99*(1-hintConfidence)},
			map[string]float64{"economy": 0.97, "culture": 0.01}, []string{"culture"}, "economy,culture"},
		{"hinted region wins the region slot",
			map[string]float64{"world": hintConfidence, "middle-east": 0.6, "economy": 0.4},
			map[string]float64{"middle-east": 0.6, "economy": 0.4}, []string{"world"}, "economy,world"},
		{"nothing at all", map[string]float64{}, nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := topicEvidence{score: tt.score, model: tt.model, hinted: map[string]bool{}}
			if ev.model == nil {
				ev.model = tt.score
			}
			for _, h := range tt.hinted {
				ev.hinted[h] = true
			}
			if got := ids(arrangeTopics(ev)); got != tt.want {
				t.Errorf("topics %s, want %s", got, tt.want)
			}
		})
	}
}

// TestRegionThresholds: world, whose score is the classifier's alone, is
// kept beside a subject from 0.4 (world-desk stories carried world 0.413
// in Arabic and 0.352 in English at 0.5, 0.479 and 0.472 at 0.4, leave one
// outlet out); middle-east, which the gazetteer adds to, needs 0.5, or it
// lands on two Arabic articles in five (Egypt's papers name Egypt).
func TestRegionThresholds(t *testing.T) {
	tests := []struct {
		lang, region string
		score        float64
		want         string
	}{
		{"en", "world", 0.45, "economy,world"},
		{"ar", "world", 0.45, "economy,world"},
		{"ar", "world", 0.35, "economy"},
		{"ar", "middle-east", 0.45, "economy"},
		{"en", "middle-east", 0.45, "economy"},
		{"ar", "middle-east", 0.55, "economy,middle-east"},
	}
	for _, tt := range tests {
		score := map[string]float64{tt.region: tt.score, "economy": 0.5}
		ev := topicEvidence{score: score, model: score, hinted: map[string]bool{}, lang: tt.lang}
		if got := ids(arrangeTopics(ev)); got != tt.want {
			t.Errorf("%s, %s %.2f: topics %s, want %s", tt.lang, tt.region, tt.score, got, tt.want)
		}
	}
}

func TestGazetteerAdjectiveAndPluralForms(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"قال مسؤول عراقي إن الحكومة العراقية تدعم العراقيين والعراقيون", 4},
		{"التقى وزير الخارجية الأردني نظيره اللبناني وممثلين عن الفلسطينيين", 3},
		{"للسعوديين وبالمصريين والإماراتية", 3},
		{"Iraqi and Jordanian officials met Iraqis, Syrians and Palestinians", 5},
		{"Tunisian and Moroccan officials met in Algiers", 0}, // the Maghreb is not the Middle East
	}
	for _, tt := range tests {
		if got := countPlaces(Words(tt.text)); got != tt.want {
			t.Errorf("countPlaces(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

// A sports desk story full of Gulf place names stays a sports story: the
// feed's sport hint is the section topic, the region comes after it.
func TestSportHintWinsOverPlaceNames(t *testing.T) {
	e, err := NewEngine(Config{})
	if err != nil {
		t.Fatal(err)
	}
	arts := []Article{
		{ID: "ar", Topics: []string{"رياضة"}, Title: "الدوحة تستضيف نهائي كأس الخليج بين قطر والسعودية",
			Text: "تستضيف العاصمة القطرية الدوحة يوم الجمعة المباراة النهائية بين منتخبي قطر والسعودية، في حضور وفود من الكويت والبحرين والإمارات وسلطنة عمان."},
		{ID: "en", Topics: []string{"Sports"}, Title: "Qatar and Saudi Arabia meet in Doha",
			Text: "Qatar host Saudi Arabia in Doha on Friday, with fans from Kuwait, Bahrain, the UAE and Oman expected at the stadium in the Qatari capital."},
	}
	for _, a := range arts {
		got := e.Annotate([]Article{a})[0].Topics
		if len(got) == 0 || got[0].ID != "sport" {
			t.Errorf("%s: topics %s, want sport first", a.ID, ids(got))
		}
		regions := 0
		for _, ts := range got {
			if IsRegionTopic(ts.ID) {
				regions++
			}
		}
		if regions > 1 {
			t.Errorf("%s: topics %s carry %d regions, want at most one", a.ID, ids(got), regions)
		}
	}
}

// Headlines and leads as outlets other than the training ones write them:
// the section (first) topic is the subject, whatever country is named.
func TestStoryTopicsAcrossOutlets(t *testing.T) {
	e, err := NewEngine(Config{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, title, text string
		first             string // "!id": anything but id
	}{
		{"economy naming a country (ar)", "السعودية ترفع إنتاج النفط وأسعار الخام تتراجع في الأسواق",
			"قررت المملكة العربية السعودية زيادة إنتاجها من النفط الخام، ما أدى إلى تراجع الأسعار في الأسواق العالمية وسط مخاوف من تباطؤ الاقتصاد وارتفاع المخزونات.", "economy"},
		{"economy naming a country (en)", "Egypt's central bank raises interest rates to curb inflation",
			"The Central Bank of Egypt raised its benchmark interest rate by 200 basis points on Thursday, as annual inflation climbed and the pound weakened against the dollar.", "economy"},
		{"tech company (en)", "Twitter suspends a million fake accounts a day",
			"Twitter has been suspending more than a million fake accounts a day, as the social network steps up its fight against bots and disinformation on its platform.", "technology"},
		{"hacked airline (en)", "British Airways hacked: customers' card details stolen",
			"British Airways says hackers stole the bank card details of customers who booked flights on its website and mobile app, in a cyber attack on its computer systems.", "technology"},
		{"tech company (ar)", "تويتر يعلق مليون حساب وهمي يوميا",
			"بدأت شركة تويتر تعليق أكثر من مليون حساب وهمي يوميا على منصتها، في إطار حملة لمكافحة الحسابات الآلية والمعلومات المضللة على شبكة التواصل الاجتماعي.", "technology"},
		{"gulf sport without a hint (ar)", "الهلال يفوز على الدحيل في الدوحة ويتأهل إلى نصف نهائي دوري أبطال آسيا",
			"فاز فريق الهلال السعودي على مضيفه الدحيل القطري بثلاثة أهداف مقابل هدف في المباراة التي أقيمت على ملعب الدوحة، ليتأهل إلى الدور نصف النهائي من البطولة.", "sport"},
		{"gulf sport without a hint (en)", "Al Hilal beat Al Duhail in Doha to reach the semi-finals",
			"Saudi club Al Hilal beat Qatar's Al Duhail 3-1 in Doha on Tuesday, with two second-half goals sending the Riyadh side into the semi-finals of the Asian Champions League.", "sport"},
		// once filed under middle-east because Iran is named: world,
		// politics or economy (tariffs) are all fair
		{"G7 summit naming Iran (en)", "Trump isolated at the G7 as leaders clash over trade and Iran",
			"President Donald Trump found himself isolated at the G7 summit, as the leaders of France, Germany and Canada rejected his tariffs and his policy towards Iran.", "!middle-east"},
		{"culture (ar)", "افتتاح مهرجان القاهرة السينمائي بعرض فيلم مصري جديد",
			"افتتحت الدورة الجديدة من مهرجان القاهرة السينمائي الدولي بعرض فيلم للمخرج المصري، بحضور نجوم السينما والفنانين والنقاد من العالم العربي.", "culture"},
		{"health (ar)", "وزارة الصحة العراقية تطلق حملة تلقيح ضد الحصبة",
			"أطلقت وزارة الصحة العراقية حملة وطنية للتلقيح ضد مرض الحصبة تستهدف ملايين الأطفال في المستشفيات والمراكز الصحية في بغداد والمحافظات.", "health"},
		{"society (ar)", "القبض على عصابة لسرقة السيارات في الجيزة",
			"ألقت أجهزة الأمن القبض على تشكيل عصابي تخصص في سرقة السيارات من الشوارع، وتم تحرير محضر بالواقعة وإحالة المتهمين إلى النيابة العامة للتحقيق.", "society"},
		{"economy (en)", "Oil prices fall as OPEC output rises",
			"Oil prices fell on Monday after OPEC raised its output and US crude stocks rose, with Brent crude down 2% at $70 a barrel in early trading.", "economy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.Annotate([]Article{{ID: "x", Title: tt.title, Text: tt.text}})[0].Topics
			if not, ok := strings.CutPrefix(tt.first, "!"); ok {
				if len(got) == 0 || got[0].ID == not {
					t.Errorf("topics %s, want anything but %s first", ids(got), not)
				}
			} else if len(got) == 0 || got[0].ID != tt.first {
				t.Errorf("topics %s, want %s first", ids(got), tt.first)
			}
			regions := 0
			for _, ts := range got {
				if IsRegionTopic(ts.ID) {
					regions++
				}
			}
			if regions > 1 {
				t.Errorf("topics %s: more than one region", ids(got))
			}
		})
	}
}

// Arabic keeps a second subject from 0.15, English from 0.2 (see
// subjectThreshold).
func TestSecondSubjectThresholdPerLanguage(t *testing.T) {
	tests := []struct {
		lang    string
		society float64
		want    string
	}{
		{"ar", 0.17, "politics,society"},
		{"ar", 0.12, "politics"},
		{"en", 0.17, "politics"},
		{"en", 0.22, "politics,society"},
		{"", 0.17, "politics"},
	}
	for _, tt := range tests {
		score := map[string]float64{"politics": 0.6, "society": tt.society}
		ev := topicEvidence{score: score, model: score, hinted: map[string]bool{}, lang: tt.lang}
		if got := ids(arrangeTopics(ev)); got != tt.want {
			t.Errorf("%q, society %.2f: topics %s, want %s", tt.lang, tt.society, got, tt.want)
		}
	}
}

// A technology story is carried by technology subscribers even when the
// classifier files it elsewhere: the lexicon alone (an engine without a
// classifier) finds it. A story that only uses a word with an everyday sense
// (a phone call, applying a law, a minister's tweet) gets no technology from
// the lexicon, nor from the shipped engine.
// TestLexicon: the words of a thin topic carry it without the classifier
// (lexicon alone) and with it (shipped engine); words with an everyday
// sense do not.
func TestLexicon(t *testing.T) {
	shipped, err := NewEngine(Config{})
	if err != nil {
		t.Fatal(err)
	}
	lexOnly, err := NewEngine(Config{TopicModel: &TopicModel{Langs: map[string]*LangModel{}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, topic, title, text string
		carried                  bool
		lexiconOnly              bool // the shipped classifier has its own view (AG News's "coach", "season")
	}{
		{"hackers (ar)", "technology", "قراصنة يخترقون أنظمة الكمبيوتر في مطار بيروت",
			"تعرضت أنظمة الكمبيوتر في مطار بيروت الدولي لهجوم سيبراني نفذه قراصنة، ما أدى إلى تعطل شاشات الرحلات لساعات.", true, false},
		{"smartphones (ar)", "technology", "هواوي تطلق جيلا جديدا من الهواتف الذكية في دبي",
			"كشفت شركة هواوي الصينية في دبي عن هواتفها الذكية الجديدة التي تعمل بنظام أندرويد وبمعالج أسرع وكاميرا محسنة.", true, false},
		{"artificial intelligence (ar)", "technology", "الإمارات تعين وزيرا للذكاء الاصطناعي",
			"أعلنت الإمارات تعيين وزير دولة للذكاء الاصطناعي، في خطوة تهدف إلى الاستثمار في التكنولوجيا والبرمجيات وتطوير الروبوت.", true, false},
		{"software (en)", "technology", "Microsoft releases Windows update to fix security flaw",
			"Microsoft released a software update for Windows computers on Tuesday to close a flaw that hackers had used to take over laptops.", true, false},
		{"phone call (ar)", "technology", "الرئيس المصري يتلقى اتصالا هاتفيا من العاهل الأردني",
			"تلقى الرئيس المصري اتصالا هاتفيا من العاهل الأردني تناول العلاقات الثنائية وتطورات الأوضاع في المنطقة، وأكد الجانبان أهمية التنسيق.", false, false},
		{"applying the law (ar)", "technology", "وزير الداخلية يؤكد تطبيق القانون على المخالفين",
			"أكد وزير الداخلية خلال اجتماع مع قيادات الوزارة ضرورة تطبيق القانون بحزم على جميع المخالفين وتعزيز الأمن في الشوارع.", false, false},
		{"a minister's tweet (ar)", "technology", "وزير الخارجية يرد على تغريدة نظيره عبر تويتر",
			"رد وزير الخارجية في تغريدة على حسابه في تويتر على تصريحات نظيره، مؤكدا أن بلاده لن تقبل التدخل في شؤونها الداخلية.", false, false},
		{"phishing (en)", "technology", "E-mail scam targets police chief",
			"Wiltshire Police warns about phishing e-mails after its fraud squad chief was sent one asking for his password.", true, false},
		{"wireless (en)", "technology", "Chipmakers propose a new high-speed wireless format",
			"A group of technology companies including Texas Instruments will propose a wireless format for faster downloads to phones.", true, false},
		{"smoking (ar)", "health", "دراسة: التدخين يضاعف خطر الزهايمر",
			"خلصت دراسة جديدة إلى أن المدخنين أكثر عرضة للإصابة بالزهايمر في الشيخوخة من غيرهم.", true, false},
		{"a budget's cure (ar)", "health", "وزير المالية يقترح علاج عجز الموازنة",
			"اقترح وزير المالية خطة لعلاج عجز الموازنة العامة تقوم على خفض الإنفاق وزيادة الإيرادات الضريبية.", false, true},
		{"cricket (en)", "sport", "South Africa declare at 510 for nine in Kanpur",
			"South Africa declared their first innings at 510 for nine on the third day of the first cricket Test against India.", true, false},
		{"tennis (en)", "sport", "Unseeded Bovina reaches the Kremlin Cup semifinals",
			"Elena Bovina upset Venus Williams 6-3, 6-2 on Friday to reach the semifinals of the tournament in Moscow.", true, false},
		{"Olympics (en)", "sport", "Athens opens the Paralympics",
			"Some 70,000 spectators filled the Olympic stadium in Athens for the opening ceremony, and 4,000 athletes marched in.", true, false},
		{"Arab League (en)", "sport", "Arab League foreign ministers meet in Cairo on Gaza",
			"Foreign ministers of the Arab League met in Cairo on Sunday; the secretary-general said the goal of the session was a common position.", false, false},
		{"a coach crash (en)", "sport", "Coach crash on the M6 injures 20 passengers",
			"A coach carrying 40 passengers overturned on the M6 near Birmingham early on Saturday, and 20 people were taken to hospital.", false, true},
		{"a key player (en)", "sport", "Qatar a key player in the Gaza truce talks",
			"Qatar has become a key player in the talks, diplomats said, and its envoy will meet both sides this season of negotiations.", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, e := range map[string]*Engine{"lexicon alone": lexOnly, "shipped engine": shipped} {
				if tt.lexiconOnly && e != lexOnly {
					continue
				}
				got := e.Annotate([]Article{{ID: "x", Title: tt.title, Text: tt.text}})[0].Topics
				carried := false
				for _, ts := range got {
					carried = carried || ts.ID == tt.topic
				}
				if carried != tt.carried {
					t.Errorf("%s: topics %s: %s carried = %v, want %v", name, ids(got), tt.topic, carried, tt.carried)
				}
			}
		})
	}
}
