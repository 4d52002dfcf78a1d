package bench

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// zendeskSecrets are the run's own partner token and Sell token template, which its
// simulator accepts and its workers send: a worker is a production role and refuses
// the simulator's public demo values (config's production gate).
type zendeskSecrets struct {
	partnerToken, sellTokenTemplate string
}

func newZendeskSecrets() (zendeskSecrets, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return zendeskSecrets{}, fmt.Errorf("bench: make the run's Zendesk secrets: %w", err)
	}
	h := hex.EncodeToString(b)
	return zendeskSecrets{partnerToken: "bench-partner-" + h[:32], sellTokenTemplate: "bench-sell-" + h[32:] + "-{account_id}"}, nil
}
