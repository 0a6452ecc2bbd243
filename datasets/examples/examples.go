package examples

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
)

//go:embed *.bt
var files embed.FS

// Example is one prompt/program pair.
type Example struct {
	// Name is the file name without ".bt", such as "066-tcp-retransmits";
	// it is unique within the set.
	Name string
	// Prompt is the English request from the "// prompt:" line, trimmed.
	Prompt string
	// Category is one of Categories().
	Category string
	// Program is the bpftrace program: the text after the header's
	// blank line.
	Program string
	// Source is the whole file, header included; it is itself a valid
	// bpftrace program, since the header is made of comments.
	Source string
}

// categories are the known categories, in the order Categories returns.
var categories = []string{
	"observability",
	"networking",
	"storage",
	"scheduling",
	"memory",
	"security",
	"syscalls",
	"filesystem",
}

// Categories returns the category names an example may have. The caller
// owns the returned slice.
func Categories() []string {
	return slices.Clone(categories)
}

// ErrFormat is wrapped by every error about a malformed example file.
var ErrFormat = errors.New("malformed example")

// FormatError reports what is wrong with one example file.
type FormatError struct {
	File string // the file name, such as "066-tcp-retransmits.bt"
	Line int    // the 1-based line, or 0 when the error is about the whole file
	Msg  string
}

func (e *FormatError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("examples: %s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("examples: %s: %s", e.File, e.Msg)
}

// Unwrap returns ErrFormat.
func (e *FormatError) Unwrap() error { return ErrFormat }

// loadEmbedded parses the embedded set once.
var loadEmbedded = sync.OnceValues(func() ([]Example, error) { return load(files) })

// All returns every example, sorted by name. The set is parsed and
// validated once: each file has the header, a non-empty prompt and a
// known category, and no two examples share a prompt. An error names the
// first file that breaks a rule and wraps ErrFormat. The caller owns the
// returned slice.
func All() ([]Example, error) {
	exs, err := loadEmbedded()
	if err != nil {
		return nil, err
	}
	return slices.Clone(exs), nil
}

// load parses every *.bt file at the root of fsys, in name order.
func load(fsys fs.FS) ([]Example, error) {
	names, err := fs.Glob(fsys, "*.bt")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	exs := make([]Example, 0, len(names))
	byPrompt := make(map[string]string, len(names))
	for _, file := range names {
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		ex, err := parse(strings.TrimSuffix(path.Base(file), ".bt"), src)
		if err != nil {
			return nil, err
		}
		if other, ok := byPrompt[ex.Prompt]; ok {
			return nil, &FormatError{File: file, Line: 1, Msg: fmt.Sprintf("same prompt as %s.bt", other)}
		}
		byPrompt[ex.Prompt] = ex.Name
		exs = append(exs, ex)
	}
	return exs, nil
}

// validName is the form of an example's name: a three-digit number and a
// lowercase slug.
var validName = regexp.MustCompile(`^[0-9]{3}(-[a-z0-9]+)+$`)

const (
	promptPrefix   = "// prompt:"
	categoryPrefix = "// category:"
)

// parse reads one example file; name is its file name without ".bt".
func parse(name string, src []byte) (Example, error) {
	file := name + ".bt"
	fail := func(line int, format string, args ...any) (Example, error) {
		return Example{}, &FormatError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if !validName.MatchString(name) {
		return fail(0, "the name must be NNN-slug: three digits, then lowercase words joined by '-'")
	}
	text := string(src)
	if strings.ContainsRune(text, '\r') {
		return fail(0, "line endings must be \\n")
	}
	lines := strings.SplitN(text, "\n", 4)
	header := func(i int, prefix string) (string, bool) {
		if i >= len(lines) {
			return "", false
		}
		v, ok := strings.CutPrefix(lines[i], prefix)
		return strings.TrimSpace(v), ok
	}

	prompt, ok := header(0, promptPrefix)
	if !ok {
		return fail(1, "the file must begin with a %q line", promptPrefix+" ...")
	}
	if prompt == "" {
		return fail(1, "the prompt is empty")
	}
	category, ok := header(1, categoryPrefix)
	if !ok {
		return fail(2, "the second line must be a %q line", categoryPrefix+" ...")
	}
	if !slices.Contains(categories, category) {
		return fail(2, "unknown category %q (want one of %s)", category, strings.Join(categories, ", "))
	}
	if len(lines) < 3 || lines[2] != "" {
		return fail(3, "the header must be followed by a blank line")
	}
	program := ""
	if len(lines) == 4 {
		program = lines[3]
	}
	if strings.TrimSpace(program) == "" {
		return fail(4, "no program after the header")
	}
	return Example{Name: name, Prompt: prompt, Category: category, Program: program, Source: text}, nil
}
