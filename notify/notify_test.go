package notify_test

import (
	"bytes"
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
	mailer := notify.SMTP{Host: srv.Host, Port: srv.Port, From: "bkpsdm@mutasi.local", Security: notify.SecurityNone}
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
	for _, lang := range []string{"id", "en"} {
		for _, k := range contract.NoticeKinds {
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
	// The notice names every objection category the forms offer.
	id, _ := notify.Render(contract.NoticeSocialization, "id", "x@y", notify.Data{Name: "Budi"})
	if want := "object (competence, family/location, workload, health, comfortable in the current post, fear of change, not ready for the new field, other)"; !strings.Contains(m.Body, want) {
		t.Errorf("english body lacks %q:\n%s", want, m.Body)
	}
	if want := "takut akan perubahan"; !strings.Contains(id.Body, want) {
		t.Errorf("body lacks %q:\n%s", want, id.Body)
	}
	if _, err := notify.Render("nope", "id", "x", notify.Data{}); err == nil {
		t.Error("an unknown kind rendered")
	}
}

// Every notification kind has its subject and body in both languages,
// and they differ.
func TestEveryNoticeInBothLanguages(t *testing.T) {
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

// A send that times out delivers nothing later: the server sits on MAIL
// past the sender's deadline and then accepts, while the relay's retry
// sends the message again. Exactly one copy arrives.
func TestTimedOutSendDeliversNothingLate(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Stall(time.Second)
	mailer := notify.SMTP{Host: srv.Host, Port: srv.Port, From: "bkpsdm@mutasi.local", Security: notify.SecurityNone}
	m := notify.Message{ID: "transfer-T1:socialization", To: "pegawai@asn.local", Subject: "Pemberitahuan mutasi", Body: "isi"}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := mailer.Send(ctx, m); err == nil {
		t.Fatal("a send past its deadline succeeded")
	}
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Errorf("the timed-out send returned after %v, not at its deadline", d)
	}
	if err := mailer.Send(context.Background(), m); err != nil { // the relay's retry
		t.Fatal(err)
	}
	// Past the end of the stall, the first attempt has had every chance
	// to deliver late.
	if srv.Wait(time.Until(start.Add(2*time.Second)), func(ms []smtptest.Mail) bool { return len(ms) > 1 }) {
		t.Fatalf("%d copies arrived, want 1", len(srv.Messages()))
	}
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d copies arrived, want 1", n)
	}
	// Every attempt names the message alike, so a copy can be recognised.
	if id := srv.Messages()[0].MessageID; !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@"+srv.Host+">") {
		t.Errorf("Message-ID %q", id)
	}
}

// An unknown security setting is refused, not sent in plain text.
func TestUnknownSecurityRefused(t *testing.T) {
	srv := smtptest.Start(t)
	mailer := notify.SMTP{Host: srv.Host, Port: srv.Port, From: "bkpsdm@mutasi.local", Security: "plaintext-please"}
	err := mailer.Send(context.Background(), notify.Message{To: "pegawai@asn.local", Subject: "s", Body: "b"})
	if err == nil || len(srv.Messages()) != 0 {
		t.Fatalf("unknown security: %v, %d sent", err, len(srv.Messages()))
	}
}

// STARTTLS is required by default: a server that does not offer it gets
// nothing.
func TestStartTLSRequiredByDefault(t *testing.T) {
	srv := smtptest.Start(t)
	mailer := notify.SMTP{Host: srv.Host, Port: srv.Port, From: "bkpsdm@mutasi.local"}
	err := mailer.Send(context.Background(), notify.Message{To: "pegawai@asn.local", Subject: "s", Body: "b"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") || len(srv.Messages()) != 0 {
		t.Fatalf("a server without STARTTLS: %v, %d sent", err, len(srv.Messages()))
	}
}

// A message with an attachment arrives as two parts: the text, and the
// file whole, named and typed.
func TestSMTPAttachment(t *testing.T) {
	srv := smtptest.Start(t)
	mailer := notify.SMTP{Host: srv.Host, Port: srv.Port, From: "bkpsdm@mutasi.local", Security: notify.SecurityNone}
	file := bytes.Repeat([]byte("PK\x03\x04 buku kerja\n"), 40) // longer than one base64 line
	m := notify.Message{ID: "evaluation:2027-Q1:ppk@pemda.local", To: "ppk@pemda.local", Subject: "Laporan evaluasi",
		Body: "Terlampir laporan.\nSalam.", AttachmentName: "evaluasi-2027-Q1.xlsx", Attachment: file}
	if err := mailer.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 || len(got[0].Attachments) != 1 {
		t.Fatalf("received %+v, want one message with one attachment", got)
	}
	a := got[0].Attachments[0]
	if got[0].Body != "Terlampir laporan.\nSalam.\n" || a.Name != "evaluasi-2027-Q1.xlsx" || !bytes.Equal(a.Data, file) ||
		a.ContentType != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("body %q, attachment %q %q, %d bytes (equal %v)", got[0].Body, a.Name, a.ContentType, len(a.Data), bytes.Equal(a.Data, file))
	}
}
