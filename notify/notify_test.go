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
	d := notify.Data{Name: "Siti", Deadline: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)}
	for _, k := range contract.NoticeKinds {
		id, err := notify.Render(k, "id", "a@b.go.id", d)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		en, err := notify.Render(k, "en", "a@b.go.id", d)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if id.Subject == "" || en.Subject == "" || id.Subject == en.Subject || id.Body == en.Body {
			t.Errorf("%s: the same or an empty text in both languages: %q / %q", k, id.Subject, en.Subject)
		}
	}
}
