package news

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"newsdigest/digest"
)

// Seed-file errors. ParseSeed wraps them with the file name.
var (
	ErrSeedEmpty  = errors.New("news: seed file has no title and no text")
	ErrSeedFormat = errors.New("news: unsupported seed file (want .txt or .md)")
	ErrSeedUTF8   = errors.New("news: seed file is not valid UTF-8")
)

// ParseSeed reads one seed file. name decides the format by extension:
//
//   - .txt: one paragraph per line. An optional first line that is a dateline
//     («بغداد-», "WASHINGTON (Reuters) -") becomes Place and is not part of
//     Text; an optional first line that reads like a headline (short, no
//     sentence-ending punctuation, or followed by a blank line) becomes Title.
//   - .md: optional YAML front matter between "---" lines with title, url,
//     published, lang, topics, source, place; then Markdown paragraphs
//     separated by blank lines. A leading "# Heading" is the title when the
//     front matter has none.
//
// The ID is derived from the file name and the content hash, so an edited
// file is a new article at the next ingest while an unchanged one is skipped.
func ParseSeed(name string, data []byte) (Article, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return Article{}, fmt.Errorf("%w: %s", ErrSeedUTF8, name)
	}
	text := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n")
	text = StripControls(text) // as feed items are: nothing may act on the terminal that prints it
	var a Article
	var err error
	switch strings.ToLower(path.Ext(name)) {
	case ".txt":
		a = parseTxtSeed(text)
	case ".md", ".markdown":
		a, err = parseMdSeed(text)
	default:
		return Article{}, fmt.Errorf("%w: %s", ErrSeedFormat, name)
	}
	if err != nil {
		return Article{}, fmt.Errorf("news: seed %s: %w", name, err)
	}
	if a.Title == "" && a.Text == "" {
		return Article{}, fmt.Errorf("%w: %s", ErrSeedEmpty, name)
	}
	return finishSeed(name, a), nil
}

// finishSeed fills the fields every seed gets the same way.
func finishSeed(name string, a Article) Article {
	// Front matter values are YAML: "\e[1m" in quotes decodes to an escape
	// after the file's text was stripped.
	a.Title = digest.ClipRunes(collapseSpace(a.Title), digest.MaxTitleRunes)
	a.Source = digest.ClipRunes(collapseSpace(a.Source), digest.MaxSourceRunes)
	a.Place = collapseSpace(a.Place)
	if len(a.URL) > digest.MaxLinkBytes {
		a.URL = "" // as feed items: no link rather than one that breaks the digest
	}
	for i, t := range a.Topics {
		a.Topics[i] = collapseSpace(t)
	}
	a.Feed = SeedsFeed
	a.Hash = ContentHash(a.Title, a.Text)
	a.ID = "seed:" + strings.ToValidUTF8(name, "\uFFFD") + ":" + a.Hash[:16]
	if a.Lang == "" {
		a.Lang = digest.DetectLang(strings.TrimSpace(a.Title + "\n" + a.Text))
	}
	return a
}

// parseTxtSeed splits a .txt seed into optional title/dateline and
// paragraphs (one per non-blank line).
func parseTxtSeed(s string) Article {
	lines := strings.Split(s, "\n")
	var a Article
	i := skipBlank(lines, 0)
	if i < len(lines) && !startsWithDateline(lines[i]) && looksLikeTitle(lines, i) {
		a.Title = strings.TrimSpace(lines[i])
		i = skipBlank(lines, i+1)
	}
	if i < len(lines) {
		var rest string
		a.Place, a.Source, rest = splitDateline(lines[i])
		if a.Place != "" {
			lines[i] = rest
		}
	}
	a.Text = joinParagraphs(lines[i:])
	return a
}

func skipBlank(lines []string, i int) int {
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	return i
}

// looksLikeTitle: a first line is a headline when a blank line follows it, or
// when it is short and does not end like a sentence and more text follows.
func looksLikeTitle(lines []string, i int) bool {
	line := strings.TrimSpace(lines[i])
	next := i + 1
	if next >= len(lines) || skipBlank(lines, next) >= len(lines) {
		return false // a lone line is the text, not a title
	}
	if strings.TrimSpace(lines[next]) == "" {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(line)
	return utf8.RuneCountInString(line) <= 150 && !strings.ContainsRune(".!?؟:…»\"”", last)
}

func startsWithDateline(line string) bool {
	place, _, _ := splitDateline(line)
	return place != ""
}

// splitDateline recognises a dateline at the start of line with the
// engine's own parser (digest.ParseDateline: the cleaner that keeps
// datelines out of summaries), so a seed, a feed item and a summary agree on
// what a dateline is. line is one line: callers split at "\n" first. A
// place of more than four words is not taken as the article's place (the
// line is kept as text; the summary's cleaner may still strip it).
func splitDateline(line string) (place, agency, rest string) {
	place, agency, rest = digest.ParseDateline(strings.TrimSpace(line))
	if place == "" || len(strings.Fields(place)) > 4 {
		return "", "", line
	}
	return place, agency, rest
}

// joinParagraphs keeps each non-blank line as a paragraph.
func joinParagraphs(lines []string) string {
	var paras []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			paras = append(paras, l)
		}
	}
	return strings.Join(paras, "\n")
}

