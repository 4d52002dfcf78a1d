package worker

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// TestDialErrorNamesTransport: a failed dial says whether it tried plaintext, TLS or
// mTLS and which settings change that, since a server wanting another transport often
// answers with only a reset.
func TestDialErrorNamesTransport(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now

	cases := []struct {
		conn client.Options
		want []string
	}{
		{client.Options{}, []string{"(plaintext)", "TEMPORAL_TLS=true"}},
		{client.Options{ConnectionOptions: client.ConnectionOptions{TLS: &tls.Config{}}}, []string{"(TLS)", "TEMPORAL_TLS_CLIENT_CERT_PATH"}},
		{client.Options{ConnectionOptions: client.ConnectionOptions{TLS: &tls.Config{Certificates: []tls.Certificate{{}}}}}, []string{"(mTLS)", "TEMPORAL_TLS_SERVER_CA_CERT_PATH"}},
	}
	for _, tc := range cases {
		_, err := Dial(context.Background(), DialOptions{Address: addr, Namespace: "default", Connection: tc.conn, Timeout: 500 * time.Millisecond})
		if err == nil {
			t.Fatal("dial to a closed port succeeded")
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
	}
}
