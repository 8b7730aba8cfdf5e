package evaluation

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/selection"
	"github.com/bkpsdm/mutasi/survey"
)

// outcomeFixture is a round worked out by hand (see
// TestOutcomesAgainstHandComputedFixture).
func outcomeFixture() Data {
	pos := func(unit string, class int) models.Position { return models.Position{UnitID: unit, Class: class} }
	d := Data{Rounds: []string{"R"}, Units: map[string]string{"U1": "Satu", "U2": "Dua"},
		Positions: map[string]models.Position{"P1": pos("U1", 7), "P2": pos("U1", 9), "P3": pos("U2", 9), "P4": pos("U2", 5), "P5": pos("U2", 8)}}
	d.Needs = []models.Need{
		{RoundID: "R", PositionID: "P1", Reason: models.NeedTenure, IncumbentNIP: "A", Seats: 1, Priority: 3},
		{RoundID: "R", PositionID: "P4", Reason: models.NeedTenure, IncumbentNIP: "B", Seats: 1, Priority: 3},
		{RoundID: "R", PositionID: "P2", Reason: models.NeedVacant, Seats: 2, Priority: 1},
		{RoundID: "R", PositionID: "P3", Reason: models.NeedABK, Seats: 1, Priority: 2},
	}
	tmt := time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)
	move := func(id, nip, from, to string, stage models.Stage, dependsOn ...string) models.Transfer {
		t := models.Transfer{ID: id, RoundID: "R", NIP: nip, FromPositionID: from, ToPositionID: to, ToUnitID: d.Positions[to].UnitID,
			Stage: stage, DependsOn: dependsOn}
		if stage.Effective() {
			t.EffectiveDate = &tmt
		}
		return t
	}
	d.Transfers = []models.Transfer{
		move("t1", "A", "P1", "P2", models.StageEffective),       // up 7 -> 9; a vacant seat of P2
		move("t2", "C", "P5", "P1", models.StageCompleted, "t1"), // down 8 -> 7; A's over-tenure seat, through the chain
		move("t3", "D", "P3", "P2", models.StageSurveyOpen),      // level 9 -> 9; P2's second vacant seat
		move("t4", "E", "", "P3", models.StageRejected),          // rejected by the TPK
		move("t5", "F", "", "P3", models.StageCancelled),         // cancelled on a fear-of-change objection
		move("t6", "G", "", "P4", models.StageWithdrawn),         //
		move("t7", "B", "P4", "P3", models.StageBlocked),         // B, over tenure, stays
		move("t8", "H", "P4", "P3", models.StageEffective),       // up 5 -> 9; P3's ABK seat
		move("t9", "I", "P2", "P5", models.StageEffective),       // down 9 -> 8; no need
		move("t10", "J", "P1", "P5", models.StageAwaitingPPK),    // still pending: counts nowhere
	}
	d.Decisions = []models.Decision{{TransferID: "t4", Step: models.RoleTPK, Approve: false}, {TransferID: "t1", Step: models.RoleTPK, Approve: true}}
	d.Objections = []models.Objection{{TransferID: "t5", Category: models.ObjectFear, Resolution: models.ResolveCancel},
		{TransferID: "t3", Category: models.ObjectWorkload, Resolution: models.ResolveProceed}}
	d.RevokedDecrees = []models.DecreeDocument{{RoundID: "R", Movers: 2}}
	d.Stayers = []models.Exclusion{{RoundID: "R", NIP: "S1", Rule: selection.RuleNotSelected}, {RoundID: "R", NIP: "S2", Rule: selection.RuleNotSelected},
		{RoundID: "R", NIP: "S3", Rule: selection.RuleNotSelected}}
	// SKP in 2025, 2026 (before the TMT year 2027) and 2028 (after).
	for nip, years := range map[string][3]models.Predicate{
		"A": {3, 4, 5}, "C": {4, 4, 4}, "D": {0, 5, 4}, "H": {2, 3, 4}, "I": {4, 5, 5},
		"S1": {4, 4, 4}, "S2": {0, 3, 3}, "S3": {4, 4, 0}, "J": {1, 1, 5},
	} {
		for i, p := range years {
			if p != 0 {
				d.SKP = append(d.SKP, models.EmployeeSKP{NIP: nip, Year: []int{2025, 2026, 2028}[i], Predicate: p})
			}
		}
	}
	// Survey replies, all in filled blocks: motivation from 5 trained and
	// 5 untrained movers; training adequacy from the trained; fairness
	// from 5 trained and 2 untrained, which hides it on both sides.
	reply := func(trained bool, answers map[string]any) {
		zero := 0
		d.Responses = append(d.Responses, models.SurveyAnswer{ID: fmt.Sprint("A", len(d.Responses)), RoundID: "R", UnitID: "U1",
			InstrumentVersion: 2, Trained: trained, Block: &zero, Answers: answers})
	}
	for i, v := range []float64{5, 4, 4, 3, 5} {
		reply(true, map[string]any{"motivation": v, "training_adequacy": []float64{4, 4, 5, 3, 4}[i], "process_fairness": 4.0})
	}
	for i, v := range []float64{2, 3, 4, 3, 3} {
		a := map[string]any{"motivation": v}
		if i < 2 {
			a["process_fairness"] = 2.0
		}
		reply(false, a)
	}
	return d
}

