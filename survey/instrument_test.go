package survey

import (
	"encoding/json"
	"testing"
)

// complete answers every required item with a valid value.
func complete() map[string]any {
	a := map[string]any{}
	for _, it := range Items {
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
	if p := Check(complete()); len(p) != 0 {
		t.Fatalf("complete answers refused: %+v", p)
	}
	// Answers arrive from JSON as float64.
	var fromJSON map[string]any
	b, _ := json.Marshal(complete())
	json.Unmarshal(b, &fromJSON)
	fromJSON["comments"] = "lebih banyak pelatihan"
	if p := Check(fromJSON); len(p) != 0 {
		t.Fatalf("answers from JSON refused: %+v", p)
	}
	bad := complete()
	delete(bad, "fairness")
	bad["enps"] = 11
	bad["motivation"] = 2.5
	bad["mood"] = 3
	bad["comments"] = 7
	p := Check(bad)
	want := []string{"comments", "enps", "fairness", "mood", "motivation"}
	if len(p) != len(want) {
		t.Fatalf("problems %+v, want fields %v", p, want)
	}
	for i, f := range want {
		if p[i].Field != f || p[i].Message == "" || p[i].MessageEN == "" {
			t.Errorf("problem %d = %+v, want field %s with messages", i, p[i], f)
		}
	}
}
