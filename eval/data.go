// Package eval measures the shipped digest engine on data sets in the
// formats of ../shared/data: it loads them, splits them reproducibly into a
// training and a held-out part, and computes ROUGE, topic accuracy/macro-F1
// with a confusion matrix, and clustering statistics.
package eval

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"newsdigest/digest"
	"newsdigest/news"
)

// ErrNoData reports a folder in which no data set of a known format was found.
var ErrNoData = errors.New("eval: no data set found")

// Record is one article of a data set, whatever its file format.
type Record struct {
	ID        string
	Lang      string // "ar" | "en": from the data set's language
	Category  string // the data set's own category
	Title     string
	Text      string // body, paragraphs separated by "\n"
	Reference string // reference summary (ANT abstract, BBC extractive summary); may be empty
	Source    string
	URL       string
	Published time.Time // zero when absent or unreadable
	BadDate   string    // the published field when no known format reads it
	Hints     []string  // a "topics" field that is a list of strings (feed topic hints)
	Corpus    string    // the "corpus" field (news-multi-outlet); empty in the older sets
	Gold      string    // the "topic" field: our topic ID given by the data set (see Topic)
}

// Dataset is the records of one JSON-lines file.
type Dataset struct {
	Name    string // folder name, e.g. "ant-jawharafm"
	Path    string
	Records []Record
}

// rawRecord holds the fields of both known formats: ANT articles.jsonl
// (id, url, source, category, title, published, abstract, text) and BBC
// pairs.jsonl (id, category, article = title + blank line + body, summary).
type rawRecord struct {
	ID        string          `json:"id"`
	URL       string          `json:"url"`
	Source    string          `json:"source"`
	Category  string          `json:"category"`
	Title     string          `json:"title"`
	Published string          `json:"published"`
	Abstract  string          `json:"abstract"`
	Summary   string          `json:"summary"`
	Text      string          `json:"text"`
	Article   string          `json:"article"`
	Lang      string          `json:"lang"`
	Topics    json.RawMessage `json:"topics"`
	Corpus    string          `json:"corpus"`
	Topic     string          `json:"topic"`
}

// LoadDir finds every *.jsonl file in dir and its sub-folders whose lines
// are articles in a known format and loads it. Files in other formats are
// skipped.
func LoadDir(ctx context.Context, dir string) ([]Dataset, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".jsonl") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	sort.Strings(paths)
	var out []Dataset
	for _, p := range paths {
		ds, err := LoadFile(ctx, p)
		if errors.Is(err, errUnknownFormat) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ds)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w in %s (want *.jsonl files of articles)", ErrNoData, dir)
	}
	return out, nil
}

// errUnknownFormat: a JSON object with none of title, text, article, abstract.
var errUnknownFormat = errors.New("no title, text, article or abstract field")

// LoadFile reads one JSON-lines data set.
func LoadFile(ctx context.Context, path string) (Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return Dataset{}, fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	recs, err := ReadRecords(ctx, f)
	if err != nil {
		return Dataset{}, fmt.Errorf("eval: %s: %w", path, err)
	}
	return Dataset{Name: filepath.Base(filepath.Dir(path)), Path: path, Records: recs}, nil
}

// ReadRecords parses JSON lines of articles. Blank lines are skipped; a line
// that is not a JSON object, or has neither text nor article, is an error
// naming the line. A record whose published date no known format reads is
// kept without a time and with BadDate set, for the report to warn about.
func ReadRecords(ctx context.Context, r io.Reader) ([]Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	var out []Record
	for line := 1; sc.Scan(); line++ {
		if line%1000 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if len(bytes.TrimSpace(sc.Bytes())) == 0 { // no string copy of every line just to test it
			continue
		}
		rec, err := ParseRecord(sc.Bytes())
		if errors.Is(err, news.ErrBadDate) {
			err = nil
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// ParseRecord reads one JSON object in either known format. When only the
// published date is unreadable it returns the record, without a time, and an
// error wrapping ErrBadDate, so a caller may warn and keep the article.
func ParseRecord(line []byte) (Record, error) {
	var raw rawRecord
	if err := json.Unmarshal(line, &raw); err != nil {
		return Record{}, err
	}
	if raw.Text == "" && raw.Article == "" && raw.Abstract == "" && raw.Title == "" {
		return Record{}, errUnknownFormat
	}
	rec := raw.record()
	t, err := news.ParseTime(raw.Published)
	rec.Published = t
	if err != nil {
		rec.BadDate = raw.Published
	}
	return rec, err
}

func (raw rawRecord) record() Record {
	r := Record{ID: raw.ID, Category: raw.Category, Title: strings.TrimSpace(raw.Title), Text: raw.Text,
		Reference: raw.Abstract, Source: raw.Source, URL: raw.URL, Lang: raw.Lang,
		Corpus: raw.Corpus, Gold: raw.Topic}
	if raw.Article != "" && raw.Text == "" {
		r.Title, r.Text = splitTitle(raw.Article, r.Title)
	}
	if r.Reference == "" {
		r.Reference = raw.Summary
	}
	if r.Lang == "" {
		r.Lang = digest.DetectLang(r.Title + "\n" + r.Text)
	}
	_ = json.Unmarshal(raw.Topics, &r.Hints) // only a list of strings is a hint list
	return r
}

// splitTitle takes a BBC-style article: first line title, blank line, then
// paragraphs separated by blank lines with one sentence per line. It returns
// the title and the body as the engine expects it: one paragraph per line.
func splitTitle(article, title string) (string, string) {
	first, rest, ok := strings.Cut(article, "\n")
	if title == "" && ok && strings.TrimSpace(first) != "" && strings.HasPrefix(rest, "\n") {
		title, article = strings.TrimSpace(first), rest
	}
	if !strings.Contains(article, "\n\n") {
		return title, article
	}
	paras := strings.Split(strings.TrimSpace(article), "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return title, strings.Join(paras, "\n")
}
