package models

import (
	"errors"
	"testing"
)

func TestParsePhone(t *testing.T) {
	for in, want := range map[string]string{
		"0812-3456-7890":     "+6281234567890",
		"+62 812 3456 7890":  "+6281234567890",
		"62812.3456.789":     "+628123456789",
		"(0811) 500 600":     "+62811500600",
		"  ":                 "",
		"":                   "",
		"+6285712345678901":  "error", // 13 digits after 62
		"021-5551234":        "error", // a landline
		"0812345":            "error", // too short
		"+1 812 3456 7890":   "error",
		"0812-3456-789O":     "error", // a letter O
		"0812 3456 7890 ext": "error",
	} {
		got, err := ParsePhone(in)
		if want == "error" {
			if !errors.Is(err, ErrPhone) {
				t.Errorf("ParsePhone(%q) = %q, %v; want ErrPhone", in, got, err)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParseChannel(t *testing.T) {
	for in, want := range map[string]Channel{"email": ChannelEmail, " Webhook ": ChannelWebhook, "both": ChannelBoth, "": ""} {
		if got, err := ParseChannel(in); err != nil || got != want {
			t.Errorf("ParseChannel(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseChannel("sms"); !errors.Is(err, ErrChannel) {
		t.Errorf("ParseChannel(sms) = %v", err)
	}
	if !ChannelBoth.Sends(ChannelWebhook) || ChannelEmail.Sends(ChannelWebhook) {
		t.Error("Sends")
	}
}
