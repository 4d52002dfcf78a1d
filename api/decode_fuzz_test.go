package api

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/starter"
)

// decodeTargets are the bodies the API decodes strictly: a start, a bulk start, every
// action's workflow input, and a campaign's start, controls and add.
func decodeTargets() map[string]func() any {
	targets := map[string]func() any{
		"start":            func() any { return &starter.StartRequest{} },
		"bulk":             func() any { return &bulkRequest{} },
		"campaign start":   func() any { return &campaignStartRequest{} },
		"campaign control": func() any { return &campaignControlRequest{} },
		"campaign add":     func() any { return &campaignAddRequest{} },
	}
	for _, in := range contract.Inputs() {
		targets["action "+in.Name] = func() any { return in.New() }
	}
	return targets
}

// FuzzDecodeStrict feeds arbitrary bodies to the strict decoder of start, bulk and
// action bodies: it never panics; a refusal is a bad_request apiError with a message;
// an accepted body is one JSON value whose object keys are all fields of the target
// (so an unknown or misspelt field is always refused). Seeds: f.Add below and
// testdata/fuzz/FuzzDecodeStrict.
func FuzzDecodeStrict(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"accountId":"1001","mode":"new","subdomain":"acme","requestedBy":"admin@acme.test"}`,
		`{"accountId":"1001","extra":1}`, `{"subdomain":"acme","by":"admin@acme.test"}`, `{"userEmail":"owner@globex.test"}`,
		`{"by":"a@b.test","version":"2024-01"}`, `{"rows":[{"accountId":"1001","mode":"new"}]}`, `{"rows":[{"accountID":"1"}]}`,
		`{"name":"wave-1","maxActive":5,"windows":["Mon 09:00-10:00"],"dryRun":true,"rows":[{"accountId":"1001","timeZone":"Asia/Tokyo"}]}`,
		`{"cancelStarted":true,"by":"a@b.test"}`, `{"maxActive":null}`,
		`{"ACCOUNTID":"1001"}`, `{} {}`, `{"by":"a@b.test"} x`, `{"by":1}`, `{"rows":{}}`, `{"by":"\ud800"}`, `{"by":"a@b.test",}`,
	} {
		f.Add([]byte(seed))
	}
	targets := decodeTargets()
	f.Fuzz(func(t *testing.T, body []byte) {
		for name, mk := range targets {
			dst := mk()
			err := decodeStrict(body, dst)
			if err != nil {
				var ae *apiError
				if !errors.As(err, &ae) || ae.Code != codeBadRequest || ae.Message == "" {
					t.Fatalf("%s: decodeStrict(%q) = %#v, want a bad_request apiError with a message", name, body, err)
				}
				continue
			}
			checkKnownFields(t, name, body, reflect.TypeOf(dst).Elem())
		}
	})
}

// checkKnownFields fails when an accepted body has an object key that is not a JSON
// field of typ (encoding/json matches names without regard to case), at any depth the
// target describes.
func checkKnownFields(t *testing.T, target string, body []byte, typ reflect.Type) {
	t.Helper()
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	switch typ.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(body, &obj) != nil {
			return // null, or a value encoding/json leaves alone
		}
		for key, raw := range obj {
			field, ok := jsonField(typ, key)
			if !ok {
				t.Fatalf("%s: accepted %q with unknown field %q", target, body, key)
			}
			checkKnownFields(t, target, raw, field.Type)
		}
	case reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(body, &items) != nil {
			return
		}
		for _, raw := range items {
			checkKnownFields(t, target, raw, typ.Elem())
		}
	}
}

func jsonField(typ reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if name != "-" && strings.EqualFold(name, key) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
