// Package notify renders Mutasi's notifications, in Bahasa Indonesia or
// English, and sends them by SMTP.
package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net"
	"net/textproto"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/bkpsdm/mutasi/models"
)

// Message is one rendered e-mail. ID, when set, names it for good (the
// outbox key): every attempt to send it carries the same Message-ID.
type Message struct {
	ID      string
	To      string
	Subject string
	Body    string
	// AttachmentName and Attachment are a file sent with the e-mail, if
	// any; a webhook does not carry it.
	AttachmentName string
	Attachment     []byte
}

// Mailer delivers messages.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// The ways an SMTP connection is secured.
const (
	// SecurityStartTLS upgrades the connection with STARTTLS and refuses a
	// server that does not offer it (submission, port 587).
	SecurityStartTLS = "starttls"
	// SecurityTLS speaks TLS from the start (implicit TLS, port 465).
	SecurityTLS = "tls"
	// SecurityNone sends in plain text, for a relay on the same host or
	// network, and tests.
	SecurityNone = "none"
)

// Securities lists the ways an SMTP connection is secured.
var Securities = []string{SecurityStartTLS, SecurityTLS, SecurityNone}

// SMTP delivers messages through an SMTP server (emersion/go-smtp's
// client), secured as Security says (SecurityStartTLS when empty), with
// PLAIN auth when a username is set.
//
// A send keeps to its context: the dial and every command end at the
// context's deadline, and nothing goes on once Send has returned, so a
// send that timed out cannot deliver late while the relay tries again.
// (If the deadline falls after the server took the message but before it
// said so, the retry delivers a second copy with the same Message-ID,
// which mail systems can recognise; SMTP cannot rule that out.)
type SMTP struct {
	Host     string
	Port     int
	From     string
	Username string
	Password string
	Security string
}

// Send delivers m.
func (s SMTP) Send(ctx context.Context, m Message) (err error) {
	if err := models.CheckEmail(m.To); err != nil {
		return fmt.Errorf("send to %q: %w", m.To, err)
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("smtp send to %s: %w", m.To, err)
		}
	}()
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if s.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.Username, s.Password)); err != nil {
			return err
		}
	}
	if err := c.SendMail(s.From, []string{m.To}, bytes.NewReader(s.format(m))); err != nil {
		return err
	}
	return c.Quit()
}

// dial connects as Security says. The connection's deadline is the
// context's, and it is cut when the context ends.
func (s SMTP) dial(ctx context.Context) (*smtp.Client, error) {
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	tlsConfig := &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	var conn net.Conn
	var err error
	if s.Security == SecurityTLS {
		conn, err = (&tls.Dialer{Config: tlsConfig}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = new(net.Dialer).DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, err
	}
	// Unblock whatever read or write is under way once ctx ends.
	context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	var c *smtp.Client
	switch s.Security {
	case SecurityNone, SecurityTLS:
		c = smtp.NewClient(conn)
	case SecurityStartTLS, "":
		if c, err = smtp.NewClientStartTLS(conn, tlsConfig); err != nil {
			return nil, err
		}
	default:
		conn.Close()
		return nil, fmt.Errorf("unknown SMTP security %q (want one of %v)", s.Security, Securities)
	}
	if deadline, ok := ctx.Deadline(); ok {
		c.CommandTimeout, c.SubmissionTimeout = time.Until(deadline), time.Until(deadline)
	}
	return c, nil
}

// format writes m as an RFC 5322 message with a UTF-8 body, and its
// attachment, if any, as the second part of a multipart/mixed message.
func (s SMTP) format(m Message) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", s.From)
	fmt.Fprintf(&b, "To: %s\r\n", m.To)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("UTF-8", m.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	if m.ID != "" {
		sum := sha256.Sum256([]byte(m.ID))
		fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(sum[:16]), s.Host)
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	text := strings.ReplaceAll(m.Body, "\n", "\r\n") + "\r\n"
	if m.AttachmentName == "" {
		b.WriteString("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
		b.WriteString(text)
		return b.Bytes()
	}
	mw := multipart.NewWriter(&b)
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=%s\r\n\r\n", mw.Boundary())
	part, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=UTF-8"}, "Content-Transfer-Encoding": {"8bit"}})
	part.Write([]byte(text))
	ctype, ok := attachmentTypes[strings.ToLower(filepath.Ext(m.AttachmentName))]
	if !ok {
		ctype = "application/octet-stream"
	}
	part, _ = mw.CreatePart(textproto.MIMEHeader{"Content-Type": {ctype}, "Content-Transfer-Encoding": {"base64"},
		"Content-Disposition": {mime.FormatMediaType("attachment", map[string]string{"filename": m.AttachmentName})}})
	enc := base64.StdEncoding.EncodeToString(m.Attachment)
	for len(enc) > 76 {
		part.Write([]byte(enc[:76] + "\r\n"))
		enc = enc[76:]
	}
	part.Write([]byte(enc + "\r\n"))
	mw.Close()
	return b.Bytes()
}

// attachmentTypes are the media types of the files Mutasi attaches, by
// extension (the system's table may lack them).
var attachmentTypes = map[string]string{
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".csv":  "text/csv; charset=UTF-8",
	".pdf":  "application/pdf",
}

// Permanent reports whether a failed send will fail again however often
// it is tried: an address or phone number that is not one, a mail
// server's 5xx reply (no such mailbox, relaying denied), or a webhook's
// refusal (WebhookError.Permanent).
func Permanent(err error) bool {
	if e, ok := errors.AsType[*smtp.SMTPError](err); ok {
		return e.Code >= 500 && e.Code < 600
	}
	if e, ok := errors.AsType[*WebhookError](err); ok {
		return e.Permanent()
	}
	return errors.Is(err, models.ErrEmail) || errors.Is(err, models.ErrPhone)
}
