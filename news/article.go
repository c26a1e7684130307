// Package news brings articles in: it fetches feeds, reads the seeds folder,
// normalises what it finds into Article values and keeps them in a bbolt
// store indexed by ingest order, so a digest can ask for "everything new
// since position P" with one range scan.
package news

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"time"
	"unicode"
	"unicode/utf8"

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
	buf := make([]byte, 0, 4096)
	buf = appendHashNorm(buf, title, h)
	buf = append(buf, 0)
	buf = appendHashNorm(buf, text, h)
	h.Write(buf)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// appendHashNorm appends s case-folded with every whitespace run collapsed
// to one space and no leading or trailing space, flushing buf into h when it
// fills. Ingest hashes every item; this avoids building copies of each text.
func appendHashNorm(buf []byte, s string, h hash.Hash) []byte {
	started, space := false, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = started
			continue
		}
		if len(buf) > cap(buf)-8 {
			h.Write(buf)
			buf = buf[:0]
		}
		if space {
			buf = append(buf, ' ')
			space = false
		}
		buf = utf8.AppendRune(buf, unicode.ToLower(r))
		started = true
	}
	return buf
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
