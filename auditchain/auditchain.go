// Package auditchain keeps the audit trail a hash chain. Each line stores
// the hash of the line before it (in insertion order, per database) and
// its own hash, SHA-256 over its content and that previous hash. Changing,
// removing or inserting a line afterwards breaks the chain from that line
// on, and Verify finds where.
//
// The database makes the trail append-only (a trigger refuses UPDATE and
// DELETE); the chain shows tampering by someone who can get past the
// trigger, such as a superuser. Someone who rewrites every line from the
// tampered one to the end can recompute the hashes too: keep the head
// that Verify returns somewhere else (a report, a log, a signed copy) to
// detect that.
package auditchain

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/models"
)

// lockKey is the PostgreSQL advisory lock that serialises appends:
// "mtau" (mutasi audit).
const lockKey = 0x6d746175

// Hash is the hash of an entry whose predecessor's hash is prev: SHA-256
// over every field but the ID and the hashes, each length-prefixed, the
// time as microseconds since 1970 (the precision both databases keep),
// then prev. It is hex-encoded.
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

// Append adds e to the trail once per e.Key, chained to the last line. It
// reports whether it added the line (false: a line with that key is
// already there, e.g. written by an earlier try of the same activity).
//
// Call it inside the transaction that makes the change it records, so
// the line commits or rolls back with the change. On PostgreSQL it takes
// a transaction-scoped advisory lock, held until that transaction ends,
// so that parallel transactions append one after the other: write the
// audit line last in the transaction. SQLite has one writer at a time
// already.
func Append(tx *gorm.DB, e *models.AuditEntry) (added bool, err error) {
	err = tx.Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", lockKey).Error; err != nil {
				return fmt.Errorf("audit chain lock: %w", err)
			}
		}
		var n int64
		if err := tx.Model(&models.AuditEntry{}).Where("key = ?", e.Key).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		var head models.AuditEntry
		err := tx.Select("id", "hash").Order("id DESC").Limit(1).Take(&head).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("audit chain head: %w", err)
		}
		e.At = e.At.Truncate(time.Microsecond)
		e.PrevHash = head.Hash
		e.Hash = Hash(*e, e.PrevHash)
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(e)
		added = res.RowsAffected == 1
		return res.Error
	})
	return added, err
}

// BrokenError says where the chain breaks.
type BrokenError struct {
	ID     uint   // the first line that does not fit
	Key    string // its key
	Reason string
}

// Error says which line breaks the chain and why.
func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit trail tampered with at line %d (%s): %s", e.ID, e.Key, e.Reason)
}

// Verify walks the whole trail in insertion order and checks every link
// and every hash. It returns the number of lines checked and the head,
// the last line's hash, which covers the whole trail; a *BrokenError
// names the first line that does not fit.
//
// Lines written before the chain existed (no hash, at the start of the
// trail only) are counted as unchained and skipped.
func Verify(gdb *gorm.DB) (checked, unchained int, head string, err error) {
	var prev *models.AuditEntry
	var batch []models.AuditEntry
	err = gdb.Order("id").FindInBatches(&batch, 1000, func(tx *gorm.DB, _ int) error {
		for i := range batch {
			e := batch[i]
			if e.Hash == "" && prev == nil && e.PrevHash == "" {
				unchained++
				continue
			}
			want := ""
			if prev != nil {
				want = prev.Hash
			}
			switch {
			case e.PrevHash != want:
				reason := "it does not follow the line before it (a line was removed, inserted or changed)"
				if prev != nil {
					reason += fmt.Sprintf("; the line before is %d", prev.ID)
				}
				return &BrokenError{ID: e.ID, Key: e.Key, Reason: reason}
			case Hash(e, e.PrevHash) != e.Hash:
				return &BrokenError{ID: e.ID, Key: e.Key, Reason: "its content does not match its hash"}
			}
			checked++
			prev = &e
		}
		return nil
	}).Error
	if prev != nil {
		head = prev.Hash
	}
	return checked, unchained, head, err
}
