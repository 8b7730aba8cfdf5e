package db

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
)

// oldResponse is a row of survey_responses, where answers were kept
// against their transfer until the answers were stored apart
// (models.SurveyAnswer), with what the new row takes from the transfer.
type oldResponse struct {
	RoundID           string
	InstrumentVersion int
	Answers           string
	UnitID            string
	Kind              string
	Trained           bool
	RoundStatus       string
}

// moveSurveyResponses moves the answers of the old survey_responses
// table, keyed by transfer and stamped with the time they were given, to
// survey_answers, which links them to no one: a random ID, the round,
// the transfer's destination unit and position kind, whether it was
// trained, the instrument version and the answers. The answers of a
// round still under way take blocks of MinBlock in the order they were
// given, as the live report counted them (the rest wait for the next
// answers, as new ones do); those of a completed round take block 0, in
// no order, as the round's end leaves them. All are written in the order
// of their random IDs. The surveys
// learn whether their mover was trained and lose answered_at. Then the
// old table is dropped, in the same transaction; with no old table left
// it does nothing. What the old rows left elsewhere is not changed: the
// audit trail is append-only, so its lines about answered surveys keep
// their transfer and time.
func moveSurveyResponses(conn *gorm.DB) error {
	if !conn.Migrator().HasTable("survey_responses") {
		return nil
	}
	return conn.Transaction(func(tx *gorm.DB) error {
		trained := `EXISTS (SELECT 1 FROM training_assignments a WHERE a.transfer_id = %s AND a.status = '` +
			string(models.TrainingCompleted) + `')`
		var old []oldResponse
		err := tx.Raw(`SELECT r.round_id, r.instrument_version, r.answers,
				COALESCE(t.to_unit_id, '') AS unit_id, COALESCE(p.kind, '') AS kind, ` + fmt.Sprintf(trained, "r.transfer_id") + ` AS trained,
				COALESCE(ro.status, '') AS round_status
			FROM survey_responses r LEFT JOIN transfers t ON t.id = r.transfer_id
			LEFT JOIN positions p ON p.id = t.to_position_id LEFT JOIN rounds ro ON ro.id = r.round_id
			ORDER BY r.round_id, r.submitted_at, r.transfer_id`).Scan(&old).Error
		if err != nil {
			return err
		}
		var last *int
		if err := tx.Model(&models.SurveyAnswer{}).Select("MAX(block)").Scan(&last).Error; err != nil {
			return err
		}
		block := 0
		if last != nil {
			block = *last
		}
		rows := make([]models.SurveyAnswer, 0, len(old))
		for i := 0; i < len(old); {
			j := i
			for j < len(old) && old[j].RoundID == old[i].RoundID {
				j++
			}
			for k := i; k < j; k++ {
				o := old[k]
				row := models.SurveyAnswer{RoundID: o.RoundID, UnitID: o.UnitID, PositionKind: models.PositionKind(o.Kind),
					Trained: o.Trained, InstrumentVersion: o.InstrumentVersion}
				if err := json.Unmarshal([]byte(o.Answers), &row.Answers); err != nil {
					return fmt.Errorf("answers of a survey of round %s: %w", o.RoundID, err)
				}
				if o.RoundStatus == string(models.RoundCompleted) {
					zero := 0 // the round has ended: no order kept
					row.Block = &zero
				} else if (k-i)/models.MinBlock < (j-i)/models.MinBlock {
					b := block + (k-i)/models.MinBlock + 1
					row.Block = &b
				}
				var id [16]byte
				if _, err := rand.Read(id[:]); err != nil {
					return err
				}
				row.ID = hex.EncodeToString(id[:])
				rows = append(rows, row)
			}
			block += (j - i) / models.MinBlock
			i = j
		}
		slices.SortFunc(rows, func(a, b models.SurveyAnswer) int { return strings.Compare(a.ID, b.ID) })
		if len(rows) > 0 {
			if err := tx.CreateInBatches(rows, 500).Error; err != nil {
				return err
			}
		}
		if err := tx.Exec(`UPDATE surveys SET trained = ` + fmt.Sprintf(trained, "surveys.transfer_id")).Error; err != nil {
			return err
		}
		// Plain SQL, which both databases take: SQLite's migrator would
		// drop the column on a connection of its own, which the pool's one
		// connection, held by this transaction, never gives it.
		if tx.Migrator().HasColumn(&models.Survey{}, "answered_at") {
			if err := tx.Exec("ALTER TABLE surveys DROP COLUMN answered_at").Error; err != nil {
				return err
			}
		}
		return tx.Exec("DROP TABLE survey_responses").Error
	})
}
