package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"

	"newsdigest/digest"
	"newsdigest/eval"
	"newsdigest/news"
)

// errBadLines reports that some input lines could not be annotated (they
// were written back unchanged).
var errBadLines = errors.New("some lines could not be annotated")

// runAnnotate reads article JSON lines (the fields of ../shared/data: id,
// title, text or article, published, source, url, category...) on stdin and
// writes every line back, in order, with lang, title, summary, topics and
// story added by the engine and model compiled into this binary. All lines
// are read first because the story IDs come from clustering them together.
func runAnnotate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("annotate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	hints := fs.Bool("hints", false, "use each line's category and topics fields as feed topic hints (off: topics come from the text alone, so the output can be scored against category)")
	budget := fs.Int("budget", digest.DefaultSummaryBudget, "summary length in characters")
	if err := fs.Parse(args); err != nil {
		return err
	}
	eng, err := digest.NewEngine(digest.Config{SummaryBudget: *budget})
	if err != nil {
		return err
	}
	lines, err := readLines(ctx, stdin)
	if err != nil {
		return fmt.Errorf("read stdin: %w", err)
	}
	return annotateLines(lines, eng, *hints, stdout, stderr)
}

// inputLine is one line of input and what was understood of it.
type inputLine struct {
	raw    []byte
	fields []jsonField // nil when the line is not an article object
	art    digest.Article
}

func readLines(ctx context.Context, r io.Reader) ([]inputLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	var out []inputLine
	for sc.Scan() {
		if len(out)%1000 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out = append(out, inputLine{raw: bytes.Clone(sc.Bytes())})
	}
	return out, sc.Err()
}

func annotateLines(lines []inputLine, eng *digest.Engine, hints bool, stdout, stderr io.Writer) error {
	var arts []digest.Article
	var idx []int
	bad := 0
	for i := range lines {
		err := lines[i].parse(i+1, hints)
		if errors.Is(err, news.ErrBadDate) {
			fmt.Fprintf(stderr, "annotate: line %d: %v (annotated without a time, so it is not kept apart from reports days away)\n", i+1, err)
			err = nil
		}
		if err != nil {
			if len(bytes.TrimSpace(lines[i].raw)) > 0 {
				bad++
				fmt.Fprintf(stderr, "annotate: line %d: %v (written back unchanged)\n", i+1, err)
			}
			continue
		}
		arts = append(arts, lines[i].art)
		idx = append(idx, i)
	}
	notes := make([]digest.Annotation, len(lines))
	for k, a := range eng.Annotate(arts) {
		notes[idx[k]] = a
	}
	if err := writeLines(lines, notes, stdout); err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d lines: %w", bad, len(lines), errBadLines)
	}
	return nil
}

// parse understands one line; lineNo names articles without an id.
func (l *inputLine) parse(lineNo int, hints bool) error {
	fields, err := decodeObject(l.raw)
	if err != nil {
		return err
	}
	rec, err := eval.ParseRecord(l.raw)
	if err != nil && !errors.Is(err, news.ErrBadDate) {
		return err
	}
	if rec.ID == "" {
		rec.ID = fmt.Sprintf("line-%d", lineNo)
	}
	l.fields, l.art = fields, eval.Article(rec)
	if hints {
		l.art = eval.HintedArticle(rec)
	}
	return err // nil, or ErrBadDate: the article is kept without a time
}

// topicOut is one topic in the output: its ID, its label in the article's
// language (English for other languages) and the engine's confidence.
type topicOut struct {
	ID    string  `json:"id"`
	Label string  `json:"label"`
	Score float64 `json:"score"`
}

func writeLines(lines []inputLine, notes []digest.Annotation, w io.Writer) error {
	bw := bufio.NewWriter(w)
	for i, l := range lines {
		out := l.raw
		if l.fields != nil {
			var err error
			if out, err = annotated(l.fields, notes[i]); err != nil {
				return err
			}
		}
		bw.Write(out)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// annotated returns the object with the engine's fields set: existing keys
// keep their place, new ones are appended.
func annotated(fields []jsonField, a digest.Annotation) ([]byte, error) {
	topics := make([]topicOut, len(a.Topics))
	for i, t := range a.Topics {
		topics[i] = topicOut{ID: t.ID, Label: digest.TopicLabel(t.ID, a.Lang), Score: math.Round(t.Score*1000) / 1000}
	}
	add := []struct {
		key string
		val any
	}{{"lang", a.Lang}, {"title", a.Title}, {"summary", a.Summary}, {"topics", topics}, {"story", a.Story}}
	for _, kv := range add {
		raw, err := marshalNoEscape(kv.val)
		if err != nil {
			return nil, err
		}
		fields = setField(fields, kv.key, raw)
	}
	return encodeObject(fields), nil
}

// marshalNoEscape encodes v without Go's HTML escaping of < > &, so text
// stays readable and byte-identical to what the engine produced.
func marshalNoEscape(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// jsonField is one member of a JSON object, kept in input order with its
// value untouched, so annotate writes every line back as it came plus the
// engine's fields (encoding/json maps would sort the keys).
type jsonField struct {
	key string
	val json.RawMessage
}

var errNotObject = errors.New("not a JSON object")

// decodeObject splits one JSON object into its members.
func decodeObject(line []byte) ([]jsonField, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errNotObject
	}
	var out []jsonField
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("bad JSON: %w", err)
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, fmt.Errorf("bad JSON: %w", err)
		}
		out = append(out, jsonField{key: tok.(string), val: val})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("bad JSON: %w", err)
	}
	if len(bytes.TrimSpace(line[dec.InputOffset():])) > 0 {
		return nil, errors.New("bad JSON: text after the object")
	}
	return out, nil
}

// setField replaces the value of key, or appends it.
func setField(fields []jsonField, key string, val json.RawMessage) []jsonField {
	for i := range fields {
		if fields[i].key == key {
			fields[i].val = val
			return fields
		}
	}
	return append(fields, jsonField{key: key, val: val})
}

// encodeObject writes the members back as one compact JSON object.
func encodeObject(fields []jsonField) []byte {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(f.key) // a string always marshals
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(f.val)
	}
	buf.WriteByte('}')
	return buf.Bytes()
}
