// Package dialect knows which bpftrace version a program is written for and
// which language features each version has.
package dialect

import (
	"fmt"
	"regexp"
	"strconv"
)

// Version is a bpftrace release, compared by major, minor and patch.
type Version struct {
	Major, Minor, Patch int
}

// Oldest and Newest bound the bpftrace versions ken models. Versions outside
// the range are clamped to it.
var (
	Oldest = Version{0, 17, 0}
	Newest = Version{0, 26, 0}
)

// V returns the version major.minor.0.
func V(major, minor int) Version { return Version{Major: major, Minor: minor} }

// Less reports whether v is an older release than w.
func (v Version) Less(w Version) bool {
	if v.Major != w.Major {
		return v.Major < w.Major
	}
	if v.Minor != w.Minor {
		return v.Minor < w.Minor
	}
	return v.Patch < w.Patch
}

// AtLeast reports whether v is w or newer.
func (v Version) AtLeast(w Version) bool { return !v.Less(w) }

// IsZero reports whether v is the unset version.
func (v Version) IsZero() bool { return v == Version{} }

// String formats v as "0.23" or, with a patch level, "0.23.2".
func (v Version) String() string {
	if v.Patch == 0 {
		return fmt.Sprintf("%d.%d", v.Major, v.Minor)
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// Clamp returns v limited to the range ken models; the zero version means
// Newest.
func (v Version) Clamp() Version {
	switch {
	case v.IsZero(), Newest.Less(v):
		return Newest
	case v.Less(Oldest):
		return Oldest
	}
	return v
}

var versionPattern = regexp.MustCompile(`v?(\d+)\.(\d+)(?:\.(\d+))?`)

// Parse reads a version from text such as "0.23", "v0.23.2" or the output of
// "bpftrace --version" ("bpftrace v0.23.2").
func Parse(text string) (Version, error) {
	m := versionPattern.FindStringSubmatch(text)
	if m == nil {
		return Version{}, fmt.Errorf("no bpftrace version in %q", text)
	}
	var v Version
	v.Major, _ = strconv.Atoi(m[1])
	v.Minor, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		v.Patch, _ = strconv.Atoi(m[3])
	}
	return v, nil
}
