package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/notify"
	"github.com/bkpsdm/mutasi/smtptest"
)

func TestSMTPDeliversRenderedMessage(t *testing.T) {
	srv := smtptest.Start(t)
	m, err := notify.Render(contract.NoticeTransferEffective, "id", "pegawai@asn.local", notify.Data{
		Name: "Siti Rahmawati", ToPosition: "Analis Kebijakan", ToUnit: "Dinas Sosial",
		DecreeNumber: "800/0001/BKPSDM/2027", Effective: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), TransferID: "T1"})
	if err != nil {
		t.Fatal(err)
	}
	mailer := notify.SMTP{Host: srv.Host, Port: srv.Port, From: "bkpsdm@mutasi.local"}
	if err := mailer.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("received %d messages, want 1", len(got))
	}
	if got[0].Subject != "Mutasi Anda berlaku: SK 800/0001/BKPSDM/2027" {
		t.Errorf("subject = %q", got[0].Subject)
	}
	if got[0].To[0] != "pegawai@asn.local" || got[0].From != "bkpsdm@mutasi.local" {
		t.Errorf("envelope = %q -> %v", got[0].From, got[0].To)
	}
	if !strings.Contains(got[0].Body, "berlaku mulai 1 Februari 2027 (TMT)") {
		t.Errorf("body = %q", got[0].Body)
	}
}

func TestRenderEnglishAndEveryKind(t *testing.T) {
	kinds := []contract.NoticeKind{contract.NoticeDecisionRequested, contract.NoticeDecisionReminder, contract.NoticeDecisionEscalated,
		contract.NoticeSocialization, contract.NoticeAcknowledgeReminder, contract.NoticeObjectionReceived, contract.NoticeTransferRejected,
		contract.NoticeTransferCancelled, contract.NoticeTransferBlocked, contract.NoticeRecheckFailed, contract.NoticeTrainingAssigned,
		contract.NoticeTrainingMissed, contract.NoticeTransferEffective,
		contract.NoticeSurveyInvitation, contract.NoticeSurveyReminder}
	for _, lang := range []string{"id", "en"} {
		for _, k := range kinds {
			m, err := notify.Render(k, lang, "x@y", notify.Data{Name: "Budi", TransferID: "T9"})
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, k, err)
			}
			if m.Subject == "" || m.Body == "" {
				t.Errorf("%s/%s: empty subject or body", lang, k)
			}
		}
	}
	m, _ := notify.Render(contract.NoticeSocialization, "en", "x@y", notify.Data{Name: "Budi", Deadline: time.Date(2027, 3, 5, 0, 0, 0, 0, time.UTC)})
	if !strings.Contains(m.Body, "by 5 March 2027") {
		t.Errorf("english body = %q", m.Body)
	}
	if _, err := notify.Render("nope", "id", "x", notify.Data{}); err == nil {
		t.Error("an unknown kind rendered")
	}
}