// TestOutcomesAgainstHandComputedFixture checks every outcome indicator
// against figures worked out by hand from outcomeFixture.
func TestOutcomesAgainstHandComputedFixture(t *testing.T) {
	o := Compute(outcomeFixture()).Outcomes
	f := func(v float64) *float64 { return &v }
	if want := (TenureOutcome{Found: 2, Rotated: 1, Share: f(0.5)}); !reflect.DeepEqual(o.OverTenure, want) {
		t.Errorf("over tenure %+v, want %+v", o.OverTenure, want)
	}
	wantSeats := []SeatsOutcome{
		{Reason: models.NeedVacant, Needed: 2, Filled: 2, Share: f(1)},
		{Reason: models.NeedABK, Needed: 1, Filled: 1, Share: f(1)},
		{Reason: models.NeedTenure, Needed: 2, Filled: 1, ViaChain: 1, Share: f(0.5)},
	}
	if !reflect.DeepEqual(o.Seats, wantSeats) {
		t.Errorf("seats %+v, want %+v", o.Seats, wantSeats)
	}
	if want := (CareerSteps{Up: 2, Level: 1, Down: 2}); o.CareerSteps != want {
		t.Errorf("career steps %+v, want %+v", o.CareerSteps, want)
	}
	wantStopped := []StoppedGroup{
		{Outcome: "rejected", Count: 1, Why: map[string]int{"tpk": 1}},
		{Outcome: "cancelled", Count: 1, Why: map[string]int{"fear_of_change": 1}},
		{Outcome: "withdrawn", Count: 1},
		{Outcome: "blocked", Count: 1},
		{Outcome: "decree_revoked", Count: 2},
	}
	if !reflect.DeepEqual(o.Stopped, wantStopped) {
		t.Errorf("stopped %+v, want %+v", o.Stopped, wantStopped)
	}
	// Movers A 3.5 -> 5, C 4 -> 4, D 5 -> 4, H 2.5 -> 4, I 4.5 -> 5:
	// before 19.5/5, after 22/5, change 2.5/5, improved A, H, I. J has
	// not moved yet. Stayers S1 4 -> 4, S2 3 -> 3 (S3 has no 2028): two,
	// shown by number only.
	wantSKP := SKPOutcome{Movers: SKPGroup{N: 5, Before: f(3.9), After: f(4.4), Change: f(0.5), Improved: f(0.6)},
		Stayers: SKPGroup{N: 2, Suppressed: true}}
	if !reflect.DeepEqual(o.SKP, wantSKP) {
		t.Errorf("SKP %+v %+v, want %+v %+v", o.SKP.Movers, o.SKP.Stayers, wantSKP.Movers, wantSKP.Stayers)
	}
	item := func(side []ItemStats, code string) ItemStats {
		for _, it := range side {
			if it.Code == code {
				return it
			}
		}
		t.Fatalf("no item %s", code)
		return ItemStats{}
	}
	tr, un := o.TrainedVsOther.Trained, o.TrainedVsOther.Untrained
	for _, c := range []struct {
		side  []ItemStats
		code  string
		n     int
		mean  *float64
		shown bool
	}{
		{tr, "motivation", 5, f(4.2), true}, {un, "motivation", 5, f(3), true},
		{tr, "training_adequacy", 5, f(4), true}, {un, "training_adequacy", 0, nil, false},
		{tr, "process_fairness", 5, nil, false}, {un, "process_fairness", 2, nil, false},
	} {
		it := item(c.side, c.code)
		if it.N != c.n || !reflect.DeepEqual(it.Mean, c.mean) || (len(it.Distribution) > 0) != c.shown {
			t.Errorf("%s: n %d, mean %v, distribution %v; want n %d, mean %v, shown %v", c.code, it.N, deref(it.Mean), it.Distribution, c.n, deref(c.mean), c.shown)
		}
	}
	if it := item(tr, "process_fairness"); !it.Suppressed {
		t.Error("trained fairness shown beside 2 untrained answers: the overall figure would give theirs away")
	}
}

