package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Conns bounds the connections of the API's HTTP server, so that slow or
// idle clients cannot hold them, nor use up the process's file
// descriptors. A zero field takes its value from DefaultConns.
type Conns struct {
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included.
	ReadTimeout time.Duration
	// WriteTimeout bounds handling the request and writing the answer,
	// counted from the end of the request's headers. No handler streams:
	// each answer, exports included, is written at once.
	WriteTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its
	// next request.
	IdleTimeout time.Duration
	// MaxPerClient is how many connections one client may hold at once:
	// one address, or one IPv6 /64; trusted proxies are not limited.
	MaxPerClient int
	// MaxTotal is how many connections all clients may hold at once;
	// keep it well below the process's limit of open files.
	MaxTotal int
}

// DefaultConns are the limits of a production server: a request must
// arrive within a minute (a 32 MiB import at about 4 Mbit/s) and be
// answered within 90 seconds of its headers, a keep-alive connection
// idles for a minute, and a client (say an office behind one NAT address)
// holds at most 128 connections of 4,096.
func DefaultConns() Conns {
	return Conns{ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 90 * time.Second,
		IdleTimeout: time.Minute, MaxPerClient: 128, MaxTotal: 4096}
}

// withDefaults fills c's zero fields from DefaultConns.
func (c Conns) withDefaults() Conns {
	d := DefaultConns()
	for _, f := range []struct{ v, def *time.Duration }{{&c.ReadHeaderTimeout, &d.ReadHeaderTimeout},
		{&c.ReadTimeout, &d.ReadTimeout}, {&c.WriteTimeout, &d.WriteTimeout}, {&c.IdleTimeout, &d.IdleTimeout}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	if c.MaxPerClient <= 0 {
		c.MaxPerClient = d.MaxPerClient
	}
	if c.MaxTotal <= 0 {
		c.MaxTotal = d.MaxTotal
	}
	return c
}

// HTTP returns the API's HTTP server, with the timeouts of conns, and
// the listener to serve it on (srv.Serve(limited)): ln, refusing
// connections beyond conns' caps by closing them at once.
func (s *Server) HTTP(ln net.Listener, conns Conns) (srv *http.Server, limited net.Listener) {
	conns = conns.withDefaults()
	srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: conns.ReadHeaderTimeout, ReadTimeout: conns.ReadTimeout,
		WriteTimeout: conns.WriteTimeout, IdleTimeout: conns.IdleTimeout}
	return srv, &limitListener{Listener: ln, perClient: conns.MaxPerClient, total: conns.MaxTotal,
		trusted: s.TrustedProxies, held: map[string]int{}}
}

// limitListener counts the open connections per client and in all, and
// closes new ones over either cap as soon as they are accepted.
type limitListener struct {
	net.Listener
	perClient, total int
	trusted          []netip.Prefix

	mu   sync.Mutex
	open int
	held map[string]int // open connections per client, trusted proxies not counted
}

// Accept returns the next connection within the caps.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if client, ok := l.admit(c.RemoteAddr()); ok {
			return &limitedConn{Conn: c, release: sync.OnceFunc(func() { l.release(client) })}, nil
		}
		c.Close()
	}
}

// admit counts a new connection from addr, unless it is over a cap, and
// returns the client it counts for ("" when not limited per client).
func (l *limitListener) admit(addr net.Addr) (client string, ok bool) {
	if tcp, isTCP := addr.(*net.TCPAddr); isTCP && !trusted(l.trusted, tcp.AddrPort().Addr()) {
		client = clientOf(tcp.AddrPort().Addr())
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.total || client != "" && l.held[client] >= l.perClient {
		return "", false
	}
	l.open++
	if client != "" {
		l.held[client]++
	}
	return client, true
}

// release uncounts a closed connection of client.
func (l *limitListener) release(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if client == "" {
		return
	}
	if l.held[client]--; l.held[client] == 0 {
		delete(l.held, client)
	}
}

// limitedConn is a counted connection; closing it uncounts it once.
type limitedConn struct {
	net.Conn
	release func()
}

// Close closes the connection and uncounts it.
func (c *limitedConn) Close() error {
	c.release()
	return c.Conn.Close()
}

// clientOf names the client holding an address: the address itself, or
// for IPv6 its /64 network, which belongs to one site and gives it
// addresses without number.
func clientOf(a netip.Addr) string {
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// trusted reports whether a is one of the trusted proxies.
func trusted(proxies []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies reads a comma-separated list of the reverse
// proxies' addresses and networks, e.g. "10.0.0.0/8, 192.0.2.7".
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var proxies []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			a, aerr := netip.ParseAddr(item)
			if aerr != nil {
				return nil, fmt.Errorf("trusted proxy %q is neither an IP address nor a CIDR network", item)
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		proxies = append(proxies, p.Masked())
	}
	return proxies, nil
}
