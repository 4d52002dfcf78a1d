package api

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// A staff sign-in in progress is kept in the browser, not on the server: the state,
// nonce and PKCE verifier are sealed (AES-256-GCM) into the short-lived cookie limited
// to /auth/callback. GET /auth/login needs no credentials, so anything it stored on
// the server would let one client (or everyone behind one proxy) fill a table and
// turn away every real sign-in; with nothing stored, beginning sign-ins costs the
// server nothing. Only a completed callback leaves a trace: its state's ID in a small
// bounded set (usedStates), so a state is good once.
//
// The key is made at start and never leaves the process: a sign-in begun on one
// replica completes on the same one, as the session it makes is kept there too (the
// README's operations part asks for sticky sessions). A restart in the middle of a
// sign-in makes the person start again, as it signs out everyone anyway.

// loginState is what the callback needs from the start of a sign-in.
type loginState struct {
	ID       string `json:"i"` // the state parameter sent to the provider
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Expires  int64  `json:"e"` // Unix seconds
}

// maxSealedState bounds the cookie value opened, so a forged one costs nothing.
const maxSealedState = 1024

type loginSealer struct{ aead cipher.AEAD }

func newLoginSealer() (*loginSealer, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("api: make the staff sign-in state key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("api: the staff sign-in state cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("api: the staff sign-in state cipher: %w", err)
	}
	return &loginSealer{aead: aead}, nil
}

// staffStateAAD binds sealed values to this use, so nothing else sealed with the key
// could pass for a sign-in state.
var staffStateAAD = []byte("sellmigrate/staff-signin-state/v1")

func (l *loginSealer) seal(st loginState) (string, error) {
	payload, err := json.Marshal(st)
	if err != nil {
		return "", fmt.Errorf("api: encode the sign-in state: %w", err)
	}
	iv := make([]byte, l.aead.NonceSize())
	if _, err := rand.Read(iv); err != nil {
		return "", fmt.Errorf("api: make the sign-in state's IV: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(l.aead.Seal(iv, iv, payload, staffStateAAD)), nil
}

var errLoginState = errors.New("the sign-in state is missing, altered or not from this server")

// open returns the sealed state; expiry is the caller's to check.
func (l *loginSealer) open(raw string) (loginState, error) {
	if len(raw) > maxSealedState {
		return loginState{}, errLoginState
	}
	sealed, err := base64.RawURLEncoding.DecodeString(raw)
	n := l.aead.NonceSize()
	if err != nil || len(sealed) < n {
		return loginState{}, errLoginState
	}
	payload, err := l.aead.Open(nil, sealed[:n], sealed[n:], staffStateAAD)
	if err != nil {
		return loginState{}, errLoginState
	}
	var st loginState
	if err := json.Unmarshal(payload, &st); err != nil || st.ID == "" || st.Nonce == "" || st.Verifier == "" {
		return loginState{}, errLoginState
	}
	return st, nil
}

// maxUsedStates bounds the used-state set. Only callbacks add to it, each with a state
// this server sealed, so it holds roughly the sign-ins completed in one staffLoginTTL.
// When full, the oldest entry goes (not a refusal, which would turn real sign-ins
// away): a state evicted early could be replayed with its cookie until it expires,
// but its code was already spent, and the provider takes a code once.
const maxUsedStates = 10000

type usedEntry struct {
	id      string
	expires time.Time
}

// usedStates remembers used state IDs until they expire. Entries are kept in the
// order they were used, in a ring, so eviction and the sweep are O(1) per entry:
// each call drops expired entries from the front only. (Use order is close to expiry
// order, as every state lives staffLoginTTL; an entry behind a later-expiring one waits
// at most that long.)
type usedStates struct {
	mu   sync.Mutex
	ids  map[string]struct{}
	ring []usedEntry // max entries, made on first use; head is the oldest
	head int
	n    int
	max  int
}

func newUsedStates(max int) *usedStates {
	return &usedStates{ids: map[string]struct{}{}, max: max}
}

// use marks the state ID used and says whether it was unused before.
func (u *usedStates) use(id string, expires, now time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.ring == nil {
		u.ring = make([]usedEntry, u.max)
	}
	for u.n > 0 && !now.Before(u.ring[u.head].expires) {
		u.popLocked()
	}
	if _, used := u.ids[id]; used {
		return false
	}
	if u.n == u.max {
		u.popLocked()
	}
	u.ring[(u.head+u.n)%u.max] = usedEntry{id: id, expires: expires}
	u.n++
	u.ids[id] = struct{}{}
	return true
}

func (u *usedStates) popLocked() {
	delete(u.ids, u.ring[u.head].id)
	u.ring[u.head] = usedEntry{}
	u.head = (u.head + 1) % u.max
	u.n--
}

func (u *usedStates) len() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.n
}
