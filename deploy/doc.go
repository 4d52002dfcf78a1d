// Package deploy holds the deployment assets (docker-compose.yml at the repository root
// uses deploy/postgres and deploy/temporal) and has no code of its own: its tests read
// docker-compose.yml and the Dockerfile and hold them to the contract the binary and the
// config package define, since no Docker engine runs in the tests. deploy/local/cluster
// runs the same topology without Docker; its chaos test (build tag cluster: go test
// -tags cluster ./deploy) drives that script and our binaries as child processes.
package deploy
