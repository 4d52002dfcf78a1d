package ownerlink

import (
	"bytes"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func testSigner(t *testing.T, fill byte) *Signer {
	t.Helper()
	s, err := New(bytes.Repeat([]byte{fill}, KeySize), 72*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLinkVerifiesUntilItExpires(t *testing.T) {
	s := testSigner(t, 1)
	now := time.Unix(1_800_000_000, 0)
	link, exp := s.Link("https://sm.example.com/", "sell-migration-1002", now)
	if !strings.HasPrefix(link, "https://sm.example.com/oauth/owner-login?") {
		t.Fatalf("link %q", link)
	}
	if want := now.Add(72 * time.Hour); !exp.Equal(want) {
		t.Fatalf("expires %v, want %v", exp, want)
	}
	u, _ := url.Parse(link)
	q := u.Query()
	if q.Get("migration") != "sell-migration-1002" || q.Get("exp") != strconv.FormatInt(exp.Unix(), 10) {
		t.Fatalf("query %v", q)
	}
	for _, at := range []time.Time{now, exp.Add(-time.Second)} {
		if _, err := s.Verify("sell-migration-1002", q, at); err != nil {
			t.Errorf("at %v: %v", at, err)
		}
	}
	for _, at := range []time.Time{exp, exp.Add(time.Hour)} {
		if _, err := s.Verify("sell-migration-1002", q, at); !errors.Is(err, ErrExpired) {
			t.Errorf("at %v: %v, want ErrExpired", at, err)
		}
	}
}

func TestTamperedLinksAreRefused(t *testing.T) {
	s := testSigner(t, 1)
	now := time.Unix(1_800_000_000, 0)
	good, _ := s.Query("sell-migration-1002", now)
	with := func(k, v string) url.Values {
		q := url.Values{}
		for name, vs := range good {
			q[name] = append([]string(nil), vs...)
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	later := strconv.FormatInt(now.Add(1000*time.Hour).Unix(), 10)
	flipped := []byte(good.Get("sig"))
	flipped[3] ^= 'A' ^ 'B'
	cases := []struct {
		name string
		wf   string
		q    url.Values
		want error
	}{
		{"no signature", "sell-migration-1002", with("sig", ""), ErrMissing},
		{"no expiry", "sell-migration-1002", with("exp", ""), ErrMissing},
		{"expiry pushed back", "sell-migration-1002", with("exp", later), ErrInvalid},
		{"signature altered", "sell-migration-1002", with("sig", string(flipped)), ErrInvalid},
		{"signature not base64", "sell-migration-1002", with("sig", "!!!"), ErrInvalid},
		{"expiry not a number", "sell-migration-1002", with("exp", "soon"), ErrInvalid},
		{"another migration", "sell-migration-1003", good, ErrInvalid},
	}
	for _, c := range cases {
		if _, err := s.Verify(c.wf, c.q, now); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if _, err := testSigner(t, 2).Verify("sell-migration-1002", good, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("another key: %v, want ErrInvalid", err)
	}
}

func TestKeysAndLifetimesAreChecked(t *testing.T) {
	if _, err := New(make([]byte, 16), time.Hour); err == nil {
		t.Error("a 16-byte key was accepted")
	}
	if _, err := New(make([]byte, KeySize), 0); err == nil {
		t.Error("a zero lifetime was accepted")
	}
	if _, err := ParseKey("c2hvcnQ="); err == nil || !strings.Contains(err.Error(), "openssl rand -base64 32") {
		t.Errorf("short key: %v", err)
	}
	if _, err := ParseKey("not base64!"); err == nil {
		t.Error("a key that is not base64 was accepted")
	}
	key, err := ParseKey(" AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= ")
	if err != nil || len(key) != KeySize || key[31] != 31 {
		t.Errorf("ParseKey: %v %v", key, err)
	}
}
