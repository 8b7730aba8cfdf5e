// Package auditchain keeps the audit trail a hash chain without making
// the writes that record changes wait on one another.
//
// A change's transaction appends its line unsealed (Append): no lock, no
// hash, so parallel transactions never queue on the trail. A single
// sealer (Seal, run by every worker process; one at a time holds the
// chain) then gives the waiting lines their place in the chain shortly
// after, in order: a sequence number, the hash of the line before, and
// its own hash, SHA-256 over its content and that previous hash. Changing,
// removing or inserting a sealed line breaks the chain from that line on,
// and Verify finds where.
//
// The database makes the trail append-only: a trigger refuses UPDATE and
// DELETE, except the seal itself (once per line, content unchanged).
// Someone who gets past the trigger, such as a superuser, could rewrite
// the chain from a tampered line to the end, or cut its end off. Against
// that, the sealer signs checkpoints of the head (the count and the last
// hash) with an Ed25519 key the database does not hold and keeps them
// outside it (a file and the log); Verify checks the chain against the
// latest one.
package auditchain

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/models"
)

// Hash is the hash of an entry whose predecessor's hash is prev: SHA-256
// over every field but the ID, the seal and the recording time, each
// length-prefixed, the time as microseconds since 1970 (the precision
// both databases keep), then prev. It is hex-encoded.
func Hash(e models.AuditEntry, prev string) string {
	h := sha256.New()
	for _, s := range []string{"mutasi-audit-v1", e.Key, e.RoundID, e.TransferID, e.ActorID, string(e.Role), e.Action, e.Detail} {
		writeString(h, s)
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(e.At.UnixMicro()))
	h.Write(b[:])
	writeString(h, prev)
	return hex.EncodeToString(h.Sum(nil))
}

func writeString(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

// Append adds e to the trail once per e.Key, unsealed: the sealer chains
// it shortly after. It reports whether it added the line (false: a line
// with that key is already there, e.g. written by an earlier try of the
// same activity).
//
// Call it inside the transaction that makes the change it records, so
// the line commits or rolls back with the change. It takes no lock.
func Append(tx *gorm.DB, e *models.AuditEntry) (added bool, err error) {
	res := Insert(tx, e)
	return res.RowsAffected == 1, res.Error
}

// Insert is Append's statement, as GORM returns it: on a dry-run session
// (db.Writes) it is built and not run, to be sent with the change's
// other writes.
func Insert(tx *gorm.DB, e *models.AuditEntry) *gorm.DB {
	e.At = e.At.Truncate(time.Microsecond)
	now := time.Now()
	e.Seq, e.PrevHash, e.Hash, e.RecordedAt = nil, "", "", &now
	return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).Create(e)
}

// Head is where the sealed chain ends: how many lines it holds and the
// last one's hash, which covers them all.
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"head"`
}

// sealLockKey is the PostgreSQL advisory lock one sealer at a time holds:
// "mtau" (mutasi audit). Appends never take it.
const sealLockKey = 0x6d746175

// sealBatch is how many lines one sealing transaction chains.
const sealBatch = 500

// ErrBusy says another sealer holds the chain: the lines will be sealed
// by it.
var ErrBusy = errors.New("another sealer is sealing the audit trail")

// Seal chains every line waiting for its seal, in batches of one
// transaction each, and returns the head. On PostgreSQL it returns ErrBusy
// at once when another process is sealing.
func Seal(gdb *gorm.DB) (Head, error) {
	for {
		head, n, err := sealBatchOnce(gdb)
		if err != nil || n < sealBatch {
			return head, err
		}
	}
}

// sealBatchOnce seals up to sealBatch lines in one transaction, in the
// order they were inserted.
func sealBatchOnce(gdb *gorm.DB) (head Head, sealed int, err error) {
	err = gdb.Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			var got bool
			if err := tx.Raw("SELECT pg_try_advisory_xact_lock(?)", sealLockKey).Scan(&got).Error; err != nil {
				return fmt.Errorf("audit seal lock: %w", err)
			}
			if !got {
				return ErrBusy
			}
		}
		var err error
		if head, err = headOf(tx); err != nil {
			return err
		}
		var waiting []models.AuditEntry
		if err := tx.Where("seq IS NULL").Order("id").Limit(sealBatch).Find(&waiting).Error; err != nil {
			return fmt.Errorf("audit lines to seal: %w", err)
		}
		if len(waiting) == 0 {
			return nil
		}
		// One statement seals the batch: each line's seq, link and hash
		// computed here in order, set where the line is still unsealed.
		rows := make([]string, len(waiting))
		args := make([]any, 0, 4*len(waiting))
		for i, e := range waiting {
			seq := head.Seq + 1
			h := Hash(e, head.Hash)
			rows[i] = "(CAST(? AS BIGINT), CAST(? AS BIGINT), ?, ?)"
			args = append(args, e.ID, seq, head.Hash, h)
			head = Head{Seq: seq, Hash: h}
		}
		res := tx.Exec(`UPDATE audit_entries AS a SET seq = v.column2, prev_hash = v.column3, hash = v.column4
			FROM (VALUES `+strings.Join(rows, ", ")+`) AS v WHERE a.id = v.column1 AND a.seq IS NULL`, args...)
		if res.Error != nil {
			return fmt.Errorf("seal %d audit lines: %w", len(waiting), res.Error)
		}
		if res.RowsAffected != int64(len(waiting)) {
			return fmt.Errorf("seal %d audit lines: %d were still unsealed", len(waiting), res.RowsAffected)
		}
		sealed = len(waiting)
		return nil
	})
	return head, sealed, err
}

// headOf reads the sealed chain's head.
func headOf(tx *gorm.DB) (Head, error) {
	var last models.AuditEntry
	err := tx.Select("seq", "hash").Where("seq IS NOT NULL").Order("seq DESC").Limit(1).Take(&last).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Head{}, nil
	}
	if err != nil {
		return Head{}, fmt.Errorf("audit chain head: %w", err)
	}
	return Head{Seq: *last.Seq, Hash: last.Hash}, nil
}
