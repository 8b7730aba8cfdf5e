package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/account"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/notify"
	"github.com/bkpsdm/mutasi/outbox"
	"github.com/bkpsdm/mutasi/smtptest"
)

// TestUndeliveredNotificationsReachHR sends two notices through a real
// SMTP server that refuses one mailbox for good: the refused one is
// failed, with the server's reason, and HR finds it through the API and on
// the dashboard; nobody else may list notifications.
func TestUndeliveredNotificationsReachHR(t *testing.T) {
	s := newStack(t, "", nil)
	mail := smtptest.Start(t)
	mail.Refuse("hilang@banjarbarukota.go.id")
	for _, m := range []models.OutboxMessage{
		{Key: "transfer-T1:socialization", TransferID: "T1", To: "hilang@banjarbarukota.go.id", Subject: "Pemberitahuan mutasi"},
		{Key: "transfer-T2:socialization", TransferID: "T2", To: "ada@banjarbarukota.go.id", Subject: "Pemberitahuan mutasi"},
	} {
		m.Body, m.Status = "isi", models.OutboxPending
		if err := s.db.Create(&m).Error; err != nil {
			t.Fatal(err)
		}
	}
	relay := &outbox.Relay{DB: s.db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Mailer: notify.SMTP{Host: mail.Host, Port: mail.Port, From: "bkpsdm@banjarbarukota.go.id", Security: notify.SecurityNone}}
	if _, err := relay.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}

	var list struct {
		Items []outbox.Notification
		Total int
	}
	r := s.do("GET", "/api/v1/notifications", models.RoleHR, nil)
	expect(t, r, http.StatusOK)
	r.json(t, &list)
	if list.Total != 1 || len(list.Items) != 1 || list.Items[0].TransferID != "T1" || !strings.Contains(list.Items[0].LastError, "550") {
		t.Fatalf("failed notifications: %+v", list)
	}
	expect(t, s.do("GET", "/api/v1/notifications?status=sent", models.RoleHR, nil), http.StatusOK)
	expect(t, s.do("GET", "/api/v1/notifications?status=lost", models.RoleHR, nil), http.StatusUnprocessableEntity)
	expect(t, s.do("GET", "/api/v1/notifications", models.RoleTPK, nil), http.StatusForbidden)

	if _, err := account.Create(s.db, account.Params{Username: "hr1", Name: "HR", Password: testPassword, Role: models.RoleHR}); err != nil {
		t.Fatal(err)
	}
	p := newPageClient(t, s.url)
	if status, _ := p.signIn("hr1", testPassword); status != http.StatusOK {
		t.Fatalf("sign-in: %d", status)
	}
	status, page := p.get("/dashboard")
	if status != http.StatusOK || !strings.Contains(page, "Pemberitahuan yang gagal terkirim (1)") ||
		!strings.Contains(page, "hilang@banjarbarukota.go.id") || strings.Contains(page, "ada@banjarbarukota.go.id") {
		t.Errorf("the dashboard does not show the one failed notification: %d\n%s", status, page)
	}
}
