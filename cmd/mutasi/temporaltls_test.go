package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/bkpsdm/mutasi/codec"
	"github.com/bkpsdm/mutasi/devtemporal"
	"github.com/bkpsdm/mutasi/metrics"
	"github.com/bkpsdm/mutasi/testkit"
)

// authority is a certificate authority made for a test.
type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	// pem is the CA's certificate, in a file.
	pem string
}

// newAuthority makes a CA whose certificate is written in dir.
func newAuthority(t *testing.T, dir, name string) authority {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name+".pem")
	writePEM(t, file, "CERTIFICATE", der)
	return authority{cert: cert, key: key, pem: file}
}

// issue signs a certificate for name (a server's, valid for 127.0.0.1,
// or a client's) and writes it and its key in dir; it returns the files.
func (a authority) issue(t *testing.T, dir, name string, server bool) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if server {
		tmpl.ExtKeyUsage, tmpl.IPAddresses = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "PRIVATE KEY", keyDER)
	return certFile, keyFile
}

func writePEM(t *testing.T, file, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestTemporalTLSSettings checks what the temporal-tls flags make of
// the connection: plain without them, TLS with any of them, and an
// error naming the flag for a setting that cannot be used.
func TestTemporalTLSSettings(t *testing.T) {
	dir := t.TempDir()
	ca := newAuthority(t, dir, "ca")
	cert, key := ca.issue(t, dir, "worker", false)
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		set     temporalTLS
		tls     bool
		roots   bool
		certs   int
		wantErr string
	}{
		{name: "none", set: temporalTLS{}},
		{name: "system CAs", set: temporalTLS{on: true}, tls: true},
		{name: "a server name alone", set: temporalTLS{serverName: "temporal.internal"}, tls: true},
		{name: "own CA", set: temporalTLS{ca: ca.pem}, tls: true, roots: true},
		{name: "mutual", set: temporalTLS{ca: ca.pem, cert: cert, key: key}, tls: true, roots: true, certs: 1},
		{name: "not a boolean", set: temporalTLS{badEnv: "ya"}, wantErr: "MUTASI_TEMPORAL_TLS \"ya\""},
		{name: "no CA file", set: temporalTLS{ca: filepath.Join(dir, "missing.pem")}, wantErr: "--temporal-tls-ca"},
		{name: "CA file without a certificate", set: temporalTLS{ca: notPEM}, wantErr: "no PEM certificate"},
		{name: "certificate without key", set: temporalTLS{cert: cert}, wantErr: "go together"},
		{name: "key without certificate", set: temporalTLS{key: key}, wantErr: "go together"},
		{name: "certificate with the wrong key", set: temporalTLS{cert: cert, key: notPEM}, wantErr: "--temporal-tls-key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := c.set.config()
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (cfg != nil) != c.tls {
				t.Fatalf("TLS %v, want %v", cfg != nil, c.tls)
			}
			if cfg == nil {
				return
			}
			if (cfg.RootCAs != nil) != c.roots || len(cfg.Certificates) != c.certs || cfg.ServerName != c.set.serverName {
				t.Errorf("roots %v, %d certificates, server name %q; want roots %v, %d, %q", cfg.RootCAs != nil,
					len(cfg.Certificates), cfg.ServerName, c.roots, c.certs, c.set.serverName)
			}
		})
	}
}

