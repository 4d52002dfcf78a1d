package deploy_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestDockerfileBuildsTheLeanBinary holds the image to the lean build: it runs the
// production roles only, so it is built with -tags lean (no embedded Temporal server, no
// Web UI), and no service of ours runs a command only the full build has.
func TestDockerfileBuildsTheLeanBinary(t *testing.T) {
	goBuild := regexp.MustCompile(`go build .*\./cmd/sellmigrate\b`)
	builds := 0
	for _, in := range parseDockerfile(t) {
		if in.op != "RUN" || !goBuild.MatchString(in.args) {
			continue
		}
		builds++
		if !regexp.MustCompile(`(^|\s)-tags[ =]lean(\s|$)`).MatchString(in.args) {
			t.Errorf("line %d builds ./cmd/sellmigrate without -tags lean: %s", in.line, in.args)
		}
	}
	if builds != 1 {
		t.Errorf("%s builds ./cmd/sellmigrate %d times, want once", dockerfilePath, builds)
	}
	for name, s := range loadCompose(t).Services {
		if !s.ours() {
			continue
		}
		if got := command(s.Command); len(got) > 0 && (got[0] == "dev" || got[0] == "bench") {
			t.Errorf("service %s runs %q, which the lean image does not have", name, strings.Join(got, " "))
		}
	}
}
