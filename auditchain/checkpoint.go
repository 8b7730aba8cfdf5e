package auditchain

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Checkpoint is a signed statement of the chain's head at a time. Kept
// outside the database, it lets Verify find a chain rewritten or cut
// short by someone who can write the database but does not hold the key.
type Checkpoint struct {
	Head
	At time.Time `json:"at"`
	// KeyID names the key that signed it (KeyID of its public key).
	KeyID string `json:"key_id"`
	// Signature is the Ed25519 signature of the other fields, base64.
	Signature string `json:"signature"`
}

// signed is what a checkpoint's signature covers.
func (c Checkpoint) signed() []byte {
	return []byte(strings.Join([]string{"mutasi-audit-checkpoint-v1", strconv.FormatInt(c.Seq, 10), c.Hash,
		c.At.UTC().Format(time.RFC3339Nano), c.KeyID}, "\n"))
}

// KeyID names a public key: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// Sign makes the checkpoint of head at a time.
func Sign(key ed25519.PrivateKey, head Head, at time.Time) Checkpoint {
	c := Checkpoint{Head: head, At: at.UTC(), KeyID: KeyID(key.Public().(ed25519.PublicKey))}
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, c.signed()))
	return c
}

// Check verifies the checkpoint's signature with pub.
func (c Checkpoint) Check(pub ed25519.PublicKey) error {
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || c.KeyID != KeyID(pub) || !ed25519.Verify(pub, c.signed(), sig) {
		return fmt.Errorf("audit checkpoint of line %d at %s: the signature does not match key %s", c.Seq,
			c.At.Format(time.RFC3339), KeyID(pub))
	}
	return nil
}

// NewKey makes a signing key, returned as the base64 of its seed (the
// secret to keep) and of its public key (to verify with).
func NewKey() (secret, public string, err error) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(key.Seed()), base64.StdEncoding.EncodeToString(pub), nil
}

// ParseKey reads a signing key from the base64 of its seed.
func ParseKey(secret string) (ed25519.PrivateKey, error) {
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(secret))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("an audit signing key is the base64 of %d bytes (mutasi audit-key makes one)", ed25519.SeedSize)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// ParsePublicKey reads a public key from its base64.
func ParsePublicKey(public string) (ed25519.PublicKey, error) {
	pub, err := base64.StdEncoding.DecodeString(strings.TrimSpace(public))
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("an audit public key is the base64 of %d bytes", ed25519.PublicKeySize)
	}
	return pub, nil
}

// LatestCheckpoint reads checkpoints, one JSON object per line as the
// sealer writes them, and returns the one that saw the most lines among
// those signed by pub's key. Lines signed by other keys (before a
// rotation) are passed over; a line that claims pub's key but does not
// verify is an error. It returns nil when no line is signed by pub's key.
func LatestCheckpoint(r io.Reader, pub ed25519.PublicKey) (*Checkpoint, error) {
	id := KeyID(pub)
	var latest *Checkpoint
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var c Checkpoint
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			return nil, fmt.Errorf("audit checkpoints, line %d: %w", n, err)
		}
		if c.KeyID != id {
			continue
		}
		if err := c.Check(pub); err != nil {
			return nil, fmt.Errorf("audit checkpoints, line %d: %w", n, err)
		}
		if latest == nil || c.Seq >= latest.Seq {
			latest = &c
		}
	}
	return latest, sc.Err()
}

// Sealer seals the waiting lines every little while and, with a key,
// writes a signed checkpoint of the head now and then. Run one in every
// worker process: they take turns.
type Sealer struct {
	DB *gorm.DB
	// Key signs the checkpoints; nil writes none.
	Key ed25519.PrivateKey
	// Checkpoints is the file the checkpoints are appended to (they also
	// go to the log).
	Checkpoints string
	Log         *slog.Logger
	// Every is how often it seals (default one second); CheckpointEvery
	// how often at most it signs a new head (default one minute).
	Every, CheckpointEvery time.Duration
}

// Run seals until ctx ends, then seals and signs once more.
func (s *Sealer) Run(ctx context.Context) {
	every, cpEvery := orDefault(s.Every, time.Second), orDefault(s.CheckpointEvery, time.Minute)
	var signed Head
	var last time.Time
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		done := false
		select {
		case <-ctx.Done():
			done = true
		case <-tick.C:
		}
		head, err := Seal(s.DB)
		due := s.Key != nil && (done || time.Since(last) >= cpEvery)
		if errors.Is(err, ErrBusy) {
			// Another worker sealed; its head is read only to sign it.
			err = nil
			if due {
				head, err = headOf(s.DB)
			}
		}
		if err != nil {
			s.Log.Error("audit seal", "err", err)
		} else if due && head.Seq > signed.Seq {
			if err := s.checkpoint(head); err != nil {
				s.Log.Error("audit checkpoint", "err", err)
			} else {
				signed, last = head, time.Now()
			}
		}
		if done {
			return
		}
	}
}

// checkpoint signs head and appends it to the file and the log.
func (s *Sealer) checkpoint(head Head) error {
	c := Sign(s.Key, head, time.Now())
	line, err := json.Marshal(c)
	if err != nil {
		return err
	}
	s.Log.Info("audit checkpoint", "checkpoint", string(line))
	if s.Checkpoints == "" {
		return nil
	}
	f, err := os.OpenFile(s.Checkpoints, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// orDefault is d, or def when d is zero.
func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
