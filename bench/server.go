package bench

import (
	"context"

	"go.uber.org/zap"
	"google.golang.org/grpc"
)

// Server is the Temporal server a benchmark runs against. The benchmark does not link
// one itself: the caller passes Options.StartServer (sellmigrate bench starts devstack's
// embedded server), so this package, and the worker that registers its floor workflow,
// build without go.temporal.io/server.
type Server interface {
	// FrontendAddress is the host:port clients dial.
	FrontendAddress() string
	// Stop shuts the server down; the benchmark calls it once, last.
	Stop() error
}

// ServerOptions is the server a benchmark asks for: a fresh SQLite file in DataDir on a
// loopback port, with the namespace the benchmark uses.
type ServerOptions struct {
	DataDir      string
	FrontendPort int
	Namespace    string
	// SQLiteSynchronous, SQLiteMaxConns and DynamicConfig are Options' knobs, passed on.
	SQLiteSynchronous string
	SQLiteMaxConns    int
	DynamicConfig     map[string]any
	Logger            *zap.Logger
	// FrontendInterceptors run on every call the frontend serves (the benchmark times
	// its visibility reads with one). A server the benchmark does not start ignores
	// them.
	FrontendInterceptors []grpc.UnaryServerInterceptor
}

// StartServerFunc starts the benchmark's server; it returns once the namespace exists
// with the migration search attributes registered.
type StartServerFunc func(ctx context.Context, o ServerOptions) (Server, error)

// namespace is where the benchmark's workflows run.
const namespace = "default"
