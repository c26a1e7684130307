// Package news brings articles in: it fetches feeds, reads the seeds folder,
// normalises what it finds into Article values and keeps them in a bbolt
// store indexed by ingest order, so a digest can ask for "everything new
// since position P" with one range scan.
package news

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode"

	"newsdigest/digest"
)

// Article is one stored news item: what the digest engine reads, plus where
// and when it came in.
type Article struct {
	digest.Article           // embedded: what the engine reads
	Seq            uint64    // ingest position, assigned by Store.Add (0 before)
	Fetched        time.Time // first seen (also used when Published is zero)
	Feed           string    // feed URL, or "seeds"
	Hash           string    // content hash used for dedup
}

// SeedsFeed is the Feed value of articles read from the seeds folder.
const SeedsFeed = "seeds"

// ContentHash returns the dedup hash of an article's words: the same story
// served by two mirror domains (different URLs, same title and text) gets the
// same hash. Case, punctuation-free spacing and Unicode whitespace variants
// (NBSP, line breaks) do not change it.
func ContentHash(title, text string) string {
	h := sha256.New()
	h.Write([]byte(hashNorm(title)))
	h.Write([]byte{0})
	h.Write([]byte(hashNorm(text)))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// hashNorm folds case and collapses every run of whitespace to one space so
// that re-wrapped copies of a text hash alike.
func hashNorm(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), unicode.IsSpace), " ")
}

// withDefaults fills Hash, ID, Fetched and Published the way the store
// expects them: the hash from the content, the ID from the content hash when
// nothing better exists, and Published falling back to first seen.
func (a Article) withDefaults(now time.Time) Article {
	if a.Hash == "" {
		a.Hash = ContentHash(a.Title, a.Text)
	}
	if a.ID == "" {
		a.ID = "hash:" + a.Hash
	}
	if a.Fetched.IsZero() {
		a.Fetched = now
	}
	if a.Published.IsZero() {
		a.Published = a.Fetched
	}
	return a
}
