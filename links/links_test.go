package links

import (
	"errors"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	secret := []byte("s3cret")
	exp := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	tok := Sign(secret, "r1-199001012015011001-P7", exp)
	if again := Sign(secret, "r1-199001012015011001-P7", exp); again != tok {
		t.Fatalf("Sign is not deterministic: %q vs %q", tok, again)
	}
	id, err := Verify(secret, tok, exp.Add(-time.Hour))
	if err != nil || id != "r1-199001012015011001-P7" {
		t.Fatalf("Verify = %q, %v", id, err)
	}
	if _, err := Verify(secret, tok, exp); !errors.Is(err, ErrExpired) {
		t.Errorf("at expiry: err = %v, want ErrExpired", err)
	}
	if _, err := Verify([]byte("other"), tok, exp.Add(-time.Hour)); !errors.Is(err, ErrSignature) {
		t.Errorf("other secret: err = %v, want ErrSignature", err)
	}
	forged := Sign([]byte("other"), "r1-x", exp)
	if _, err := Verify(secret, forged, exp.Add(-time.Hour)); !errors.Is(err, ErrSignature) {
		t.Errorf("forged: err = %v, want ErrSignature", err)
	}
	if _, err := Verify(secret, "abc", exp); !errors.Is(err, ErrMalformed) {
		t.Errorf("malformed: err = %v, want ErrMalformed", err)
	}
}
