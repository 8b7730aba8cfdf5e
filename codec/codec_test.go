package codec_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/bkpsdm/mutasi/codec"
)

func newCodec(t *testing.T, spec string) *codec.Codec {
	t.Helper()
	c, err := codec.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func key(t *testing.T, id string) string {
	t.Helper()
	k, err := codec.NewKey(id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

const secret = "keberatan: orang tua sakit, Siti Aminah"

// TestEncryptsAndRotates encrypts with the first key, decrypts with any
// listed key, passes plain payloads through, and refuses unknown keys
// and changed bytes.
func TestEncryptsAndRotates(t *testing.T) {
	k1, k2 := key(t, "k1"), key(t, "k2")
	old := newCodec(t, k1)
	dc := old.DataConverter()
	p, err := dc.ToPayload(secret)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(p.Data, []byte("orang tua")) || string(p.Metadata["encoding"]) != codec.Encoding {
		t.Fatalf("payload not encrypted: %s", p)
	}
	again, _ := dc.ToPayload(secret)
	if bytes.Equal(again.Data, p.Data) {
		t.Error("two encryptions of one value are the same bytes (nonce reused)")
	}

	// After a rotation the new key encrypts and the old one still decrypts.
	rotated := newCodec(t, k2+","+k1)
	var got string
	if err := rotated.DataConverter().FromPayload(p, &got); err != nil || got != secret {
		t.Fatalf("old payload after rotation: %q, %v", got, err)
	}
	fresh, _ := rotated.DataConverter().ToPayload(secret)
	if string(fresh.Metadata["encryption-key-id"]) != "k2" {
		t.Errorf("rotated codec encrypts with %q", fresh.Metadata["encryption-key-id"])
	}
	if err := old.DataConverter().FromPayload(fresh, &got); !errors.Is(err, codec.ErrUnknownKey) {
		t.Errorf("payload of an unknown key: %v", err)
	}

	// A plain payload, written before encryption, still decodes.
	plain, _ := converter.GetDefaultDataConverter().ToPayload(secret)
	if err := rotated.DataConverter().FromPayload(plain, &got); err != nil || got != secret {
		t.Errorf("plain payload: %q, %v", got, err)
	}

	// A changed byte, or another key under the same ID, does not decrypt.
	p.Data[len(p.Data)-1] ^= 1
	if err := old.DataConverter().FromPayload(p, &got); err == nil {
		t.Error("a changed ciphertext decrypted")
	}
	p.Data[len(p.Data)-1] ^= 1
	impostor := newCodec(t, "k1:"+strings.SplitN(key(t, "x"), ":", 2)[1])
	if err := impostor.DataConverter().FromPayload(p, &got); err == nil {
		t.Error("another key named k1 decrypted")
	}
}

func TestParseRefusesBadKeys(t *testing.T) {
	good := key(t, "k1")
	for _, spec := range []string{"", "k1", "k1:short", "bad id:" + strings.SplitN(good, ":", 2)[1], good + "," + good} {
		if _, err := codec.Parse(spec); err == nil {
			t.Errorf("Parse(%q) accepted it", spec)
		} else if strings.Contains(err.Error(), strings.SplitN(good, ":", 2)[1]) {
			t.Errorf("Parse error shows the key: %v", err)
		}
	}
}

// TestServerDecodesForTheOperatorOnly checks the codec server: the
// operator's token decodes, no token or another origin gets nothing,
// and it does not encode.
func TestServerDecodesForTheOperatorOnly(t *testing.T) {
	c := newCodec(t, key(t, "k1"))
	p, err := c.DataConverter().ToPayload(secret)
	if err != nil {
		t.Fatal(err)
	}
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: []*commonpb.Payload{p}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(codec.Handler(c, "operator-token", "http://localhost:8233"))
	defer srv.Close()
	post := func(path, auth, origin string) (int, string) {
		req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	code, out := post("/decode", "Bearer operator-token", "http://localhost:8233")
	if code != 200 {
		t.Fatalf("decode: %d %s", code, out)
	}
	var decoded commonpb.Payloads
	if err := protojson.Unmarshal([]byte(out), &decoded); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := converter.GetDefaultDataConverter().FromPayload(decoded.Payloads[0], &got); err != nil || got != secret {
		t.Fatalf("decoded %q, %v", got, err)
	}
	for _, c := range []struct{ path, auth, origin string }{
		{"/decode", "", ""},
		{"/decode", "Bearer wrong", ""},
		{"/decode", "Bearer operator-token", "https://evil.example"},
		{"/encode", "Bearer operator-token", ""},
	} {
		if code, out := post(c.path, c.auth, c.origin); code < 400 || strings.Contains(out, "orang tua") {
			t.Errorf("%+v: %d %s", c, code, out)
		}
	}
}
