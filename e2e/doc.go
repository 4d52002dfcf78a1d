// Package e2e holds the end-to-end tests: the real sellmigrate binaries, built once, run
// as `sellmigrate dev` (the full build), `sellmigrate worker` and CLI commands (the lean
// build production ships) in child processes on free loopback ports, driven as a person
// and an operator would. Tests that kill, restart or
// slow down nothing share one stack (started on first use, stopped when the tests end),
// each on Sell accounts of its own; tests that kill, restart or slow down processes, or
// check what only a whole stack shows (every migration counted and listed, the README's
// dashboard pictures of the demo data), run their own. All run in parallel. The test
// binary links no Temporal server. The two builds share every command but dev and bench,
// which the lean one leaves out (its placeholders are checked). `go test -short` skips
// them all.
package e2e
