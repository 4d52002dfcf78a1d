package deploy_test

import "testing"

// TestComposeWorkerAndAPIShareTheCredentialStore: the API keeps the owner's sign-in in
// the credential store and the worker acts with it, so both need the same store and
// keys. The store's settings once sat on the sim service instead of the api, and the
// api refused to start; running the same environment on deploy/local/cluster found it.
func TestComposeWorkerAndAPIShareTheCredentialStore(t *testing.T) {
	f := loadCompose(t)
	worker := env(t, "worker", f.Services["worker"].Environment)
	api := env(t, "api", f.Services["api"].Environment)
	for _, k := range []string{"SELLMIGRATE_CREDENTIALS_DSN", "SELLMIGRATE_CREDENTIALS_KEYS"} {
		if worker[k] == "" || worker[k] != api[k] {
			t.Errorf("%s: worker has %q, api has %q; they must name one store", k, worker[k], api[k])
		}
	}
}
