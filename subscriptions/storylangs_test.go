package subscriptions

import (
	"context"
	"errors"
	"testing"
	"time"

	"newsdigest/internal/dbtest"
)

// TestStoredBeforeStoryLangsDecodesToDefault: a record written before the
// story-language setting existed (testdata, as that version wrote it)
// reads as the default and keeps every other field; a setting written
// now survives a reopen of the file.
func TestStoredBeforeStoryLangsDecodesToDefault(t *testing.T) {
	ctx := context.Background()
	const id = 424242
	s, db := storeWithOld(t, "v1-before-story-langs.json", id)
	sub, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if sub.StoryLangs != StoriesAuto || sub.MaxStories != 5 || sub.TimeZone != "Asia/Baghdad" {
		t.Fatalf("old record decoded as %+v, want the default story languages and its own fields", sub)
	}
	if err := sub.Validate(); err != nil {
		t.Fatalf("old record does not validate: %v", err)
	}
	if _, err := s.Update(ctx, id, func(x *Subscriber) error { x.StoryLangs = StoriesBoth; return nil }); err != nil {
		t.Fatal(err)
	}
	s2, err := NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s2.Get(ctx, id); err != nil || got.StoryLangs != StoriesBoth {
		t.Fatalf("after reopen: %q, %v; want %q", got.StoryLangs, err, StoriesBoth)
	}
}

// TestUnknownStoryLangsRefusedAndRepaired: Put refuses a value it does not
// know (nothing stored changes); repair resets it to the default.
func TestUnknownStoryLangsRefusedAndRepaired(t *testing.T) {
	ctx := context.Background()
	s, err := NewStore(ctx, dbtest.Open(t))
	if err != nil {
		t.Fatal(err)
	}
	sub := New(7, ChatPrivate, "ar", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	sub.StoryLangs = "klingon"
	var fe *FieldError
	if err := s.Put(ctx, sub); !errors.As(err, &fe) || fe.Field != "StoryLangs" {
		t.Fatalf("Put with StoryLangs %q: %v, want a StoryLangs field error", sub.StoryLangs, err)
	}
	if _, err := s.Get(ctx, 7); !errors.Is(err, ErrNotFound) {
		t.Fatalf("refused subscriber stored: %v", err)
	}
	if got := repair(sub); got.StoryLangs != StoriesAuto || got.Validate() != nil {
		t.Fatalf("repair: %q, %v", got.StoryLangs, got.Validate())
	}
}
