package codec_test

import (
	"context"
	"io"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/gzip"

	"github.com/bkpsdm/mutasi/codec"
	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/testkit"
)

// gzipCounter is gRPC's gzip compressor, counting the messages this
// process compresses with it.
type gzipCounter struct {
	encoding.Compressor
	messages atomic.Int64
}

func (g *gzipCounter) Compress(w io.Writer) (io.WriteCloser, error) {
	g.messages.Add(1)
	return g.Compressor.Compress(w)
}

var gzipped = &gzipCounter{Compressor: encoding.GetCompressor(gzip.Name)}

// TestMain puts gzipped in gRPC's registry in place of its gzip before
// any client exists, as the registry requires.
func TestMain(m *testing.M) {
	encoding.RegisterCompressor(gzipped)
	os.Exit(m.Run())
}

// TestConnectionSendsUncompressed starts a workflow with an encrypted
// argument through a client connected as codec.Connection says, and
// through one with the SDK's defaults: the first compresses nothing, the
// second gzips its requests (so that the count is seen to work).
func TestConnectionSendsUncompressed(t *testing.T) {
	srv := testkit.Temporal(t, devtemporal.Options{})
	for _, tc := range []struct {
		name string
		conn client.ConnectionOptions
		gzip bool
	}{
		{"codec.Connection", codec.Connection(), false},
		{"the SDK's defaults", client.ConnectionOptions{}, true},
	} {
		before := gzipped.messages.Load()
		c, err := client.Dial(client.Options{HostPort: srv.FrontendHostPort(), Logger: testkit.Logger(),
			DataConverter: testkit.DataConverter(), ConnectionOptions: tc.conn})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err = c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: "connection-test"}, "NoWorker", secret)
		cancel()
		c.Close()
		if err != nil {
			t.Fatalf("%s: start a workflow: %v", tc.name, err)
		}
		if n := gzipped.messages.Load() - before; (n > 0) != tc.gzip {
			t.Errorf("%s: %d requests gzipped, want gzip %v", tc.name, n, tc.gzip)
		}
	}
}
