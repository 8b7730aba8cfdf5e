package outbox_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
	"github.com/bkpsdm/mutasi/outbox"
	"github.com/bkpsdm/mutasi/smtptest"
	"github.com/bkpsdm/mutasi/testkit"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// record writes n pending messages and returns their keys in order.
func record(t *testing.T, gdb *gorm.DB, n int) []string {
	t.Helper()
	var keys []string
	for i := range n {
		k := fmt.Sprintf("transfer-T%03d:tpk:request", i)
		m := models.OutboxMessage{Key: k, To: fmt.Sprintf("p%03d@mutasi.local", i), Subject: "Subjek " + k,
			Body: "Isi " + k, Status: models.OutboxPending}
		if err := gdb.Create(&m).Error; err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	return keys
}

func relayTo(gdb *gorm.DB, srv *smtptest.Server) *outbox.Relay {
	return &outbox.Relay{DB: gdb, Log: quiet,
		Mailer: notify.SMTP{Host: srv.Host, Port: srv.Port, From: "bkpsdm@mutasi.local", Security: notify.SecurityNone}}
}

func count(t *testing.T, gdb *gorm.DB, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := gdb.Model(&models.OutboxMessage{}).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRelaySendsInOrderOnce(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			srv := smtptest.Start(t)
			keys := record(t, gdb, 60) // more than one pass's batch
			r := relayTo(gdb, srv)
			total := 0
			for range 3 {
				n, err := r.SendDue(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				total += n
			}
			if total != len(keys) {
				t.Errorf("claimed %d messages in three passes, want %d", total, len(keys))
			}
			got := srv.Messages()
			if len(got) != len(keys) {
				t.Fatalf("the SMTP server received %d messages, want %d", len(got), len(keys))
			}
			for i, m := range got {
				if m.Subject != "Subjek "+keys[i] || m.To[0] != fmt.Sprintf("p%03d@mutasi.local", i) {
					t.Fatalf("message %d: %q to %v, want %q in recording order", i, m.Subject, m.To, keys[i])
				}
			}
			if n := count(t, gdb, "status = ? AND sent_at IS NOT NULL", models.OutboxSent); n != int64(len(keys)) {
				t.Errorf("%d messages marked sent, want %d", n, len(keys))
			}
		})
	}
}

func TestRelayRetriesAFailedSendLater(t *testing.T) {
	gdb, _ := testkit.New(t)
	record(t, gdb, 1)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().(*net.TCPAddr)
	l.Close() // nothing listens there now
	down := &outbox.Relay{DB: gdb, Log: quiet, Mailer: notify.SMTP{Host: "127.0.0.1", Port: closed.Port, From: "x@y", Security: notify.SecurityNone}}
	before := time.Now()
	if _, err := down.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	var m models.OutboxMessage
	if err := gdb.First(&m).Error; err != nil {
		t.Fatal(err)
	}
	if m.Status != models.OutboxPending || m.Attempts != 1 || m.LastError == "" || m.NextAttemptAt == nil ||
		m.NextAttemptAt.Before(before.Add(outbox.FirstRetry)) {
		t.Fatalf("after a failed send: %+v", m)
	}
	srv := smtptest.Start(t)
	up := relayTo(gdb, srv)
	if n, err := up.SendDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("a message not yet due again was claimed: %d, %v", n, err)
	}
	// Move the retry into the past instead of waiting for it.
	if err := gdb.Model(&m).Update("next_attempt_at", before).Error; err != nil {
		t.Fatal(err)
	}
	if n, err := up.SendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("retry: %d, %v", n, err)
	}
	if len(srv.Messages()) != 1 || count(t, gdb, "status = ?", models.OutboxSent) != 1 {
		t.Errorf("retry delivered %d messages", len(srv.Messages()))
	}
}

