package delivery

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"newsdigest/digest"
)

// A digest's "More (N)" button pages through the stories its cap cut
// (digest.Selection.Rest). The pages are stored content-addressed: every
// chat with the same rendering shares one page set, and the stories in it
// are stored once however many page sets hold them, so a push to 100,000
// chats with a few hundred distinct renderings writes a few hundred small
// page sets and the window's stories once.
var (
	bucketMore        = []byte("delivery_more")         // page set ID → written (unix s, 8 bytes) ‖ pageSet (encodePageSet; JSON before)
	bucketMoreStories = []byte("delivery_more_stories") // story key → digest.Story JSON, shared by page sets
)

// MoreTTL is how long a digest's More button works.
const MoreTTL = 24 * time.Hour

// moreKind begins a More button's callback data, "m:<page set>:<offset>":
// a one-letter kind, a 16-character ID and the offset into the page set,
// well within Telegram's 64 bytes.
const moreKind = "m"

// maxMoreData is Telegram's limit on callback data.
const maxMoreData = 64

// Errors of MorePage.
var (
	// ErrMoreExpired: the page set is older than MoreTTL, or pruned.
	ErrMoreExpired = errors.New("delivery: this digest's More has expired")
	// ErrNoMore: the offset is past the digest's last story.
	ErrNoMore = errors.New("delivery: nothing more in this digest")
	// ErrNotMore: the callback data is not a More button's.
	ErrNotMore = errors.New("delivery: not a More button")
)

// pageSet is what bucketMore holds after the time it was written.
type pageSet struct {
	Lang    string   `json:"lang"`
	Size    int      `json:"size"`    // stories per page: the chats' MaxStories
	Stories []string `json:"stories"` // keys into bucketMoreStories, in rank order
}

// morePages is one rendering's page set as a push writes it.
type morePages struct {
	id     string
	set    pageSet
	blobs  map[string][]byte // story key → JSON, for the stories to store
	stored bool              // written by an earlier batch of this push
}

// committed notes that the page set is in the database: later batches of
// the push do not write it again, so its stories need not stay in memory.
func (p *morePages) committed() {
	p.stored, p.set, p.blobs = true, pageSet{}, nil
}

// storyBlob is a story encoded once per push. articles are the story's
// article IDs when encoded: the selection's near-duplicate guard can give
// one story ID more articles in one chat's digest than in another's.
type storyBlob struct {
	key      string
	json     []byte
	articles []string
}

// morePagesFor returns the page set of a rendering whose cap cut rest.
// Chats with the same stories left, language and page size share it.
// The ID is worked out first, so a rendering seen before in the push costs
// no page set of its own.
func (c *composer) morePagesFor(rest []digest.Story, lang string, size int) *morePages {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d", lang, size)
	for _, st := range rest {
		h.Write([]byte{0})
		h.Write([]byte(c.storyBlob(st).key))
	}
	id := base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:12])
	if p, ok := c.pages[id]; ok {
		return p
	}
	set := pageSet{Lang: lang, Size: size, Stories: make([]string, len(rest))}
	blobs := make(map[string][]byte, len(rest))
	for i, st := range rest {
		b := c.storyBlob(st) // encoded above: a lookup
		set.Stories[i] = b.key
		blobs[b.key] = b.json
	}
	p := &morePages{id: id, set: set, blobs: blobs}
	c.pages[id] = p
	return p
}

// storyBlob encodes a story once per push; its key is the hash of its
// encoding, so a story that changed (a new report, a near-duplicate told
// by it) is stored anew. The cache holds each version of a story ID.
func (c *composer) storyBlob(st digest.Story) storyBlob {
	for _, b := range c.blobs[st.ID] {
		if slices.Equal(b.articles, st.Articles) {
			return b
		}
	}
	v, _ := json.Marshal(st) // strings, times and slices: cannot fail
	sum := sha256.Sum256(v)
	b := storyBlob{key: base64.RawURLEncoding.EncodeToString(sum[:12]), json: v, articles: st.Articles}
	c.blobs[st.ID] = append(c.blobs[st.ID], b)
	return b
}

// putPages writes a page set (again: its time is renewed by each push that
// sends the rendering) and the stories it holds that are not stored yet.
func putPages(tx *bolt.Tx, p *morePages, now time.Time) error {
	set, err := encodePageSet(p.set)
	if err != nil {
		return fmt.Errorf("delivery: encode page set: %w", err)
	}
	v := binary.BigEndian.AppendUint64(nil, uint64(now.Unix()))
	if err := tx.Bucket(bucketMore).Put([]byte(p.id), append(v, set...)); err != nil {
		return fmt.Errorf("delivery: store page set: %w", err)
	}
	stories := tx.Bucket(bucketMoreStories)
	for key, v := range p.blobs {
		if stories.Get([]byte(key)) != nil {
			continue
		}
		if err := stories.Put([]byte(key), v); err != nil {
			return fmt.Errorf("delivery: store page story: %w", err)
		}
	}
	return nil
}

