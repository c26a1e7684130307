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
		{"one region only: middle-east refines world", map[string]float64{"world": 0.6, "middle-east": 0.6, "politics": 0.3}, nil, nil, "politics,middle-east"},
		{"weak middle-east leaves world", map[string]float64{"world": 0.8, "middle-east": 0.2, "politics": 0.15}, nil, nil, "politics,world"},
		{"no subject strong enough: filed by region", map[string]float64{"world": 0.95, "politics": 0.05}, nil, nil, "world"},
		{"only weak subjects: best kept", map[string]float64{"sport": 0.05, "economy": 0.04}, nil, nil, "sport"},
		{"second subject needs the threshold", map[string]float64{"technology": 0.5, "economy": 0.35, "culture": 0.1}, nil, nil, "technology,economy"},
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
		if got := countPlaces(tt.text); got != tt.want {
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
