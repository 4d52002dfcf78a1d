// Package simsignin signs a Zendesk account owner in through the owner login page, as
// a person in a browser would, against the Zendesk simulator only: it follows the
// owner login link to the simulator's OAuth sign-in form, posts the email and password,
// and follows Zendesk's redirect back to the API, which stores the grant and sends the
// owner-login input. Demos, the benchmark and tests use it; a real owner signs in in
// their own browser, and no password is ever posted to a page that does not carry the
// simulator's marker header.
package simsignin

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// maxPage bounds how much of a page is read.
const maxPage = 1 << 20

// Result is where the sign-in ended: the dashboard's page of the migration.
type Result struct {
	// Dashboard is the API's redirect after an accepted login (/#/migrations/ID?ownerLogin=ok).
	Dashboard string
}

// RefusedError is a page of the API or the simulator that refused the sign-in; Page is
// its text without markup.
type RefusedError struct {
	Status int
	Page   string
}

func (e *RefusedError) Error() string {
	if e.Status >= 400 {
		return fmt.Sprintf("the owner login was refused (HTTP %d): %s", e.Status, e.Page)
	}
	return "the owner login was refused: " + e.Page
}

// ErrNotSimulator is returned before any password is sent when the sign-in page is not
// the simulator's.
var ErrNotSimulator = errors.New("the sign-in page is not the Zendesk simulator's")

// OwnerLogin opens link (the API's /oauth/owner-login?migration=ID) and signs in as
// email with password. client may be nil; its cookie jar and redirect policy are
// replaced on a copy.
func OwnerLogin(ctx context.Context, client *http.Client, link, email, password string) (Result, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Timeout: 30 * time.Second, Jar: jar}
	if client != nil {
		c.Transport = client.Transport
	}
	var accepted string
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("more than 10 redirects")
		}
		if strings.Contains(req.URL.Fragment, "ownerLogin=ok") || strings.Contains(req.URL.RawQuery, "ownerLogin=ok") {
			accepted = req.URL.String()
			return http.ErrUseLastResponse
		}
		return nil
	}
	page, resp, err := get(ctx, c, link)
	if err != nil {
		return Result{}, err
	}
	if resp.Header.Get(sim.SimulatorHeader) == "" {
		if resp.StatusCode >= 400 {
			return Result{}, &RefusedError{Status: resp.StatusCode, Page: text(page)}
		}
		return Result{}, fmt.Errorf("%w (%s): sign the owner in with a browser at %s instead", ErrNotSimulator, resp.Request.URL.Redacted(), link)
	}
	action, fields, err := signInForm(page, resp.Request.URL)
	if err != nil {
		return Result{}, err
	}
	fields.Set("email", email)
	fields.Set("password", password)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, action, strings.NewReader(fields.Encode()))
	if err != nil {
		return Result{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = c.Do(req)
	if err != nil {
		return Result{}, fmt.Errorf("post the sign-in form to %s: %w", action, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxPage))
	if accepted != "" {
		return Result{Dashboard: accepted}, nil
	}
	return Result{}, &RefusedError{Status: resp.StatusCode, Page: text(body)}
}

func get(ctx context.Context, c *http.Client, link string) ([]byte, *http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("owner login link %q: %w", link, err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("open the owner login link %s: %w", link, err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(io.LimitReader(resp.Body, maxPage))
	return page, resp, err
}

var (
	formTag   = regexp.MustCompile(`(?is)<form[^>]*\baction="([^"]*)"`)
	hiddenTag = regexp.MustCompile(`(?is)<input[^>]*type="hidden"[^>]*>`)
	nameAttr  = regexp.MustCompile(`(?is)\bname="([^"]*)"`)
	valueAttr = regexp.MustCompile(`(?is)\bvalue="([^"]*)"`)
)

// signInForm reads the sign-in form's target and hidden fields.
func signInForm(page []byte, base *url.URL) (string, url.Values, error) {
	m := formTag.FindSubmatch(page)
	if m == nil {
		return "", nil, fmt.Errorf("the simulator's sign-in page at %s has no form: %s", base.Redacted(), text(page))
	}
	action, err := base.Parse(html.UnescapeString(string(m[1])))
	if err != nil {
		return "", nil, fmt.Errorf("the sign-in form's action %q: %w", m[1], err)
	}
	fields := url.Values{}
	for _, tag := range hiddenTag.FindAll(page, -1) {
		name, value := nameAttr.FindSubmatch(tag), valueAttr.FindSubmatch(tag)
		if name == nil {
			continue
		}
		v := ""
		if value != nil {
			v = html.UnescapeString(string(value[1]))
		}
		fields.Set(html.UnescapeString(string(name[1])), v)
	}
	return action.String(), fields, nil
}

var (
	scriptOrStyle = regexp.MustCompile(`(?is)<(script|style)[^>]*>.*?</(script|style)>`)
	anyTag        = regexp.MustCompile(`(?s)<[^>]*>`)
	spaces        = regexp.MustCompile(`\s+`)
	heading       = regexp.MustCompile(`(?is)<h1[^>]*>(.*?)</h1>`)
	alert         = regexp.MustCompile(`(?is)<[a-z]+[^>]*role="alert"[^>]*>(.*?)</`)
	paragraph     = regexp.MustCompile(`(?is)<p[^>]*>(.*?)</p>`)
)

// text is what a page says, for an error message: its heading, then its alert (the
// sign-in form's complaint) or else its paragraphs (the API's reason and advice);
// a page without a heading is given whole, without markup.
func text(page []byte) string {
	h := heading.FindSubmatch(page)
	if h == nil {
		return clip(plain(string(scriptOrStyle.ReplaceAll(page, nil))))
	}
	var parts []string
	if a := alert.FindSubmatch(page); a != nil {
		parts = append(parts, plain(string(a[1])))
	} else {
		for _, m := range paragraph.FindAllSubmatch(page, -1) {
			parts = append(parts, plain(string(m[1])))
		}
	}
	return clip(plain(string(h[1])) + ": " + strings.Join(parts, " "))
}

func plain(s string) string {
	return strings.TrimSpace(spaces.ReplaceAllString(html.UnescapeString(anyTag.ReplaceAllString(s, " ")), " "))
}

func clip(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}
