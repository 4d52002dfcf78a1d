// Package harness runs sellmigrate the way a person does, for the end-to-end tests (e2e/)
// and the replay-history recorder (workflows' TestRecordHistories): it builds the real
// binaries once (the full build for `sellmigrate dev`, the lean one production ships for
// `sellmigrate worker`, `api` and the CLI), runs them as child processes on free loopback
// ports, and talks to the simulator over HTTP. It links no Temporal server: the only
// build that does is the full binary it runs.
//
// Every wait is bounded, every child process is stopped when its test ends (also on
// failure), and a clean stop must end with exit code 0.
package harness
