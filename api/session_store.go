package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Session is what a session cookie stands for: the principal who signed in and when
// the session ends.
type Session struct {
	Role Role
	// Name and Email are the principal's; Email is empty for role-list tokens.
	Name, Email string
	// TokenID names the credential behind the session (a token's ID, or the OIDC
	// subject's), so limits are kept per credential whichever way it signed in.
	TokenID [16]byte
	Expires time.Time
}

// SessionStore keeps the dashboard's sessions on the server, so signing out (Delete)
// ends a session at once, even for a copy of its cookie. IDs are random and secret;
// a store should keep only what it needs to find them.
type SessionStore interface {
	Put(id string, s Session) error
	// Get returns the session, or false for an unknown or expired one.
	Get(id string) (Session, bool)
	Delete(id string)
}

// sessionIDBytes is the session ID's entropy: 256 bits, so IDs cannot be guessed.
const sessionIDBytes = 32

func newSessionID() (string, error) {
	b := make([]byte, sessionIDBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("api: make a session ID: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// memorySessions is the in-process SessionStore. Sessions live as long as the
// process, and each replica has its own: several API replicas behind one address need
// sticky sessions (the README's operations part says so).
type memorySessions struct {
	mu sync.Mutex
	// byHash is keyed by the SHA-256 of the ID, so a heap dump shows no usable cookie.
	byHash map[[sha256.Size]byte]Session
	// byPrincipal lists each principal's session hashes, oldest first, so a new
	// session past maxSessionsPerPrincipal drops that principal's oldest. Entries whose
	// session is gone are dropped when the principal next signs in or at a sweep.
	byPrincipal map[[16]byte][][sha256.Size]byte
	now         func() time.Time
	lastSweep   time.Time
}

// ErrSessionsFull is Put's answer when the store holds as many sessions as it may.
var ErrSessionsFull = errors.New("too many sessions are open")

// maxSessions caps the sessions held, so sign-ins repeated with a valid token cannot
// fill the memory; far above what a team of operators opens in one TTL. It is the last
// resort: maxSessionsPerPrincipal keeps any one credential far below it.
const maxSessions = 100_000

// maxSessionsPerPrincipal caps one principal's sessions (keyed by Session.TokenID), so
// one token, even a viewer's, signing in again and again cannot fill the store and lock
// everyone else out. A new session past it ends that principal's oldest: a person has
// a few browsers, not twenty, and the one they just signed in on must work.
const maxSessionsPerPrincipal = 20

// sweepEvery is how often Put drops expired sessions: no goroutine to stop, and the
// map never holds more than the sessions begun within one TTL and one sweep interval.
const sweepEvery = time.Minute

func newMemorySessions(now func() time.Time) *memorySessions {
	return &memorySessions{byHash: map[[sha256.Size]byte]Session{}, byPrincipal: map[[16]byte][][sha256.Size]byte{}, now: now}
}

func (m *memorySessions) Put(id string, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if now.Sub(m.lastSweep) >= sweepEvery {
		m.sweepLocked(now)
	}
	// The principal's own cap first, so its oldest session makes room before the
	// global cap is looked at.
	mine := m.liveLocked(s.TokenID, now)
	for len(mine) >= maxSessionsPerPrincipal {
		delete(m.byHash, mine[0])
		mine = mine[1:]
	}
	if len(m.byHash) >= maxSessions {
		m.sweepLocked(now)
		if len(m.byHash) >= maxSessions {
			m.setLocked(s.TokenID, mine)
			return ErrSessionsFull
		}
	}
	h := sha256.Sum256([]byte(id))
	m.byHash[h] = s
	m.setLocked(s.TokenID, append(mine, h))
	return nil
}

// liveLocked is the principal's sessions still held and unexpired, oldest first; the
// expired ones are deleted on the way. Its length is at most maxSessionsPerPrincipal,
// since every Put trims it.
func (m *memorySessions) liveLocked(p [16]byte, now time.Time) [][sha256.Size]byte {
	var live [][sha256.Size]byte
	for _, h := range m.byPrincipal[p] {
		s, ok := m.byHash[h]
		if !ok {
			continue
		}
		if !now.Before(s.Expires) {
			delete(m.byHash, h)
			continue
		}
		live = append(live, h)
	}
	return live
}

func (m *memorySessions) setLocked(p [16]byte, hs [][sha256.Size]byte) {
	if len(hs) == 0 {
		delete(m.byPrincipal, p)
		return
	}
	m.byPrincipal[p] = hs
}

func (m *memorySessions) Get(id string) (Session, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := sha256.Sum256([]byte(id))
	s, ok := m.byHash[h]
	if !ok {
		return Session{}, false
	}
	if !m.now().Before(s.Expires) {
		delete(m.byHash, h)
		return Session{}, false
	}
	return s, true
}

func (m *memorySessions) Delete(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.byHash, sha256.Sum256([]byte(id)))
}

// sweepLocked drops every expired session.
func (m *memorySessions) sweepLocked(now time.Time) {
	for h, s := range m.byHash {
		if !now.Before(s.Expires) {
			delete(m.byHash, h)
		}
	}
	for p := range m.byPrincipal {
		m.setLocked(p, m.liveLocked(p, now))
	}
	m.lastSweep = now
}

// len is the number of sessions held, expired ones not yet swept included.
func (m *memorySessions) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.byHash)
}
