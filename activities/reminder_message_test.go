package activities

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/internal/ownerlink"
)

// An owner reminder sent to the requesting admin, because nobody named the owner at the
// start, says so and asks them to forward it; one sent to the owner does not.
func TestOwnerReminderToTheAdminAsksToForwardIt(t *testing.T) {
	t.Parallel()
	a := &Activities{notify: Notify{DashboardURL: "http://127.0.0.1:8080", OwnerLinks: testOwnerLinks(t)}, now: time.Now}
	named := a.reminderMessage(reminder(contract.StatusAwaitingOwnerLogin, "owner", "owner@globex.test"), "email")
	require.Contains(t, named.Body, "as the owner of the Zendesk account globex, sign in")
	require.NotContains(t, named.Body, "forward")

	unnamed := a.reminderMessage(reminder(contract.StatusAwaitingOwnerLogin, "owner", "admin@globex.test"), "email")
	require.Contains(t, unnamed.Body, "started without the email of the Zendesk account owner of globex")
	require.Contains(t, unnamed.Body, "forward this message to the owner")
	requireOwnerLink(t, unnamed.Body)
}

// Each owner reminder carries a link signed when it is sent, good for the TTL from
// then; without a key, it links to the migration's dashboard page instead.
func TestOwnerReminderLinkIsSignedFresh(t *testing.T) {
	t.Parallel()
	sent := time.Now().Add(-70 * time.Hour)
	a := &Activities{notify: Notify{DashboardURL: "http://127.0.0.1:8080/", OwnerLinks: testOwnerLinks(t)}, now: func() time.Time { return sent }}
	m := a.reminderMessage(reminder(contract.StatusAwaitingOwnerLogin, "owner", "owner@globex.test"), "email")
	u, err := url.Parse(m.Link)
	require.NoError(t, err)
	require.Contains(t, m.Body, m.Link)
	exp, err := testOwnerLinks(t).Verify("sell-migration-1002", u.Query(), time.Now())
	require.NoError(t, err)
	require.Equal(t, sent.Add(72*time.Hour).Unix(), exp.Unix())

	a.notify.OwnerLinks = nil
	m = a.reminderMessage(reminder(contract.StatusAwaitingOwnerLogin, "owner", "owner@globex.test"), "email")
	require.Equal(t, "http://127.0.0.1:8080/#/migrations/sell-migration-1002", m.Link)
}

func testOwnerLinks(t *testing.T) *ownerlink.Signer {
	t.Helper()
	l, err := ownerlink.New(bytes.Repeat([]byte{9}, ownerlink.KeySize), 72*time.Hour)
	require.NoError(t, err)
	return l
}

// requireOwnerLink finds the signed owner-login link of sell-migration-1002 in body.
func requireOwnerLink(t *testing.T, body string) {
	t.Helper()
	const prefix = "http://127.0.0.1:8080/oauth/owner-login?"
	i := strings.Index(body, prefix)
	require.GreaterOrEqual(t, i, 0, "no owner-login link in:\n%s", body)
	link := body[i:]
	if j := strings.IndexAny(link, " \n"); j >= 0 {
		link = link[:j]
	}
	u, err := url.Parse(link)
	require.NoError(t, err)
	_, err = testOwnerLinks(t).Verify("sell-migration-1002", u.Query(), time.Now())
	require.NoError(t, err, "link %s", link)
}
