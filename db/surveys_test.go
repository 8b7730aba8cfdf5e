package db_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/models"
)

// responseBefore is a survey answer as databases made before the answers
// were stored apart kept it: against its transfer, with its time.
type responseBefore struct {
	TransferID        string         `gorm:"primaryKey;size:80"`
	RoundID           string         `gorm:"size:40;not null;index"`
	InstrumentVersion int            `gorm:"not null;default:1"`
	Answers           map[string]any `gorm:"serializer:json;not null"`
	SubmittedAt       time.Time      `gorm:"not null"`
}

func (responseBefore) TableName() string { return "survey_responses" }

// TestMigrateSurveyAnswers migrates a database holding seven answers of
// a round under way and two of a completed round, kept against their
// transfers (and surveys with answered_at): the answers move to
// survey_answers with their mover's unit, kind and training; in the round
// under way the first five in the order given take a block and the other
// two wait, in the completed round both take block 0; the old table and
// answered_at are gone; a second run changes nothing.
func TestMigrateSurveyAnswers(t *testing.T) {
	onEachBackend(t, func(t *testing.T, gdb *gorm.DB, must func(error)) {
		must(gdb.AutoMigrate(&responseBefore{}))
		must(gdb.Exec("ALTER TABLE surveys ADD COLUMN answered_at timestamp").Error)
		base := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
		must(gdb.Create(&models.Unit{ID: "U2", Name: "Dinas Kesehatan"}).Error)
		must(gdb.Create(&models.Position{ID: "P2", UnitID: "U2", Name: "Analis", Kind: models.KindFungsional, Class: 9,
			MinRank: 9, MaxRank: 14, MinEducation: 3, Seats: 5}).Error)
		must(gdb.Create(&models.Round{ID: "R1", Name: "Maret", Status: models.RoundInProgress, Settings: models.DefaultSettings(),
			WorkflowID: "round-R1", CreatedAt: base, UpdatedAt: base}).Error)
		must(gdb.Create(&models.Round{ID: "R0", Name: "Januari", Status: models.RoundCompleted, Settings: models.DefaultSettings(),
			WorkflowID: "round-R0", CreatedAt: base, UpdatedAt: base}).Error)
		for i := 1; i <= 2; i++ {
			id := fmt.Sprintf("S%d", i)
			must(gdb.Create(&models.Transfer{ID: id, RoundID: "R0", NIP: fmt.Sprintf("1980010120050120%02d", i), ToPositionID: "P2",
				ToUnitID: "U2", Stage: models.StageCompleted, WorkflowID: "transfer-" + id}).Error)
			must(gdb.Create(&responseBefore{TransferID: id, RoundID: "R0", InstrumentVersion: 1,
				Answers: map[string]any{"motivation": 1.0}, SubmittedAt: base.Add(time.Duration(i) * time.Minute)}).Error)
		}
		for i := 1; i <= 7; i++ {
			id := fmt.Sprintf("T%02d", i)
			tr := models.Transfer{ID: id, RoundID: "R1", NIP: fmt.Sprintf("1980010120050110%02d", i), ToPositionID: "P1",
				ToUnitID: "U1", Stage: models.StageCompleted, WorkflowID: "transfer-" + id}
			if i == 7 {
				tr.ToPositionID, tr.ToUnitID = "P2", "U2"
			}
			must(gdb.Create(&tr).Error)
			must(gdb.Create(&models.Survey{TransferID: id, RoundID: "R1", NIP: tr.NIP, Status: models.SurveyAnswered,
				InstrumentVersion: 1, SentAt: base, ExpiresAt: base.AddDate(0, 0, 14)}).Error)
			must(gdb.Exec("UPDATE surveys SET answered_at = ? WHERE transfer_id = ?", base, id).Error)
			// Answer i is given at minute 8-i: the last transfer answered first.
			must(gdb.Create(&responseBefore{TransferID: id, RoundID: "R1", InstrumentVersion: 1,
				Answers:     map[string]any{"motivation": float64(i), "comments": "nomor " + fmt.Sprint(i)},
				SubmittedAt: base.Add(time.Duration(8-i) * time.Minute)}).Error)
		}
		must(gdb.Create(&models.TrainingAssignment{TransferID: "T07", NIP: "x", Reason: "objection",
			Status: models.TrainingCompleted, AssignedAt: base, Deadline: base}).Error)
		for run := range 2 {
			must(db.Migrate(gdb))
			if gdb.Migrator().HasTable("survey_responses") || gdb.Migrator().HasColumn(&models.Survey{}, "answered_at") {
				t.Fatalf("run %d: the old table or answered_at is still there", run+1)
			}
			var ended []models.SurveyAnswer
			must(gdb.Where("round_id = ?", "R0").Find(&ended).Error)
			for _, a := range ended {
				if a.Block == nil || *a.Block != 0 || a.UnitID != "U2" {
					t.Errorf("run %d: an answer of the completed round: %+v, want block 0", run+1, a)
				}
			}
			if len(ended) != 2 {
				t.Errorf("run %d: %d answers of the completed round, want 2", run+1, len(ended))
			}
			var got []models.SurveyAnswer
			must(gdb.Where("round_id = ?", "R1").Order("id").Find(&got).Error)
			if len(got) != 7 {
				t.Fatalf("run %d: %d answers, want 7", run+1, len(got))
			}
			waiting := []string{}
			for _, a := range got {
				m := int(a.Answers["motivation"].(float64))
				wantBlock := m >= 3 // given at minutes 1..5: transfers 7..3
				if (a.Block != nil) != wantBlock || a.Block != nil && *a.Block != 1 {
					t.Errorf("run %d: the answer of transfer %d has block %v", run+1, m, a.Block)
				}
				if a.Block == nil {
					waiting = append(waiting, fmt.Sprint(m))
				}
				unit, kind, trained := "U1", models.KindPelaksana, false
				if m == 7 {
					unit, kind, trained = "U2", models.KindFungsional, true
				}
				if a.RoundID != "R1" || a.UnitID != unit || a.PositionKind != kind || a.Trained != trained ||
					a.InstrumentVersion != 1 || a.Answers["comments"] != "nomor "+fmt.Sprint(m) || len(a.ID) != 32 {
					t.Errorf("run %d: answer %+v", run+1, a)
				}
			}
			if strings.Join(waiting, ",") != "1,2" && strings.Join(waiting, ",") != "2,1" {
				t.Errorf("run %d: waiting %v, want the answers of transfers 1 and 2", run+1, waiting)
			}
			var sv models.Survey
			must(gdb.First(&sv, "transfer_id = ?", "T07").Error)
			if !sv.Trained || sv.Status != models.SurveyAnswered {
				t.Errorf("run %d: survey %+v", run+1, sv)
			}
		}
	})
}
