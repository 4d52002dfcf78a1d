package codec

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/sellmigrate/sellmigrate/keyring"
)

type person struct{ Email, Account string }

func newKey(t *testing.T) (spec, id string) {
	t.Helper()
	spec, err := keyring.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	id, _, _ = strings.Cut(spec, ":")
	return spec, id
}

func mustParse(t *testing.T, keys []string, active string) *Codec {
	t.Helper()
	c, err := Parse(keys, active)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRoundTripHidesData(t *testing.T) {
	k, id := newKey(t)
	dc := mustParse(t, []string{k}, "").DataConverter()
	p, err := dc.ToPayload(person{Email: "owner@globex.test", Account: "Globex"})
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Metadata[converter.MetadataEncoding]) != Encoding || string(p.Metadata[MetadataKeyID]) != id {
		t.Errorf("metadata %v, want encoding %s and key %s", p.Metadata, Encoding, id)
	}
	raw, _ := p.Marshal()
	for _, clear := range []string{"owner@globex.test", "Globex", "json/plain"} {
		if bytes.Contains(raw, []byte(clear)) {
			t.Errorf("the encoded payload holds %q in clear", clear)
		}
	}
	var back person
	if err := dc.FromPayload(p, &back); err != nil || back.Email != "owner@globex.test" || back.Account != "Globex" {
		t.Errorf("FromPayload = %+v, %v", back, err)
	}
}

func TestRotation(t *testing.T) {
	oldK, oldID := newKey(t)
	newK, newID := newKey(t)
	plain, _ := converter.GetDefaultDataConverter().ToPayload("admin@globex.test")
	enc, err := mustParse(t, []string{oldK}, "").Encode([]*commonpb.Payload{plain})
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustParse(t, []string{oldK, newK}, newID)
	dec, err := rotated.Decode(enc)
	if err != nil || string(dec[0].Data) != string(plain.Data) {
		t.Fatalf("the old key's payload after rotation: %v, %v", dec, err)
	}
	again, _ := rotated.Encode([]*commonpb.Payload{plain})
	if got := string(again[0].Metadata[MetadataKeyID]); got != newID || got == oldID {
		t.Errorf("encoded under %s, want the active key %s", got, newID)
	}
}

func TestDecodeErrorsNameTheSetting(t *testing.T) {
	k, id := newKey(t)
	other, _ := newKey(t)
	plain, _ := converter.GetDefaultDataConverter().ToPayload("x")
	enc, _ := mustParse(t, []string{k}, "").Encode([]*commonpb.Payload{plain})

	tampered := &commonpb.Payload{Metadata: enc[0].Metadata, Data: bytes.Clone(enc[0].Data)}
	tampered.Data[len(tampered.Data)-1] ^= 1
	relabelled := &commonpb.Payload{Metadata: map[string][]byte{converter.MetadataEncoding: []byte(Encoding), MetadataKeyID: []byte("zz")}, Data: enc[0].Data}
	for name, tc := range map[string]struct {
		codec *Codec
		p     *commonpb.Payload
		want  string
	}{
		"tampered":       {mustParse(t, []string{k}, ""), tampered, `does not decrypt under key "` + id + `"`},
		"unknown key":    {mustParse(t, []string{other}, ""), enc[0], `encrypted under key "` + id + `", which is not in ` + KeysSetting},
		"relabelled key": {mustParse(t, []string{k, "zz:" + strings.SplitN(k, ":", 2)[1]}, id), relabelled, `does not decrypt under key "zz"`},
		"no keys":        {Keyless(), enc[0], KeysSetting + " is not set"},
	} {
		_, err := tc.codec.Decode([]*commonpb.Payload{tc.p})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), KeysSetting) {
			t.Errorf("%s: Decode = %v, want %q naming %s", name, err, tc.want, KeysSetting)
		}
	}
}

func TestPlainPayloadsPassThrough(t *testing.T) {
	k, _ := newKey(t)
	plain, _ := converter.GetDefaultDataConverter().ToPayload(person{Email: "a@b.test"})
	for name, c := range map[string]*Codec{"with keys": mustParse(t, []string{k}, ""), "keyless": Keyless()} {
		dec, err := c.Decode([]*commonpb.Payload{plain})
		if err != nil || dec[0] != plain {
			t.Errorf("%s: a plain payload came back %v, %v; want it unchanged", name, dec, err)
		}
	}
	if enc, _ := Keyless().Encode([]*commonpb.Payload{plain}); enc[0] != plain {
		t.Error("a keyless codec changed a payload on encode")
	}
}

func TestDecodeAllHistory(t *testing.T) {
	k, _ := newKey(t)
	c := mustParse(t, []string{k}, "")
	input, _ := c.DataConverter().ToPayloads(person{Email: "owner@globex.test"})
	h := &historypb.History{Events: []*historypb.HistoryEvent{{
		Attributes: &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{
			WorkflowExecutionStartedEventAttributes: &historypb.WorkflowExecutionStartedEventAttributes{Input: input},
		},
	}}}
	if raw, _ := h.Marshal(); bytes.Contains(raw, []byte("owner@globex.test")) {
		t.Fatal("the encoded history holds the email in clear")
	}
	if err := c.DecodeAll(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if raw, _ := h.Marshal(); !bytes.Contains(raw, []byte("owner@globex.test")) {
		t.Error("DecodeAll left the history's input encrypted")
	}
}

func TestFailureMessagesEncrypted(t *testing.T) {
	k, _ := newKey(t)
	fc := mustParse(t, []string{k}, "").FailureConverter()
	f := fc.ErrorToFailure(temporal.NewApplicationError("lee@globex.test signed in to globex but is not its account owner", "NotOwner"))
	raw, _ := f.Marshal()
	if bytes.Contains(raw, []byte("lee@globex.test")) {
		t.Fatal("the failure holds the email in clear")
	}
	if err := fc.FailureToError(f); err == nil || !strings.Contains(err.Error(), "lee@globex.test signed in") {
		t.Errorf("FailureToError = %v, want the message back", err)
	}
	// Keyless, failures stay as the SDK writes them.
	plain := Keyless().FailureConverter().ErrorToFailure(errors.New("x@y.test"))
	if plain.GetMessage() != "x@y.test" {
		t.Errorf("keyless failure message %q, want it unchanged", plain.GetMessage())
	}
}
