// Package codec keeps what Mutasi hands to Temporal private: every
// payload (workflow inputs and results, update arguments, activity
// arguments, queries, markers) is encrypted with AES-256-GCM before it
// leaves the process, so Temporal's history, its database and its Web UI
// hold no objection text, survey answer or name in plain text.
//
// Keys have IDs. Payloads are encrypted with the current key and carry its
// ID; any key still listed decrypts, so keys rotate by putting a new one
// first and keeping the old ones until no open workflow uses them.
// Payloads written before encryption was turned on pass through as they
// are.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

// The metadata of an encrypted payload.
const (
	metaEncoding = "encoding"
	metaKeyID    = "encryption-key-id"
	// Encoding marks an encrypted payload.
	Encoding = "binary/encrypted"
)

// Codec encrypts and decrypts payloads. It is a converter.PayloadCodec.
type Codec struct {
	current string
	keys    map[string]cipher.AEAD
}

var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Parse reads keys from spec, "id:base64key,id:base64key,..." with 32-byte
// keys; the first is the current one, which encrypts.
func Parse(spec string) (*Codec, error) {
	c := &Codec{keys: map[string]cipher.AEAD{}}
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		id, b64, ok := strings.Cut(item, ":")
		if !ok || !keyIDPattern.MatchString(id) {
			return nil, fmt.Errorf("payload key %q: want id:base64key, the id of letters, digits, '.', '_' or '-'", truncate(item))
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("payload key %s: want the base64 of 32 bytes (mutasi payload-key makes one)", id)
		}
		if _, dup := c.keys[id]; dup {
			return nil, fmt.Errorf("payload key %s is listed twice", id)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		if c.keys[id], err = cipher.NewGCM(block); err != nil {
			return nil, err
		}
		if c.current == "" {
			c.current = id
		}
	}
	return c, nil
}

func truncate(s string) string {
	if i := strings.Index(s, ":"); i >= 0 {
		return s[:i] + ":…"
	}
	return s
}

// NewKey makes a key spec item with the given ID and a random key.
func NewKey(id string) (string, error) {
	if !keyIDPattern.MatchString(id) {
		return "", fmt.Errorf("key id %q: letters, digits, '.', '_' or '-', at most 64", id)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return "", err
	}
	return id + ":" + base64.StdEncoding.EncodeToString(key), nil
}

// DataConverter is Temporal's default data converter with c encrypting
// what it produces.
func (c *Codec) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// Connection is how a client whose payloads a Codec encrypts connects to
// Temporal: without the gzip the SDK applies to every request by default.
// Encrypted payloads, the bulk of what a worker and the API send, do not
// compress, so gzip only spent CPU, the client's to deflate and the
// server's to inflate: a tenth of the benchmark process's CPU during
// decisions (BENCHMARKS.md, 2026-12-07).
func Connection() client.ConnectionOptions {
	return client.ConnectionOptions{GrpcCompression: &client.GrpcCompressionNone{}}
}

// Encode encrypts each payload with the current key; the key's ID is
// also the additional data the encryption authenticates.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.keys[c.current]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, err
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, err
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{metaEncoding: []byte(Encoding), metaKeyID: []byte(c.current)},
			Data:     aead.Seal(nonce, nonce, plain, []byte(c.current)),
		}
	}
	return out, nil
}

// ErrUnknownKey says a payload was encrypted with a key that is not
// listed (any more).
var ErrUnknownKey = errors.New("payload encrypted with a key that is not listed")

// Decode decrypts each encrypted payload with the key it names; other
// payloads pass through unchanged.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[metaEncoding]) != Encoding {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[metaKeyID])
		aead, ok := c.keys[id]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownKey, id)
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return nil, errors.New("encrypted payload too short")
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("decrypt payload with key %s: %w", id, err)
		}
		var dec commonpb.Payload
		if err := proto.Unmarshal(plain, &dec); err != nil {
			return nil, err
		}
		out[i] = &dec
	}
	return out, nil
}
