package deploy_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestDockerfilePinnedDistrolessNonRoot: every base image is pinned by digest (a
// retagged image cannot change what a commit builds), and the runtime is distroless
// (no shell or package manager to exploit) and runs as a non-root user.
func TestDockerfilePinnedDistrolessNonRoot(t *testing.T) {
	pinned := regexp.MustCompile(`^(--platform=\S+\s+)?\S+:[^\s@]+@sha256:[0-9a-f]{64}(\s|$)`)
	instrs := parseDockerfile(t)
	final := -1
	for i, in := range instrs {
		if in.op != "FROM" {
			continue
		}
		final = i
		if !pinned.MatchString(in.args) {
			t.Errorf("line %d: FROM %s is not pinned as image:tag@sha256:<64 hex digits>", in.line, in.args)
		}
	}
	if final < 0 {
		t.Fatalf("%s has no FROM", dockerfilePath)
	}
	if base := instrs[final].args; !strings.HasPrefix(base, "gcr.io/distroless/static") {
		t.Errorf("the runtime stage is FROM %s; want gcr.io/distroless/static (the binary is static)", base)
	}
	user := ""
	for _, in := range instrs[final:] {
		switch in.op {
		case "USER":
			user = in.args
		case "RUN":
			t.Errorf("line %d: RUN in the runtime stage; distroless has no shell to run it", in.line)
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "0" || name == "root" {
		t.Errorf("the runtime stage runs as %q; want a non-root USER such as 65532:65532 (distroless nonroot)", user)
	}
}

// TestComposeHealthchecksRunTheBinary: the image has no curl or wget, so our
// services' healthchecks run `sellmigrate probe URL`.
func TestComposeHealthchecksRunTheBinary(t *testing.T) {
	for name, s := range loadCompose(t).Services {
		if !s.ours() || s.Healthcheck == nil {
			continue
		}
		got := command(healthcheckTest(t, name))
		if len(got) != 4 || got[0] != "CMD" || got[1] != "/sellmigrate" || got[2] != "probe" || !strings.HasPrefix(got[3], "http://127.0.0.1:") {
			t.Errorf("service %s's healthcheck runs %q; want [CMD /sellmigrate probe http://127.0.0.1:PORT/...]", name, got)
		}
	}
}
