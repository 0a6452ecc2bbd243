//go:build !unix

package compile

import (
	"os"
	"os/exec"
)

// killGroupOnCancel keeps exec's default on systems without process
// groups: the process itself is killed when the context is done.
func killGroupOnCancel(cmd *exec.Cmd) (stop func()) { return func() {} }

// signalOf names the signal that ended the process; there are none here.
func signalOf(*os.ProcessState) string { return "" }
