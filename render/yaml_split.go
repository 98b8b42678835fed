package render

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// yaml.v3 reads about 20 MB a second, and an edit reads its template twice
// (the file, then the edited text to verify it), so on a large template
// reading is most of the time an edit takes. A large template is nearly all
// one block mapping, Resources, and such a template reads as two documents
// at once: the text before one of its entries, and "Resources:" followed by
// the text from that entry on. decodeYAML joins the two trees into the one
// that reading the whole text gives (the same nodes, positions and
// comments), and reads the whole text where anything could make the two
// differ: no such entry line, a second document, an alias to an anchor of
// the other half, a line break yaml.v3 knows but a count of '\n' does not,
// or either half failing to read (the whole text then gives the error and
// its position).

// splitMin is the smallest template read in two halves: below it, starting
// a second reader costs about what it saves.
const splitMin = 128 << 10

// resourcesLine is the text that the second half starts with.
const resourcesLine = "Resources:\n"

// decodeYAML reads the first YAML document of src, and the start of a
// second document (extra) if src has one.
func decodeYAML(src []byte) (doc, extra *yaml.Node, err error) {
	if len(src) >= splitMin && runtime.GOMAXPROCS(0) > 1 {
		if at := nearest(splitPoints(src), len(src)/2); at > 0 {
			if doc := decodeSplit(src, at); doc != nil {
				return doc, nil, nil
			}
		}
	}
	return decodeReader(bytes.NewReader(src))
}

// decodeReader reads the first YAML document of r, and the start of a second
// one if r has one.
func decodeReader(r io.Reader) (doc, extra *yaml.Node, err error) {
	dec := yaml.NewDecoder(r)
	doc = new(yaml.Node)
	if err := dec.Decode(doc); err != nil {
		return nil, nil, err
	}
	var next yaml.Node
	if dec.Decode(&next) == nil {
		return doc, &next, nil
	}
	return doc, nil, nil
}

// decodeSplit reads src as the two documents split at the entry line at,
// each in its own goroutine, and joins them; it returns nil where the two do
// not make one template (the whole text is then read instead).
func decodeSplit(src []byte, at int) *yaml.Node {
	var (
		first, firstExtra *yaml.Node
		firstErr          error
		wg                sync.WaitGroup
	)
	wg.Go(func() { first, firstExtra, firstErr = decodeReader(bytes.NewReader(src[:at])) })
	second, secondExtra, secondErr := decodeReader(io.MultiReader(strings.NewReader(resourcesLine), bytes.NewReader(src[at:])))
	wg.Wait()
	if firstErr != nil || secondErr != nil || firstExtra != nil || secondExtra != nil {
		return nil
	}
	top, rest := docMapping(first), docMapping(second)
	if top == nil || rest == nil || len(top.Content) < 2 || len(rest.Content) < 2 {
		return nil
	}
	key, res := top.Content[len(top.Content)-2], top.Content[len(top.Content)-1]
	key2, res2 := rest.Content[0], rest.Content[1]
	if key.Value != "Resources" || key2.Value != "Resources" || !blockMapping(res) || !blockMapping(res2) {
		return nil
	}
	// The second document's line 2 is the line at at.
	shiftLines(second, bytes.Count(src[:at], []byte("\n"))-1)
	// yaml.v3 gives a block mapping's foot comment to its last key: the
	// comments after the last entry of Resources are the second half's.
	res.Content = append(res.Content, res2.Content...)
	key.FootComment = key2.FootComment
	top.Content = append(top.Content, rest.Content[2:]...)
	first.FootComment = second.FootComment
	return first
}

// docMapping is the top-level mapping of a document, or nil.
func docMapping(doc *yaml.Node) *yaml.Node {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	return doc.Content[0]
}

func blockMapping(n *yaml.Node) bool {
	return n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 && n.Tag == "!!map" && n.Anchor == ""
}

// shiftLines moves every node of the tree n by delta lines.
func shiftLines(n *yaml.Node, delta int) {
	n.Line += delta
	for _, c := range n.Content {
		shiftLines(c, delta)
	}
}

// splitPoints are the offsets in src of the lines at which src reads as
// two documents: the lines of a block Resources mapping at the indentation
// of its entries that start a plain key, after another entry and with no
// comment since the line of content before it (yaml.v3 gives such a comment
// to one entry or the other); none where src has a line break yaml.v3 counts
// but a count of '\n' does not (a lone '\r', NEL, LS, PS). A line at the
// entries' indentation ends every block scalar, plain scalar and nested
// block of the entry before it; a quoted scalar or flow collection still
// open there leaves the first half unreadable, and a document marker
// makes one half two documents, so decodeSplit refuses both.
func splitPoints(src []byte) []int {
	if bytes.Contains(src, []byte("\u0085")) || bytes.Contains(src, []byte("\u2028")) || bytes.Contains(src, []byte("\u2029")) {
		return nil
	}
	const (
		before  = iota // Resources not yet found
		first          // the line after "Resources:"
		entries        // in the Resources mapping
		after          // past it
	)
	var at []int
	state, indent, seen, comment := before, 0, false, false
	for off := 0; off < len(src) && state != after; {
		next := len(src)
		if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		line := bytes.TrimSuffix(bytes.TrimSuffix(src[off:next], []byte("\n")), []byte("\r"))
		if bytes.IndexByte(line, '\r') >= 0 {
			return nil
		}
		text := bytes.TrimLeft(line, " ")
		sp := len(line) - len(text)
		switch {
		case len(bytes.TrimSpace(text)) == 0:
			off = next
			continue
		case text[0] == '#':
			comment = true
			off = next
			continue
		case sp == 0 && state == before && isResourcesLine(text):
			state = first
		case sp == 0 && state != before:
			state = after
		case state == first:
			if !keyStart(text) {
				return nil
			}
			state, indent = entries, sp
		case state == entries && sp < indent:
			return nil
		case state == entries && sp == indent:
			if !keyStart(text) {
				return nil
			}
			if seen && !comment {
				at = append(at, off)
			}
			seen = true
		}
		comment = false
		off = next
	}
	return at
}

// nearest is the offset of at nearest to mid, or 0 where at is empty.
func nearest(at []int, mid int) int {
	best := 0
	for _, a := range at {
		if best == 0 || absDiff(a, mid) < absDiff(best, mid) {
			best = a
		}
	}
	return best
}

// isResourcesLine reports whether a line at column 0 is "Resources:" with
// its value on the lines below.
func isResourcesLine(text []byte) bool {
	rest, ok := bytes.CutPrefix(text, []byte("Resources:"))
	if !ok {
		return false
	}
	value := bytes.TrimLeft(rest, " ")
	return len(value) == 0 || value[0] == '#' && len(value) < len(rest)
}

// keyStart reports whether a line starts with a plain mapping key, as a
// logical ID does.
func keyStart(text []byte) bool {
	c := text[0]
	return ('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') && bytes.IndexByte(text, ':') > 0
}

func absDiff(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}
