package selection

import (
	"fmt"
	"math"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// EffectiveWeights returns the weights Select applies for w: the defaults
// of models.DefaultSettings when w is the zero value, otherwise w.
func EffectiveWeights(w models.ScoreWeights) models.ScoreWeights {
	if w == (models.ScoreWeights{}) {
		return models.DefaultSettings().Weights
	}
	return w
}

// checkWeights refuses negative or non-finite weights.
func checkWeights(w models.ScoreWeights) error {
	for _, x := range []struct {
		name string
		v    float64
	}{{"skp", w.SKP}, {"talent", w.Talent}, {"competence", w.Competence}, {"tenure", w.Tenure}, {"career", w.Career}} {
		if x.v < 0 || math.IsNaN(x.v) || math.IsInf(x.v, 0) {
			return fmt.Errorf("score weight %s is %v: weights must be finite and not negative", x.name, x.v)
		}
	}
	return nil
}

// Score computes the proposal of c for p (a move from c.PositionID) as of
// in.AsOf: the score, its weighted breakdown (EffectiveWeights(in.Weights)),
// the competence gap and whether training is proposed. It does not check
// eligibility. The formula is in the package documentation.
func Score(c Candidate, p Position, in Input) Proposal {
	r := EffectiveRules(in.Rules)
	comp, gap := competenceMatch(c, p)
	b := weigh(candidateParts(c, in.AsOf, r), comp, careerStep(c, p), EffectiveWeights(in.Weights))
	return Proposal{PositionID: p.ID, NIP: c.NIP, FromPositionID: c.PositionID, Score: b.Total, Breakdown: b,
		CompetenceGap: gap, Training: gap > in.TrainingGapThreshold}
}

// parts are the unweighted parts of a score that depend on the candidate
// only, each in [0, 1].
type parts struct {
	skp, talent, tenure float64
}

// candidateParts computes the SKP, talent and tenure parts of c.
func candidateParts(c Candidate, asOf time.Time, r models.EligibilityRules) parts {
	years := r.PredicateYears
	if years <= 0 {
		years = 2
	}
	skp := 0.0
	for y := asOf.Year() - 1; y >= asOf.Year()-years; y-- {
		if pr, ok := c.SKP[y]; ok && pr >= models.SangatKurang && pr <= models.SangatBaik {
			skp += float64(pr-models.SangatKurang) / 4
		}
	}
	skp /= float64(years)

	talent := 0.0
	if c.Performance >= models.Low && c.Performance <= models.High && c.Potential >= models.Low && c.Potential <= models.High {
		talent = float64(int(c.Performance)*int(c.Potential)-1) / 8
	}

	tenure := 0.0
	if !c.InPostSince.IsZero() {
		y := float64(monthsBetween(c.InPostSince, asOf)) / 12
		switch {
		case r.MaxYearsInPost > r.MinYearsInPost:
			tenure = min(max((y-r.MinYearsInPost)/(r.MaxYearsInPost-r.MinYearsInPost), 0), 1)
		case y >= r.MinYearsInPost:
			tenure = 1
		}
	}
	return parts{skp: skp, talent: talent, tenure: tenure}
}

// competenceMatch returns 1 - gap/required and the gap, where gap is the
// sum over p's competencies of max(0, required - held) and required the
// sum of the required levels; a position that requires nothing matches 1.
func competenceMatch(c Candidate, p Position) (float64, int) {
	gap, req := 0, 0
	for _, k := range p.Competencies {
		if k.Level <= 0 {
			continue
		}
		req += k.Level
		gap += max(0, k.Level-heldLevel(c.Competencies[k.Name]))
	}
	return competenceOf(gap, req), gap
}

// heldLevel reads a held competency level, clamped to 0..255 (levels are
// 1-5; the clamp only keeps Select's compact table exact).
func heldLevel(l int) int { return min(max(l, 0), 255) }

// competenceOf is the competence part for a gap out of the required sum.
func competenceOf(gap, req int) float64 {
	if req == 0 {
		return 1
	}
	return 1 - float64(gap)/float64(req)
}

// weigh applies the weights to the parts.
func weigh(own parts, competence, career float64, w models.ScoreWeights) Breakdown {
	b := Breakdown{
		SKP:        w.SKP * own.skp,
		Talent:     w.Talent * own.talent,
		Competence: w.Competence * competence,
		Tenure:     w.Tenure * own.tenure,
		Career:     w.Career * career,
	}
	b.Total = b.SKP + b.Talent + b.Competence + b.Tenure + b.Career
	return b
}

// kindLevel places the position kinds on the career ladder (0: unknown).
func kindLevel(k models.PositionKind) int {
	switch k {
	case models.KindPelaksana:
		return 1
	case models.KindFungsional, models.KindPengawas:
		return 2
	case models.KindAdministrator:
		return 3
	case models.KindJPT:
		return 4
	}
	return 0
}

// careerStep scores the move from c's position to p, the mean of a kind
// step and a class step (see the package documentation).
func careerStep(c Candidate, p Position) float64 {
	kind := 0.5
	from, to := kindLevel(c.PositionKind), kindLevel(p.Kind)
	if from > 0 && to > 0 {
		switch d := to - from; {
		case d == 0 && c.PositionKind == p.Kind:
			kind = 1
		case d == 0:
			kind = 0.5
		case d == 1:
			kind = 0.75
		case d > 1:
			kind = 0.25
		default:
			kind = 0
		}
	}
	class := 0.5
	if c.PositionClass > 0 && p.Class > 0 {
		switch d := p.Class - c.PositionClass; {
		case d <= 2:
			class = min(max(0.5+float64(d)/4, 0), 1)
		default:
			class = max(0.5, 1-float64(d-2)/4)
		}
	}
	return (kind + class) / 2
}
