package contract

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strings"
)

// The text of every disclaimer version ships in the binary, one file per version
// (disclaimers/VERSION.txt), so the dashboard, the API, the CLI and the workflow all
// read the same words without a server or a network call. A published version's text
// must never change: migrations record the SHA-256 of what the admin accepted, and a
// test pins each hash. New wording is a new version file.
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

// disclaimers holds every embedded version by name; read once, never written after.
var disclaimers = loadDisclaimers()

// loadDisclaimers reads the embedded files. The files are part of the binary, so a
// problem here is a build mistake: it panics at start rather than let a migration
// record the hash of an empty or misnamed text.
func loadDisclaimers() map[string]Disclaimer {
	entries, err := disclaimerFiles.ReadDir("disclaimers")
	if err != nil {
		panic(fmt.Sprintf("read the embedded disclaimers: %v", err))
	}
	out := map[string]Disclaimer{}
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
		out[version] = Disclaimer{Version: version, Text: string(b), SHA256: hex.EncodeToString(sum[:])}
	}
	return out
}

// DisclaimerVersions lists the versions this build has the text of, oldest first.
func DisclaimerVersions() []string {
	out := make([]string, 0, len(disclaimers))
	for v := range disclaimers {
		out = append(out, v)
	}
	slices.Sort(out)
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
	d, ok := disclaimers[version]
	if !ok {
		return Disclaimer{}, &UnknownDisclaimerError{Version: version}
	}
	return d, nil
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
	return disclaimers[DefaultPolicy().DisclaimerVersion].SHA256
}

func hasDisclaimerText(version string) bool {
	_, ok := disclaimers[version]
	return ok
}
