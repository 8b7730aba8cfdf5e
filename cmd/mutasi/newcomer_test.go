package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpExitsZero checks that asking a command for help is not an
// error.
func TestHelpExitsZero(t *testing.T) {
	for _, cmd := range []string{"dev", "server", "worker", "token", "outbox", "audit-verify", "account"} {
		var stdout, stderr bytes.Buffer
		args := []string{cmd, "--help"}
		if cmd == "account" {
			args = []string{cmd, "create", "--help"}
		}
		if code := run(context.Background(), args, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "-database-url") {
			t.Errorf("mutasi %s: exit %d, want 0 with the flags listed:\n%s", strings.Join(args, " "), code, stderr.String())
		}
	}
}

// TestToolsUseTheStateFolder checks that the tools find the dev stack's
// database through --dir, and that run from a folder without one they say
// so instead of creating an empty database.
func TestToolsUseTheStateFolder(t *testing.T) {
	t.Setenv("MUTASI_DATABASE_URL", "")
	t.Setenv("DATABASE_URL", "")
	t.Setenv("MUTASI_ACCOUNT_PASSWORD", "kata-sandi-yang-panjang")
	t.Chdir(t.TempDir())
	for _, args := range [][]string{
		{"token", "--role", "hr_officer", "--name", "x"},
		{"outbox"},
		{"audit-verify"},
		{"account", "create", "--username", "budi", "--role", "hr_officer"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code == 0 || !strings.Contains(stderr.String(), "--dir") {
			t.Errorf("mutasi %s without a database: exit %d, %q", args[0], code, stderr.String())
		}
		if stdout.Len() > 0 {
			t.Errorf("mutasi %s without a database printed %q", args[0], stdout.String())
		}
		if _, err := os.Stat(defaultDir); err == nil {
			t.Fatalf("mutasi %s created %s", args[0], defaultDir)
		}
	}

	state := filepath.Join(t.TempDir(), "state")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"migrate", "--dir", state}, &stdout, &stderr); code != 0 {
		t.Fatalf("mutasi migrate --dir: exit %d, %s", code, stderr.String())
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"token", "--dir", state, "--role", "hr_officer", "--name", "x"}, &stdout, &stderr); code != 0 ||
		!strings.HasPrefix(stdout.String(), "mts_") {
		t.Fatalf("mutasi token --dir: exit %d, %q %s", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"audit-verify", "--dir", state}, &stdout, &stderr); code != 0 ||
		!strings.Contains(stdout.String(), "audit trail intact") {
		t.Fatalf("mutasi audit-verify --dir: exit %d, %q %s", code, stdout.String(), stderr.String())
	}
	// A dev stack that has its key but has signed nothing yet has no
	// checkpoint to check against, and says so; a checkpoints file named
	// and missing is an error.
	c := &config{dir: state}
	if err := c.devKeys(); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"audit-verify", "--dir", state}, &stdout, &stderr); code != 0 ||
		!strings.Contains(stdout.String(), "no signed checkpoint") {
		t.Fatalf("mutasi audit-verify with a key and no checkpoint yet: exit %d, %q %s", code, stdout.String(), stderr.String())
	}
	missing := filepath.Join(state, "elsewhere.jsonl")
	if code := run(context.Background(), []string{"audit-verify", "--dir", state, "--audit-checkpoints", missing}, &stdout, &stderr); code == 0 {
		t.Fatalf("mutasi audit-verify with a missing checkpoints file passed: %q", stdout.String())
	}
}

// TestDevSecretIsRandomAndKept checks that each dev stack makes its own
// survey-link secret, private to its owner, and keeps it across runs.
func TestDevSecretIsRandomAndKept(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	sa, err := devSecret(a)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := devSecret(b)
	if err != nil {
		t.Fatal(err)
	}
	if sa == sb || len(sa) < 32 {
		t.Errorf("two dev stacks got secrets %q and %q", sa, sb)
	}
	again, err := devSecret(a)
	if err != nil || again != sa {
		t.Errorf("the second run got %q (%v), want the first run's %q", again, err, sa)
	}
	fi, err := os.Stat(filepath.Join(a, "link-secret"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("link-secret file: %v, mode %v", err, fi.Mode())
	}
}
