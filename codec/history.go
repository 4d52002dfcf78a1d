package codec

import (
	"context"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/proxy"
	"google.golang.org/protobuf/proto"
)

// DecodeAll decodes, in place, every payload inside msg (a workflow history, say): the
// SDK decodes what a client asks for (query results, inputs), but a history read with
// GetWorkflowHistory comes back as stored. Search attributes are left alone: the SDK
// never encodes them.
func (c *Codec) DecodeAll(ctx context.Context, msg proto.Message) error {
	err := proxy.VisitPayloads(ctx, msg, proxy.VisitPayloadsOptions{
		SkipSearchAttributes: true,
		Visitor: func(_ *proxy.VisitPayloadsContext, p []*commonpb.Payload) ([]*commonpb.Payload, error) {
			return c.Decode(p)
		},
	})
	if err != nil {
		return fmt.Errorf("codec: decode the payloads of a %s: %w", msg.ProtoReflect().Descriptor().Name(), err)
	}
	return nil
}
