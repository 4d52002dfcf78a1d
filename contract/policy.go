package contract

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Policy holds the waits, retries and versions a migration follows. It comes from
// config (the migration.* keys) when a migration starts and is recorded in its
// history, so a running migration keeps the rules it started with.
type Policy struct {
	// ReminderInterval is how often a waiting migration reminds the person it waits for.
	ReminderInterval time.Duration
	// WaitDeadline ends a migration as expired when one wait for a person lasts longer.
	WaitDeadline time.Duration
	// DisclaimerVersion is the version of the disclaimers the admin must accept.
	DisclaimerVersion string
	// Activity retries: first backoff, its cap and the attempts before a step fails.
	RetryInitialInterval time.Duration
	RetryMaxInterval     time.Duration
	RetryMaxAttempts     int32
	// ActivityTimeout bounds one attempt of a Zendesk step (start-to-close).
	ActivityTimeout time.Duration
	// ContributorTimeout bounds one attempt of the contributor conversion, which pages
	// through every Sell user; HeartbeatTimeout notices a dead worker sooner.
	ContributorTimeout time.Duration
	HeartbeatTimeout   time.Duration
	// MaxHistoryEvents makes a waiting migration continue as new once its history
	// holds this many events (Temporal's own suggestion also triggers it); 0 means
	// DefaultMaxHistoryEvents.
	MaxHistoryEvents int
}

// DefaultMaxHistoryEvents is the history length at which a waiting migration
// continues as new, far below Temporal's limits, so a replay stays fast.
const DefaultMaxHistoryEvents = 2000

// MinMaxHistoryEvents is the smallest MaxHistoryEvents accepted: a run must have room
// for a wait, its reminders and the steps around it.
const MinMaxHistoryEvents = 100

// DefaultPolicy is what config falls back to.
func DefaultPolicy() Policy {
	return Policy{
		ReminderInterval:     24 * time.Hour,
		WaitDeadline:         14 * 24 * time.Hour,
		DisclaimerVersion:    "2024-01",
		RetryInitialInterval: time.Second,
		RetryMaxInterval:     time.Minute,
		RetryMaxAttempts:     20,
		ActivityTimeout:      30 * time.Second,
		ContributorTimeout:   30 * time.Minute,
		HeartbeatTimeout:     30 * time.Second,
		MaxHistoryEvents:     DefaultMaxHistoryEvents,
	}
}

// HistoryLimit is MaxHistoryEvents, or the default for policies recorded before the
// setting existed.
func (p Policy) HistoryLimit() int {
	if p.MaxHistoryEvents <= 0 {
		return DefaultMaxHistoryEvents
	}
	return p.MaxHistoryEvents
}

// Validate checks a policy; errors name the config key and the expected form.
func (p Policy) Validate() error {
	positive := []struct {
		key, example string
		d            time.Duration
	}{
		{"migration.reminder_interval", "24h (1s is a test setting)", p.ReminderInterval},
		{"migration.wait_deadline", "336h", p.WaitDeadline},
		{"migration.retry_initial_interval", "1s", p.RetryInitialInterval},
		{"migration.retry_max_interval", "1m", p.RetryMaxInterval},
		{"migration.activity_timeout", "30s", p.ActivityTimeout},
		{"migration.contributor_timeout", "30m", p.ContributorTimeout},
		{"migration.heartbeat_timeout", "30s", p.HeartbeatTimeout},
	}
	for _, f := range positive {
		if f.d <= 0 {
			return fmt.Errorf("%s must be a positive duration such as %s", f.key, f.example)
		}
	}
	switch {
	case p.ReminderInterval < time.Second:
		return fmt.Errorf("migration.reminder_interval %s must be at least 1s", p.ReminderInterval)
	case strings.TrimSpace(p.DisclaimerVersion) == "" || strings.ContainsAny(p.DisclaimerVersion, " \t\r\n"):
		return fmt.Errorf("migration.disclaimer_version %q must name the disclaimer version admins accept, without spaces, such as 2024-01", p.DisclaimerVersion)
	case !hasDisclaimerText(p.DisclaimerVersion):
		return fmt.Errorf("migration.disclaimer_version %q has no disclaimer text in this build, so no admin could read what they accept; use one of %s", p.DisclaimerVersion, strings.Join(DisclaimerVersions(), ", "))
	case p.RetryMaxInterval < p.RetryInitialInterval:
		return fmt.Errorf("migration.retry_max_interval %s must be at least migration.retry_initial_interval %s", p.RetryMaxInterval, p.RetryInitialInterval)
	case p.RetryMaxAttempts < 1:
		return fmt.Errorf("migration.retry_max_attempts %d must be at least 1", p.RetryMaxAttempts)
	case p.MaxHistoryEvents != 0 && p.MaxHistoryEvents < MinMaxHistoryEvents:
		return fmt.Errorf("migration.max_history_events %d must be at least %d (default %d)", p.MaxHistoryEvents, MinMaxHistoryEvents, DefaultMaxHistoryEvents)
	}
	return nil
}

