package contract

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"path"
	"strings"
)

// The text of every disclaimer version ships in the binary, one file per version
// (disclaimers/VERSION.txt), so the dashboard, the API, the CLI and the workflow all
// read the same words without a server or a network call. A published version's text
// must never change: migrations record the SHA-256 of what the admin accepted, and a
// test pins each hash. New wording is a new version file. A paragraph is one line, so
// the dashboard and a terminal wrap it at their own width.
//
//go:embed disclaimers/*.txt
var disclaimerFiles embed.FS

// Disclaimer is the text of one disclaimer version and its SHA-256, the fingerprint a
// migration records when the admin accepts it.
type Disclaimer struct {
	Version string `json:"version"`
	Text    string `json:"text"`
	// SHA256 is the hex SHA-256 of Text, exactly as embedded.
	SHA256 string `json:"sha256"`
}

// disclaimers holds every embedded version, oldest first; read once, never written
// after. A slice, not a map: the workflow reads it, and must read it in the same order
// on every replay.
var disclaimers = loadDisclaimers()

// loadDisclaimers reads the embedded files. The files are part of the binary, so a
// problem here is a build mistake: it panics at start rather than let a migration
// record the hash of an empty or misnamed text.
func loadDisclaimers() []Disclaimer {
	entries, err := disclaimerFiles.ReadDir("disclaimers")
	if err != nil {
		panic(fmt.Sprintf("read the embedded disclaimers: %v", err))
	}
	// ReadDir sorts by file name, so versions named by date come oldest first.
	out := make([]Disclaimer, 0, len(entries))
	for _, e := range entries {
		version := strings.TrimSuffix(e.Name(), ".txt")
		b, err := disclaimerFiles.ReadFile(path.Join("disclaimers", e.Name()))
		if err != nil {
			panic(fmt.Sprintf("read the embedded disclaimers %s: %v", e.Name(), err))
		}
		if strings.TrimSpace(string(b)) == "" || strings.ContainsAny(version, " \t\r\n") {
			panic(fmt.Sprintf("embedded disclaimers %s: a version file needs text and a name without spaces", e.Name()))
		}
		sum := sha256.Sum256(b)
		out = append(out, Disclaimer{Version: version, Text: string(b), SHA256: hex.EncodeToString(sum[:])})
	}
	return out
}

// DisclaimerVersions lists the versions this build has the text of, oldest first.
func DisclaimerVersions() []string {
	out := make([]string, len(disclaimers))
	for i, d := range disclaimers {
		out[i] = d.Version
	}
	return out
}

// UnknownDisclaimerError is a disclaimer version this build has no text for.
type UnknownDisclaimerError struct {
	Version string
}

func (e *UnknownDisclaimerError) Error() string {
	return fmt.Sprintf("disclaimer version %q has no text in this build; the versions are %s", e.Version, strings.Join(DisclaimerVersions(), ", "))
}

// LookupDisclaimer returns the text of a version; an unknown one is an
// *UnknownDisclaimerError that lists the versions there are.
func LookupDisclaimer(version string) (Disclaimer, error) {
	for _, d := range disclaimers {
		if d.Version == version {
			return d, nil
		}
	}
	return Disclaimer{}, &UnknownDisclaimerError{Version: version}
}

// IsSHA256 says whether s is a hex SHA-256 as Disclaimer.SHA256 writes it: 64
// lowercase hex digits.
func IsSHA256(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// disclaimerExampleSHA256 is the hash of the default policy's version, the example
// the CLI's help and the OpenAPI document show.
func disclaimerExampleSHA256() string {
	d, _ := LookupDisclaimer(DefaultPolicy().DisclaimerVersion) // TestDefaultPolicyVersionHasReadableText pins that it exists
	return d.SHA256
}

func hasDisclaimerText(version string) bool {
	_, err := LookupDisclaimer(version)
	return err == nil
}