// moreData is the callback data of the button for the page set's stories
// from offset on.
func moreData(id string, offset int) string {
	return moreKind + ":" + id + ":" + strconv.Itoa(offset)
}

// IsMoreData reports whether callback data belongs to a digest's More
// button (the bot routes it to MorePage).
func IsMoreData(data string) bool { return strings.HasPrefix(data, moreKind+":") }

// parseMoreData reads moreData; ok is false for anything else.
func parseMoreData(data string) (id string, offset int, ok bool) {
	if len(data) > maxMoreData {
		return "", 0, false
	}
	parts := strings.Split(data, ":")
	if len(parts) != 3 || parts[0] != moreKind || len(parts[1]) != 16 {
		return "", 0, false
	}
	if _, err := base64.RawURLEncoding.DecodeString(parts[1]); err != nil {
		return "", 0, false
	}
	offset, err := strconv.Atoi(parts[2])
	if err != nil || offset < 0 || strconv.Itoa(offset) != parts[2] {
		return "", 0, false
	}
	return parts[1], offset, true
}

// MorePage is one page behind a digest's More button.
type MorePage struct {
	Messages []string   // Telegram HTML
	Buttons  [][]Button // under the last message: the next More button; none on the last page
	Last     bool       // nothing is left after this page
}

// MorePage renders the page a More button's callback data asks for: the
// next MaxStories stories the digest's cap cut, in their rank order.
func (s *Service) MorePage(ctx context.Context, data string) (MorePage, error) {
	id, offset, ok := parseMoreData(data)
	if !ok {
		return MorePage{}, ErrNotMore
	}
	if err := ctx.Err(); err != nil {
		return MorePage{}, fmt.Errorf("delivery: more: %w", err)
	}
	set, stories, err := s.loadPages(id, offset, s.cfg.Now())
	if err != nil {
		return MorePage{}, err
	}
	next := offset + len(stories)
	out := MorePage{Messages: digest.RenderMoreHTML(stories, digest.RenderOptions{Lang: set.Lang}), Last: next >= len(set.Stories)}
	if !out.Last {
		out.Buttons = [][]Button{{{Text: digest.MoreLabel(set.Lang, len(set.Stories)-next), Data: moreData(id, next)}}}
	}
	return out, nil
}

// loadPages reads a page set written within MoreTTL of now and the stories
// of its page from offset on.
func (s *Service) loadPages(id string, offset int, now time.Time) (pageSet, []digest.Story, error) {
	var set pageSet
	var stories []digest.Story
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketMore).Get([]byte(id))
		if len(v) < 8 || now.Sub(time.Unix(int64(binary.BigEndian.Uint64(v)), 0)) > MoreTTL {
			return ErrMoreExpired
		}
		var err error
		if set, err = parsePageSet(v[8:]); err != nil || set.Size <= 0 {
			return fmt.Errorf("%w: page set %s", ErrCorrupt, id)
		}
		if offset >= len(set.Stories) {
			return ErrNoMore
		}
		for _, key := range set.Stories[offset:min(len(set.Stories), offset+set.Size)] {
			var st digest.Story
			if err := json.Unmarshal(tx.Bucket(bucketMoreStories).Get([]byte(key)), &st); err != nil {
				return fmt.Errorf("%w: page story %s", ErrCorrupt, key)
			}
			stories = append(stories, st)
		}
		return nil
	})
	return set, stories, err
}

// prunePages deletes the page sets older than MoreTTL and the stories no
// page set left holds.
func prunePages(tx *bolt.Tx, now time.Time) (int, error) {
	used := map[string]bool{}
	var old [][]byte
	_ = tx.Bucket(bucketMore).ForEach(func(k, v []byte) error { // the callback never fails
		if len(v) < 8 || now.Sub(time.Unix(int64(binary.BigEndian.Uint64(v)), 0)) > MoreTTL {
			old = append(old, append([]byte(nil), k...))
			return nil
		}
		set, err := parsePageSet(v[8:])
		if err != nil {
			old = append(old, append([]byte(nil), k...))
			return nil
		}
		for _, key := range set.Stories {
			used[key] = true
		}
		return nil
	})
	for _, k := range old {
		if err := tx.Bucket(bucketMore).Delete(k); err != nil {
			return 0, err
		}
	}
	if _, err := deleteUnused(tx.Bucket(bucketMoreStories), used); err != nil {
		return 0, err
	}
	return len(old), nil
}
