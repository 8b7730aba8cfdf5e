package models

import "testing"

// A transfer counts as confirmed from the TPK's review on, whatever
// became of it; a proposal or a removed one does not.
func TestConfirmedStages(t *testing.T) {
	for _, s := range Stages {
		want := s != StageProposed && s != StageRemoved
		if s.Confirmed() != want {
			t.Errorf("%s.Confirmed() = %v", s, s.Confirmed())
		}
	}
	if !StageAwaitingTPK.Confirmed() || StageRemoved.Confirmed() {
		t.Error("the TPK's review is confirmed, a removed proposal is not")
	}
	for _, c := range ObjectionCategories {
		if !c.Valid() {
			t.Errorf("category %s is listed but not valid", c)
		}
	}
	if ObjectionCategory("comfort").Valid() {
		t.Error("an unknown category is valid")
	}
}
