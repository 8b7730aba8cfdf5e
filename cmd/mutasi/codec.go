package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/bkpsdm/mutasi/codec"
)

func init() {
	commands["codec-server"] = command{"decode Mutasi's encrypted Temporal payloads for an operator's Web UI or CLI", runCodecServer}
	commands["payload-key"] = command{"make a key that encrypts what goes to Temporal", runPayloadKey}
}

// runCodecServer serves the decoding half of the remote codec protocol,
// for an operator who holds the token, until ctx is done.
func runCodecServer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("codec-server", stderr)
	addr := fs.String("http-addr", env("MUTASI_CODEC_ADDR", "127.0.0.1:8234"), "address the codec server listens on (MUTASI_CODEC_ADDR)")
	token := fs.String("codec-token", env("MUTASI_CODEC_TOKEN", ""), "token an operator sends as \"Authorization: Bearer <token>\" (MUTASI_CODEC_TOKEN, required)")
	origin := fs.String("ui-origin", env("MUTASI_CODEC_UI_ORIGIN", "http://localhost:8233"), "origin of the Temporal Web UI allowed to call it (MUTASI_CODEC_UI_ORIGIN)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(*token) < 16 {
		return errors.New("set MUTASI_CODEC_TOKEN (or --codec-token) to a secret of at least 16 characters: it lets an operator decode")
	}
	cd, err := c.codec()
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: codec.Handler(cd, *token, *origin), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: time.Minute, WriteTimeout: time.Minute}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	fmt.Fprintf(stdout, "codec server on http://%s (temporal workflow show --codec-endpoint http://%s --codec-auth \"Bearer $MUTASI_CODEC_TOKEN\")\n",
		l.Addr(), l.Addr())
	if err := hs.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// runPayloadKey prints a new payload key with the given ID.
func runPayloadKey(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("payload-key", stderr)
	id := fs.String("id", time.Now().UTC().Format("2006-01-02"), "the key's ID, kept with every payload it encrypts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	k, err := codec.NewKey(*id)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, k)
	fmt.Fprintln(stderr, "Put it first in MUTASI_PAYLOAD_KEYS (comma-separated) on every server, worker and codec server; keep older keys after it while workflows that used them are open.")
	return nil
}
