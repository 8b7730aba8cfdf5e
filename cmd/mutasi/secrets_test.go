package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestLongRunningCommandsTakeSecretsFromTheEnvironment checks that the
// server and the worker refuse to start without MUTASI_LINK_SECRET or
// MUTASI_PAYLOAD_KEYS rather than fall back to a secret written in the
// code, or send payloads to Temporal in plain text; and the codec server
// without its keys or token.
func TestLongRunningCommandsTakeSecretsFromTheEnvironment(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	for _, c := range []struct{ env, missing string }{
		{"MUTASI_LINK_SECRET", "MUTASI_LINK_SECRET"},
		{"MUTASI_PAYLOAD_KEYS", "MUTASI_PAYLOAD_KEYS"},
	} {
		t.Setenv("MUTASI_LINK_SECRET", "a-secret-long-enough-for-the-test-0123")
		t.Setenv("MUTASI_PAYLOAD_KEYS", "")
		t.Setenv(c.env, "")
		for _, cmd := range []string{"server", "worker"} {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{cmd, "--database-url", dbURL, "--temporal", "127.0.0.1:1"}, &stdout, &stderr)
			if code == 0 || !strings.Contains(stderr.String(), c.missing) {
				t.Errorf("mutasi %s without %s: exit %d, %q", cmd, c.missing, code, stderr.String())
			}
		}
	}
	t.Setenv("MUTASI_CODEC_TOKEN", "")
	for _, c := range []struct{ keys, token, missing string }{
		{"", "an-operator-token-0123", "MUTASI_PAYLOAD_KEYS"},
		{"k1:bXV0YXNpLXRlc3QtcGF5bG9hZC1rZXktMzJieXRlcyE=", "", "MUTASI_CODEC_TOKEN"},
	} {
		t.Setenv("MUTASI_PAYLOAD_KEYS", c.keys)
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"codec-server", "--codec-token", c.token, "--http-addr", "127.0.0.1:0"}, &stdout, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), c.missing) {
			t.Errorf("mutasi codec-server without %s: exit %d, %q", c.missing, code, stderr.String())
		}
	}
}

// secretPatterns are what a committed secret looks like.
var secretPatterns = map[string]*regexp.Regexp{
	"private key":       regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`),
	"API token":         regexp.MustCompile(`mts_[0-9a-f]{12}_[A-Za-z0-9_-]{30,}`),
	"cloud access key":  regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`),
	"password in a URL": regexp.MustCompile(`[a-z]+://[^/\s:@]+:[^@\s$/{]{3,}@`),
	"quoted password":   regexp.MustCompile(`(?i)\b(password|passwd|pwd)"?\s*[=:]\s*["'][^"'\s$]{6,}["']`),
	"password in a DSN": regexp.MustCompile(`(?i)\bpassword=[^\s$"'{]{3,}`),
	"secret setting":    regexp.MustCompile(`(?i)MUTASI_[A-Z_]*(SECRET|PASSWORD)\s*[=:]\s*["']?[A-Za-z0-9][^\s"'$]{5,}`),
}

// allowed are the places where a pattern matches on purpose.
var allowed = map[string]string{
	"i18n/locales/en.json": "page labels such as \"password\": \"Password\"",
}

// TestNoSecretsInTheRepository scans every tracked file for credentials.
func TestNoSecretsInTheRepository(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	if out, err := exec.Command("git", "-C", root, "ls-files").Output(); err == nil {
		files = strings.Fields(string(out))
	} else {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(root, path)
				files = append(files, rel)
			}
			if d != nil && d.IsDir() && (d.Name() == ".git" || d.Name() == ".mutasi") {
				return filepath.SkipDir
			}
			return nil
		})
	}
	if len(files) < 10 {
		t.Fatalf("found only %d files under %s", len(files), root)
	}
	for _, f := range files {
		if _, ok := allowed[f]; ok || strings.HasSuffix(f, "_test.go") || strings.HasPrefix(f, "bench/data/") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil || bytes.IndexByte(b, 0) >= 0 {
			continue // deleted in the work tree, or binary
		}
		for name, re := range secretPatterns {
			if m := re.Find(b); m != nil {
				t.Errorf("%s: looks like a %s: %.60q", f, name, m)
			}
		}
	}
}
