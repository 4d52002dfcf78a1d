package binaryid

import (
	"encoding/binary"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// ownContentID is the test binary's path and the content ID goContentID reads from it.
func ownContentID(t *testing.T) (exe, id string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	id, err = goContentID(exe)
	if err != nil {
		t.Fatalf("goContentID(%s): %v", exe, err)
	}
	return exe, id
}

// The content ID read from the note is the one the Go tool reports for the binary.
func TestGoContentIDIsTheGoToolsBuildID(t *testing.T) {
	exe, got := ownContentID(t)
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Fatalf("go tool buildid %s: %v", exe, err)
	}
	parts := strings.Split(strings.TrimSpace(string(out)), "/")
	if want := parts[len(parts)-1]; got != want {
		t.Fatalf("content ID %q, the Go tool says %q", got, want)
	}
}

func TestGoBuildIDNoteRefusesOtherNotes(t *testing.T) {
	note := func(name string, typ uint32, desc string) []byte {
		b := binary.LittleEndian.AppendUint32(nil, uint32(len(name)))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(desc)))
		b = binary.LittleEndian.AppendUint32(b, typ)
		b = append(b, name...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		return append(b, desc...)
	}
	if id, err := parseGoBuildIDNote(note("Go\x00", 4, "a/b/c/d"), binary.LittleEndian); err != nil || id != "a/b/c/d" {
		t.Fatalf("a Go note: %q, %v", id, err)
	}
	for name, data := range map[string][]byte{
		"too short":      {1, 2, 3},
		"GNU's build ID": note("GNU\x00", 3, "0123456789abcdef"),
		"another type":   note("Go\x00", 1, "a/b"),
		"descriptor cut": note("Go\x00", 4, "a/b")[:17],
		"owner not Go":   note("Gx\x00", 4, "a/b"),
	} {
		if id, err := parseGoBuildIDNote(data, binary.LittleEndian); err == nil {
			t.Errorf("%s: read as %q, want an error", name, id)
		}
	}
	if _, err := goContentID("/dev/null"); err == nil {
		t.Error("goContentID(/dev/null): want an error")
	}
}

// UseGoBuildID hands the content ID to the setter once per process, however often it
// is called (the only test here that calls it: its sync.Once is the package's).
func TestUseGoBuildIDSetsTheContentIDOnce(t *testing.T) {
	_, want := ownContentID(t)
	var got []string
	set := func(id string) { got = append(got, id) }
	UseGoBuildID(set, nil)
	UseGoBuildID(set, nil)
	if len(got) != 1 || got[0] != want {
		t.Fatalf("set got %q, want [%q] once", got, want)
	}
}
