package activities_test

import (
	"slices"
	"testing"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/selection"
	"github.com/bkpsdm/mutasi/testkit"
)

// analyzeAndSelect starts round id and runs its analysis and selection.
func analyzeAndSelect(t *testing.T, a *activities.Activities, id string) {
	t.Helper()
	in := contract.RoundAsOf{RoundID: id, AsOf: asOf}
	if err := a.StartRound(ctx, contract.RoundStart{RoundID: id, Name: "Mutasi " + id, Settings: models.DefaultSettings(),
		WorkflowID: contract.RoundWorkflowID(id), By: hr, At: asOf}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AnalyzeNeeds(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SelectCandidates(ctx, in); err != nil {
		t.Fatal(err)
	}
}

// checkCapacity fails the test when, with every transfer in transfers
// taken, a position holds more than max(seats, holders before).
func checkCapacity(t *testing.T, gdb *gorm.DB, transfers []models.Transfer) {
	t.Helper()
	var positions []models.Position
	var employees []models.Employee
	if err := gdb.Find(&positions).Error; err != nil {
		t.Fatal(err)
	}
	if err := gdb.Where("status <> ?", models.StatusRetired).Find(&employees).Error; err != nil {
		t.Fatal(err)
	}
	before, after := map[string]int{}, map[string]int{}
	for _, e := range employees {
		before[e.PositionID]++
		after[e.PositionID]++
	}
	for _, tr := range transfers {
		after[tr.FromPositionID]--
		after[tr.ToPositionID]++
	}
	for _, p := range positions {
		if after[p.ID] > max(p.Seats, before[p.ID]) {
			t.Errorf("%s: %d holders after the round, %d seats and %d holders before", p.ID, after[p.ID], p.Seats, before[p.ID])
		}
	}
}

func TestSelectionPlansChains(t *testing.T) { eachBackend(t, testSelectionPlansChains) }

// testSelectionPlansChains runs a round on a government of 300 and checks
// the plan it records: the capacity rule, vacancy chains recorded as
// transfer IDs, every incumbent past the maximum time in post moved or
// listed as not placed; then a second round, started while the first's
// transfers are pending, proposes none of their movers and keeps the
// capacity rule with both rounds' transfers taken.
func testSelectionPlansChains(t *testing.T, b testkit.Backend) {
	gdb, _ := b.New(t)
	data := seed.Generate(300, asOf, 7)
	if err := seed.Load(gdb, data); err != nil {
		t.Fatal(err)
	}
	a := &activities.Activities{DB: gdb, BaseURL: "http://mutasi.test/", LinkSecret: []byte("k")}
	analyzeAndSelect(t, a, "R1")
	var first []models.Transfer
	if err := gdb.Where("round_id = ?", "R1").Order("id").Find(&first).Error; err != nil {
		t.Fatal(err)
	}
	checkCapacity(t, gdb, first)
	byID := map[string]models.Transfer{}
	moved := map[string]bool{}
	for _, tr := range first {
		byID[tr.ID] = tr
		moved[tr.NIP] = true
	}
	chains := 0
	for _, tr := range first {
		if tr.FromPositionID == "" || tr.Plan != 1 {
			t.Errorf("%s: from %q, plan %d", tr.ID, tr.FromPositionID, tr.Plan)
		}
		for _, d := range tr.DependsOn {
			dep, ok := byID[d]
			if !ok || dep.FromPositionID != tr.ToPositionID {
				t.Errorf("%s depends on %s, which is not a departure from %s", tr.ID, d, tr.ToPositionID)
			}
			chains++
		}
	}
	if chains == 0 {
		t.Error("no transfer depends on another: the plan has no vacancy chain")
	}
	var stuck []models.Exclusion
	if err := gdb.Where("round_id = ? AND must_move", "R1").Find(&stuck).Error; err != nil {
		t.Fatal(err)
	}
	notPlaced := map[string]bool{}
	for _, x := range stuck {
		notPlaced[x.NIP] = true
	}
	rules := selection.EffectiveRules(models.DefaultSettings().Rules)
	past := 0
	for _, e := range data.Employees {
		if selection.PastMaxTimeInPost(e.InPostSince, asOf, rules) {
			past++
			if moved[e.NIP] == notPlaced[e.NIP] {
				t.Errorf("%s is past the maximum time in post: moved %v, listed as not placed %v", e.NIP, moved[e.NIP], notPlaced[e.NIP])
			}
		}
	}
	if past == 0 {
		t.Fatal("the seed has nobody past the maximum time in post")
	}

	analyzeAndSelect(t, a, "R2")
	var second []models.Transfer
	if err := gdb.Where("round_id = ?", "R2").Find(&second).Error; err != nil {
		t.Fatal(err)
	}
	for _, tr := range second {
		if moved[tr.NIP] {
			t.Errorf("R2 proposes %s again", tr.NIP)
		}
	}
	checkCapacity(t, gdb, slices.Concat(first, second))
	var inFlight int64
	if err := gdb.Model(&models.Exclusion{}).Where("round_id = ? AND rule = ?", "R2", selection.RuleInFlight).
		Count(&inFlight).Error; err != nil {
		t.Fatal(err)
	}
	if inFlight != int64(len(first)) {
		t.Errorf("R2 lists %d employees in flight, R1 moves %d", inFlight, len(first))
	}
}