func TestRelaysShareTheOutbox(t *testing.T) {
	gdb, _ := testkit.New(t)
	srv := smtptest.Start(t)
	keys := record(t, gdb, 120)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			r := relayTo(gdb, srv)
			for range 4 {
				if _, err := r.SendDue(context.Background()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.Subject]++
	}
	for _, k := range keys {
		if seen["Subjek "+k] != 1 {
			t.Errorf("%s received %d times, want once", k, seen["Subjek "+k])
		}
	}
}

func TestRunStopsWithItsContext(t *testing.T) {
	gdb, _ := testkit.New(t)
	srv := smtptest.Start(t)
	record(t, gdb, 3)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { relayTo(gdb, srv).Run(ctx); close(done) }()
	if !srv.Wait(30*time.Second, func(m []smtptest.Mail) bool { return len(m) == 3 }) {
		t.Fatalf("Run delivered %d of 3 messages", len(srv.Messages()))
	}
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func TestRetryDelayDoublesUpToTheCap(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	for i, w := range want {
		if got := outbox.RetryDelay(i + 1); got != w {
			t.Errorf("RetryDelay(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := outbox.RetryDelay(40); got != outbox.MaxRetry {
		t.Errorf("RetryDelay(40) = %v, want the cap %v", got, outbox.MaxRetry)
	}
}

// TestRelayFailsWhatCannotBeDelivered: a mailbox the server refuses for
// good (550) and an address with a line break fail at once, with the
// reason; a message the server takes still goes.
func TestRelayFailsWhatCannotBeDelivered(t *testing.T) {
	gdb, _ := testkit.New(t)
	srv := smtptest.Start(t)
	srv.Refuse("hilang@mutasi.local")
	for i, to := range []string{"hilang@mutasi.local", "a@mutasi.local\r\nBcc: x@mutasi.local", "ada@mutasi.local"} {
		m := models.OutboxMessage{Key: fmt.Sprintf("k%d", i), To: to, Subject: "s", Body: "b", Status: models.OutboxPending}
		if err := gdb.Create(&m).Error; err != nil {
			t.Fatal(err)
		}
	}
	if _, err := relayTo(gdb, srv).SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []models.OutboxMessage
	gdb.Order("key").Find(&got)
	want := []models.OutboxStatus{models.OutboxFailed, models.OutboxFailed, models.OutboxSent}
	for i, m := range got {
		if m.Status != want[i] || (m.Status == models.OutboxFailed && (m.LastError == "" || m.NextAttemptAt != nil)) {
			t.Errorf("%q: %s after %d attempts (%q), want %s", m.To, m.Status, m.Attempts, m.LastError, want[i])
		}
	}
	if len(srv.Messages()) != 1 {
		t.Errorf("the server received %d messages, want 1", len(srv.Messages()))
	}
}

// TestRelayGivesUpAfterMaxAttempts: a server that never answers fails the
// message after MaxAttempts sends, not never.
func TestRelayGivesUpAfterMaxAttempts(t *testing.T) {
	gdb, _ := testkit.New(t)
	record(t, gdb, 1)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	down := &outbox.Relay{DB: gdb, Log: quiet, Mailer: notify.SMTP{Host: "127.0.0.1", Port: port, From: "x@y", Security: notify.SecurityNone}}
	for i := range outbox.MaxAttempts {
		// Move the retry into the past instead of waiting for it.
		if err := gdb.Model(&models.OutboxMessage{}).Where("1 = 1").Update("next_attempt_at", nil).Error; err != nil {
			t.Fatal(err)
		}
		if n, err := down.SendDue(context.Background()); err != nil || n != 1 {
			t.Fatalf("attempt %d: claimed %d, %v", i+1, n, err)
		}
		var m models.OutboxMessage
		gdb.First(&m)
		if last := i+1 == outbox.MaxAttempts; (m.Status == models.OutboxFailed) != last {
			t.Fatalf("after %d failed sends the message is %s", i+1, m.Status)
		}
	}
}
