package sema

import (
	"debug/elf"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"

	"github.com/kenlsp/ken/analysis/syntax"
)

// checkUprobeArgs reports args in a uprobe whose binary has no DWARF
// debug information on this machine: bpftrace takes a uprobe's args from
// DWARF and gives up without it. It only runs for this machine's files.
func (c *checker) checkUprobeArgs(x *syntax.Ident) {
	if !c.cfg.HostFiles || c.quiet || c.probe == nil {
		return
	}
	for i, ap := range c.probe.info.Decl.AttachPoints {
		kind := c.probe.info.Kinds[i]
		if (kind != "uprobe" && kind != "uretprobe") || len(ap.Parts) < 2 {
			continue
		}
		path := strings.Trim(ap.Parts[0], `"`)
		if !filepath.IsAbs(path) || hasWildcard(path) {
			continue
		}
		if has, known := c.hasDWARF(path); known && !has {
			c.errorf(x, CodeBuiltinProbeKind, "args in a uprobe needs DWARF debug information for %s, which this machine lacks; use arg0, arg1... or install its debug symbols", path)
			return
		}
	}
}

// hasDWARF reports whether the ELF file at path carries DWARF, in itself
// or in a separate file under /usr/lib/debug found by its build ID; known
// is false when the file cannot be read as ELF.
func (c *checker) hasDWARF(path string) (has, known bool) {
	f, err := elf.Open(c.hostPath(path))
	if err != nil {
		return false, false
	}
	defer f.Close()
	if f.Section(".debug_info") != nil {
		return true, true
	}
	if id := buildID(f); id != "" && len(id) > 2 {
		debug := filepath.Join("/usr/lib/debug/.build-id", id[:2], id[2:]+".debug")
		if _, err := os.Stat(c.hostPath(debug)); err == nil {
			return true, true
		}
	}
	return false, true
}

// buildID returns the hex GNU build ID of an ELF file, or "".
func buildID(f *elf.File) string {
	s := f.Section(".note.gnu.build-id")
	if s == nil {
		return ""
	}
	data, err := s.Data()
	// An ELF note: namesz, descsz, type (4 bytes each), "GNU\0", then the ID.
	if err != nil || len(data) < 16 {
		return ""
	}
	return hex.EncodeToString(data[16:])
}
