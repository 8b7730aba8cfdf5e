package transfers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
)

// TestSurveyUpdateIDIsKeyed: the survey's update ID, which Temporal keeps
// unencrypted, is the same for a repeat but cannot be computed from the
// transfer and a guess of the answers without the secret.
func TestSurveyUpdateIDIsKeyed(t *testing.T) {
	answers := map[string]any{"motivation": 4, "enps": 9}
	a, b := &Service{LinkSecret: []byte("k1")}, &Service{LinkSecret: []byte("k2")}
	id := a.surveyUpdateID("R1-1980-P1", answers)
	if again := a.surveyUpdateID("R1-1980-P1", map[string]any{"enps": 9, "motivation": 4}); again != id {
		t.Errorf("a repeat got %s, then %s", id, again)
	}
	if b.surveyUpdateID("R1-1980-P1", answers) == id {
		t.Error("another secret gives the same ID: it is not keyed")
	}
	if a.surveyUpdateID("R1-1980-P1", map[string]any{"motivation": 5, "enps": 9}) == id {
		t.Error("other answers give the same ID")
	}
	body, _ := json.Marshal(answers)
	plain := sha256.Sum256(append([]byte("R1-1980-P1\x00"), body...))
	if id == "survey-"+hex.EncodeToString(plain[:16]) {
		t.Error("the ID is the plain hash of the transfer and the answers")
	}
}
