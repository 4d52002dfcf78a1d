package starter

import (
	"errors"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/sellmigrate/sellmigrate/codec"
	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/keyring"
)

// TestLiveContributorsReadsAnEncryptedHeartbeat: the conversion's heartbeat comes back
// from a describe as stored, encrypted; the starter reads it with the client's codec.
func TestLiveContributorsReadsAnEncryptedHeartbeat(t *testing.T) {
	key, _ := keyring.NewKey()
	pc, err := codec.Parse([]string{key}, "")
	if err != nil {
		t.Fatal(err)
	}
	details, err := pc.DataConverter().ToPayloads(contract.ContributorCursor{NextPage: 13, SellUsers: 1200, Converted: 1199, AlreadyAgents: 1, Total: 2500})
	if err != nil {
		t.Fatal(err)
	}
	desc := &workflowservice.DescribeWorkflowExecutionResponse{PendingActivities: []*workflowpb.PendingActivityInfo{{
		ActivityType:     &commonpb.ActivityType{Name: "ConvertContributors"},
		HeartbeatDetails: details,
	}}}
	var plain contract.Progress
	liveContributors(&plain, desc, converter.GetDefaultDataConverter())
	if plain.Contributors != nil {
		t.Fatalf("the default converter read an encrypted heartbeat: %+v", plain.Contributors)
	}
	var p contract.Progress
	liveContributors(&p, desc, pc.DataConverter())
	if p.Contributors == nil || p.Contributors.Done != 1200 {
		t.Errorf("contributors %+v, want 1200 done from the heartbeat", p.Contributors)
	}
}

// TestPendingFailureMessageDecoded: an activity's last failure, its message encrypted
// by the codec's failure converter, reads back in clear.
func TestPendingFailureMessageDecoded(t *testing.T) {
	key, _ := keyring.NewKey()
	pc, err := codec.Parse([]string{key}, "")
	if err != nil {
		t.Fatal(err)
	}
	f := pc.FailureConverter().ErrorToFailure(errors.New("lee@globex.test is not the owner"))
	if f.GetMessage() == "lee@globex.test is not the owner" {
		t.Fatal("the failure message was not encrypted")
	}
	desc := &workflowservice.DescribeWorkflowExecutionResponse{PendingActivities: []*workflowpb.PendingActivityInfo{{LastFailure: f}}}
	if got := pendingOf(desc, pc.DataConverter())[0].LastFailure; got != "lee@globex.test is not the owner" {
		t.Errorf("last failure %q, want the message decoded", got)
	}
}
