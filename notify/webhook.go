package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// The headers of a webhook delivery. The signature is
// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)), where
// timestamp is the X-Mutasi-Timestamp header (Unix seconds) and body the
// exact bytes posted: the receiver recomputes it, compares in constant
// time, and refuses old timestamps (replays). X-Mutasi-Delivery names the
// notification for good: every attempt to send it carries the same one,
// so a receiver can drop a repeat.
const (
	HeaderSignature = "X-Mutasi-Signature"
	HeaderTimestamp = "X-Mutasi-Timestamp"
	HeaderDelivery  = "X-Mutasi-Delivery"
)

// WebhookPayload is the JSON a webhook delivery posts.
type WebhookPayload struct {
	// ID is the notification's delivery ID (HeaderDelivery).
	ID string `json:"id"`
	// To is the recipient's phone number in E.164 form.
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Webhook delivers messages by posting them as JSON, signed with Secret,
// to URL: a messaging gateway, such as the WhatsApp gateway a regional
// office runs, sends them on to the phone. A 2xx answer is delivered.
// 408, 429 and 5xx answers, and no answer by the context's deadline, are
// tried again by the outbox; other 4xx answers are refused for good.
type Webhook struct {
	URL    string
	Secret []byte
	// Client sends the requests; nil uses one without redirects.
	Client *http.Client
}

// WebhookError is a gateway's answer that is not a 2xx.
type WebhookError struct {
	Status int
	Body   string
}

func (e *WebhookError) Error() string {
	return fmt.Sprintf("webhook answered %d: %s", e.Status, e.Body)
}

// Permanent reports whether the gateway refused the message for good.
func (e *WebhookError) Permanent() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != http.StatusRequestTimeout && e.Status != http.StatusTooManyRequests
}

// Sign is the signature of body posted at timestamp, as HeaderSignature
// carries it.
func Sign(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Send posts m. The request ends at the context's deadline: a gateway
// that answers late has its request cancelled, and the outbox tries
// again later with the same delivery ID.
func (w Webhook) Send(ctx context.Context, m Message) error {
	if p, err := models.ParsePhone(m.To); err != nil || p == "" || p != m.To {
		return fmt.Errorf("webhook to %q: %w", m.To, models.ErrPhone)
	}
	body, err := json.Marshal(WebhookPayload{ID: m.ID, To: m.To, Subject: m.Subject, Body: m.Body})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(w.Secret, ts, body))
	req.Header.Set(HeaderDelivery, m.ID)
	client := w.Client
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook post for %s: %w", m.To, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return &WebhookError{Status: resp.StatusCode, Body: string(snippet)}
	}
	return nil
}
