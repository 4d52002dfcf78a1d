// Package binaryid names this binary to the Temporal SDK by its Go build ID.
//
// Unless told otherwise, the SDK names the binary behind each workflow task (the
// worker's build ID, which Temporal records with each completed task and in the
// BuildIds search attribute) by an MD5 of the whole executable, read when the
// process's first SDK worker is created: 226 MB for the build that embeds the
// Temporal server (whose own system workers come first), about 0.35 s of CPU here,
// 0.1 s for the lean build, at every start of a worker or of `dev`. The Go linker
// already writes a hash of the binary's content into it, the last part of its build
// ID (`go tool buildid`), in a note of about a hundred bytes: that names the build as
// well, for one small read.
package binaryid

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"sync"

	"go.uber.org/zap"
)

var once sync.Once

// UseGoBuildID gives the executable's Go content ID to set (the SDK's
// worker.SetBinaryChecksum: a parameter, so that this package and its test link
// without the SDK), once per process; call it before anything in the process starts
// an SDK worker. Where the ID cannot be read (not an ELF file, no build ID) the SDK's
// MD5 stays.
func UseGoBuildID(set func(string), logger *zap.Logger) {
	if logger == nil {
		logger = zap.NewNop()
	}
	once.Do(func() {
		id, err := runningContentID()
		if err == nil {
			set(id)
			return
		}
		logger.Info("no Go build ID in this executable (not ELF, or linked with -ldflags=-buildid=); "+
			"Temporal sees the SDK's MD5 of the executable as the worker's build ID instead", zap.Error(err))
	})
}

// runningContentID reads the running image (/proc/self/exe, even if the file was
// replaced since), else the file os.Executable names.
func runningContentID() (string, error) {
	if id, err := goContentID("/proc/self/exe"); err == nil {
		return id, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the executable: %w", err)
	}
	return goContentID(exe)
}

// The section and note type the Go linker writes the build ID in (owner "Go\x00\x00").
const (
	goBuildIDSection  = ".note.go.buildid"
	goBuildIDNoteType = 4
)

// goContentID returns the last part of the Go build ID of the ELF executable at path
// (actionID/.../contentID), the hash of the binary's content.
func goContentID(path string) (string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return "", fmt.Errorf("read %s as ELF: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	sec := f.Section(goBuildIDSection)
	if sec == nil {
		return "", fmt.Errorf("%s has no %s section", path, goBuildIDSection)
	}
	data, err := sec.Data()
	if err != nil {
		return "", fmt.Errorf("read %s of %s: %w", goBuildIDSection, path, err)
	}
	id, err := parseGoBuildIDNote(data, f.ByteOrder)
	if err != nil {
		return "", fmt.Errorf("%s of %s: %w", goBuildIDSection, path, err)
	}
	parts := strings.Split(id, "/")
	content := parts[len(parts)-1]
	if len(parts) < 2 || content == "" {
		return "", fmt.Errorf("build ID %q of %s has no content ID", id, path)
	}
	return content, nil
}

// parseGoBuildIDNote reads one ELF note: name size, descriptor size, type, the name
// padded to 4 bytes, then the descriptor (the build ID).
func parseGoBuildIDNote(data []byte, order binary.ByteOrder) (string, error) {
	if len(data) < 12 {
		return "", fmt.Errorf("note of %d bytes is too short", len(data))
	}
	// In uint64, so no size a file declares can overflow the bounds checks.
	nameSize := uint64(order.Uint32(data[0:4]))
	descSize := uint64(order.Uint32(data[4:8]))
	typ := order.Uint32(data[8:12])
	nameEnd := 12 + nameSize
	descStart := 12 + (nameSize+3)&^3
	if typ != goBuildIDNoteType || nameSize < 2 || nameEnd > uint64(len(data)) || descStart+descSize > uint64(len(data)) {
		return "", fmt.Errorf("not a Go build ID note (type %d, name %d bytes, descriptor %d bytes)", typ, nameSize, descSize)
	}
	if name := bytes.TrimRight(data[12:nameEnd], "\x00"); string(name) != "Go" {
		return "", fmt.Errorf("note's owner is %q, not Go", name)
	}
	return string(data[descStart : descStart+descSize]), nil
}
