package render

import (
	"bytes"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// source indexes the lines of a template's bytes, so that node positions
// (1-based line and column in characters) become byte offsets and the extent
// of an entry, which yaml.Node does not record, can be read from the text.
type source struct {
	src   []byte
	lines []int // byte offset of the start of each line
}

func newSource(src []byte) *source {
	s := &source{src: src, lines: make([]int, 1, bytes.Count(src, []byte("\n"))+1)}
	for i, b := range src {
		if b == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// lineCount is the number of lines; a final newline does not start one.
func (s *source) lineCount() int {
	if n := len(s.lines); n > 1 && s.lines[n-1] == len(s.src) {
		return n - 1
	}
	return len(s.lines)
}

// start is the offset of the first byte of a 1-based line.
func (s *source) start(line int) int {
	if line > len(s.lines) {
		return len(s.src)
	}
	return s.lines[line-1]
}

// next is the offset just after a line's newline (or the end of the file).
func (s *source) next(line int) int {
	if line >= len(s.lines) {
		return len(s.src)
	}
	return s.lines[line]
}

// text is a line without its line ending.
func (s *source) text(line int) []byte {
	if line < 1 || line > s.lineCount() {
		return nil
	}
	return bytes.TrimRight(s.src[s.start(line):s.next(line)], "\r\n")
}

// off is the byte offset of a node's first character.
func (s *source) off(n *yaml.Node) int {
	o := s.start(n.Line)
	for c := 1; c < n.Column && o < len(s.src); c++ {
		_, w := utf8.DecodeRune(s.src[o:])
		o += w
	}
	return o
}

// lineKind classifies a line of block YAML.
type lineKind int

const (
	blankLine lineKind = iota
	commentLine
	contentLine
)

// classify returns a line's kind and its indentation in spaces.
func (s *source) classify(line int) (lineKind, int) {
	t := s.text(line)
	rest := bytes.TrimLeft(t, " ")
	ind := len(t) - len(rest)
	rest = bytes.TrimLeft(rest, "\t")
	switch {
	case len(rest) == 0:
		return blankLine, ind
	case rest[0] == '#':
		return commentLine, ind
	}
	return contentLine, ind
}

// blockLines is the extent of an entry of a block mapping, in 1-based lines:
// head is its first line (the first of the comment lines directly above the
// key, which belong to it), key the key's line and last the last line of its
// value. A comment directly above an entry, with no blank line between and
// indented at least as deep as the key, documents that entry: removing the
// entry removes it, replacing the entry keeps it.
type blockLines struct{ head, key, last int }

// blockEntry finds the lines of the entry whose key is k and value v.
func (s *source) blockEntry(k, v *yaml.Node) blockLines {
	col := k.Column - 1
	// An indentless sequence puts its dashes at the key's column.
	indentless := v != nil && v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && v.Column == k.Column
	b := blockLines{head: k.Line, key: k.Line}
	b.last = s.lastLine(k.Line, col, func(rest []byte) bool { return indentless && isDash(rest) })
	if !s.firstOnLine(k) {
		return b
	}
	for l := k.Line - 1; l >= 1; l-- {
		kind, ind := s.classify(l)
		if kind != commentLine || ind < col {
			break
		}
		b.head = l
	}
	return b
}

// lastLine is the last line of a block that starts on line first: the lines
// after it indented deeper than col (comments included, blank lines
// skipped), and those at col for which atCol, given the line from col on,
// reports true.
func (s *source) lastLine(first, col int, atCol func(rest []byte) bool) int {
	last := first
	for l := first + 1; l <= s.lineCount(); l++ {
		kind, ind := s.classify(l)
		switch {
		case kind == blankLine:
			continue
		case kind == commentLine:
			if ind > col {
				last = l
			}
			continue
		case ind > col || ind == col && atCol(s.text(l)[ind:]):
			last = l
			continue
		}
		break
	}
	return last
}

// blankAbove is the first of the blank lines directly above line, or line
// where the line above is not blank.
func (s *source) blankAbove(line int) int {
	for line > 1 {
		if kind, _ := s.classify(line - 1); kind != blankLine {
			break
		}
		line--
	}
	return line
}

// blankBelow is the first line after line that is not blank, or
// lineCount()+1 where only blank lines follow.
func (s *source) blankBelow(line int) int {
	line++
	for line <= s.lineCount() {
		if kind, _ := s.classify(line); kind != blankLine {
			break
		}
		line++
	}
	return line
}

func isDash(t []byte) bool {
	return len(t) > 0 && t[0] == '-' && (len(t) == 1 || t[1] == ' ' || t[1] == '\r')
}

// firstOnLine reports whether only spaces precede a node on its line.
func (s *source) firstOnLine(n *yaml.Node) bool {
	return len(bytes.Trim(s.src[s.start(n.Line):s.off(n)], " ")) == 0
}

// indentOf is the leading whitespace of a line.
func (s *source) indentOf(line int) string {
	t := s.text(line)
	return string(t[:len(t)-len(bytes.TrimLeft(t, " \t"))])
}

// jsonEnd is the offset just past the JSON value that starts at off.
func (s *source) jsonEnd(off int) int {
	src := s.src
	depth := 0
	for i := off; i < len(src); i++ {
		switch c := src[i]; c {
		case '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
			if depth < 0 {
				return i
			}
		case ',', ' ', '\t', '\r', '\n':
			if depth == 0 {
				return i
			}
		}
	}
	return len(src)
}
