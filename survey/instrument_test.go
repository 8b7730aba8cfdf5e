package survey

import (
	"encoding/json"
	"testing"
)

// complete answers every required item a respondent is asked with a
// valid value.
func complete(trained bool) map[string]any {
	a := map[string]any{}
	in, _ := Lookup(CurrentVersion)
	for _, it := range in.For(trained) {
		switch it.Scale {
		case NPS:
			a[it.Code] = 9
		case Text:
		default:
			a[it.Code] = 4
		}
	}
	return a
}

func TestCheck(t *testing.T) {
	if p := Check(complete(true), true); len(p) != 0 {
		t.Fatalf("complete answers refused: %+v", p)
	}
	// Answers arrive from JSON as float64.
	var fromJSON map[string]any
	b, _ := json.Marshal(complete(true))
	json.Unmarshal(b, &fromJSON)
	fromJSON["comments"] = "lebih banyak pelatihan"
	if p := Check(fromJSON, true); len(p) != 0 {
		t.Fatalf("answers from JSON refused: %+v", p)
	}
	bad := complete(true)
	delete(bad, "process_fairness")
	bad["enps"] = 11
	bad["motivation"] = 2.5
	bad["mood"] = 3
	bad["comments"] = 7
	p := Check(bad, true)
	want := []string{"comments", "enps", "mood", "motivation", "process_fairness"}
	if len(p) != len(want) {
		t.Fatalf("problems %+v, want fields %v", p, want)
	}
	for i, f := range want {
		if p[i].Field != f || p[i].Message == "" || p[i].MessageEN == "" {
			t.Errorf("problem %d = %+v, want field %s with messages", i, p[i], f)
		}
	}
}

// TestVersion2 checks the second version: fairness and transparency are
// two items, training_adequacy is asked of trained movers only, and the
// first version still checks as it did.
func TestVersion2(t *testing.T) {
	v2, ok := Lookup(2)
	if !ok || CurrentVersion != 2 {
		t.Fatalf("version 2 missing or not current (%d)", CurrentVersion)
	}
	for _, code := range []string{"process_fairness", "process_transparency", "heard_before_move"} {
		if it, ok := v2.Item(code); !ok || !it.Required {
			t.Errorf("v2 lacks the required item %s", code)
		}
	}
	if _, ok := v2.Item("fairness"); ok {
		t.Error("v2 still asks fair and transparent in one item")
	}
	untrained := complete(false)
	if _, asked := untrained["training_adequacy"]; asked {
		t.Fatal("an untrained mover is asked training_adequacy")
	}
	if p := Check(untrained, false); len(p) != 0 {
		t.Errorf("an untrained mover's answers without training_adequacy refused: %+v", p)
	}
	if p := Check(untrained, true); len(p) != 1 || p[0].Field != "training_adequacy" {
		t.Errorf("a trained mover without training_adequacy: %+v, want it required", p)
	}
	untrained["training_adequacy"] = 2
	if p := Check(untrained, false); len(p) != 1 || p[0].Field != "training_adequacy" || p[0].MessageEN != "is only for those who were trained" {
		t.Errorf("an untrained mover answering training_adequacy: %+v", p)
	}
	v1, _ := Lookup(1)
	old := map[string]any{}
	for _, it := range v1.Items {
		if it.Scale != Text {
			old[it.Code] = 3
		}
	}
	// Version 1 asked everyone everything, as before.
	if p := v1.Check(old, false); len(p) != 0 {
		t.Errorf("a complete v1 answer refused: %+v", p)
	}
	if _, ok := old["fairness"]; !ok {
		t.Error("v1 lost its fairness item")
	}
}
