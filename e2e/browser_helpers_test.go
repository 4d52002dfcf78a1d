package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sellmigrate/sellmigrate/platform/sim/staffidp"
)

// Browser tests drive Debian's Chromium, headless, through the DevTools protocol.
const (
	chromiumEnv   = "SELLMIGRATE_CHROMIUM"    // overrides the browser's path
	updateDocsEnv = "SELLMIGRATE_UPDATE_DOCS" // "1" rewrites docs/dashboard*.png
	defaultChrome = "/usr/bin/chromium"
)

// chromiumPath finds the browser. Locally a missing browser skips the test; in CI
// (CI=true) it fails, so a broken install step cannot pass unnoticed.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv(chromiumEnv)
	if path == "" {
		path = defaultChrome
	}
	if _, err := os.Stat(path); err != nil {
		msg := fmt.Sprintf("no Chromium at %s (%v): install it with `apt-get install -y chromium` or set %s", path, err, chromiumEnv)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return path
}

// chromiumBrowser is one headless Chromium that the tabs of a test share. Starting
// one costs about 4 s of CPU here (the browser, its zygotes, GPU and network
// processes), more than most pages then ask of it, so a test starts it once.
type chromiumBrowser struct {
	ctx context.Context
}

// startChromium starts Chromium with a fresh profile, stopped when the test ends.
func startChromium(t *testing.T, chromium string) *chromiumBrowser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		// Without these, Chromium keeps calling Google's hosts, which this closed
		// network refuses.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	// The first call starts the browser and binds its life to the context it is
	// given, so it gets ctx itself (no deadline) and the wait is bounded here.
	startWithin(t, ctx, cancelBrowser, "start Chromium "+chromium)
	return &chromiumBrowser{ctx: ctx}
}

// tab is one page in a browser context of its own (the DevTools protocol's
// incognito-like profile), so no cookie or storage is shared between the tabs of a
// browser, as if each had its own Chromium.
type tab struct {
	t   *testing.T
	ctx context.Context
}

// newTab opens a tab in a new browser context, closed (and its context disposed)
// when the test ends.
func (br *chromiumBrowser) newTab(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(br.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	startWithin(t, ctx, cancel, "open a tab")
	return &tab{t: t, ctx: ctx}
}

// startWithin makes the context's first call (which creates its target, and for the
// first context the browser) and fails the test if it takes over a minute.
func startWithin(t *testing.T, ctx context.Context, cancel context.CancelFunc, what string) {
	t.Helper()
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatalf("%s: not done within 60s", what)
	}
}

// do runs steps within the timeout, failing the test with what was being done.
func (b *tab) do(what string, timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(what, err)
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) and returns its value.
func evalIn[T any](b *tab, what, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail(what, err)
	}
	return v
}

// await polls a JavaScript condition until it holds. A navigation while polling
// (a redirect chain, say) destroys the page's JavaScript context; the poll then
// starts again in the new page, within the same deadline.
func (b *tab) await(what, cond string, timeout time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		ctx, cancel := context.WithTimeout(b.ctx, left+5*time.Second)
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond,
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(left)))
		cancel()
		if err == nil {
			return
		}
		if errors.Is(err, chromedp.ErrPollingTimeout) || errors.Is(err, context.DeadlineExceeded) || time.Now().After(deadline) {
			b.fail(what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// fail stops the test, saying where the page was and what it showed.
func (b *tab) fail(what string, err error) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 3000) : ""`))
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, chromedp.ErrPollingTimeout) {
		err = fmt.Errorf("timed out: %w", err)
	}
	path := b.screenshot("failure-" + sanitize(b.t.Name()))
	b.t.Fatalf("%s: %v\npage %s (screenshot %s):\n%s", what, err, loc, path, text)
}

// signIn signs in on the dashboard's sign-in screen with a token and an email.
func (b *tab) signIn(baseURL, token, email string) {
	b.t.Helper()
	b.do("open the dashboard", 30*time.Second, chromedp.Navigate(baseURL+"/"),
		chromedp.WaitVisible(chromedp.ID("signin-token")))
	b.do("fill in the sign-in form", 30*time.Second,
		chromedp.SendKeys(chromedp.ID("signin-token"), token),
		chromedp.SendKeys(chromedp.ID("signin-email"), email),
		chromedp.Click(chromedp.ID("signin-submit")))
	b.await("the list page after signing in", `!!document.getElementById("counts") && !!document.querySelector("#role-chip[data-role]:not([data-role=''])")`, 30*time.Second)
}

// signInStaff signs in through the dashboard's Sign in button: the simulator's demo
// OIDC provider's form, then back to the dashboard with a session for that person.
func (b *tab) signInStaff(baseURL, email string) {
	b.t.Helper()
	b.do("open the dashboard", 30*time.Second, chromedp.Navigate(baseURL+"/"),
		chromedp.WaitVisible(chromedp.ID("signin-oidc")))
	b.do("follow Sign in to the provider's form", 30*time.Second,
		chromedp.Click(chromedp.ID("signin-oidc")), chromedp.WaitVisible(chromedp.ID("password")))
	b.do("sign in at the provider as "+email, 30*time.Second,
		chromedp.SetValue(chromedp.ID("email"), email),
		chromedp.SetValue(chromedp.ID("password"), staffidp.DemoPassword),
		chromedp.Submit(chromedp.ID("password")))
	b.await("the list page after signing in as "+email, `!!document.getElementById("counts") && !!document.querySelector("#role-chip[data-role]:not([data-role=''])")`, 30*time.Second)
}

// screenshot saves a full-page PNG in the artifacts directory and returns its path.
func (b *tab) screenshot(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	path := filepath.Join(screenshotDir(b.t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Errorf("save screenshot %s: %v", path, err)
		return ""
	}
	return path
}

// screenshotDir is where screenshots go: $SELLMIGRATE_ARTIFACTS_DIR when set (CI keeps
// them), else a temporary directory of the test.
func screenshotDir(t *testing.T) string {
	t.Helper()
	if dir := artifactsDir(t); dir != "" {
		return dir
	}
	return t.TempDir()
}

func sanitize(name string) string {
	out := []rune(name)
	for i, r := range out {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			out[i] = '-'
		}
	}
	return string(out)
}
