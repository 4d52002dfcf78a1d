package harness

import (
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/sellmigrate/sellmigrate/config"
	"github.com/sellmigrate/sellmigrate/platform/sim"
)

// DemoSecrets are every secret the demo stack is configured with: API and OAuth client
// secrets, the simulator's tokens and password, the webhook signing secret. None may
// ever be in a workflow history, which anyone who can read Temporal can read. The
// secrets a stack gets while it runs (owners' grants, created accounts' tokens) are in
// its credential store: Dev.StoredSecrets.
func DemoSecrets() []string {
	return []string{
		sim.DemoPassword, config.DemoPartnerToken,
		sim.DemoAPIToken(""), // the prefix of every account's demo-api-token-<subdomain>
		strings.TrimSuffix(config.DemoSellTokenTemplate, "{account_id}"), // sell-demo-<id>
		config.DemoViewerToken, config.DemoOpsToken, config.DemoAdminToken,
		config.DemoOAuthClientSecret, config.DemoWebhookSecret,
	}
}

// SecretsIn lists which of secrets appear in the text.
func SecretsIn(text string, secrets []string) []string {
	var found []string
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			found = append(found, s)
		}
	}
	return found
}

// HistorySecrets lists which of secrets appear in the history, encoded as the JSON
// Temporal's tools show and with every payload's data decoded (JSON shows it in base64).
func HistorySecrets(h *historypb.History, secrets []string) ([]string, error) {
	b, err := protojson.Marshal(h)
	if err != nil {
		return nil, err
	}
	return SecretsIn(string(b)+payloadTexts(h), secrets), nil
}

// RequireNoSecrets fails the test if any of secrets appears in the history.
func RequireNoSecrets(t testing.TB, h *historypb.History, what string, secrets []string) {
	t.Helper()
	found, err := HistorySecrets(h, secrets)
	if err != nil {
		t.Fatalf("encode the history of %s: %v", what, err)
	}
	if len(found) > 0 {
		t.Errorf("the history of %s holds secrets: %q", what, found)
	}
}

// payloadTexts is every payload's data in the history, as text: protojson shows payload
// bytes in base64, where a plain search would miss a secret.
func payloadTexts(h *historypb.History) string {
	var b strings.Builder
	var walk func(m protoreflect.Message)
	walk = func(m protoreflect.Message) {
		if p, ok := m.Interface().(*commonpb.Payload); ok {
			b.Write(p.GetData())
			b.WriteByte('\n')
			return
		}
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch {
			case fd.IsList() && fd.Message() != nil:
				for i := 0; i < v.List().Len(); i++ {
					walk(v.List().Get(i).Message())
				}
			case fd.IsMap() && fd.MapValue().Message() != nil:
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					walk(mv.Message())
					return true
				})
			case fd.Message() != nil && !fd.IsList() && !fd.IsMap():
				walk(v.Message())
			}
			return true
		})
	}
	walk(h.ProtoReflect())
	return b.String()
}
