package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newsdigest/digest"
)

// writeData writes two small data sets: one in the ANT format (category
// mapped by eval.Topic, two outlets) with sport and economy articles in
// Arabic and English, and one in the news-multi-outlet format (own topic
// IDs) from a non-commercial corpus with technology articles.
func writeData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	sport := []string{"فاز الفريق بالمباراة وسجل المهاجم هدفا", "the striker scored a goal and the club won the match"}
	economy := []string{"رفع البنك المركزي نسبة الفائدة بسبب التضخم", "the central bank raised interest rates as inflation rose"}
	var ant, multi bytes.Buffer
	for i := range 40 {
		for lang := range 2 {
			for cat, texts := range map[string][]string{"sport": sport, "economy": economy} {
				rec := map[string]string{"id": fmt.Sprintf("%s-%d-%d", cat, lang, i), "category": cat, "source": []string{"A", "B"}[i%2],
					"title": texts[lang], "text": fmt.Sprintf("%s %d.\n%s", texts[lang], i, strings.Repeat(texts[lang]+" ", i%3+1))}
				line, _ := json.Marshal(rec)
				ant.Write(append(line, '\n'))
			}
		}
		rec := map[string]string{"id": fmt.Sprintf("agnews-test:x:%d", i), "corpus": "agnews-test", "source": []string{"C", "D"}[i%2],
			"lang": "en", "category": "Sci/Tech", "topic": "technology", "title": "new software for smartphone users",
			"text": fmt.Sprintf("the company released software and a smartphone app %d", i)}
		line, _ := json.Marshal(rec)
		multi.Write(append(line, '\n'))
	}
	for name, b := range map[string][]byte{"ant-jawharafm/articles.jsonl": ant.Bytes(), "multi/en/agnews-test.jsonl": multi.Bytes()} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func train(t *testing.T, data string, args ...string) (*digest.TopicModel, []byte, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "topics.model.gz")
	var stdout bytes.Buffer
	if err := run(context.Background(), append([]string{"--data", data, "--out", out}, args...), &stdout); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := digest.ParseTopicModel(b)
	if err != nil {
		t.Fatal(err)
	}
	return m, b, stdout.String()
}

func TestTrainWritesAModelTheEngineReads(t *testing.T) {
	data := writeData(t)
	m, _, stdout := train(t, data)
	for _, want := range []string{"trained on 200 articles", "agnews-test: 40 articles, AG corpus terms", "ant-jawharafm: 160 articles, Apache-2.0", "ar: ", "wrote "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	tests := []struct{ lang, text, want string }{
		{"en", "a late goal won the match", "sport"},
		{"ar", "البنك يرفع الفائدة", "economy"},
		{"en", "a smartphone app from the software company", "technology"},
	}
	for _, tt := range tests {
		if got := m.Classify(tt.lang, tt.text); len(got) == 0 || got[0].ID != tt.want {
			t.Errorf("Classify(%q) = %+v, want %s", tt.text, got, tt.want)
		}
	}
}

func TestTrainPermissiveLeavesOutNonCommercialSets(t *testing.T) {
	m, _, stdout := train(t, writeData(t), "--permissive")
	if strings.Contains(stdout, "agnews-test") || !strings.Contains(stdout, "trained on 160 articles") {
		t.Errorf("permissive training read the non-commercial set:\n%s", stdout)
	}
	for _, c := range m.Langs["en"].Classes {
		if c == "technology" {
			t.Errorf("permissive model learnt technology, which only the AG set labels")
		}
	}
}

func TestTrainIsDeterministic(t *testing.T) {
	data := writeData(t)
	_, first, _ := train(t, data)
	_, second, _ := train(t, data)
	if !bytes.Equal(first, second) {
		t.Error("two trainings on the same data wrote different model files")
	}
}

func TestTrainErrors(t *testing.T) {
	for _, args := range [][]string{{"--data", t.TempDir()}, {"--bogus"}, {"extra"}} {
		if err := run(context.Background(), args, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%v) succeeded", args)
		}
	}
}
