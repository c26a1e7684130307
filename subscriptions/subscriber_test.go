package subscriptions

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func validSub() Subscriber {
	s := New(42, ChatPrivate, "ar", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s.TimeZone = "Asia/Baghdad"
	return s
}

func TestNewDefaults(t *testing.T) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		code, wantLang string
	}{{"ar", "ar"}, {"ar-SA", "ar"}, {"AR", "ar"}, {"en", "en"}, {"en-GB", "en"}, {"de", "en"}, {"", "en"}}
	for _, tt := range tests {
		s := New(7, ChatGroup, tt.code, now)
		if s.Lang != tt.wantLang {
			t.Errorf("New(lang %q).Lang = %q, want %q", tt.code, s.Lang, tt.wantLang)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("New(lang %q) does not validate: %v", tt.code, err)
		}
		if len(s.Times) != 1 || s.Times[0] != "08:00" || s.TimeZone != "UTC" || !s.Created.Equal(now) {
			t.Errorf("New defaults = times %v zone %q created %v", s.Times, s.TimeZone, s.Created)
		}
	}
}

func TestValidate(t *testing.T) {
	many := func(n int, prefix string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = prefix + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + string(rune('a'+i/26))
		}
		return out
	}
	tests := []struct {
		name      string
		mutate    func(*Subscriber)
		wantField string
		wantCode  string
	}{
		{"defaults", func(*Subscriber) {}, "", ""},
		{"zero chat", func(s *Subscriber) { s.ChatID = 0 }, "ChatID", CodeRequired},
		{"negative group id ok", func(s *Subscriber) { s.ChatID, s.ChatType = -100123, ChatSupergroup }, "", ""},
		{"bad chat type", func(s *Subscriber) { s.ChatType = "bot" }, "ChatType", CodeUnknown},
		{"lang fr", func(s *Subscriber) { s.Lang = "fr" }, "Lang", CodeUnknown},
		{"topics ok", func(s *Subscriber) { s.Topics = []string{"politics", "middle-east", "sport2", "9"} }, "", ""},
		{"topic underscore", func(s *Subscriber) { s.Topics = []string{"world_news"} }, "Topics", CodeFormat},
		{"topic trailing hyphen", func(s *Subscriber) { s.Topics = []string{"sport-"} }, "Topics", CodeFormat},
		{"topic uppercase", func(s *Subscriber) { s.Topics = []string{"Politics"} }, "Topics", CodeFormat},
		{"topic arabic", func(s *Subscriber) { s.Topics = []string{"سياسة"} }, "Topics", CodeFormat},
		{"topic too long", func(s *Subscriber) { s.Topics = []string{strings.Repeat("a", 33)} }, "Topics", CodeFormat},
		{"topic leading hyphen", func(s *Subscriber) { s.Topics = []string{"-a"} }, "Topics", CodeFormat},
		{"topic duplicate", func(s *Subscriber) { s.Topics = []string{"sport", "sport"} }, "Topics", CodeDuplicate},
		{"keyword arabic 64 runes", func(s *Subscriber) { s.Include = []string{strings.Repeat("ع", 64)} }, "", ""},
		{"keyword 65 runes", func(s *Subscriber) { s.Include = []string{strings.Repeat("ع", 65)} }, "Include", CodeTooLong},
		{"exclude too long", func(s *Subscriber) { s.Exclude = []string{strings.Repeat("a", 65)} }, "Exclude", CodeTooLong},
		{"keyword blank", func(s *Subscriber) { s.Include = []string{"  "} }, "Include", CodeRequired},
		{"keyword padded", func(s *Subscriber) { s.Include = []string{" iraq"} }, "Include", CodeFormat},
		{"keyword control", func(s *Subscriber) { s.Exclude = []string{"a\x00b"} }, "Exclude", CodeFormat},
		{"keyword html is data", func(s *Subscriber) { s.Include = []string{"<b>x</b>"} }, "", ""},
		{"50 keywords", func(s *Subscriber) { s.Include, s.Exclude = many(25, "i"), many(25, "e") }, "", ""},
		{"51 keywords", func(s *Subscriber) { s.Include, s.Exclude = many(25, "i"), many(26, "e") }, "Include", CodeTooMany},
		{"keyword duplicate", func(s *Subscriber) { s.Include = []string{"iraq", "iraq"} }, "Include", CodeDuplicate},
		{"zone empty", func(s *Subscriber) { s.TimeZone = "" }, "TimeZone", CodeUnknown},
		{"zone Local", func(s *Subscriber) { s.TimeZone = "Local" }, "TimeZone", CodeUnknown},
		{"zone bogus", func(s *Subscriber) { s.TimeZone = "Mars/Olympus" }, "TimeZone", CodeUnknown},
		{"zone etc", func(s *Subscriber) { s.TimeZone = "Etc/GMT-3" }, "", ""},
		{"no times", func(s *Subscriber) { s.Times = nil }, "Times", CodeRequired},
		{"time 24:00", func(s *Subscriber) { s.Times = []string{"24:00"} }, "Times", CodeFormat},
		{"time 8:00 not canonical", func(s *Subscriber) { s.Times = []string{"8:00"} }, "Times", CodeFormat},
		{"time 07:60", func(s *Subscriber) { s.Times = []string{"07:60"} }, "Times", CodeFormat},
		{"time duplicate", func(s *Subscriber) { s.Times = []string{"07:00", "07:00"} }, "Times", CodeDuplicate},
		{"times ok", func(s *Subscriber) { s.Times = []string{"00:00", "23:59", "12:30"} }, "", ""},
		{"25 times", func(s *Subscriber) {
			s.Times = nil
			for h := range 25 {
				s.Times = append(s.Times, time.Date(0, 1, 1, h%24, h/24, 0, 0, time.UTC).Format("15:04"))
			}
		}, "Times", CodeTooMany},
		{"max stories 50", func(s *Subscriber) { s.MaxStories = 50 }, "", ""},
		{"max stories 51", func(s *Subscriber) { s.MaxStories = 51 }, "MaxStories", CodeRange},
		{"max stories -1", func(s *Subscriber) { s.MaxStories = -1 }, "MaxStories", CodeRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSub()
			tt.mutate(&s)
			err := s.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v, want a *FieldError wrapping ErrInvalid", err)
			}
			if fe.Field != tt.wantField || fe.Code != tt.wantCode {
				t.Errorf("Validate() = %s/%s, want %s/%s", fe.Field, fe.Code, tt.wantField, tt.wantCode)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct{ in, want string }{
		{"08:00", "08:00"}, {"8:00", "08:00"}, {" 7:05 ", "07:05"}, {"23.59", "23:59"},
		{"٠٨:٣٠", "08:30"}, {"۰۹:۱۵", "09:15"}, {"00:00", "00:00"},
		{"24:00", ""}, {"8", ""}, {"", ""}, {"12:5", ""}, {"ab:cd", ""}, {"-1:00", ""}, {"08:00:00", ""},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if tt.want == "" {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("ParseTime(%q) = %q, %v; want ErrInvalid", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseTime(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"08:00", "8.30", "٠٨:٣٠", "24:00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseTime(in)
		if err != nil {
			return
		}
		if _, ok := minuteOfDay(got); !ok {
			t.Fatalf("ParseTime(%q) = %q, not canonical", in, got)
		}
		if again, err := ParseTime(got); err != nil || again != got {
			t.Fatalf("ParseTime not idempotent on %q: %q, %v", got, again, err)
		}
	})
}
