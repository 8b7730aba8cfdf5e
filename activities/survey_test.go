package activities_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// openSurveys opens the surveys of the first n proposals of a started
// round; the first mover completes a training first.
func openSurveys(t *testing.T, a *activities.Activities, proposals []contract.Proposal, n int) {
	t.Helper()
	at := asOf.Add(time.Hour)
	if err := a.AssignTraining(ctx, contract.TrainingInput{TransferID: proposals[0].TransferID, Reason: "competence_gap",
		At: at, Deadline: at.AddDate(0, 1, 0)}); err != nil {
		t.Fatal(err)
	}
	if err := a.FinishTraining(ctx, contract.TrainingResult{TransferID: proposals[0].TransferID, Completed: true, By: hr, At: at}); err != nil {
		t.Fatal(err)
	}
	for _, p := range proposals[:n] {
		if _, err := a.OpenSurvey(ctx, contract.SurveyInput{TransferID: p.TransferID, At: at, Expires: at.AddDate(0, 0, 14)}); err != nil {
			t.Fatal(err)
		}
	}
}

// answeredAt is when the i-th mover answers: a time that no other row has.
func answeredAt(i int) time.Time {
	return asOf.AddDate(0, 3, 0).Add(time.Duration(i)*7*time.Minute + 13*time.Second + 417*time.Millisecond)
}

// tableRows reads every row of every table, by table, each row as
// column → value.
func tableRows(t *testing.T, gdb *gorm.DB) map[string][]map[string]any {
	t.Helper()
	tables, err := gdb.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]map[string]any{}
	for _, table := range tables {
		var rs []map[string]any
		if err := gdb.Table(table).Find(&rs).Error; err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		out[table] = rs
	}
	return out
}

// text is a column's value as text.
func text(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}

func TestSurveyAnswersUnlinked(t *testing.T) { eachBackend(t, testSurveyAnswersUnlinked) }

