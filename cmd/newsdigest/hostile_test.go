package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

// TestDigestTextPrintsNoEscapes: `newsdigest digest --format text` over a
// seed file full of terminal escapes prints the story without them, so a
// seed cannot recolour, retitle or hyperlink the operator's terminal.
func TestDigestTextPrintsNoEscapes(t *testing.T) {
	seed := "\x1b[31mMinistry\x1b[0m announces new budget \x1b]0;owned\a plan\n\n" +
		"The ministry \x1b]8;;http://evil.example\x1b\\announced\x1b]8;;\x1b\\ a budget plan on Monday \u202eafter talks\u202c with the unions.\n"
	var out bytes.Buffer
	if err := printSeedDigest(context.Background(), &out, fstest.MapFS{"budget.txt": {Data: []byte(seed)}}, "text", "en"); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "Ministry announces new budget plan") {
		t.Errorf("story missing from the digest:\n%s", got)
	}
	for _, c := range []string{"\x1b", "\a", "\u202e", "[31m", "]0;", "8;;"} {
		if strings.Contains(got, c) {
			t.Errorf("digest prints %q raw:\n%q", c, got)
		}
	}
}
