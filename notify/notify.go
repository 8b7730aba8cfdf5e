// Package notify renders Mutasi's notifications, in Bahasa Indonesia or
// English, and sends them by SMTP.
package notify

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// Message is one rendered e-mail.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Mailer delivers messages.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// SMTP delivers messages through an SMTP server, with STARTTLS when the
// server offers it and PLAIN auth when a username is set.
type SMTP struct {
	Host     string
	Port     int
	From     string
	Username string
	Password string
}

// Send delivers m.
func (s SMTP) Send(ctx context.Context, m Message) error {
	if err := models.CheckEmail(m.To); err != nil {
		return fmt.Errorf("send to %q: %w", m.To, err)
	}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	var auth smtp.Auth
	if s.Username != "" {
		auth = smtp.PlainAuth("", s.Username, s.Password, s.Host)
	}
	done := make(chan error, 1)
	go func() { done <- smtp.SendMail(addr, auth, s.From, []string{m.To}, s.format(m)) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("smtp send to %s: %w", m.To, err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// format writes m as an RFC 5322 message with a UTF-8 body.
func (s SMTP) format(m Message) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", s.From)
	fmt.Fprintf(&b, "To: %s\r\n", m.To)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("UTF-8", m.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(m.Body, "\n", "\r\n"))
	b.WriteString("\r\n")
	return b.Bytes()
}
