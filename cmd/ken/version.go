package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version overrides the version from the build info when set at link time
// with -ldflags "-X main.version=v1.2.3".
var version string

// toolVersion returns ken's version: the link-time version if set, else
// the module version the Go toolchain stamped (a tag, or a pseudo-version
// from the VCS commit), else "devel".
func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func (c *cli) runVersion(args []string) int {
	if len(args) != 0 {
		fmt.Fprintln(c.stderr, "usage: ken version")
		return exitUsage
	}
	fmt.Fprintf(c.stdout, "ken %s (%s %s/%s)\n", toolVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
