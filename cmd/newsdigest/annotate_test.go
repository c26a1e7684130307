package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestAnnotate(t *testing.T) {
	in, err := os.ReadFile("../../eval/testdata/data/arabic/articles.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	extra := `{"id":"en-1","title":"","text":"WASHINGTON (Reuters) - Iraq wants U.S.-led coalition forces to begin leaving in September, four Iraqi sources said.","topics":["World"]}` + "\n"
	var out, errOut bytes.Buffer
	if err := runAnnotate(context.Background(), nil, strings.NewReader(string(in)+extra), &out, &errOut); err != nil {
		t.Fatalf("annotate: %v (stderr %s)", err, errOut.String())
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("got %d lines, want 5", len(lines))
	}
	type topic struct {
		ID, Label string
		Score     float64
	}
	type record struct {
		ID, Category, Lang, Title, Summary, Story, Text string
		Topics                                          []topic
	}
	var recs []record
	for _, l := range lines {
		var r record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("output line is not JSON: %v: %s", err, l)
		}
		recs = append(recs, r)
	}
	if recs[0].Story != recs[1].Story || recs[0].Story == recs[2].Story {
		t.Errorf("stories: identical reports must share one, others not: %q %q %q", recs[0].Story, recs[1].Story, recs[2].Story)
	}
	if recs[0].Lang != "ar" || recs[0].Topics[0].ID != "sport" || recs[0].Topics[0].Label != "رياضة" || !strings.HasPrefix(recs[0].Summary, "فاز الترجي") {
		t.Errorf("arabic sport record annotated as %+v", recs[0])
	}
	en := recs[4]
	if en.Lang != "en" || !strings.HasPrefix(en.Title, "Iraq wants") || !strings.HasPrefix(en.Summary, "Iraq wants") || strings.Contains(en.Summary, "Reuters") {
		t.Errorf("english record: derived title %q, summary %q", en.Title, en.Summary)
	}
	// the input's own fields and their order survive
	if !strings.HasPrefix(lines[0], `{"id":"ar-1","url":"https://example.tn/ar/1","source":"Example FM","category":"sport"`) {
		t.Errorf("input fields reordered: %.120s", lines[0])
	}
}

func TestAnnotateHints(t *testing.T) {
	line := `{"id":"h","text":"A short note about the new tax rules.","category":"sport"}` + "\n" // economy by its text
	for _, tt := range []struct {
		args      []string
		wantSport bool
	}{{nil, false}, {[]string{"--hints"}, true}} {
		var out bytes.Buffer
		if err := runAnnotate(context.Background(), tt.args, strings.NewReader(line), &out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(out.String(), `"topics":[{"id":"sport"`); got != tt.wantSport {
			t.Errorf("args %v: sport first = %v, want %v: %s", tt.args, got, tt.wantSport, out.String())
		}
	}
}

func TestAnnotateBadLinesAreKept(t *testing.T) {
	in := "not json\n\n{\"id\":\"ok\",\"text\":\"The talks ended on Monday without a deal.\"}\n[1,2]\n{\"id\":\"no-text\"}\n"
	var out, errOut bytes.Buffer
	err := runAnnotate(context.Background(), nil, strings.NewReader(in), &out, &errOut)
	if !errors.Is(err, errBadLines) {
		t.Fatalf("err = %v, want errBadLines", err)
	}
	lines := strings.Split(out.String(), "\n")
	if lines[0] != "not json" || lines[1] != "" || lines[3] != "[1,2]" || lines[4] != `{"id":"no-text"}` || !strings.Contains(lines[2], `"summary":"The talks ended on Monday without a deal."`) {
		t.Errorf("output = %q", out.String())
	}
	for _, want := range []string{"line 1:", "line 4:", "line 5:"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q: %s", want, errOut.String())
		}
	}
}

// An identical report five days later is a new story only if annotate reads
// the feed's date formats; a date it cannot read is a warning, not silence.
func TestAnnotateHonoursFeedDates(t *testing.T) {
	text := `"text":"The city council approved the new budget for schools and roads on Monday after a long debate."`
	in := `{"id":"a","published":"Mon, 23 Nov 2026 09:00:00 GMT",` + text + "}\n" +
		`{"id":"b","published":"28 Nov 2026 09:00 +0000",` + text + "}\n" +
		`{"id":"c","published":"last week",` + text + "}\n"
	var out, errOut bytes.Buffer
	if err := runAnnotate(context.Background(), nil, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatalf("annotate: %v (stderr %s)", err, errOut.String())
	}
	var recs []struct{ Story, Summary string }
	for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		var r struct{ Story, Summary string }
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if len(recs) != 3 || recs[0].Story == recs[1].Story || recs[2].Summary == "" {
		t.Errorf("records %+v: the reports five days apart must be two stories, the undated one annotated", recs)
	}
	if !strings.Contains(errOut.String(), `line 3: unreadable published date: "last week"`) {
		t.Errorf("stderr lacks the date warning: %s", errOut.String())
	}
}