// policyJSON is Policy on the wire: durations as Go duration strings ("24h"), so the
// Temporal Web UI and the CLI show a readable start input.
type policyJSON struct {
	ReminderInterval     Duration `json:"reminderInterval"`
	WaitDeadline         Duration `json:"waitDeadline"`
	DisclaimerVersion    string   `json:"disclaimerVersion"`
	RetryInitialInterval Duration `json:"retryInitialInterval"`
	RetryMaxInterval     Duration `json:"retryMaxInterval"`
	RetryMaxAttempts     int32    `json:"retryMaxAttempts"`
	ActivityTimeout      Duration `json:"activityTimeout"`
	ContributorTimeout   Duration `json:"contributorTimeout"`
	HeartbeatTimeout     Duration `json:"heartbeatTimeout"`
	MaxHistoryEvents     int      `json:"maxHistoryEvents,omitempty"`
}

// MarshalJSON writes durations as strings.
func (p Policy) MarshalJSON() ([]byte, error) {
	return json.Marshal(policyJSON{
		ReminderInterval: Duration(p.ReminderInterval), WaitDeadline: Duration(p.WaitDeadline),
		DisclaimerVersion:    p.DisclaimerVersion,
		RetryInitialInterval: Duration(p.RetryInitialInterval), RetryMaxInterval: Duration(p.RetryMaxInterval),
		RetryMaxAttempts: p.RetryMaxAttempts,
		ActivityTimeout:  Duration(p.ActivityTimeout), ContributorTimeout: Duration(p.ContributorTimeout),
		HeartbeatTimeout: Duration(p.HeartbeatTimeout), MaxHistoryEvents: p.MaxHistoryEvents,
	})
}

// UnmarshalJSON reads durations as strings or, as histories recorded before durations
// were strings hold them, as nanoseconds.
func (p *Policy) UnmarshalJSON(b []byte) error {
	var w policyJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = Policy{
		ReminderInterval: time.Duration(w.ReminderInterval), WaitDeadline: time.Duration(w.WaitDeadline),
		DisclaimerVersion:    w.DisclaimerVersion,
		RetryInitialInterval: time.Duration(w.RetryInitialInterval), RetryMaxInterval: time.Duration(w.RetryMaxInterval),
		RetryMaxAttempts: w.RetryMaxAttempts,
		ActivityTimeout:  time.Duration(w.ActivityTimeout), ContributorTimeout: time.Duration(w.ContributorTimeout),
		HeartbeatTimeout: time.Duration(w.HeartbeatTimeout), MaxHistoryEvents: w.MaxHistoryEvents,
	}
	return nil
}

// Duration is a time.Duration that is written to JSON as "24h0m0s" and read from
// either that form or a number of nanoseconds.
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a duration string or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, `"`) {
		var text string
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
		v, err := time.ParseDuration(text)
		if err != nil {
			return fmt.Errorf("duration %q must have a unit, e.g. 30s or 24h", text)
		}
		*d = Duration(v)
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("duration %s must be a string such as \"24h\" or a number of nanoseconds", s)
	}
	*d = Duration(n)
	return nil
}
