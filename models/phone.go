package models

import (
	"errors"
	"strings"
)

// ErrPhone says a phone number is not an Indonesian mobile number.
var ErrPhone = errors.New("not an Indonesian mobile number (e.g. 0812-3456-7890 or +62 812 3456 7890)")

// ParsePhone reads an Indonesian mobile number, as offices write it
// (0812-3456-7890, +62 812 3456 7890, 62812...), and returns it in
// E.164 form (+628123456789), which messaging gateways take; "" stays "".
// Spaces, dashes, dots and brackets are ignored; the number after the
// country code starts with 8 and has 9 to 12 digits.
func ParsePhone(s string) (string, error) {
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
			return -1
		}
		return 'x'
	}, strings.TrimPrefix(strings.TrimSpace(s), "+"))
	if digits == "" && strings.TrimSpace(s) == "" {
		return "", nil
	}
	national, ok := strings.CutPrefix(digits, "62")
	if !ok {
		national, ok = strings.CutPrefix(digits, "0")
	}
	if !ok || !strings.HasPrefix(national, "8") || len(national) < 9 || len(national) > 12 || strings.Contains(national, "x") {
		return "", ErrPhone
	}
	return "+62" + national, nil
}

// Channel is how a notification reaches its recipient.
type Channel string

// The channels.
const (
	// ChannelEmail sends by e-mail (the default).
	ChannelEmail Channel = "email"
	// ChannelWebhook posts to the office's messaging gateway (e.g. the
	// WhatsApp gateway a regional office runs), for the employee's phone.
	ChannelWebhook Channel = "webhook"
	// ChannelBoth does both.
	ChannelBoth Channel = "both"
)

// Channels lists the channels a setting or a preference may name.
var Channels = []Channel{ChannelEmail, ChannelWebhook, ChannelBoth}

// ErrChannel says a channel is none of Channels.
var ErrChannel = errors.New("not a notification channel (email, webhook or both)")

// ParseChannel reads a channel (ParseChoice); "" stays "" (no
// preference).
func ParseChannel(s string) (Channel, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	if c, ok := ParseChoice(s, Channels); ok {
		return c, nil
	}
	return "", ErrChannel
}

// Sends says whether the channel c includes the single channel one.
func (c Channel) Sends(one Channel) bool { return c == one || c == ChannelBoth }
