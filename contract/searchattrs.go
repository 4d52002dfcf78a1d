package contract

import (
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
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
