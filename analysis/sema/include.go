package sema

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/syntax"
	"golang.org/x/sys/unix"
)

// checkInclude reports an #include that bpftrace's C parser would not
// find on this machine. It runs only with Config.HostFiles, since headers
// are a property of the machine, not of the program.
func (c *checker) checkInclude(d *syntax.Directive, arg string) {
	if !c.cfg.HostFiles || c.quiet {
		return
	}
	arg = strings.TrimSpace(arg)
	if len(arg) < 2 {
		return
	}
	name := arg[1 : len(arg)-1]
	var dirs []string
	switch {
	case arg[0] == '<' && arg[len(arg)-1] == '>':
		dirs = systemIncludeDirs()
	case arg[0] == '"' && arg[len(arg)-1] == '"':
		dirs = append([]string{filepath.Dir(c.src.Name)}, systemIncludeDirs()...)
	default:
		return
	}
	for _, dir := range dirs {
		if _, err := os.Stat(c.hostPath(filepath.Join(dir, name))); err == nil {
			return
		}
	}
	msg := "'%s' is not found in the include paths of this machine"
	if strings.HasPrefix(name, "linux/") || strings.HasPrefix(name, "net/") || strings.HasPrefix(name, "uapi/") {
		msg += "; install the kernel headers, or drop the #include: bpftrace takes kernel types from BTF"
	}
	c.report(newDiag(diag.Error, span(d), CodeNoSuchFile, msg, name))
}

// hostPath maps an absolute path of the machine bpftrace runs on to the
// path ken can read it at.
func (c *checker) hostPath(path string) string {
	if c.cfg.HostRoot == "" {
		return path
	}
	return filepath.Join(c.cfg.HostRoot, path)
}

// systemIncludeDirs are the directories bpftrace's C parser searches: the
// kernel's build and source trees, then the usual system directories.
func systemIncludeDirs() []string {
	var uts unix.Utsname
	release := ""
	if unix.Uname(&uts) == nil {
		release = unix.ByteSliceToString(uts.Release[:])
	}
	var dirs []string
	for _, tree := range []string{"/lib/modules/" + release + "/build", "/lib/modules/" + release + "/source"} {
		dirs = append(dirs, tree+"/include", tree+"/arch/x86/include", tree+"/include/uapi", tree+"/arch/x86/include/generated")
	}
	return append(dirs, "/usr/local/include", "/usr/include", "/usr/include/x86_64-linux-gnu")
}
