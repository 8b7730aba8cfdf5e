package main

import (
	"flag"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/server"
)

// TestHTTPFlags checks the connection limits and trusted proxies of
// `mutasi server` and `mutasi dev`: the defaults are the server's, the
// environment sets them, a flag wins, and a bad value is refused naming
// its flag.
func TestHTTPFlags(t *testing.T) {
	parse := func(args ...string) (httpConfig, error) {
		fs := flag.NewFlagSet("server", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		hf := addHTTPFlags(fs)
		if err := fs.Parse(args); err != nil {
			return httpConfig{}, err
		}
		return hf.parse()
	}
	hc, err := parse()
	if err != nil || hc.conns != server.DefaultConns() || len(hc.trustedProxies) != 0 {
		t.Fatalf("defaults: %+v, %v", hc, err)
	}
	t.Setenv("MUTASI_TRUSTED_PROXIES", "10.0.0.0/8,192.0.2.7")
	t.Setenv("MUTASI_HTTP_IDLE_TIMEOUT", "5s")
	t.Setenv("MUTASI_HTTP_MAX_CONNS_PER_CLIENT", "16")
	hc, err = parse("--http-idle-timeout", "7s")
	if err != nil {
		t.Fatal(err)
	}
	if want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}; len(hc.trustedProxies) != 2 ||
		hc.trustedProxies[0] != want[0] || hc.trustedProxies[1] != want[1] {
		t.Errorf("trusted proxies %v, want %v", hc.trustedProxies, want)
	}
	if hc.conns.IdleTimeout != 7*time.Second || hc.conns.MaxPerClient != 16 {
		t.Errorf("idle timeout %v (want the flag's 7s), per client %d (want the environment's 16)", hc.conns.IdleTimeout, hc.conns.MaxPerClient)
	}
	for _, bad := range [][]string{{"--trusted-proxies", "proxy.local"}, {"--http-read-timeout", "0s"}, {"--http-write-timeout", "soon"},
		{"--http-max-conns", "-1"}, {"--http-max-conns-per-client", "many"}} {
		if _, err := parse(bad...); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%v: %v, want an error naming %s", bad, err, bad[0])
		}
	}
}
