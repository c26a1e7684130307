package subscriptions

import (
	"context"
	"errors"
	"maps"
	"testing"
)

func TestStats(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	subs := []Subscriber{
		{ChatID: 1, ChatType: ChatPrivate, Lang: "ar", Topics: []string{"politics"}},
		{ChatID: 2, ChatType: ChatPrivate, Lang: "en", Topics: []string{"politics", "sport"}},
		{ChatID: 3, ChatType: ChatGroup, Lang: "ar"},
		{ChatID: 4, ChatType: ChatPrivate, Lang: "en", Paused: true},
		{ChatID: 5, ChatType: ChatChannel, Lang: "ar", Inactive: true},
	}
	for i := range subs {
		subs[i].TimeZone, subs[i].Times = "UTC", []string{"08:00"}
	}
	if err := s.PutMany(ctx, subs); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 5 || st.Active != 3 || st.Paused != 1 || st.Inactive != 1 {
		t.Errorf("counts = %+v", st)
	}
	if want := map[string]int{"ar": 2, "en": 1}; !maps.Equal(st.ByLang, want) {
		t.Errorf("ByLang = %v, want %v", st.ByLang, want)
	}
	if want := map[string]int{"politics": 2, "sport": 1, "": 1}; !maps.Equal(st.ByTopic, want) {
		t.Errorf("ByTopic = %v, want %v", st.ByTopic, want)
	}
	if want := map[string]int{ChatPrivate: 3, ChatGroup: 1, ChatChannel: 1}; !maps.Equal(st.ByType, want) {
		t.Errorf("ByType = %v, want %v", st.ByType, want)
	}
}

func TestPutManyAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s, db := newStore(t)
	good, bad := validSub(), validSub()
	bad.ChatID, bad.Lang = 43, "xx"
	if err := s.PutMany(ctx, []Subscriber{good, bad}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("PutMany with an invalid subscriber = %v, want ErrInvalid", err)
	}
	if n := count(t, s); n != 0 {
		t.Errorf("%d subscribers stored after a failed PutMany, want 0", n)
	}
	checkIndexes(t, db)
}
