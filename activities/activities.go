// Package activities holds every side effect of Mutasi's workflows:
// database writes through GORM, notifications, decree numbers and the
// evaluation. Each activity is idempotent: run twice with the same input,
// it writes once, so a retry after a crash loses nothing and duplicates
// nothing.
package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/auditchain"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
)

// Activities carries what the activities need. Register a *Activities
// with a worker; its exported methods are the activities.
type Activities struct {
	DB *gorm.DB
	// BaseURL is where survey links point, e.g. "https://mutasi.example.go.id".
	BaseURL string
	// LinkSecret signs survey links.
	LinkSecret []byte
	// DecreeLogo is the government's logo, a PNG, on the letterhead of
	// the decrees; none when nil.
	DecreeLogo []byte
	// Relayed says a relay sends the outbox's e-mail (package outbox), and
	// HookRelayed its webhook messages. Without one, as in the dev stack,
	// the outbox table is the mailbox: a message counts as delivered once
	// it is recorded.
	Relayed, HookRelayed bool
	// Channel is how employees are told when they have no preference of
	// their own (models.Employee.Notify): ChannelEmail when empty.
	Channel models.Channel
	// CommitWithTemporal says Temporal keeps its state on the same
	// PostgreSQL server as DB: one write-ahead log. Apply's transaction
	// then does not wait for the log to reach the disk
	// (synchronous_commit off): the workflow task that records Apply's
	// result commits later in the same log, with a flush that covers
	// Apply's commit too. Until that flush, a crash loses both, and the
	// task runs Apply again (its writes are idempotent). With Temporal's
	// state anywhere else it must stay false.
	CommitWithTemporal bool
}

// notFound turns gorm's not-found into a non-retryable error: retrying
// cannot make bad input good.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return temporal.NewNonRetryableApplicationError(what+" not found", contract.ErrNotFound, err)
	}
	return fmt.Errorf("load %s: %w", what, err)
}

// insertOnce inserts rows, skipping any that already exist by their
// primary key or a unique index. On a dry-run session (db.Writes) it
// builds the statement without running it.
func insertOnce(tx *gorm.DB, rows any) *gorm.DB {
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(rows)
}

// audit appends one line to the audit trail, once per key, in the
// transaction that makes the change it records; the sealer chains it
// shortly after (package auditchain).
func audit(tx *gorm.DB, key string, e models.AuditEntry) error {
	e.Key = key
	_, err := auditchain.Append(tx, &e)
	return err
}

// StartRound records a new round in its analysis status.
func (a *Activities) StartRound(ctx context.Context, r contract.RoundStart) error {
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row := models.Round{ID: r.RoundID, Name: r.Name, Status: models.RoundAnalysis, Settings: r.Settings,
			WorkflowID: r.WorkflowID, CreatedBy: r.By.ID, CreatedAt: r.At, UpdatedAt: r.At}
		if err := insertOnce(tx, &row).Error; err != nil {
			return err
		}
		return audit(tx, "round:"+r.RoundID+":start", models.AuditEntry{RoundID: r.RoundID,
			ActorID: r.By.ID, Role: r.By.Role, Action: models.ActionRoundStarted, Detail: r.Name, At: r.At})
	})
}

// SetRoundStatus moves a round to status.
func (a *Activities) SetRoundStatus(ctx context.Context, roundID string, status models.RoundStatus) error {
	return a.DB.WithContext(ctx).Model(&models.Round{}).Where("id = ?", roundID).Update("status", status).Error
}

// SetStage records the stage a transfer has reached.
func (a *Activities) SetStage(ctx context.Context, transferID string, stage models.Stage) error {
	return a.Apply(ctx, []contract.Step{{Stage: &contract.StageChange{TransferID: transferID, Stage: stage}}})
}
