package server

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/testkit"
)

// closeBound is how long a test waits for the server to close a
// connection: far longer than the timeouts the tests configure, so that
// only a connection the server never closes reaches it.
const closeBound = 30 * time.Second

// serve serves a test API on a loopback port with conns' limits and
// returns its address.
func serve(t *testing.T, conns Conns, proxies ...netip.Prefix) string {
	t.Helper()
	gdb, _ := testkit.New(t)
	s := &Server{DB: gdb, LinkSecret: []byte("x"), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), TrustedProxies: proxies}
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, ln := s.HTTP(tcp, conns)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// dialFrom opens a connection to addr from the loopback address from.
func dialFrom(t *testing.T, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// healthz asks for /healthz on c, keeping it alive, and returns the
// status, or the error when no answer came.
func healthz(c net.Conn, r *bufio.Reader) (int, error) {
	c.SetDeadline(time.Now().Add(closeBound))
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// closedByServer waits, at most closeBound, for the server to close c,
// reading and discarding whatever it sends until then.
func closedByServer(t *testing.T, what string, r io.Reader) {
	t.Helper()
	_, err := io.Copy(io.Discard, r)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%s: still open after %v", what, closeBound)
	}
}

// TestSlowAndIdleConnectionsAreClosed holds a client that sends its body
// a byte at a time and one that idles after a request: the server closes
// both once its read and idle timeouts pass.
func TestSlowAndIdleConnectionsAreClosed(t *testing.T) {
	addr := serve(t, Conns{ReadTimeout: time.Second, IdleTimeout: time.Second})

	slow := dialFrom(t, "127.0.0.1", addr)
	slow.SetDeadline(time.Now().Add(closeBound))
	if _, err := io.WriteString(slow, "POST /signin HTTP/1.1\r\nHost: localhost\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := slow.Write([]byte("a")); err != nil {
					return
				}
			}
		}
	}()

	idle := dialFrom(t, "127.0.0.1", addr)
	r := bufio.NewReader(idle)
	if code, err := healthz(idle, r); code != http.StatusOK {
		t.Fatalf("/healthz: %d, %v", code, err)
	}

	closedByServer(t, "a client sending its body a byte every 100 ms", slow)
	closedByServer(t, "an idle keep-alive connection", r)
}

// TestConnectionCaps opens more connections from one client than it may
// hold: the extra one is refused while another client is served, the
// overall cap refuses a third client, and a trusted proxy is held to the
// overall cap only.
func TestConnectionCaps(t *testing.T) {
	proxy := "127.0.0.9"
	addr := serve(t, Conns{ReadHeaderTimeout: time.Hour, IdleTimeout: time.Hour, MaxPerClient: 2, MaxTotal: 6},
		netip.MustParsePrefix(proxy+"/32"))
	hold := func(from string) {
		t.Helper()
		c := dialFrom(t, from, addr)
		if code, err := healthz(c, bufio.NewReader(c)); code != http.StatusOK {
			t.Fatalf("/healthz from %s: %d, %v", from, code, err)
		}
	}
	refused := func(from, why string) {
		t.Helper()
		c := dialFrom(t, from, addr)
		code, err := healthz(c, bufio.NewReader(c))
		if err == nil {
			t.Fatalf("%s: /healthz answered %d", why, code)
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("%s: neither answered nor closed after %v", why, closeBound)
		}
	}
	hold("127.0.0.1")
	hold("127.0.0.1")
	refused("127.0.0.1", "a third connection from one client")
	hold("127.0.0.2")
	for range 3 {
		hold(proxy)
	}
	refused("127.0.0.3", "a seventh connection in all")
}

// TestLimitListenerReleases checks that a closed connection, closed once
// or twice, frees its place, and which addresses count as one client.
func TestLimitListenerReleases(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	l := &limitListener{Listener: tcp, perClient: 1, total: 10, held: map[string]int{}}
	accept := func() net.Conn {
		t.Helper()
		c, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	dialFrom(t, "127.0.0.1", tcp.Addr().String())
	first := accept()
	extra := dialFrom(t, "127.0.0.1", tcp.Addr().String())
	accepted := make(chan net.Conn)
	go func() { c, _ := l.Accept(); accepted <- c }()
	extra.SetDeadline(time.Now().Add(closeBound))
	closedByServer(t, "a second connection from one client", extra)
	first.Close()
	first.Close()
	third := dialFrom(t, "127.0.0.1", tcp.Addr().String())
	third.Write([]byte("x"))
	c := <-accepted
	b := make([]byte, 1)
	if _, err := io.ReadFull(c, b); err != nil || b[0] != 'x' {
		t.Fatalf("the connection after the first was closed is not the one accepted: %q, %v", b, err)
	}
	c.Close()
	if l.open != 0 || len(l.held) != 0 {
		t.Errorf("all closed: %d open, %v held", l.open, l.held)
	}

	for _, tc := range []struct{ a, b string }{{"2001:db8::1", "2001:db8::ffff:1"}, {"::ffff:192.0.2.1", "192.0.2.1"},
		{"fe80::1%eth0", "fe80::2"}} {
		if x, y := clientOf(netip.MustParseAddr(tc.a)), clientOf(netip.MustParseAddr(tc.b)); x != y {
			t.Errorf("%s and %s are different clients: %s, %s", tc.a, tc.b, x, y)
		}
	}
	if clientOf(netip.MustParseAddr("2001:db8:0:1::1")) == clientOf(netip.MustParseAddr("2001:db8::1")) {
		t.Error("two IPv6 /64 networks are one client")
	}
}

// TestParseTrustedProxies reads addresses and networks and refuses
// anything else.
func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,::ffff:198.51.100.1,")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"),
		netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("198.51.100.1/32")}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	if none, err := ParseTrustedProxies(""); err != nil || len(none) != 0 {
		t.Errorf("an empty list: %v, %v", none, err)
	}
	for _, bad := range []string{"proxy.local", "10.0.0.1/33", "10.0.0.0/8;192.0.2.1"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}
