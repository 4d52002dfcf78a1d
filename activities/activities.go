// Package activities holds every step of a migration that touches Zendesk. Each one is
// idempotent: a retried or re-run activity never creates, links or converts twice.
package activities

import (
	"fmt"
	"strings"
	"time"

	"github.com/sellmigrate/sellmigrate/platform"
)

// Deps are what the activities need, injected by the worker.
type Deps struct {
	Platform *platform.Client
	// Credentials holds what the Support calls act with, per Zendesk account: the
	// owner's OAuth grant, the token returned when we created the account, or an API
	// token an operator added. Workflows pass only their IDs.
	Credentials Credentials
	// SellTokenTemplate gives the Sell API token of an account; "{account_id}" is replaced.
	SellTokenTemplate string
	// Clock is time.Now unless a test sets it. Activities log through
	// activity.GetLogger, so every line carries the workflow, activity and attempt.
	Clock func() time.Time
	// Notify is how reminders reach people; its zero value sends none.
	Notify Notify
}

// Activities is registered on the worker with w.RegisterActivity.
type Activities struct {
	platform          *platform.Client
	credentials       Credentials
	sellTokenTemplate string
	now               func() time.Time
	notify            Notify
}

// New checks the dependencies and builds the activities.
func New(d Deps) (*Activities, error) {
	if d.Platform == nil {
		return nil, fmt.Errorf("activities: a platform client is required")
	}
	if d.Credentials == nil {
		return nil, fmt.Errorf("activities: a credential store is required (credentials.dsn)")
	}
	if !strings.Contains(d.SellTokenTemplate, "{account_id}") {
		return nil, fmt.Errorf("activities: zendesk.sell_token_template %q must contain {account_id}, e.g. sell-demo-{account_id}", d.SellTokenTemplate)
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	return &Activities{
		platform:          d.Platform,
		credentials:       d.Credentials,
		sellTokenTemplate: d.SellTokenTemplate,
		now:               d.Clock,
		notify:            d.Notify,
	}, nil
}

func (a *Activities) sell(sellAccountID string) *platform.Sell {
	return a.platform.Sell(strings.ReplaceAll(a.sellTokenTemplate, "{account_id}", sellAccountID))
}
