package models

import (
	"testing"
	"time"
)

// TestRetirementAgeSettings checks the legal defaults of the retirement
// ages, that each is refused out of range naming itself, and that a round
// recorded without one gets its default.
func TestRetirementAgeSettings(t *testing.T) {
	def := DefaultSettings()
	r := def.Rules
	if r.RetirementAgeJPT != 60 || r.RetirementAgeFungsional != 58 || r.RetirementAgeAhliMadya != 60 ||
		r.RetirementAgeAhliUtama != 65 || r.RetirementAgeOther != 58 {
		t.Errorf("defaults %+v, want PP 11/2017 Pasal 239(2)", r)
	}
	if err := def.Check(); err != nil {
		t.Fatalf("defaults refused: %v", err)
	}
	for _, a := range r.retirementAges() {
		for _, bad := range []int{0, 39, 71} {
			s := DefaultSettings()
			for _, b := range s.Rules.retirementAges() {
				if b.name == a.name {
					*b.age = bad
				}
			}
			if err := s.Check(); err == nil || err.Field != "rules."+a.name {
				t.Errorf("%s = %d: %v, want an error on rules.%s", a.name, bad, err, a.name)
			}
		}
	}
	old := EligibilityRules{MinYearsInPost: 2, RetirementAgeJPT: 61}.WithDefaults()
	if old.RetirementAgeJPT != 61 || old.RetirementAgeAhliMadya != 60 || old.RetirementAgeAhliUtama != 65 ||
		old.MinYearsInPost != 2 {
		t.Errorf("WithDefaults = %+v", old)
	}
}

// TestSKPFinalMonthSetting checks the default (March), the range 1-12
// and the default given to a round recorded without it.
func TestSKPFinalMonthSetting(t *testing.T) {
	if m := DefaultSettings().Rules.SKPFinalMonth; m != 3 {
		t.Errorf("default %d, want 3", m)
	}
	for m, ok := range map[int]bool{0: false, 1: true, 12: true, 13: false, -1: false} {
		s := DefaultSettings()
		s.Rules.SKPFinalMonth = m
		if err := s.Check(); (err == nil) != ok || err != nil && err.Field != "rules.skp_final_month" {
			t.Errorf("skp_final_month %d: %v", m, err)
		}
	}
	if m := (EligibilityRules{PredicateYears: 2}).WithDefaults().SKPFinalMonth; m != 3 {
		t.Errorf("a round without the setting gets %d, want 3", m)
	}
}

// TestContactsMustBeAddresses refuses a round's contact the relay could
// not send to, naming it.
func TestContactsMustBeAddresses(t *testing.T) {
	s := DefaultSettings()
	if err := s.Check(); err != nil {
		t.Fatalf("the defaults: %v", err)
	}
	s.Contacts.TPK = "tpk@banjarbarukota.go.id\r\nBcc: x@y.id"
	if err := s.Check(); err == nil || err.Field != "contacts.tpk" {
		t.Errorf("a contact with a line break: %v, want an error naming contacts.tpk", err)
	}
}

// The wait of each stage comes from its own settings; a stage that awaits
// nobody waits for nothing.
func TestWaitPerStage(t *testing.T) {
	s := DefaultSettings()
	for stage, want := range map[Stage]Wait{
		StageAwaitingTPK:       {s.DecisionReminder.Std(), s.DecisionEscalation.Std()},
		StageAwaitingPPK:       {s.DecisionReminder.Std(), s.DecisionEscalation.Std()},
		StageObjectionReview:   {s.DecisionReminder.Std(), s.DecisionEscalation.Std()},
		StageSocialization:     {s.AcknowledgeReminder.Std(), s.AcknowledgeDeadline.Std()},
		StageTraining:          {Deadline: s.TrainingDeadline.Std()},
		StageSurveyOpen:        {s.SurveyReminder.Std(), s.SurveyWindow.Std()},
		StageAwaitingEffective: {},
		StageCompleted:         {},
	} {
		if got := s.Wait(stage); got != want {
			t.Errorf("Wait(%s) = %+v, want %+v", stage, got, want)
		}
	}
	if w := s.Wait(StageSocialization); w.Reminder <= 0 || w.Deadline <= w.Reminder {
		t.Errorf("the default acknowledgement wait %+v reminds after its deadline", w)
	}
}

func TestLocationLoadedOnce(t *testing.T) {
	s := RoundSettings{TimeZone: "Asia/Makassar"}
	first, err := s.Location()
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Location()
	if err != nil {
		t.Fatal(err)
	}
	if first != again {
		t.Error("the zone was loaded again: Location returned two copies of Asia/Makassar")
	}
	if at := time.Date(2026, 12, 6, 0, 0, 0, 0, first); at.UTC().Hour() != 16 {
		t.Errorf("midnight in Asia/Makassar is %v UTC, want 16:00 the day before", at.UTC())
	}
	if loc, err := (RoundSettings{}).Location(); loc != nil || err != nil {
		t.Errorf("no time zone: got %v, %v; want nil, nil", loc, err)
	}
	if _, err := (RoundSettings{TimeZone: "Asia/Nowhere"}).Location(); err == nil {
		t.Error("an unknown zone was taken")
	}
}

func BenchmarkLocation(b *testing.B) {
	s := RoundSettings{TimeZone: "Asia/Makassar"}
	for b.Loop() {
		if _, err := s.Location(); err != nil {
			b.Fatal(err)
		}
	}
}
