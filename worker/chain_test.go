package worker_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/bkpsdm/mutasi/testkit/testworker"
	"github.com/bkpsdm/mutasi/workflows"
)

// chainAndSwap is a government whose plan is, by the rank bands of its
// posts, a chain of three and a swap: N01 (past the maximum time in post)
// can only go to the vacant PB, N02 (past it too) only to PA, N03 only to
// PC; X and Y, both past it, only to each other's post.
func chainAndSwap(now time.Time) seed.Data {
	var d seed.Data
	post := func(id string, rank models.Rank) {
		unit := "U" + id
		d.Units = append(d.Units, models.Unit{ID: unit, Name: "Unit " + id})
		d.Positions = append(d.Positions, models.Position{ID: id, UnitID: unit, Name: "Jabatan " + id,
			Kind: models.KindFungsional, Class: 8, MinRank: rank, MaxRank: rank, MinEducation: models.EduS1, Seats: 1})
	}
	post("PA", 9)
	post("PB", 10)
	post("PC", 11)
	post("PD", 12)
	post("S1", 13)
	post("S2", 14)
	person := func(seq int, name, at string, rank models.Rank, years int) {
		nip := fmt.Sprintf("19800101200501100%d", seq)
		e := models.Employee{NIP: nip, Name: name, Email: nip + "@asn.mutasi.local", Lang: "id", Status: models.StatusPNS,
			Rank: rank, PositionID: at, InPostSince: now.AddDate(-years, 0, 0), Education: models.EduS1,
			Performance: models.Medium, Potential: models.Medium}
		for y := now.Year() - 3; y < now.Year(); y++ {
			e.SKP = append(e.SKP, models.EmployeeSKP{NIP: nip, Year: y, Predicate: models.Baik})
		}
		d.Employees = append(d.Employees, e)
	}
	person(1, "N01", "PA", 10, 6)
	person(2, "N02", "PC", 9, 6)
	person(3, "N03", "PD", 11, 3)
	person(4, "X", "S1", 14, 6)
	person(5, "Y", "S2", 13, 6)
	return d
}

// TestChainAndSwapThroughTheStack walks a chain of three and a swap
// through the real stack: the proposals record them, every transfer is
// approved and, its employee silent, deemed acknowledged, and all take
// effect together on one TMT, each employee in the post the plan gave.
func TestChainAndSwapThroughTheStack(t *testing.T) {
	s := startStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	now := time.Now()
	if err := seed.Load(s.db, chainAndSwap(now)); err != nil {
		t.Fatal(err)
	}
	roundID := "R-CHAIN"
	wid := contract.RoundWorkflowID(roundID)
	run, err := s.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING}, workflows.RoundWorkflow,
		workflows.RoundInput{RoundID: roundID, Name: "Rantai dan tukar", Settings: testkit.Compressed(),
			By: contract.ActorRef{ID: "hr1", Role: models.RoleHR}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testkit.WaitState(ctx, s.c, wid, func(s workflows.RoundState) bool { return s.Status == models.RoundAwaitingConfirmation }); err != nil {
		t.Fatal(err)
	}
	proposals := testworker.Proposals(t, s.db, roundID)
	nip := func(seq int) string { return fmt.Sprintf("19800101200501100%d", seq) }
	id := func(seq int, to string) string { return contract.TransferID(roundID, nip(seq), to) }
	want := map[string][]string{
		id(1, "PB"): nil,
		id(2, "PA"): {id(1, "PB")},
		id(3, "PC"): {id(2, "PA")},
		id(4, "S2"): {id(5, "S1")},
		id(5, "S1"): {id(4, "S2")},
	}
	if len(proposals) != len(want) {
		t.Fatalf("proposals %+v, want %v", proposals, want)
	}
	for _, p := range proposals {
		deps, ok := want[p.TransferID]
		if !ok || fmt.Sprint(p.DependsOn) != fmt.Sprint(deps) {
			t.Errorf("proposal %s depends on %v, want %v (known: %v)", p.TransferID, p.DependsOn, deps, ok)
		}
	}
	if err := update(ctx, s.c, wid, workflows.UpdateConfirm, "ok", workflows.Confirm{Actor: testkit.HR}); err != nil {
		t.Fatal(err)
	}
	for _, p := range proposals {
		twid := contract.TransferWorkflowID(p.TransferID)
		for _, who := range []models.Actor{testkit.TPK, testkit.PPK} {
			stage := models.StageAwaitingTPK
			if who.Role == models.RolePPK {
				stage = models.StageAwaitingPPK
			}
			if _, err := testkit.WaitState(ctx, s.c, twid, func(s workflows.TransferState) bool { return s.Stage == stage }); err != nil {
				t.Fatal(err)
			}
			d := workflows.Decision{Actor: who, Approve: true, Reason: "sesuai analisis kebutuhan"}
			if err := update(ctx, s.c, twid, workflows.UpdateDecide, twid+":"+string(who.Role), d); err != nil {
				t.Fatal(err)
			}
		}
	}
	var summary models.RoundSummary
	if err := run.Get(ctx, &summary); err != nil {
		t.Fatal(err)
	}
	if summary.ByStage[models.StageCompleted] != len(want) {
		t.Errorf("summary %+v", summary)
	}
	var ts []models.Transfer
	if err := s.db.Where("round_id = ?", roundID).Find(&ts).Error; err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if x.EffectiveDate == nil || ts[0].EffectiveDate == nil || !x.EffectiveDate.Equal(*ts[0].EffectiveDate) || x.DecreeNumber == "" {
			t.Errorf("%s: TMT %v, decree %q; all must share one TMT", x.ID, x.EffectiveDate, x.DecreeNumber)
		}
	}
	// The TMT is a local date (Asia/Makassar), and the employee's mail
	// says so, though the database keeps an instant.
	wita, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	tmt := ts[0].EffectiveDate.In(wita)
	if tmt.Hour() != 0 || tmt.Minute() != 0 {
		t.Errorf("TMT %v is not a local date", tmt)
	}
	var mail models.OutboxMessage
	if err := s.db.First(&mail, "key = ?", "transfer-"+ts[0].ID+":effective").Error; err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("berlaku mulai %d ", tmt.Day()); !strings.Contains(mail.Body, want) {
		t.Errorf("the effective notice does not say %q:\n%s", want, mail.Body)
	}
	places := map[int]string{1: "PB", 2: "PA", 3: "PC", 4: "S2", 5: "S1"}
	for seq, at := range places {
		var e models.Employee
		if err := s.db.First(&e, "nip = ?", nip(seq)).Error; err != nil {
			t.Fatal(err)
		}
		var spells []models.PositionHistory
		if err := s.db.Where("nip = ?", nip(seq)).Order("start").Find(&spells).Error; err != nil {
			t.Fatal(err)
		}
		if e.PositionID != at || len(spells) != 2 || spells[0].End == nil || spells[1].PositionID != at || spells[1].End != nil {
			t.Errorf("employee %d in %s, history %+v; want in %s with the old spell closed", seq, e.PositionID, spells, at)
		}
	}
}
