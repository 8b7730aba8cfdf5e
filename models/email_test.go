package models

import "testing"

func TestCheckEmail(t *testing.T) {
	for s, ok := range map[string]bool{
		"budi@banjarbarukota.go.id": true, "siti.a+mutasi@example.id": true,
		"": false, "not-an-address": false, "a@b.id\r\nBcc: x@y.id": false, "a@b.id\n": false,
		"Budi <budi@example.id>": false, "a@b.id, c@d.id": false, "a@localhost": false, "a@b.id\x00": false,
	} {
		if err := CheckEmail(s); (err == nil) != ok {
			t.Errorf("CheckEmail(%q) = %v, want ok %v", s, err, ok)
		}
	}
}
