package news

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// xmlEncodingRe finds the encoding pseudo-attribute of an XML declaration.
var xmlEncodingRe = regexp.MustCompile(`^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']`)

// bomTable lists byte order marks, longest first (UTF-32LE starts like UTF-16LE).
var bomTable = []struct {
	bom   string
	label string
}{
	{"\x00\x00\xfe\xff", "utf-32be"},
	{"\xff\xfe\x00\x00", "utf-32le"},
	{"\xef\xbb\xbf", "utf-8"},
	{"\xfe\xff", "utf-16be"},
	{"\xff\xfe", "utf-16le"},
}

// xmlSniffTable infers UTF-16/32 byte order from how "<?" (or "<") is
// encoded when there is no BOM (XML 1.0 appendix F).
var xmlSniffTable = []struct {
	prefix string
	label  string
}{
	{"\x00\x00\x00<", "utf-32be"},
	{"<\x00\x00\x00", "utf-32le"},
	{"\x00<\x00?", "utf-16be"},
	{"<\x00?\x00", "utf-16le"},
}

// toUTF8 decodes a feed body to UTF-8. The charset is taken, in order, from a
// byte order mark, the HTTP Content-Type charset, the XML declaration (with
// UTF-16/32 byte order inferred from the first bytes), else UTF-8. Unknown
// labels fall through to the next source. Bytes invalid in the chosen
// charset become U+FFFD instead of failing the whole feed. The XML
// declaration of the result is rewritten to say utf-8, because gofeed's XML
// decoder would otherwise decode the already-decoded text a second time.
// It returns the UTF-8 body and the charset name used.
func toUTF8(body []byte, contentType string) ([]byte, string) {
	enc, name, body := pickCharset(body, contentType)
	var out []byte
	if enc == nil {
		out = body
		if !utf8.Valid(out) {
			out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
		}
	} else {
		dec, err := enc.NewDecoder().Bytes(body)
		if err != nil { // x/text decoders replace bad bytes; this is belt and braces
			dec = bytes.ToValidUTF8(body, []byte("\uFFFD"))
		}
		out = dec
	}
	out = bytes.TrimPrefix(out, []byte("\xef\xbb\xbf"))
	return declareUTF8(out), name
}

// pickCharset returns the decoder to use (nil for UTF-8), its name, and the
// body with any BOM removed.
func pickCharset(body []byte, contentType string) (encoding.Encoding, string, []byte) {
	for _, b := range bomTable {
		if bytes.HasPrefix(body, []byte(b.bom)) {
			enc, _ := lookupCharset(b.label)
			return enc, b.label, body[len(b.bom):]
		}
	}
	if label := contentTypeCharset(contentType); label != "" {
		if enc, ok := lookupCharset(label); ok {
			return enc, strings.ToLower(label), body
		}
	}
	for _, s := range xmlSniffTable {
		if bytes.HasPrefix(body, []byte(s.prefix)) {
			enc, _ := lookupCharset(s.label)
			return enc, s.label, body
		}
	}
	if m := xmlEncodingRe.FindSubmatch(body[:min(len(body), 1024)]); m != nil {
		if enc, ok := lookupCharset(string(m[1])); ok {
			return enc, strings.ToLower(string(m[1])), body
		}
	}
	return nil, "utf-8", body
}

func contentTypeCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(params["charset"])
}

// lookupCharset maps a label to a decoder; nil with ok=true means UTF-8.
// UTF-32 is not in the WHATWG table that charset.Lookup uses, so it is
// mapped here.
func lookupCharset(label string) (encoding.Encoding, bool) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8":
		return nil, true
	case "utf-32", "utf-32be", "ucs-4":
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), true
	case "utf-32le":
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), true
	case "utf-16be":
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), true
	case "utf-16", "utf-16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), true
	}
	enc, name := charset.Lookup(label)
	if enc == nil {
		return nil, false
	}
	if name == "utf-8" {
		return nil, true
	}
	return enc, true
}

// declareUTF8 rewrites the XML declaration's encoding to utf-8. A document
// that already declares utf-8 (most feeds) is returned as it is: encoding/xml
// reads that label itself, and rewriting it cost a copy of every fetched body.
func declareUTF8(doc []byte) []byte {
	head := doc[:min(len(doc), 1024)]
	loc := xmlEncodingRe.FindSubmatchIndex(head)
	if loc == nil || bytes.EqualFold(head[loc[2]:loc[3]], []byte("utf-8")) {
		return doc
	}
	out := make([]byte, 0, len(doc))
	out = append(out, doc[:loc[2]]...)
	out = append(out, "utf-8"...)
	return append(out, doc[loc[3]:]...)
}
