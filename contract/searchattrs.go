package contract

import (
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
)

// Typed search attributes the workflow upserts at every change, so dashboards and
// `list` read where each migration stands from Temporal visibility, not a side database.
var (
	SearchAttrStep          = temporal.NewSearchAttributeKeyKeyword("MigrationStep")
	SearchAttrStatus        = temporal.NewSearchAttributeKeyKeyword("MigrationStatus")
	SearchAttrSellAccountID = temporal.NewSearchAttributeKeyKeyword("SellAccountID")
	SearchAttrSubdomain     = temporal.NewSearchAttributeKeyKeyword("Subdomain")
	SearchAttrMode          = temporal.NewSearchAttributeKeyKeyword("MigrationMode")
	// SearchAttrStartedAt is when the migration began: a run that continued as new
	// starts later, but lists show the migration's own start.
	SearchAttrStartedAt = temporal.NewSearchAttributeKeyTime("MigrationStartedAt")
)

// SearchAttributes lists the custom search attributes a namespace must have registered
// before a worker runs migrations.
var SearchAttributes = map[string]enumspb.IndexedValueType{
	SearchAttrStep.GetName():          enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	SearchAttrStatus.GetName():        enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	SearchAttrSellAccountID.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	SearchAttrSubdomain.GetName():     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	SearchAttrMode.GetName():          enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	SearchAttrStartedAt.GetName():     enumspb.INDEXED_VALUE_TYPE_DATETIME,
	SearchAttrCampaignID.GetName():    enumspb.INDEXED_VALUE_TYPE_KEYWORD,
}

// KeywordOf reads one Keyword search attribute from what visibility or a describe
// returns; absent or undecodable reads as "".
func KeywordOf(sa *commonpb.SearchAttributes, key temporal.SearchAttributeKeyKeyword) string {
	p, ok := sa.GetIndexedFields()[key.GetName()]
	if !ok {
		return ""
	}
	var s string
	if err := converter.GetDefaultDataConverter().FromPayload(p, &s); err != nil {
		return ""
	}
	return s
}

// StartSearchAttributes are the search attributes a migration starts with, so lists
// and a campaign's counts show it from its first moment: its account, mode, first step
// and status, the subdomain when one is given, and the campaign that started it.
func StartSearchAttributes(in StartInput) temporal.SearchAttributes {
	attrs := []temporal.SearchAttributeUpdate{
		SearchAttrSellAccountID.ValueSet(in.SellAccountID),
		SearchAttrMode.ValueSet(string(in.Mode)),
		SearchAttrStep.ValueSet(string(StepPreflight)),
		SearchAttrStatus.ValueSet(string(StatusRunning)),
	}
	if in.Subdomain != "" {
		attrs = append(attrs, SearchAttrSubdomain.ValueSet(in.Subdomain))
	}
	if in.CampaignID != "" {
		attrs = append(attrs, SearchAttrCampaignID.ValueSet(in.CampaignID))
	}
	return temporal.NewSearchAttributes(attrs...)
}

// StartOptions are how every migration is started, alone, in bulk or by a campaign:
// under its account's workflow ID on the task queue, never while one runs or after one
// completed (a failed, cancelled, expired or terminated one may be started again), with
// its start search attributes. Callers add its summary and, from a campaign, its memo.
func StartOptions(in StartInput) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                                       WorkflowID(in.SellAccountID),
		TaskQueue:                                TaskQueue,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes:                    StartSearchAttributes(in),
	}
}
