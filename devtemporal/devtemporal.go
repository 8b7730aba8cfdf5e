// Package devtemporal starts a local Temporal dev server from the Temporal
// CLI, with Mutasi's search attributes registered: the server of the dev
// stack and of the integration tests. Nothing is downloaded; the CLI must
// be installed (see the README).
package devtemporal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/bkpsdm/mutasi/workflows"
)

// CLIVersion is the Temporal CLI version Mutasi is tested with.
const CLIVersion = "v1.5.1"

// ErrNoCLI says the Temporal CLI was not found.
var ErrNoCLI = errors.New("Temporal CLI not found: set MUTASI_TEMPORAL_CLI or run " +
	"`go install github.com/temporalio/cli/cmd/temporal@" + CLIVersion + "`")

// FindCLI locates the Temporal CLI: $MUTASI_TEMPORAL_CLI, then temporal on
// the PATH, then $(go env GOPATH)/bin/temporal.
func FindCLI() (string, error) {
	if p := os.Getenv("MUTASI_TEMPORAL_CLI"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("temporal"); err == nil {
		return p, nil
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	p := filepath.Join(gopath, "bin", "temporal")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	return "", ErrNoCLI
}

// EnsureCLI finds the Temporal CLI, installing it with `go install` when
// it is missing (a one-time build of a few minutes); progress goes to out.
func EnsureCLI(ctx context.Context, out io.Writer) (string, error) {
	if p, err := FindCLI(); err == nil {
		return p, nil
	}
	fmt.Fprintf(out, "compiling the Temporal CLI %s with go install: only on the first run, about 5 to 15 minutes on 2 cores; the compiler prints nothing until it is done\n", CLIVersion)
	cmd := exec.CommandContext(ctx, "go", "install", "github.com/temporalio/cli/cmd/temporal@"+CLIVersion)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("install the Temporal CLI: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	started := time.Now()
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return "", fmt.Errorf("install the Temporal CLI: %w", err)
			}
			fmt.Fprintf(out, "Temporal CLI ready after %s\n", time.Since(started).Round(time.Second))
			return FindCLI()
		case <-tick.C:
			fmt.Fprintf(out, "still compiling the Temporal CLI (%s so far)...\n", time.Since(started).Round(time.Minute))
		}
	}
}

// Options configure a dev server.
type Options struct {
	// DBFile keeps the server's state in a SQLite file; empty keeps it in
	// memory.
	DBFile string
	// HostPort is the frontend address; empty picks a free port.
	HostPort string
	// UIPort enables the Web UI on that port; empty disables it.
	UIPort string
	// MetricsPort serves the server's Prometheus metrics on that port;
	// empty serves none.
	MetricsPort string
	// Output receives the server's logs; nil discards them.
	Output io.Writer
	// Logger is the client's logger; nil keeps the SDK's default.
	Logger log.Logger
	// Metrics receives the client's SDK metrics; nil drops them.
	Metrics client.MetricsHandler
	// DataConverter is the client's; nil keeps the SDK's default.
	DataConverter converter.DataConverter
	// Connection is how the client connects (codec.Connection); the zero
	// value keeps the SDK's defaults.
	Connection client.ConnectionOptions
}

// Start starts a dev server and returns it once it accepts clients.
func Start(ctx context.Context, o Options) (*testsuite.DevServer, error) {
	cli, err := FindCLI()
	if err != nil {
		return nil, err
	}
	if o.Output == nil {
		o.Output = io.Discard
	}
	co := &client.Options{HostPort: o.HostPort, Logger: o.Logger, MetricsHandler: o.Metrics, DataConverter: o.DataConverter,
		ConnectionOptions: o.Connection}
	opts := testsuite.DevServerOptions{
		ExistingPath:     cli,
		ClientOptions:    co,
		DBFilename:       o.DBFile,
		EnableUI:         o.UIPort != "",
		UIPort:           o.UIPort,
		LogLevel:         "error",
		SearchAttributes: searchAttributes(),
		Stdout:           o.Output,
		Stderr:           o.Output,
	}
	// The buffer of signals waiting for a busy workflow, as on the
	// cluster (cluster/config/dynamicconfig/cluster.yaml says why).
	opts.ExtraArgs = []string{"--dynamic-config-value", fmt.Sprintf("history.maximumBufferedEventsBatch=%d", bufferedEventsBatch),
		"--dynamic-config-value", fmt.Sprintf("history.maximumBufferedEventsSizeInBytes=%d", bufferedEventsBytes)}
	if o.MetricsPort != "" {
		opts.ExtraArgs = append(opts.ExtraArgs, "--metrics-port", o.MetricsPort)
	}
	if o.DBFile != "" {
		// WAL and relaxed syncs make the SQLite store about 2.5x faster.
		opts.ExtraArgs = append(opts.ExtraArgs, "--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal")
	}
	return testsuite.StartDevServer(ctx, opts)
}

// bufferedEventsBatch is how many signals may wait for a workflow whose
// task is running before the server fails that task to flush them.
const bufferedEventsBatch = 10000

// bufferedEventsBytes is how large those waiting signals may be in all
// (the default, 2 MiB, is about 2,000 of Mutasi's encrypted signals).
const bufferedEventsBytes = 32 << 20

// searchAttributes are Mutasi's search attributes, for the dev server to
// register.
func searchAttributes() temporal.SearchAttributes {
	var updates []temporal.SearchAttributeUpdate
	for _, k := range workflows.SearchAttributeKeys {
		updates = append(updates, k.ValueSet(""))
	}
	return temporal.NewSearchAttributes(updates...)
}
