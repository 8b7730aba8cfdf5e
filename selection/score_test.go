package selection

import (
	"math"
	"testing"

	"github.com/bkpsdm/mutasi/models"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestScoreBreakdown(t *testing.T) {
	c, p := baseCandidate(), basePosition()
	// SKP: 2025 Sangat Baik 1, 2024 Baik 0.75: mean 0.875.
	// Talent: high (3) × medium (2) = 6: (6-1)/8 = 0.625.
	// Competence: A needs 3, holds 2 (gap 1); B needs 2, holds 0 (gap 2):
	// gap 3 of 5: 1 - 3/5 = 0.4.
	// Tenure: 4 years in post: (4-2)/(5-2) = 2/3.
	// Career: pelaksana -> fungsional one level up 0.75; class 7 -> 8
	// up one 0.75: 0.75.
	got := Score(c, p, Input{AsOf: asOf, TrainingGapThreshold: 2})
	want := Breakdown{SKP: 0.3 * 0.875, Talent: 0.2 * 0.625, Competence: 0.3 * 0.4, Tenure: 0.1 * 2 / 3, Career: 0.1 * 0.75}
	want.Total = want.SKP + want.Talent + want.Competence + want.Tenure + want.Career
	b := got.Breakdown
	if !near(b.SKP, want.SKP) || !near(b.Talent, want.Talent) || !near(b.Competence, want.Competence) ||
		!near(b.Tenure, want.Tenure) || !near(b.Career, want.Career) || !near(b.Total, want.Total) {
		t.Fatalf("breakdown %+v, want %+v", b, want)
	}
	if got.Score != b.Total || got.CompetenceGap != 3 || !got.Training || got.NIP != c.NIP || got.PositionID != p.ID {
		t.Fatalf("proposal %+v", got)
	}
	if near(want.Total, 0.649166666666667) == false {
		t.Fatalf("hand total %v", want.Total)
	}

	// Weights per round: only competence counts.
	got = Score(c, p, Input{AsOf: asOf, Weights: models.ScoreWeights{Competence: 1}, TrainingGapThreshold: 3})
	if !near(got.Score, 0.4) || got.Breakdown.SKP != 0 || got.Training {
		t.Fatalf("competence-only proposal %+v", got)
	}
}

func TestScoreParts(t *testing.T) {
	r := models.DefaultSettings().Rules
	c := baseCandidate()
	c.SKP = map[int]models.Predicate{2025: models.Baik} // 2024 missing counts 0
	c.Performance, c.Potential = models.Low, models.Low
	c.InPostSince = date(2016, 1, 1) // over 5 years: tenure capped at 1
	got := candidateParts(c, asOf, r)
	if !near(got.skp, 0.375) || got.talent != 0 || got.tenure != 1 {
		t.Fatalf("parts %+v, want skp 0.375, talent 0, tenure 1", got)
	}
	c.Performance, c.Potential = models.High, models.High
	c.InPostSince = date(2024, 3, 15) // exactly the minimum: tenure 0
	if got := candidateParts(c, asOf, r); got.talent != 1 || got.tenure != 0 {
		t.Fatalf("parts %+v, want talent 1, tenure 0", got)
	}
	c.Performance = 0 // unrated
	if got := candidateParts(c, asOf, r); got.talent != 0 {
		t.Fatalf("unrated talent %v, want 0", got.talent)
	}

	if m, gap := competenceMatch(c, Position{}); m != 1 || gap != 0 {
		t.Fatalf("no requirements: %v %d, want 1 0", m, gap)
	}
	over := Candidate{Competencies: map[string]int{"A": 5, "B": 5}}
	if m, gap := competenceMatch(over, basePosition()); m != 1 || gap != 0 {
		t.Fatalf("over-qualified: %v %d, want 1 0", m, gap)
	}
}

func TestCareerStep(t *testing.T) {
	cases := []struct {
		from      models.PositionKind
		fromClass int
		to        models.PositionKind
		toClass   int
		want      float64
	}{
		{models.KindPelaksana, 7, models.KindPelaksana, 7, (1 + 0.5) / 2},        // lateral
		{models.KindPelaksana, 7, models.KindPelaksana, 9, 1},                    // up two classes
		{models.KindPelaksana, 7, models.KindPelaksana, 12, (1 + 0.5) / 2},       // up five: max(0.5, 1-3/4)
		{models.KindPelaksana, 7, models.KindPelaksana, 10, (1 + 0.75) / 2},      // up three
		{models.KindPelaksana, 7, models.KindPelaksana, 6, (1 + 0.25) / 2},       // down one
		{models.KindPelaksana, 7, models.KindPelaksana, 3, 0.5},                  // down four
		{models.KindFungsional, 8, models.KindPengawas, 8, (0.5 + 0.5) / 2},      // same level, other kind
		{models.KindPengawas, 8, models.KindAdministrator, 9, (0.75 + 0.75) / 2}, // one level up
		{models.KindPelaksana, 7, models.KindAdministrator, 9, (0.25 + 1) / 2},   // two levels up
		{models.KindAdministrator, 9, models.KindPengawas, 9, 0.25},              // down
		{"", 0, models.KindJPT, 14, (0.5 + 0.5) / 2},                             // unknown
	}
	for _, tc := range cases {
		c := Candidate{PositionKind: tc.from, PositionClass: tc.fromClass}
		p := Position{Kind: tc.to, Class: tc.toClass}
		if got := careerStep(c, p); !near(got, tc.want) {
			t.Errorf("%s %d -> %s %d: %v, want %v", tc.from, tc.fromClass, tc.to, tc.toClass, got, tc.want)
		}
	}
}
