package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sellmigrate/sellmigrate/contract"
)

// policyText is the embedded text of the default policy's disclaimer version.
func policyText(t *testing.T) contract.Disclaimer {
	t.Helper()
	d, err := contract.LookupDisclaimer(contract.DefaultPolicy().DisclaimerVersion)
	require.NoError(t, err)
	return d
}

// An acceptance that sends the hash of the text it showed is recorded with the version
// and the hash of the embedded text, in the progress, the inputs log and the result.
func TestAcceptanceRecordsVersionAndHash(t *testing.T) {
	text := policyText(t)
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.linkAndConvert("acme", 4)
	h.at(time.Minute, func() {
		p := h.progress()
		require.Equal(t, contract.StatusAwaitingDisclaimers, p.Status)
		require.Equal(t, text.Version, p.RequiredDisclaimerVersion, "the page shows the text of the version the migration waits for")
		require.Empty(t, p.DisclaimerSHA256, "nothing accepted yet")
	})
	h.at(2*time.Minute, func() {
		h.update(contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: "admin@acme.test", Version: text.Version, SHA256: text.SHA256})
	})
	h.run(newInput("1001", contract.ModeNew, "acme"))

	p := h.progress()
	require.Equal(t, text.Version, p.DisclaimerVersion)
	require.Equal(t, text.SHA256, p.DisclaimerSHA256)
	require.Len(t, p.Inputs, 1)
	require.True(t, p.Inputs[0].Accepted)
	require.Contains(t, p.Inputs[0].Detail, "sha256 "+text.SHA256[:12])
	r := h.result()
	require.Equal(t, text.Version, r.DisclaimerVersion)
	require.Equal(t, text.SHA256, r.DisclaimerSHA256)
}

// An older client sends neither version nor hash: the migration fills both from the
// policy and the embedded text, never leaving the record without its hash.
func TestAcceptanceWithoutHashRecordsTheEmbeddedOne(t *testing.T) {
	text := policyText(t)
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.linkAndConvert("acme", 4)
	h.at(time.Minute, func() {
		h.env.SignalWorkflow(contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: "admin@acme.test"})
	})
	h.run(newInput("1001", contract.ModeNew, "acme"))

	p := h.progress()
	require.Equal(t, contract.StatusCompleted, p.Status)
	require.Equal(t, text.SHA256, p.DisclaimerSHA256)
	require.Equal(t, "accepted disclaimers version "+text.Version+" (sha256 "+text.SHA256[:12]+")", p.Inputs[0].Detail)
}

// A hash that is not the version's own means the admin read other words: the update is
// refused at once, the signal is refused and recorded with the reason, as any other
// refused input, and the migration keeps waiting until the right text is accepted.
func TestMismatchedHashIsRefused(t *testing.T) {
	text := policyText(t)
	other := strings.Repeat("0", 64)
	h := newHarness(t)
	h.preflightLegacy()
	h.reserveCreates("acme")
	h.linkAndConvert("acme", 4)
	var refused *updateOutcome
	h.at(time.Minute, func() {
		refused = h.update(contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: "admin@acme.test", SHA256: other})
		h.env.SignalWorkflow(contract.AcceptDisclaimersName, contract.AcceptDisclaimersInput{By: "admin@acme.test", Version: text.Version, SHA256: other})
	})
	h.at(2*time.Minute, func() {
		p := h.progress()
		require.Equal(t, contract.StatusAwaitingDisclaimers, p.Status, "a refused acceptance changes nothing")
		require.Empty(t, p.DisclaimerVersion)
		require.Len(t, p.Inputs, 1, "only the signal is recorded; a refused update leaves no trace")
		require.False(t, p.Inputs[0].Accepted)
		require.Contains(t, p.Inputs[0].Reason, "sha256 "+other+" is not that of disclaimers version "+text.Version)
		require.Equal(t, contract.InputCount{Rejected: 1}, p.InputCounts[contract.AcceptDisclaimersName])
	})
	h.at(3*time.Minute, func() { h.update(contract.AcceptDisclaimersName, accept("admin@acme.test")) })
	h.run(newInput("1001", contract.ModeNew, "acme"))

	require.ErrorContains(t, refused.rejected, "the text read was not this version's; read it again")
	require.Equal(t, contract.StatusCompleted, h.result().Outcome)
	require.Equal(t, text.SHA256, h.progress().DisclaimerSHA256)
}
