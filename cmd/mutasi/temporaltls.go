package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"strconv"
)

// temporalTLS is how the server and the worker reach a Temporal frontend
// over TLS: a cluster on other hosts, or Temporal Cloud, which also asks
// for a client certificate (mutual TLS). The dev stack's own server, on
// this host, needs none.
type temporalTLS struct {
	// on asks for TLS checked against the system's CAs; any of the other
	// settings asks for it too. badEnv is MUTASI_TEMPORAL_TLS when it is
	// not a boolean.
	on     bool
	badEnv string
	// ca is a PEM file of the CA(s) that signed the frontend's
	// certificate, instead of the system's.
	ca string
	// cert and key are PEM files of this process's client certificate
	// and its key.
	cert, key string
	// serverName is the name the frontend's certificate is checked
	// against, when it is not the host of --temporal.
	serverName string
}

// flags registers the settings' flags on fs.
func (t *temporalTLS) flags(fs *flag.FlagSet) {
	v := env("MUTASI_TEMPORAL_TLS", "false")
	on, err := strconv.ParseBool(v)
	if err != nil {
		t.badEnv = v
	}
	fs.BoolVar(&t.on, "temporal-tls", on,
		"connect to Temporal with TLS, the frontend's certificate checked against the system's CAs; the other temporal-tls flags imply it (MUTASI_TEMPORAL_TLS)")
	fs.StringVar(&t.ca, "temporal-tls-ca", env("MUTASI_TEMPORAL_TLS_CA", ""),
		"PEM file of the CA that signed the Temporal frontend's certificate, instead of the system's CAs (MUTASI_TEMPORAL_TLS_CA)")
	fs.StringVar(&t.cert, "temporal-tls-cert", env("MUTASI_TEMPORAL_TLS_CERT", ""),
		"PEM file of this process's client certificate, for a frontend that requires mutual TLS; with --temporal-tls-key (MUTASI_TEMPORAL_TLS_CERT)")
	fs.StringVar(&t.key, "temporal-tls-key", env("MUTASI_TEMPORAL_TLS_KEY", ""),
		"PEM file of the client certificate's private key (MUTASI_TEMPORAL_TLS_KEY)")
	fs.StringVar(&t.serverName, "temporal-tls-server-name", env("MUTASI_TEMPORAL_TLS_SERVER_NAME", ""),
		"name the frontend's certificate must carry, when it is not the host of --temporal (MUTASI_TEMPORAL_TLS_SERVER_NAME)")
}

// config is the TLS configuration of the connection to Temporal, nil
// for a plain one. A setting that cannot be used is an error naming its
// flag, before anything is sent.
func (t temporalTLS) config() (*tls.Config, error) {
	if t.badEnv != "" {
		return nil, fmt.Errorf("MUTASI_TEMPORAL_TLS %q: want true or false", t.badEnv)
	}
	if !t.on && t.ca == "" && t.cert == "" && t.key == "" && t.serverName == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.serverName}
	if t.ca != "" {
		pem, err := os.ReadFile(t.ca)
		if err != nil {
			return nil, fmt.Errorf("--temporal-tls-ca: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--temporal-tls-ca %s: no PEM certificate in it", t.ca)
		}
	}
	if (t.cert == "") != (t.key == "") {
		return nil, fmt.Errorf("--temporal-tls-cert and --temporal-tls-key go together: give both or neither")
	}
	if t.cert != "" {
		pair, err := tls.LoadX509KeyPair(t.cert, t.key)
		if err != nil {
			return nil, fmt.Errorf("--temporal-tls-cert, --temporal-tls-key: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}
