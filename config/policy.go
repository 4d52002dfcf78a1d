package config

import "github.com/sellmigrate/sellmigrate/workflows"

// Policy is the migration policy a new workflow records at start.
func (c Config) Policy() workflows.Policy {
	m := c.Migration
	return workflows.Policy{
		ReminderInterval:     m.ReminderInterval,
		WaitDeadline:         m.WaitDeadline,
		DisclaimerVersion:    m.DisclaimerVersion,
		RetryInitialInterval: m.RetryInitialInterval,
		RetryMaxInterval:     m.RetryMaxInterval,
		RetryMaxAttempts:     int32(m.RetryMaxAttempts),
		ActivityTimeout:      m.ActivityTimeout,
		ContributorTimeout:   m.ContributorTimeout,
		HeartbeatTimeout:     m.HeartbeatTimeout,
	}
}