// TestTemporalOverMutualTLS connects as the server and the worker do
// (config.dial) to a Temporal frontend behind TLS that requires a client
// certificate from its CA: a TLS endpoint on loopback whose connections
// go on to a dev server. With the CA and the client certificate a call
// goes through, and the endpoint saw the certificate; without the client
// certificate, or trusting another CA, the connection is refused.
func TestTemporalOverMutualTLS(t *testing.T) {
	srv := testkit.Temporal(t, devtemporal.Options{})
	dir := t.TempDir()
	ca := newAuthority(t, dir, "ca")
	serverCert, serverKey := ca.issue(t, dir, "frontend", true)
	clientCert, clientKey := ca.issue(t, dir, "mutasi-worker", false)
	other := newAuthority(t, dir, "other-ca")
	pair, err := tls.LoadX509KeyPair(serverCert, serverKey)
	if err != nil {
		t.Fatal(err)
	}
	clients := x509.NewCertPool()
	clients.AddCert(ca.cert)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: clients,
		ClientAuth: tls.RequireAndVerifyClientCert, NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	var seen []string // the client certificates' names
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				tc := conn.(*tls.Conn)
				if tc.Handshake() != nil {
					return
				}
				mu.Lock() // the handshake required a verified client certificate
				seen = append(seen, tc.ConnectionState().PeerCertificates[0].Subject.CommonName)
				mu.Unlock()
				up, err := net.Dial("tcp", srv.FrontendHostPort())
				if err != nil {
					return
				}
				defer up.Close()
				go io.Copy(up, tc)
				io.Copy(tc, up)
			}()
		}
	}()
	key, err := codec.NewKey("t")
	if err != nil {
		t.Fatal(err)
	}
	cd, err := codec.Parse(key)
	if err != nil {
		t.Fatal(err)
	}
	dial := func(set temporalTLS) error {
		c := &config{temporal: ln.Addr().String(), namespace: "default", temporalTLS: set}
		tc, err := c.dial(slog.New(slog.NewTextHandler(io.Discard, nil)), metrics.New(), cd)
		if err != nil {
			return err
		}
		defer tc.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err = tc.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"})
		return err
	}
	if err := dial(temporalTLS{ca: ca.pem, cert: clientCert, key: clientKey}); err != nil {
		t.Fatalf("over mutual TLS: %v", err)
	}
	mu.Lock()
	if len(seen) == 0 || seen[0] != "mutasi-worker" {
		t.Errorf("the frontend saw client certificates %v, want mutasi-worker's", seen)
	}
	mu.Unlock()
	if err := dial(temporalTLS{ca: ca.pem}); err == nil {
		t.Error("connected without a client certificate")
	}
	if err := dial(temporalTLS{ca: other.pem, cert: clientCert, key: clientKey}); err == nil {
		t.Error("connected trusting another CA")
	}
	if err := dial(temporalTLS{}); err == nil {
		t.Error("connected in plain text to a TLS frontend")
	}
}

// TestCommandsRefuseBadTemporalTLS checks that the server and the worker
// take the temporal-tls settings from the environment and, given one
// that cannot be used, stop at start naming it, before they look for
// their database (which is not there: that would be the error otherwise).
func TestCommandsRefuseBadTemporalTLS(t *testing.T) {
	dir := t.TempDir()
	key, err := codec.NewKey("t")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("MUTASI_LINK_SECRET", "a-secret-long-enough-for-the-test-0123")
	t.Setenv("MUTASI_PAYLOAD_KEYS", key)
	missing := filepath.Join(dir, "missing.pem")
	for _, c := range []struct{ env, value, says string }{
		{"MUTASI_TEMPORAL_TLS", "ya", `MUTASI_TEMPORAL_TLS "ya"`},
		{"MUTASI_TEMPORAL_TLS_CA", missing, "--temporal-tls-ca"},
		{"MUTASI_TEMPORAL_TLS_CERT", missing, "go together"},
	} {
		t.Setenv(c.env, c.value)
		for _, cmd := range []string{"server", "worker"} {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{cmd, "--database-url", "sqlite:" + filepath.Join(dir, "m.db"),
				"--temporal", "127.0.0.1:1"}, &stdout, &stderr)
			if code == 0 || !strings.Contains(stderr.String(), c.says) {
				t.Errorf("mutasi %s with %s=%s: exit %d, %q; want an error saying %s", cmd, c.env, c.value, code, stderr.String(), c.says)
			}
		}
		t.Setenv(c.env, "")
	}
}
