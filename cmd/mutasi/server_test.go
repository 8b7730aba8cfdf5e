package main

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/models"
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
	if hc.zone == nil || hc.zone.String() != models.DefaultSettings().TimeZone {
		t.Errorf("time zone %v, want the default settings' %s", hc.zone, models.DefaultSettings().TimeZone)
	}
	if hc.conns.IdleTimeout != 7*time.Second || hc.conns.MaxPerClient != 16 {
		t.Errorf("idle timeout %v (want the flag's 7s), per client %d (want the environment's 16)", hc.conns.IdleTimeout, hc.conns.MaxPerClient)
	}
	for _, bad := range [][]string{{"--trusted-proxies", "proxy.local"}, {"--http-read-timeout", "0s"}, {"--http-write-timeout", "soon"},
		{"--http-max-conns", "-1"}, {"--http-max-conns-per-client", "many"}, {"--time-zone", "Banjarbaru"}} {
		if _, err := parse(bad...); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%v: %v, want an error naming %s", bad, err, bad[0])
		}
	}
}

// TestDecreeLogo: the worker reads the logo once, at start; a file that is
// not a PNG stops it with the flag named, a PNG is kept for the decrees.
func TestDecreeLogo(t *testing.T) {
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "logo.jpg"), filepath.Join(dir, "logo.png")
	os.WriteFile(bad, []byte("not a picture"), 0o644)
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(good, b.Bytes(), 0o644)
	for _, c := range []struct {
		file string
		ok   bool
	}{{bad, false}, {filepath.Join(dir, "none.png"), false}, {good, true}} {
		cfg := &config{linkSecret: "s", decreeLogo: c.file}
		a, err := cfg.activities(nil)
		switch {
		case c.ok && (err != nil || !bytes.Equal(a.DecreeLogo, b.Bytes())):
			t.Errorf("%s: %v", c.file, err)
		case !c.ok && (err == nil || !strings.Contains(err.Error(), "--decree-logo")):
			t.Errorf("%s: %v, want a refusal naming --decree-logo", c.file, err)
		}
	}
}

// TestListenNamesTheFlag checks that a taken address stops a command as
// it starts with an error naming the flag that sets it, and that the
// API's address is let go when the metrics' one is taken.
func TestListenNamesTheFlag(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	busy := taken.Addr().String()
	if _, _, err := listenBoth("", busy); err == nil || !strings.Contains(err.Error(), "--http-addr is empty") {
		t.Errorf("no API address: %v, want an error naming --http-addr", err)
	}
	if _, _, err := listenBoth(busy, ""); err == nil || !strings.Contains(err.Error(), "--http-addr "+busy) {
		t.Errorf("API address taken: %v, want an error naming --http-addr %s", err, busy)
	}
	api, metrics, err := listenBoth("127.0.0.1:0", "")
	if err != nil || metrics != nil {
		t.Fatalf("no metrics address: %v, %v", metrics, err)
	}
	free := api.Addr().String()
	api.Close()
	if _, _, err := listenBoth(free, busy); err == nil || !strings.Contains(err.Error(), "--metrics-addr "+busy) {
		t.Errorf("metrics address taken: %v, want an error naming --metrics-addr %s", err, busy)
	}
	again, err := net.Listen("tcp", free)
	if err != nil {
		t.Fatalf("the API's address %s is still held after the metrics' failed: %v", free, err)
	}
	again.Close()
}

// TestMetricsAddressFromTheEnvironment checks --metrics-addr's default:
// the command's own when MUTASI_METRICS_ADDR is not set, the variable's
// when it is, and none when it is set empty, as README says.
func TestMetricsAddressFromTheEnvironment(t *testing.T) {
	parse := func() string {
		fs := flag.NewFlagSet("worker", flag.ContinueOnError)
		addr := metricsFlag(fs, ":9090")
		if err := fs.Parse(nil); err != nil {
			t.Fatal(err)
		}
		return *addr
	}
	t.Setenv("MUTASI_METRICS_ADDR", "127.0.0.1:9999")
	if got := parse(); got != "127.0.0.1:9999" {
		t.Errorf("set: %q, want 127.0.0.1:9999", got)
	}
	t.Setenv("MUTASI_METRICS_ADDR", "")
	if got := parse(); got != "" {
		t.Errorf("set empty: %q, want none", got)
	}
	os.Unsetenv("MUTASI_METRICS_ADDR") // t.Setenv restores it after the test
	if got := parse(); got != ":9090" {
		t.Errorf("not set: %q, want the command's :9090", got)
	}
}