// frontMatter is the optional YAML header of a .md seed.
type frontMatter struct {
	Title     string    `yaml:"title"`
	URL       string    `yaml:"url"`
	Published string    `yaml:"published"`
	Lang      string    `yaml:"lang"`
	Topics    yaml.Node `yaml:"topics"`
	Source    string    `yaml:"source"`
	Place     string    `yaml:"place"`
}

// parseMdSeed reads front matter, then the Markdown body.
func parseMdSeed(s string) (Article, error) {
	fm, body, err := splitFrontMatter(s)
	if err != nil {
		return Article{}, err
	}
	a, err := fm.article()
	if err != nil {
		return Article{}, err
	}
	blocks := mdBlocks(body)
	if len(blocks) > 0 && strings.HasPrefix(blocks[0], "# ") {
		if a.Title == "" {
			a.Title = strings.TrimSpace(blocks[0][2:])
		}
		blocks = blocks[1:]
	}
	if len(blocks) > 0 && a.Place == "" {
		place, agency, rest := splitDateline(blocks[0])
		if place != "" {
			a.Place, blocks[0] = place, rest
			a.Source = firstNonEmpty(a.Source, agency)
		}
	}
	a.Text = joinParagraphs(stripMarkdown(blocks))
	return a, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// splitFrontMatter separates a leading "---" YAML block from the body.
func splitFrontMatter(s string) (frontMatter, string, error) {
	var fm frontMatter
	if !strings.HasPrefix(s, "---\n") {
		return fm, s, nil
	}
	head, body, ok := strings.Cut(s[4:], "\n---")
	if !ok {
		return fm, s, errors.New("front matter: no closing ---")
	}
	if err := yaml.Unmarshal([]byte(head), &fm); err != nil {
		return fm, s, fmt.Errorf("front matter: %w", err)
	}
	_, body, _ = strings.Cut(body, "\n") // rest of the closing --- line
	return fm, body, nil
}

// article turns front matter into the fields it sets.
func (fm frontMatter) article() (Article, error) {
	var a Article
	a.Title, a.URL, a.Source, a.Place = strings.TrimSpace(fm.Title), strings.TrimSpace(fm.URL), fm.Source, fm.Place
	a.Lang = strings.ToLower(strings.TrimSpace(fm.Lang))
	if fm.Published != "" {
		t, err := ParseTime(fm.Published)
		if err != nil {
			return a, fmt.Errorf("front matter published: %w (write e.g. 2024-05-01T08:00:00Z or 2024-05-01 08:00)", err)
		}
		a.Published = t
	}
	topics, err := nodeStrings(fm.Topics)
	if err != nil {
		return a, fmt.Errorf("front matter topics: %w", err)
	}
	a.Topics = topics
	return a, nil
}

// nodeStrings accepts topics as a YAML list or a comma-separated string.
func nodeStrings(n yaml.Node) ([]string, error) {
	var out []string
	switch n.Kind {
	case 0:
		return nil, nil
	case yaml.ScalarNode:
		for _, t := range strings.Split(n.Value, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	case yaml.SequenceNode:
		if err := n.Decode(&out); err != nil {
			return nil, err
		}
	default:
		return nil, errors.New("want a list or a comma-separated string")
	}
	return out, nil
}

// mdBlocks splits Markdown into blocks separated by blank lines; headings
// and list items are blocks of their own.
func mdBlocks(body string) []string {
	var blocks []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "#") || strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			flush()
			blocks = append(blocks, t)
		default:
			cur = append(cur, t)
		}
	}
	flush()
	return blocks
}

// mdMarkRe matches inline emphasis/code markers and heading/list/quote marks.
var (
	mdLeadRe   = regexp.MustCompile(`^(#{1,6}\s+|[-*]\s+|>\s*)`)
	mdInlineRe = regexp.MustCompile("(\\*\\*|__|`)")
	mdLinkRe   = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

// stripMarkdown reduces Markdown blocks to the plain text a reader sees.
func stripMarkdown(blocks []string) []string {
	out := make([]string, 0, len(blocks))
	for _, b := range blocks {
		b = mdLeadRe.ReplaceAllString(b, "")
		b = mdLinkRe.ReplaceAllString(b, "$1")
		out = append(out, mdInlineRe.ReplaceAllString(b, ""))
	}
	return out
}

// LoadSeeds parses every .txt and .md file at the root of fsys, in name
// order. Files that fail to parse are skipped and reported together in the
// error; the articles that did parse are returned either way, so one bad
// file never hides the others.
func LoadSeeds(ctx context.Context, fsys fs.FS) ([]Article, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("news: read seeds: %w", err)
	}
	var arts []Article
	var errs []error
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return arts, fmt.Errorf("news: load seeds: %w", err)
		}
		if e.IsDir() || !isSeedName(e.Name()) {
			continue
		}
		a, err := loadSeed(fsys, e.Name())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		arts = append(arts, a)
	}
	return arts, errors.Join(errs...)
}

func isSeedName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".md", ".markdown":
		return !strings.HasPrefix(name, ".")
	}
	return false
}

func loadSeed(fsys fs.FS, name string) (Article, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Article{}, fmt.Errorf("news: read seed: %w", err)
	}
	return ParseSeed(name, data)
}
