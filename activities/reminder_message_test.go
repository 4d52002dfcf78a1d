package activities

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sellmigrate/sellmigrate/contract"
)

// An owner reminder sent to the requesting admin, because nobody named the owner at the
// start, says so and asks them to forward it; one sent to the owner does not.
func TestOwnerReminderToTheAdminAsksToForwardIt(t *testing.T) {
	a := &Activities{notify: Notify{DashboardURL: "http://127.0.0.1:8080"}, now: time.Now}
	named := a.reminderMessage(reminder(contract.StatusAwaitingOwnerLogin, "owner", "owner@globex.test"), "email")
	require.Contains(t, named.Body, "as the owner of the Zendesk account globex, sign in")
	require.NotContains(t, named.Body, "forward")

	unnamed := a.reminderMessage(reminder(contract.StatusAwaitingOwnerLogin, "owner", "admin@globex.test"), "email")
	require.Contains(t, unnamed.Body, "started without the email of the Zendesk account owner of globex")
	require.Contains(t, unnamed.Body, "forward this message to the owner")
	require.Contains(t, unnamed.Body, "http://127.0.0.1:8080/oauth/owner-login?migration=sell-migration-1002")
}
