package render_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsdesign/wsdesign/render"
)

// badInputs are the malformed templates of testdata/bad, with where each
// problem is and what the error must say.
var badInputs = []struct {
	file      string
	line, col int
	reason    string
}{
	{"unclosed-flow.yaml", 5, 7, "invalid YAML: did not find expected ',' or ']'"},
	{"bad-indent.yaml", 4, 4, "invalid YAML: did not find expected key"},
	{"unterminated-quote.yaml", 4, 5, "invalid YAML: found unexpected end of stream"},
	{"tab-indent.yaml", 4, 1, "tab character"},
	{"colon-in-value.yaml", 4, 59, "invalid YAML: mapping values are not allowed in this context"},
	{"reserved-character.yaml", 5, 13, "invalid YAML: found character that cannot start any token"},
	{"trailing-comma.json", 5, 5, "invalid JSON: invalid character '}'"},
	{"unclosed.json", 6, 4, "invalid JSON: the file ends before every { and [ is closed"},
	{"duplicate-key.json", 4, 5, `duplicate key "Api" (first at line 3)`},
	{"duplicate-key.yaml", 6, 7, `duplicate key "Name" (first at line 5)`},
	{"not-template-list.yaml", 1, 1, "not a CloudFormation template: the top level must be a mapping"},
	{"not-template-mapping.yaml", 1, 1, "not a CloudFormation template: no Resources section"},
	{"resources-not-mapping.yaml", 2, 3, "Resources must be a mapping"},
	{"empty.yaml", 1, 1, "the file is empty"},
	{"blank.yaml", 1, 1, "the file is empty"},
	{"unknown-tag.yaml", 5, 13, "unknown tag !Reff"},
	{"alias-bomb.yaml", 5, 26, "YAML aliases expand to too many nodes"},
	{"two-documents.yaml", 4, 1, "a template is one YAML document"},
	{"latin1.yaml", 5, 16, "not UTF-8 text"},
	{"python-tag.yaml", 5, 13, "unknown tag !!python/object:os.system"},
	{"ref-mapping.yaml", 5, 14, "!Ref takes a name (a logical ID or a parameter), not a mapping"},
	{"merge-scalar.yaml", 5, 12, "a YAML merge key (<<) takes a mapping or a list of mappings"},
}

func checkError(t *testing.T, err error, file string, line, col int, reason string) {
	t.Helper()
	var e *render.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want a *render.Error", err, err)
	}
	if e.File != file || e.Line != line || e.Col != col {
		t.Errorf("position %s, want %s:%d:%d", e.Pos, file, line, col)
	}
	if !strings.Contains(e.Msg, reason) {
		t.Errorf("message %q does not say %q", e.Msg, reason)
	}
	if !strings.HasPrefix(err.Error(), e.Pos.String()+": ") {
		t.Errorf("%q does not start with file:line:col", err.Error())
	}
}

func TestParseBadInput(t *testing.T) {
	for _, c := range badInputs {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join("testdata", "bad", c.file)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = render.Load(path)
			checkError(t, err, path, c.line, c.col, c.reason)
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Error("the file changed")
			}
		})
	}
	t.Run("binary", func(t *testing.T) {
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
		_, err := render.Parse("logo.png", png)
		checkError(t, err, "logo.png", 1, 1, "not UTF-8 text")
		_, err = render.Parse("data.bin", []byte("Resources:\n  A: \x00\x01"))
		checkError(t, err, "data.bin", 2, 6, "not a text file")
	})
	t.Run("50MB", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "huge.yaml")
		line := []byte("# " + strings.Repeat("x", 1021) + "\n")
		huge := bytes.Repeat(line, 50<<10)
		if err := os.WriteFile(path, huge, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := render.Load(path)
		checkError(t, err, path, 1, 1, "the file is 50.0 MiB; a template may be at most 4.0 MiB")
		_, err = render.Parse(path, huge)
		checkError(t, err, path, 1, 1, "the file is 50.0 MiB")
	})
}
