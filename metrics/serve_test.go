package metrics

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestServeUntilDone(t *testing.T) {
	reg := New()
	reg.Temporal().Counter("temporal_worker_start").Inc(1)
	_ = reg.Handler() // a second Handler shares the first one's metrics
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- reg.Serve(ctx, ln) }()

	resp, err := http.Get("http://" + ln.Addr().String() + Path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "\ntemporal_worker_start_total 1\n") {
		t.Fatalf("GET %s: %d\n%s", Path, resp.StatusCode, body)
	}
	other, err := http.Get("http://" + ln.Addr().String() + "/other")
	if err != nil {
		t.Fatal(err)
	}
	other.Body.Close()
	if other.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /other: %d, want 404", other.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return after cancel")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + Path); err == nil {
		t.Fatal("still serving after cancel")
	}
}