// TestSKPPendingUntilTheYearAfter: before anyone's SKP of the year after
// the move is imported, the comparison is pending.
func TestSKPPendingUntilTheYearAfter(t *testing.T) {
	d := outcomeFixture()
	var before []models.EmployeeSKP
	for _, s := range d.SKP {
		if s.Year < 2028 {
			before = append(before, s)
		}
	}
	d.SKP = before
	if o := Compute(d).Outcomes.SKP; !o.Pending || o.Movers.N != 0 || o.Stayers.N != 0 {
		t.Errorf("without 2028: %+v", o)
	}
}

// TestOutcomesInCSVAndExcel finds the hand-computed outcomes in the
// downloads: stable keys in the CSV, labelled rows in the workbook.
func TestOutcomesInCSVAndExcel(t *testing.T) {
	r := Compute(outcomeFixture())
	hasRows(t, "the CSV", csvRows(t, r),
		[]string{"outcome_over_tenure", "", "share", "0.5"},
		[]string{"outcome_needed_seats", "tenure", "via_chain", "1"},
		[]string{"outcome_career_steps", "", "down", "2"},
		[]string{"outcome_stopped", "cancelled", "why_fear_of_change", "1"},
		[]string{"outcome_skp", "movers", "improved_share", "0.6"},
		[]string{"outcome_skp", "stayers", "suppressed", "1"},
		[]string{"outcome_trained_vs_untrained", "untrained:motivation", "mean", "3"},
		[]string{"outcome_trained_vs_untrained", "trained:process_fairness", "suppressed", "1"})
	sheetRows, err := workbook(t, r, "en").GetRows("Programme outcomes")
	if err != nil {
		t.Fatal(err)
	}
	hasRows(t, "the workbook", sheetRows,
		[]string{"Indicator", "Group", "Metric", "Value"},
		[]string{"Posts past the maximum time in post", "", "Rotated", "1"},
		[]string{"Transfers stopped", "Cancelled", "Why: Fear of change", "1"},
		[]string{"Survey: trained and untrained", "Trained: Motivation vs before", "Mean", "4.2"})
}

// TestOutcomesAcrossRounds: an incumbent found over tenure in two rounds
// and moved in the second is one rotation out of two finds, not two.
func TestOutcomesAcrossRounds(t *testing.T) {
	d := Data{Rounds: []string{"R1", "R2"}, Positions: map[string]models.Position{"P1": {}, "P2": {}}}
	for _, r := range d.Rounds {
		d.Needs = append(d.Needs, models.Need{RoundID: r, PositionID: "P1", Reason: models.NeedTenure, IncumbentNIP: "A", Seats: 1})
	}
	d.Transfers = []models.Transfer{{ID: "t", RoundID: "R2", NIP: "A", FromPositionID: "P1", ToPositionID: "P2", Stage: models.StageEffective}}
	if o := Compute(d).Outcomes.OverTenure; o.Found != 2 || o.Rotated != 1 {
		t.Errorf("over tenure %+v, want 1 rotated of 2 found", o)
	}
}

// TestTrainedSidesCountWholeBlocksLive: while answers come in, each side
// counts whole blocks of MinGroup, so that 2 new answers change nothing:
// of ten filled answers, 7 trained and 3 not, the trained side shows 5
// (the ten less those 5 are 5 people's answers); closed, it counts its
// 7, and hides them beside the untrained side's 3.
func TestTrainedSidesCountWholeBlocksLive(t *testing.T) {
	in, _ := survey.Lookup(2)
	var motivation *survey.Item
	for i := range in.Items {
		if in.Items[i].Code == "motivation" {
			motivation = &in.Items[i]
		}
	}
	var replies []*reply
	for i := range 10 {
		replies = append(replies, &reply{trained: i < 7, filled: true, answers: []answer{{motivation, float64(1 + i%5)}}})
	}
	for live, want := range map[bool]ItemStats{true: {N: 5}, false: {N: 7, Suppressed: true}} {
		c := trainedVsOthers(roundView(replies, live).sides)
		for _, it := range c.Trained {
			if it.Code == "motivation" && (it.N != want.N || it.Suppressed != want.Suppressed) {
				t.Errorf("live %v: the trained side counts %d, suppressed %v; want %d, %v", live, it.N, it.Suppressed, want.N, want.Suppressed)
			}
		}
	}
}
