package auditchain

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
)

// MaxWait is how long a line may wait for its seal. A worker seals every
// second; a line waiting longer had its seal removed, or no worker runs,
// and Verify says so.
const MaxWait = 2 * time.Minute

// BrokenError says where the chain breaks.
type BrokenError struct {
	ID     uint   // the first line that does not fit; 0 for the chain's end
	Key    string // its key
	Reason string
}

// Error says which line breaks the chain and why.
func (e *BrokenError) Error() string {
	if e.ID == 0 {
		return "audit trail tampered with: " + e.Reason
	}
	return fmt.Sprintf("audit trail tampered with at line %d (%s): %s", e.ID, e.Key, e.Reason)
}

// Report is what Verify found.
type Report struct {
	// Head is where the sealed chain ends.
	Head Head
	// Waiting is how many lines wait for their seal (each recorded less
	// than MaxWait ago).
	Waiting int
	// Checkpoint is the signed checkpoint the chain was checked against,
	// if any.
	Checkpoint *Checkpoint
}

// Verify walks the sealed chain in order and checks every number, link
// and hash, then the lines waiting for their seal. With a checkpoint (see
// LatestCheckpoint, which checks its signature) it also checks that the
// chain still holds the line the checkpoint saw last, with the same hash:
// a rewritten chain or a cut end shows. A *BrokenError names the first
// line that does not fit.
func Verify(gdb *gorm.DB, now time.Time, cp *Checkpoint) (Report, error) {
	rep := Report{Checkpoint: cp}
	var prev *models.AuditEntry
	atCheckpoint := ""
	check := func(batch []models.AuditEntry) error {
		for i := range batch {
			e := batch[i]
			want := Head{Seq: 1}
			if prev != nil {
				want = Head{Seq: *prev.Seq + 1, Hash: prev.Hash}
			}
			switch {
			case *e.Seq != want.Seq:
				return &BrokenError{ID: e.ID, Key: e.Key, Reason: fmt.Sprintf(
					"it is line %d of the chain, where line %d should be (lines were removed)", *e.Seq, want.Seq)}
			case e.PrevHash != want.Hash:
				reason := "it does not follow the line before it (a line was removed, inserted or changed)"
				if prev != nil {
					reason += fmt.Sprintf("; the line before is %d", prev.ID)
				}
				return &BrokenError{ID: e.ID, Key: e.Key, Reason: reason}
			case Hash(e, e.PrevHash) != e.Hash:
				return &BrokenError{ID: e.ID, Key: e.Key, Reason: "its content does not match its hash"}
			}
			if cp != nil && *e.Seq == cp.Seq {
				atCheckpoint = e.Hash
				if e.Hash != cp.Hash {
					return &BrokenError{ID: e.ID, Key: e.Key, Reason: fmt.Sprintf(
						"the checkpoint signed at %s saw another line %d: the chain was rewritten up to here",
						cp.At.Format(time.RFC3339), cp.Seq)}
				}
			}
			prev = &e
		}
		return nil
	}
	// Pages follow the chain's numbers, not the lines' IDs: a line that
	// committed late has a higher number than lines with higher IDs.
	// (gorm's FindInBatches pages by ID and would skip or reorder them.)
	for after := int64(0); ; {
		var batch []models.AuditEntry
		if err := gdb.Where("seq > ?", after).Order("seq").Limit(verifyBatch).Find(&batch).Error; err != nil {
			return rep, err
		}
		if err := check(batch); err != nil {
			return rep, err
		}
		if len(batch) < verifyBatch {
			break
		}
		after = *batch[len(batch)-1].Seq
	}
	if prev != nil {
		rep.Head = Head{Seq: *prev.Seq, Hash: prev.Hash}
	}
	if cp != nil && cp.Seq > 0 && atCheckpoint == "" {
		return rep, &BrokenError{Reason: fmt.Sprintf(
			"the chain ends at line %d, but the checkpoint signed at %s saw %d lines: lines were removed from its end",
			rep.Head.Seq, cp.At.Format(time.RFC3339), cp.Seq)}
	}
	waiting, err := checkWaiting(gdb, now)
	rep.Waiting = waiting
	return rep, err
}

// verifyBatch is how many lines Verify reads at a time.
const verifyBatch = 1000

// checkWaiting counts the lines waiting for their seal and refuses any
// that carries a hash (a seal taken off its number) or has waited longer
// than MaxWait (a seal removed, or no sealer running).
func checkWaiting(gdb *gorm.DB, now time.Time) (int, error) {
	var waiting []models.AuditEntry
	if err := gdb.Select("id", "key", "prev_hash", "hash", "recorded_at").Where("seq IS NULL").Order("id").
		Find(&waiting).Error; err != nil {
		return 0, err
	}
	for _, e := range waiting {
		switch {
		case e.Hash != "" || e.PrevHash != "":
			return 0, &BrokenError{ID: e.ID, Key: e.Key, Reason: "it has a hash but no place in the chain"}
		case e.RecordedAt == nil || now.Sub(*e.RecordedAt) > MaxWait:
			since := "before the chain was sealed"
			if e.RecordedAt != nil {
				since = e.RecordedAt.Format(time.RFC3339)
			}
			return 0, &BrokenError{ID: e.ID, Key: e.Key, Reason: fmt.Sprintf(
				"it has waited for its seal since %s: its seal was removed, or no worker is running to seal it", since)}
		}
	}
	return len(waiting), nil
}
