package bench

import (
	"slices"
	"testing"
)

func TestOwnStackEnvDropsTemporalClientSettings(t *testing.T) {
	got := ownStackEnv([]string{"PATH=/bin", "TEMPORAL_ADDRESS=prod:7233", "TEMPORAL_TLS_CLIENT_CERT_PATH=/c.pem", "SELLMIGRATE_LOG_LEVEL=warn"}, "/data")
	want := []string{"PATH=/bin", "SELLMIGRATE_LOG_LEVEL=warn", "TEMPORAL_CONFIG_FILE=/data/no-temporal-profile.toml"}
	if !slices.Equal(got, want) {
		t.Errorf("ownStackEnv = %q, want %q", got, want)
	}
}
