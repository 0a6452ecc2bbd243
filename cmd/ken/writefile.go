package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// writeFileAtomic replaces the content of the file at path with data so
// that a reader sees either the old or the new content, never a mix: it
// writes a temporary file in the same directory, gives it the original's
// mode (and owner, where the system allows), syncs it and renames it over
// the original. A symbolic link is followed and its target replaced. On
// failure the original is untouched and the temporary file removed.
func writeFileAtomic(path string, data []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	return replaceFile(target, data, info)
}

// writeNewFileAtomic is writeFileAtomic for a file that may not exist yet;
// a new file gets mode 0644.
func writeNewFileAtomic(path string, data []byte) error {
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return writeFileAtomic(path, data)
	}
	return replaceFile(path, data, nil)
}

// replaceFile writes data to a temporary file beside target and renames it
// over target. The file gets like's mode and owner, or mode 0644 when like
// is nil.
func replaceFile(target string, data []byte, like fs.FileInfo) (err error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".ken-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			err = fmt.Errorf("writing %s: %w", target, err)
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	if like != nil {
		keepOwner(tmp, like) // before Chmod: a change of owner may clear set-id bits
		mode = like.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}
