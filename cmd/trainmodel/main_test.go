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

// writeData writes a small data set in the ANT format: sport and economy
// articles in Arabic and English, varied enough that every fold trains.
func writeData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	sport := []string{"فاز الفريق بالمباراة وسجل المهاجم هدفا", "the striker scored a goal and the club won the match"}
	economy := []string{"رفع البنك المركزي نسبة الفائدة بسبب التضخم", "the central bank raised interest rates as inflation rose"}
	var b bytes.Buffer
	for i := range 40 {
		for lang := range 2 {
			for cat, texts := range map[string][]string{"sport": sport, "economy": economy} {
				rec := map[string]string{"id": fmt.Sprintf("%s-%d-%d", cat, lang, i), "category": cat,
					"title": texts[lang], "text": fmt.Sprintf("%s %d.\n%s", texts[lang], i, strings.Repeat(texts[lang]+" ", i%3+1))}
				line, _ := json.Marshal(rec)
				b.Write(append(line, '\n'))
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "set"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "set", "articles.jsonl"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTrainWritesAModelTheEngineReads(t *testing.T) {
	data := writeData(t)
	out := filepath.Join(t.TempDir(), "topics.model.gz")
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"--data", data, "--out", out, "--min-docs", "1"}, &stdout); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cv ar alpha=", "chosen for en:", "wrote " + out} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := digest.ParseTopicModel(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Classify("en", "a late goal won the match"); len(got) == 0 || got[0].ID != "sport" {
		t.Errorf("trained model: %+v", got)
	}
	if got := m.Classify("ar", "البنك يرفع الفائدة"); len(got) == 0 || got[0].ID != "economy" {
		t.Errorf("trained model: %+v", got)
	}
}

func TestTrainErrors(t *testing.T) {
	for _, args := range [][]string{{"--data", t.TempDir()}, {"--bogus"}} {
		if err := run(context.Background(), args, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%v) succeeded", args)
		}
	}
}
