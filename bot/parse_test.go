package bot

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text, cmd, args string
		addressed, ok   bool
	}{
		{"/start", "start", "", false, true},
		{"/Start politics", "start", "politics", false, true},
		{"/time@digest_test_bot 07:00 19:00", "time", "07:00 19:00", true, true},
		{"/time@DIGEST_TEST_BOT", "time", "", true, true},
		{"/time@other_bot 07:00", "", "", false, false},
		{"/broadcast\nline one\nline two", "broadcast", "line one\nline two", false, true},
		{"hello", "", "", false, false},
		{"/", "", "", false, false},
		{"/@digest_test_bot", "", "", false, false},
		{"", "", "", false, false},
	}
	for _, tt := range tests {
		cmd, args, addressed, ok := parseCommand(tt.text, botName)
		if cmd != tt.cmd || args != tt.args || addressed != tt.addressed || ok != tt.ok {
			t.Errorf("parseCommand(%q) = %q, %q, %v, %v", tt.text, cmd, args, addressed, ok)
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/start", "/time@digest_test_bot 07:00", "/x@y", "/", "/a\nb", "/ستارت"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmd, args, _, ok := parseCommand(text, botName)
		if !ok {
			return
		}
		if cmd == "" || strings.ContainsAny(cmd, " \n@") || cmd != strings.ToLower(cmd) {
			t.Fatalf("parseCommand(%q) gave command %q", text, cmd)
		}
		if args != strings.TrimSpace(args) {
			t.Fatalf("parseCommand(%q) gave untrimmed args %q", text, args)
		}
	})
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"politics iraq", []string{"politics", "iraq"}},
		{`"oil price" -football`, []string{"oil price", "-football"}},
		{"«النفط العراقي»، بغداد", []string{"النفط العراقي", "بغداد"}},
		{"07:00,19:00", []string{"07:00", "19:00"}},
		{`"unclosed quote`, []string{"unclosed quote"}},
		{"   ", nil},
		{"“curly” x", []string{"curly", "x"}},
	}
	for _, tt := range tests {
		if got := splitArgs(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitArgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSplitArgs(f *testing.F) {
	for _, s := range []string{`a "b c" -d`, "«x» ،y", `"`, "a,,b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, w := range splitArgs(in) {
			if w == "" || w != strings.TrimSpace(w) {
				t.Fatalf("splitArgs(%q) gave %q", in, w)
			}
			if utf8.ValidString(in) && !utf8.ValidString(w) {
				t.Fatalf("splitArgs(%q) broke UTF-8: %q", in, w)
			}
		}
	})
}

func FuzzCallbackData(f *testing.F) {
	f.Add("t", "politics", int64(-1001234567890))
	f.Add("x", "yes", int64(42))
	f.Add("s", strings.Repeat("a", 60), int64(1))
	f.Fuzz(func(t *testing.T, kind, arg string, target int64) {
		if strings.Contains(kind, ":") || strings.Contains(arg, ":") {
			return
		}
		d := cbData(kind, arg, target)
		if len(d) > maxCallback && len(kind) <= 1 {
			t.Fatalf("callback data %q is %d bytes", d, len(d))
		}
		k, _, tgt, ok := parseCallback(d)
		if !ok || k != kind || tgt != target {
			t.Fatalf("parseCallback(%q) = %q, %d, %v", d, k, tgt, ok)
		}
	})
}
