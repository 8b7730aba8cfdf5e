// Package smtptest runs a real SMTP server inside a test process and keeps
// what it receives, so tests check notifications as a mail server sees
// them.
package smtptest

import (
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one received message, with its subject decoded; of a
// multipart message, Body is the text part and Attachments the files.
type Mail struct {
	From        string
	To          []string
	Subject     string
	Body        string
	MessageID   string
	Attachments []Attachment
}

// Attachment is a file attached to a received message, decoded.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Server is a running SMTP server.
type Server struct {
	Host string
	Port int

	mu       sync.Mutex
	received []Mail
	arrived  chan struct{}
	refused  map[string]bool
	stall    time.Duration
}

// Stall makes the server sit on the next MAIL command for d before it
// accepts it, as a busy or stuck server does.
func (s *Server) Stall(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stall = d
}

// Refuse makes the server refuse mail to addr for good, as a server does
// for a mailbox that does not exist: 550 5.1.1.
func (s *Server) Refuse(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused[addr] = true
}

// Start starts a server on a free loopback port; it stops when the test
// ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{arrived: make(chan struct{}, 1), refused: map[string]bool{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	host, port, _ := net.SplitHostPort(l.Addr().String())
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	go srv.Serve(l)
	tb.Cleanup(func() { srv.Close() })
	return s
}

// Messages returns a copy of what has arrived so far.
func (s *Server) Messages() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.received...)
}

// Wait waits until cond holds over the received messages, or the timeout
// passes; it reports whether cond held.
func (s *Server) Wait(timeout time.Duration, cond func([]Mail) bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if cond(s.Messages()) {
			return true
		}
		select {
		case <-s.arrived:
		case <-deadline.C:
			return cond(s.Messages())
		}
	}
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.s.mu.Lock()
	stall := x.s.stall
	x.s.stall = 0
	x.s.mu.Unlock()
	time.Sleep(stall)
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	refused := x.s.refused[to]
	x.s.mu.Unlock()
	if refused {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox: " + to}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return err
	}
	m := Mail{From: x.from, To: x.to, Subject: subject, MessageID: msg.Header.Get("Message-Id")}
	if err := readBody(&m, msg.Header.Get("Content-Type"), msg.Body); err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.received = append(x.s.received, m)
	x.s.mu.Unlock()
	select {
	case x.s.arrived <- struct{}{}:
	default:
	}
	return nil
}

// readBody reads a message's body into m: its text, and the files of a
// multipart message.
func readBody(m *Mail, contentType string, body io.Reader) error {
	media, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(media, "multipart/") {
		b, err := io.ReadAll(body)
		m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
		return err
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var data []byte
		if part.Header.Get("Content-Transfer-Encoding") == "base64" {
			data, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, part))
		} else {
			data, err = io.ReadAll(part)
		}
		if err != nil {
			return err
		}
		if name := part.FileName(); name != "" {
			m.Attachments = append(m.Attachments, Attachment{Name: name, ContentType: part.Header.Get("Content-Type"), Data: data})
		} else {
			m.Body = strings.ReplaceAll(string(data), "\r\n", "\n")
		}
	}
}
