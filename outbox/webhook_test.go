package outbox_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
	"github.com/bkpsdm/mutasi/outbox"
	"github.com/bkpsdm/mutasi/testkit"
)

const hookSecret = "rahasia-gateway-uji-1234"

// gateway is a messaging gateway started in the test: it checks each
// post's signature and answers with the next of its scripted statuses
// (200 once they run out); a stall holds the answer until the sender
// gives up. It records what it accepted, by delivery ID.
type gateway struct {
	mu        sync.Mutex
	statuses  []int
	stall     time.Duration
	posts     int
	accepted  map[string]notify.WebhookPayload
	badSigned int
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ts := r.Header.Get(notify.HeaderTimestamp)
	sent, _ := strconv.ParseInt(ts, 10, 64)
	g.mu.Lock()
	g.posts++
	stall := g.stall
	g.mu.Unlock()
	if !hmac.Equal([]byte(r.Header.Get(notify.HeaderSignature)), []byte(notify.Sign([]byte(hookSecret), ts, body))) ||
		time.Since(time.Unix(sent, 0)) > 5*time.Minute {
		g.mu.Lock()
		g.badSigned++
		g.mu.Unlock()
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if stall > 0 {
		select {
		case <-r.Context().Done(): // the sender gave up: nothing is sent on
			return
		case <-time.After(stall):
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	status := http.StatusOK
	if len(g.statuses) > 0 {
		status, g.statuses = g.statuses[0], g.statuses[1:]
	}
	if status == http.StatusOK {
		var p notify.WebhookPayload
		if err := json.Unmarshal(body, &p); err != nil || p.ID != r.Header.Get(notify.HeaderDelivery) {
			status = http.StatusBadRequest
		} else {
			g.accepted[p.ID] = p
		}
	}
	w.WriteHeader(status)
}

func hookMessage(t *testing.T, gdb *gorm.DB, key, to string) {
	t.Helper()
	m := models.OutboxMessage{Key: key, To: to, Channel: models.ChannelWebhook, Subject: "Pemberitahuan mutasi",
		Body: "Anda dimutasi ke Dinas Sosial.", Status: models.OutboxPending}
	if err := gdb.Create(&m).Error; err != nil {
		t.Fatal(err)
	}
}

func message(t *testing.T, gdb *gorm.DB, key string) models.OutboxMessage {
	t.Helper()
	var m models.OutboxMessage
	if err := gdb.First(&m, "key = ?", key).Error; err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWebhookChannel: the relay posts webhook messages signed to the
// gateway, leaves e-mail to a relay that has a mail server, tries again
// after a 500, sends nothing twice after a timeout, and fails for good a
// message the gateway refuses, where HR sees it.
func TestWebhookChannel(t *testing.T) {
	gdb, _ := testkit.New(t)
	g := &gateway{accepted: map[string]notify.WebhookPayload{}, statuses: []int{http.StatusInternalServerError}}
	srv := httptest.NewServer(g)
	defer srv.Close()
	hook := notify.Webhook{URL: srv.URL, Secret: []byte(hookSecret)}
	r := &outbox.Relay{DB: gdb, Log: quiet, Webhook: hook}
	record(t, gdb, 1) // e-mail: not this relay's
	hookMessage(t, gdb, "transfer-T1:socialization", "+6281234567890")

	// A 500 is tried again later.
	if n, err := r.SendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("first pass: %d, %v", n, err)
	}
	if m := message(t, gdb, "transfer-T1:socialization"); m.Status != models.OutboxPending || m.Attempts != 1 || m.NextAttemptAt == nil {
		t.Fatalf("after a 500: %+v", m)
	}
	if m := message(t, gdb, "transfer-T000:tpk:request"); m.Status != models.OutboxPending || m.Attempts != 0 || m.NextAttemptAt != nil {
		t.Errorf("the relay without a mail server touched an e-mail: %+v", m)
	}
	gdb.Model(&models.OutboxMessage{}).Where("key = ?", "transfer-T1:socialization").Update("next_attempt_at", time.Now().Add(-time.Second))
	if n, err := r.SendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("retry: %d, %v", n, err)
	}
	if m := message(t, gdb, "transfer-T1:socialization"); m.Status != models.OutboxSent || m.SentAt == nil {
		t.Fatalf("after the retry: %+v", m)
	}
	if p := g.accepted["transfer-T1:socialization"]; len(g.accepted) != 1 || p.To != "+6281234567890" || p.Body != "Anda dimutasi ke Dinas Sosial." {
		t.Errorf("the gateway accepted %+v", g.accepted)
	}

	// A gateway that answers after the sender's deadline: the cancelled
	// post delivers nothing, and the next attempt delivers once.
	g.mu.Lock()
	g.stall = 2 * time.Second
	g.mu.Unlock()
	short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	err := hook.Send(short, notify.Message{ID: "transfer-T2:effective", To: "+6281234567890", Subject: "s", Body: "b"})
	cancel()
	if err == nil {
		t.Fatal("a post past its deadline succeeded")
	}
	g.mu.Lock()
	g.stall = 0
	g.mu.Unlock()
	if err := hook.Send(context.Background(), notify.Message{ID: "transfer-T2:effective", To: "+6281234567890", Subject: "s", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	accepted, posts := len(g.accepted), g.posts
	g.mu.Unlock()
	if accepted != 2 || posts != 4 {
		t.Errorf("after a timeout and a retry: %d accepted of %d posts, want 2 of 4", accepted, posts)
	}

	// A refusal (400) and a number that is not one fail at once, for HR.
	g.mu.Lock()
	g.statuses = []int{http.StatusBadRequest}
	g.mu.Unlock()
	hookMessage(t, gdb, "transfer-T3:socialization", "+6281298765432")
	hookMessage(t, gdb, "transfer-T4:socialization", "0812-not-a-number")
	if n, err := r.SendDue(context.Background()); err != nil || n != 2 {
		t.Fatalf("refusals: %d, %v", n, err)
	}
	failed, total, err := outbox.List(context.Background(), gdb, models.OutboxFailed)
	if err != nil || total != 2 || failed[0].Channel != models.ChannelWebhook || failed[0].LastError == "" || failed[1].LastError == "" {
		t.Errorf("failed notifications as HR sees them: %+v (%d), %v", failed, total, err)
	}
	if g.badSigned != 0 {
		t.Errorf("%d posts had a bad signature", g.badSigned)
	}
	// A wrong secret is refused by the gateway (so the check can fail).
	wrong := notify.Webhook{URL: srv.URL, Secret: []byte("another-secret-000000")}
	if err := wrong.Send(context.Background(), notify.Message{ID: "x", To: "+6281234567890"}); err == nil || g.badSigned != 1 {
		t.Errorf("a post signed with another secret: %v (%d refused)", err, g.badSigned)
	}
}
