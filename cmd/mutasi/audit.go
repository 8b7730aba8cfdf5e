package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/bkpsdm/mutasi/auditchain"
)

func init() {
	commands["audit-verify"] = command{"check the audit trail's hash chain, against its latest signed checkpoint", runAuditVerify}
	commands["audit-key"] = command{"make a key that signs the audit trail's checkpoints", runAuditKey}
}

// The dev stack's audit key and checkpoints, in its state folder.
const (
	devAuditKeyFile     = "audit-signing-key"
	devAuditCheckpoints = "audit-checkpoints.jsonl"
)

// runAuditVerify walks the audit trail's hash chain, checks it against
// the latest signed checkpoint, and prints how far it is sealed.
func runAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("audit-verify", stderr)
	public := fs.String("audit-public-key", env("MUTASI_AUDIT_PUBLIC_KEY", ""),
		"public key of the checkpoints' signing key, from `mutasi audit-key` (MUTASI_AUDIT_PUBLIC_KEY); the dev stack's is found in --dir")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cp, err := c.latestCheckpoint(*public)
	if err != nil {
		return err
	}
	gdb, err := c.openDB()
	if err != nil {
		return err
	}
	rep, err := auditchain.Verify(gdb.WithContext(ctx), time.Now(), cp)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit trail intact: %d lines sealed in the chain", rep.Head.Seq)
	if rep.Waiting > 0 {
		fmt.Fprintf(stdout, ", %d waiting for their seal", rep.Waiting)
	}
	fmt.Fprintf(stdout, "\nhead %s\n", rep.Head.Hash)
	if cp == nil {
		fmt.Fprintln(stdout, "no signed checkpoint to check against: a chain rewritten or cut short would not show (see --audit-checkpoints)")
	} else {
		fmt.Fprintf(stdout, "matches the checkpoint signed at %s by key %s (line %d)\n", cp.At.Format(time.RFC3339), cp.KeyID, cp.Seq)
	}
	return nil
}

// latestCheckpoint reads the latest checkpoint signed by the public key
// (given, or the dev stack's) from the checkpoints file (given, or the
// dev stack's). The dev stack's file not there yet means none; a file
// given and not there, or a file and no key, is an error.
func (c *config) latestCheckpoint(public string) (*auditchain.Checkpoint, error) {
	file := c.auditCheckpoints
	if file == "" {
		file = filepath.Join(c.dir, devAuditCheckpoints)
	}
	var pub ed25519.PublicKey
	if public != "" {
		var err error
		if pub, err = auditchain.ParsePublicKey(public); err != nil {
			return nil, fmt.Errorf("--audit-public-key: %w", err)
		}
	} else if secret, err := os.ReadFile(filepath.Join(c.dir, devAuditKeyFile)); err == nil {
		key, err := auditchain.ParseKey(string(secret))
		if err != nil {
			return nil, err
		}
		pub = key.Public().(ed25519.PublicKey)
	}
	f, err := os.Open(file)
	switch {
	case errors.Is(err, fs.ErrNotExist) && c.auditCheckpoints == "":
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("audit checkpoints: %w", err)
	case pub == nil:
		f.Close()
		return nil, fmt.Errorf("set --audit-public-key to check the checkpoints in %s", file)
	}
	defer f.Close()
	cp, err := auditchain.LatestCheckpoint(f, pub)
	if err == nil && cp == nil {
		err = fmt.Errorf("%s holds no checkpoint signed by key %s", file, auditchain.KeyID(pub))
	}
	return cp, err
}

// runAuditKey prints a new signing key for the audit checkpoints and its
// public key.
func runAuditKey(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("audit-key", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	secret, public, err := auditchain.NewKey()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "MUTASI_AUDIT_SIGNING_KEY=%s\nMUTASI_AUDIT_PUBLIC_KEY=%s\n", secret, public)
	fmt.Fprintln(stderr, "Give the signing key to the workers only (not to the database or its backups); verify with the public key.")
	return nil
}