// testSurveyAnswersUnlinked answers seven surveys through the activity,
// each twice, then reads every row of every table: the answers are
// stored once each, in survey_answers, with the round, unit, kind and
// trained flag of their mover, and no column there holds a transfer ID,
// a NIP, a name or a time; no other row holds an answer's ID or the time
// it was given; the surveys say only answered; the audit trail says that
// seven surveys of the round were answered, naming no transfer or
// person and dated the round's start. The first five answers share a
// block, the other two wait for theirs.
func testSurveyAnswersUnlinked(t *testing.T, b testkit.Backend) {
	a, gdb, proposals := started(t, b)
	const n = 7
	openSurveys(t, a, proposals, n)
	comments := map[string]bool{}
	for i, p := range proposals[:n] {
		c := fmt.Sprintf("saran nomor %d", i)
		comments[c] = true
		in := contract.SurveyAnswer{TransferID: p.TransferID, At: answeredAt(i),
			Answers: map[string]any{"motivation": float64(1 + i%5), "enps": 9.0, "comments": c}}
		twice(t, "RecordSurveyResponse", func() error { return a.RecordSurveyResponse(ctx, in) })
		var waiting, blocked int64
		gdb.Model(&models.SurveyAnswer{}).Where("block IS NULL").Count(&waiting)
		gdb.Model(&models.SurveyAnswer{}).Where("block = 1").Count(&blocked)
		if want := int64((i + 1) % models.MinBlock); i >= models.MinBlock-1 && (blocked != models.MinBlock || waiting != want) ||
			i < models.MinBlock-1 && (blocked != 0 || waiting != int64(i+1)) {
			t.Errorf("after %d answers: %d in block 1, %d waiting", i+1, blocked, waiting)
		}
	}

	var movers []models.Employee
	var nips, ids []string
	for _, p := range proposals {
		nips, ids = append(nips, p.NIP), append(ids, p.TransferID)
	}
	gdb.Where("nip IN ?", nips).Find(&movers)
	all := tableRows(t, gdb)
	stored := all["survey_answers"]
	if len(stored) != n {
		t.Fatalf("%d stored answers, want %d", len(stored), n)
	}
	var answerIDs []string
	trained := 0
	for _, row := range stored {
		answerIDs = append(answerIDs, text(row["id"]))
		if row["round_id"] != round || text(row["unit_id"]) == "" || text(row["position_kind"]) == "" {
			t.Errorf("an answer lacks its round, unit or kind: %v", row)
		}
		if row["trained"] == true || text(row["trained"]) == "1" {
			trained++
		}
		for col, v := range row {
			if _, isTime := v.(time.Time); isTime {
				t.Errorf("survey_answers.%s holds a time: %v", col, v)
			}
			s := text(v)
			for _, id := range ids {
				if strings.Contains(s, id) {
					t.Errorf("survey_answers.%s holds the transfer ID %s", col, id)
				}
			}
			for _, e := range movers {
				if strings.Contains(s, e.NIP) || strings.Contains(s, e.Name) {
					t.Errorf("survey_answers.%s holds the NIP or name of %s", col, e.NIP)
				}
			}
		}
	}
	if trained != 1 {
		t.Errorf("%d answers of trained movers, want 1", trained)
	}
	for table, rs := range all {
		for _, row := range rs {
			for col, v := range row {
				if at, ok := v.(time.Time); ok {
					for i := range n {
						if at.Equal(answeredAt(i)) {
							t.Errorf("%s.%s holds the time answer %d was given", table, col, i)
						}
					}
				}
				if table == "survey_answers" {
					continue
				}
				for _, id := range answerIDs {
					if strings.Contains(text(v), id) {
						t.Errorf("%s.%s holds the ID of a stored answer: %v", table, col, row)
					}
				}
				for c := range comments {
					if strings.Contains(text(v), c) {
						t.Errorf("%s.%s holds an answer's comment", table, col)
					}
				}
			}
		}
	}
	for _, row := range all["surveys"] {
		if _, has := row["answered_at"]; has {
			t.Error("surveys still has answered_at")
		}
		if row["status"] != string(models.SurveyAnswered) {
			t.Errorf("survey of %v: %v", row["transfer_id"], row["status"])
		}
	}
	var lines []models.AuditEntry
	gdb.Where("action = ?", models.ActionSurveyAnswered).Find(&lines)
	var r models.Round
	gdb.First(&r, "id = ?", round)
	if len(lines) != n {
		t.Errorf("%d audit lines of an answered survey, want %d", len(lines), n)
	}
	for _, l := range lines {
		if l.TransferID != "" || l.ActorID != "" || l.RoundID != round || !l.At.Equal(r.CreatedAt) || l.Detail != "" {
			t.Errorf("audit line %+v: want the round only, dated the round's start", l)
		}
	}

	// The round ends: every answer, the two waiting too, takes block 0
	// (no order left); nothing is lost or doubled, twice over.
	before := map[string]bool{}
	for _, row := range stored {
		before[text(row["id"])] = true
	}
	for run := range 2 {
		if _, err := a.EvaluateRound(ctx, contract.RoundAsOf{RoundID: round, AsOf: answeredAt(n)}); err != nil {
			t.Fatal(err)
		}
		var after []models.SurveyAnswer
		gdb.Find(&after)
		if len(after) != n {
			t.Fatalf("run %d: %d answers after the round ended, want %d", run+1, len(after), n)
		}
		for _, ans := range after {
			if !before[ans.ID] || ans.Block == nil || *ans.Block != 0 || ans.Answers["enps"] != 9.0 {
				t.Errorf("run %d: after the round ended: %+v", run+1, ans)
			}
		}
	}
}

func TestSurveyBlocksFillWhole(t *testing.T) { eachBackend(t, testSurveyBlocksFillWhole) }

// testSurveyBlocksFillWhole answers eleven surveys of a round at once,
// each twice: eleven answers, two blocks of five, one waiting.
func testSurveyBlocksFillWhole(t *testing.T, b testkit.Backend) {
	a, gdb, proposals := started(t, b)
	const n = 11
	if len(proposals) < n {
		t.Fatalf("%d proposals, want %d", len(proposals), n)
	}
	openSurveys(t, a, proposals, n)
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i, p := range proposals[:n] {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- a.RecordSurveyResponse(ctx, contract.SurveyAnswer{TransferID: p.TransferID, At: answeredAt(i),
					Answers: map[string]any{"enps": 7.0}})
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var blocks []struct {
		Block *int
		N     int
	}
	gdb.Model(&models.SurveyAnswer{}).Select("block, COUNT(*) AS n").Group("block").Order("block").Scan(&blocks)
	got := map[string]int{}
	for _, bl := range blocks {
		key := "waiting"
		if bl.Block != nil {
			key = fmt.Sprint(*bl.Block)
		}
		got[key] = bl.N
	}
	if len(got) != 3 || got["1"] != 5 || got["2"] != 5 || got["waiting"] != 1 {
		t.Errorf("blocks %v, want 1 and 2 of five and one waiting", got)
	}
}
