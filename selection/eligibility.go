package selection

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// The stable codes of the rules that exclude an employee (Exclusion.Rule).
// Employee-level rules exclude from every position; position-level rules
// only remove one (employee, position) pair.
const (
	// Employee-level, checked in this order by Eligible.
	RuleStatus     = "status"       // not a PNS: retired, or status unknown
	RuleCPNS       = "cpns"         // CPNS, not yet PNS
	RuleStudyLeave = "study_leave"  // on study leave
	RuleSanction   = "sanction"     // serving a disciplinary sanction, or under a legal process
	RuleTimeInPost = "time_in_post" // fewer than MinYearsInPost in the current post
	RuleRetirement = "retirement"   // within RetirementBufferMonths of the retirement age (BUP)
	RuleSKP        = "skp"          // an SKP predicate below MinPredicate in the last PredicateYears years

	// Position-level, checked in this order by PairAllowed.
	RuleCurrentPosition = "current_position"     // the position the employee holds
	RuleRank            = "rank"                 // rank outside the position's range
	RuleEducation       = "education"            // education below the position's minimum
	RuleConflict        = "conflict_of_interest" // a relative works in the position's unit

	// Outcomes of Select for employees who pass every employee-level rule.
	RuleNoPosition  = "no_eligible_position" // every open position is ruled out by a position-level rule
	RuleNotSelected = "not_selected"         // eligible, but the optimal plan keeps them in place
	RuleNoSeat      = "no_seat"              // must move, but every position that fits stays full
	RuleInFlight    = "in_flight"            // a transfer of another round is under way
	RuleSettled     = "settled"              // a re-plan: the round has already decided about them
)

// EffectiveRules returns the rules Select applies for r: the domain
// defaults (models.DefaultSettings) when r is the zero value, otherwise
// r.WithDefaults(), which fills in the settings a round may lack. A zero
// MinYearsInPost, MinPredicate or PredicateYears switches that rule off; a
// zero RetirementBufferMonths excludes only those already at the BUP.
func EffectiveRules(r models.EligibilityRules) models.EligibilityRules {
	if r == (models.EligibilityRules{}) {
		return models.DefaultSettings().Rules
	}
	return r.WithDefaults()
}

// Eligible applies the employee-level rules to c as of in.AsOf, with
// EffectiveRules(in.Rules), and returns the first rule c fails, or nil if
// c may be moved at all. The order is: status (retired, CPNS, study leave),
// sanction, time in post, nearness to retirement, SKP predicates.
func Eligible(c Candidate, in Input) *Exclusion {
	r := EffectiveRules(in.Rules)
	return firstFailed(c, in.AsOf, r, statusRule, sanctionRule, timeInPostRule, retirement, skpRule)
}

// Recheck applies again, at the effective date (TMT) asOf, the rules that
// can change after selection: status, sanction and nearness to
// retirement. It returns the first rule c fails, or nil.
func Recheck(c Candidate, asOf time.Time, rules models.EligibilityRules) *Exclusion {
	return firstFailed(c, asOf, EffectiveRules(rules), statusRule, sanctionRule, retirement)
}

// rule is one employee-level rule: the exclusion c gets as of asOf, or nil.
type rule func(c Candidate, asOf time.Time, r models.EligibilityRules) *Exclusion

// firstFailed returns the exclusion of the first rule c fails, or nil.
func firstFailed(c Candidate, asOf time.Time, r models.EligibilityRules, rules ...rule) *Exclusion {
	for _, f := range rules {
		if x := f(c, asOf, r); x != nil {
			x.NIP = c.NIP
			return x
		}
	}
	return nil
}

// exclude builds an exclusion under rule with its two messages.
func exclude(rule, msg, msgEN string) *Exclusion {
	return &Exclusion{Rule: rule, Message: msg, MessageEN: msgEN}
}

// statusRule lets only a PNS move.
func statusRule(c Candidate, _ time.Time, _ models.EligibilityRules) *Exclusion {
	switch c.Status {
	case models.StatusPNS:
		return nil
	case models.StatusCPNS:
		return exclude(RuleCPNS, "berstatus CPNS, belum PNS", "a CPNS (candidate civil servant), not yet PNS")
	case models.StatusStudyLeave:
		return exclude(RuleStudyLeave, "sedang tugas belajar", "on study leave")
	case models.StatusRetired:
		return exclude(RuleStatus, "sudah pensiun", "already retired")
	case "":
		return exclude(RuleStatus, "status kepegawaian tidak tercatat", "employment status not recorded")
	}
	return exclude(RuleStatus, fmt.Sprintf("status kepegawaian %q bukan PNS", c.Status),
		fmt.Sprintf("employment status %q is not PNS", c.Status))
}

// sanctionRule keeps out an employee under a legal process or serving a
// disciplinary sanction at asOf; of several, it names the one that ends
// last.
func sanctionRule(c Candidate, asOf time.Time, _ models.EligibilityRules) *Exclusion {
	if c.LegalProcess {
		return exclude(RuleSanction, "sedang menjalani proses hukum", "under a legal process")
	}
	var last *models.Sanction
	for i, s := range c.Sanctions {
		if s.Active(asOf) && (last == nil || last.End != nil && (s.End == nil || s.End.After(*last.End))) {
			last = &c.Sanctions[i]
		}
	}
	switch {
	case last == nil:
		return nil
	case last.End == nil:
		return exclude(RuleSanction, fmt.Sprintf("sedang menjalani hukuman disiplin tingkat %s tanpa tanggal berakhir", last.Type),
			fmt.Sprintf("serving a %s disciplinary sanction with no end date", last.Type.English()))
	}
	return exclude(RuleSanction, fmt.Sprintf("sedang menjalani hukuman disiplin tingkat %s, berakhir %s", last.Type, dateID(*last.End)),
		fmt.Sprintf("serving a %s disciplinary sanction, ending %s", last.Type.English(), last.End.Format("2 January 2006")))
}

// timeInPostRule keeps out an employee fewer than MinYearsInPost in post.
func timeInPostRule(c Candidate, asOf time.Time, r models.EligibilityRules) *Exclusion {
	need := int(math.Round(r.MinYearsInPost * 12))
	if need <= 0 {
		return nil
	}
	if c.InPostSince.IsZero() {
		return exclude(RuleTimeInPost, "tanggal mulai menduduki jabatan tidak tercatat",
			"the date the current post began is not recorded")
	}
	if c.InPostSince.AddDate(0, need, 0).After(asOf) {
		held := monthsBetween(c.InPostSince, asOf)
		return exclude(RuleTimeInPost,
			fmt.Sprintf("masa jabatan %s, minimal %s", span(held, langID), span(need, langID)),
			fmt.Sprintf("in post %s, minimum %s", span(held, langEN), span(need, langEN)))
	}
	return nil
}

// SKPYears returns the years whose SKP predicates count as of asOf under
// r, newest first: the PredicateYears most recent final years, last year
// being final from the month SKPFinalMonth on.
func SKPYears(asOf time.Time, r models.EligibilityRules) []int {
	last := asOf.Year() - 1
	if int(asOf.Month()) < r.SKPFinalMonth {
		last--
	}
	years := make([]int, max(r.PredicateYears, 0))
	for i := range years {
		years[i] = last - i
	}
	return years
}

// skpRule asks for at least MinPredicate in each of the SKPYears.
func skpRule(c Candidate, asOf time.Time, r models.EligibilityRules) *Exclusion {
	if r.MinPredicate <= 0 || r.PredicateYears <= 0 {
		return nil
	}
	var bad, badEN []string
	for _, y := range SKPYears(asOf, r) {
		p, ok := c.SKP[y]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("%d tidak tercatat", y))
			badEN = append(badEN, fmt.Sprintf("%d not recorded", y))
		case p < r.MinPredicate:
			bad = append(bad, fmt.Sprintf("%d %s", y, p))
			badEN = append(badEN, fmt.Sprintf("%d %s", y, p))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return exclude(RuleSKP,
		fmt.Sprintf("SKP %s, minimal %s pada %d tahun terakhir", strings.Join(bad, ", "), r.MinPredicate, r.PredicateYears),
		fmt.Sprintf("SKP %s, minimum %s in each of the last %s", strings.Join(badEN, ", "), r.MinPredicate, plural(r.PredicateYears, "year")))
}

// RetirementAge returns the BUP (PP 11/2017 Pasal 239(2)) of an employee
// holding a position of kind k and, for a functional one, level l, under
// rules r (after EffectiveRules).
func RetirementAge(k models.PositionKind, l models.FunctionalLevel, r models.EligibilityRules) int {
	switch {
	case k == models.KindJPT:
		return r.RetirementAgeJPT
	case k != models.KindFungsional:
		return r.RetirementAgeOther
	case l == models.LevelAhliMadya:
		return r.RetirementAgeAhliMadya
	case l == models.LevelAhliUtama:
		return r.RetirementAgeAhliUtama
	}
	return r.RetirementAgeFungsional
}

// RetirementDate is the first day of the month after the one in which an
// employee born on birth reaches age bup: the usual TMT of a BUP pension.
func RetirementDate(birth time.Time, bup int) time.Time {
	return time.Date(birth.Year()+bup, birth.Month()+1, 1, 0, 0, 0, 0, birth.Location())
}

// retirement applies the nearness-to-retirement rule. The birth date comes
// from the candidate or, when it is missing, from the NIP.
func retirement(c Candidate, asOf time.Time, r models.EligibilityRules) *Exclusion {
	birth := c.BirthDate
	if birth.IsZero() {
		if n, err := models.ParseNIP(c.NIP); err == nil {
			birth = n.BirthDate
		}
	}
	x := func(msg, msgEN string) *Exclusion { return exclude(RuleRetirement, msg, msgEN) }
	if birth.IsZero() {
		return x("tanggal lahir tidak tercatat dan tidak terbaca dari NIP",
			"birth date not recorded and not readable from the NIP")
	}
	bup := RetirementAge(c.PositionKind, c.PositionLevel, r)
	at := RetirementDate(birth, bup)
	if !at.After(asOf) {
		return x(fmt.Sprintf("sudah mencapai batas usia pensiun (BUP %d tahun)", bup),
			fmt.Sprintf("has reached the retirement age (BUP %d)", bup))
	}
	if at.Before(asOf.AddDate(0, r.RetirementBufferMonths, 0)) {
		left := monthsBetween(asOf, at)
		return x(
			fmt.Sprintf("pensiun (BUP %d tahun) pada %s, %s lagi; minimal %s sebelum pensiun",
				bup, dateID(at), span(left, langID), fmt.Sprintf("%d bulan", r.RetirementBufferMonths)),
			fmt.Sprintf("retires (BUP %d) on %s, in %s; minimum %s before retirement",
				bup, at.Format("2 January 2006"), span(left, langEN), plural(r.RetirementBufferMonths, "month")))
	}
	return nil
}

// PairAllowed applies the position-level rules to the pair (c, p) and
// returns the first one it fails, or nil. It does not repeat the
// employee-level rules of Eligible; a pair is eligible when both return
// nil. The order is: current position, rank range, education, conflict of
// interest.
func PairAllowed(c Candidate, p Position, in Input) *Exclusion {
	x := &Exclusion{NIP: c.NIP}
	r := pairRule(&c, &p)
	switch r {
	case -1:
		return nil
	case 0:
		x.Message = fmt.Sprintf("sudah menduduki jabatan %s", p.ID)
		x.MessageEN = fmt.Sprintf("already holds position %s", p.ID)
	case 1:
		if !c.Rank.Valid() {
			x.Message = "pangkat tidak tercatat, " + rankRange(p, langID)
			x.MessageEN = "rank not recorded, " + rankRange(p, langEN)
		} else {
			x.Message = fmt.Sprintf("pangkat %s, %s", c.Rank, rankRange(p, langID))
			x.MessageEN = fmt.Sprintf("rank %s, %s", c.Rank, rankRange(p, langEN))
		}
	case 2:
		if c.Education <= 0 {
			x.Message = fmt.Sprintf("pendidikan tidak tercatat, minimal %s", p.MinEducation)
			x.MessageEN = fmt.Sprintf("education not recorded, minimum %s", p.MinEducation)
		} else {
			x.Message = fmt.Sprintf("pendidikan %s, minimal %s", c.Education, p.MinEducation)
			x.MessageEN = fmt.Sprintf("education %s, minimum %s", c.Education, p.MinEducation)
		}
	case 3:
		x.Message = fmt.Sprintf("konflik kepentingan: kerabat bekerja di unit %s", p.UnitID)
		x.MessageEN = fmt.Sprintf("conflict of interest: a relative works in unit %s", p.UnitID)
	}
	x.Rule = pairRules[r].code
	return x
}

// pairRules lists the position-level rules in PairAllowed's order, with
// their names for the summary of RuleNoPosition.
var pairRules = [nPairRules]struct{ code, id, en string }{
	{RuleCurrentPosition, "jabatan saat ini", "current position"},
	{RuleRank, "pangkat", "rank"},
	{RuleEducation, "pendidikan", "education"},
	{RuleConflict, "konflik kepentingan", "conflict of interest"},
}

const nPairRules = 4

// rankRange describes a position's rank range.
func rankRange(p Position, l lang) string {
	switch {
	case p.MinRank > 0 && p.MaxRank > 0:
		return l.pick(fmt.Sprintf("jabatan memerlukan %s sampai %s", p.MinRank, p.MaxRank),
			fmt.Sprintf("the position requires %s to %s", p.MinRank, p.MaxRank))
	case p.MinRank > 0:
		return l.pick(fmt.Sprintf("jabatan memerlukan minimal %s", p.MinRank),
			fmt.Sprintf("the position requires at least %s", p.MinRank))
	}
	return l.pick(fmt.Sprintf("jabatan memerlukan maksimal %s", p.MaxRank),
		fmt.Sprintf("the position requires at most %s", p.MaxRank))
}

// lang selects the language of a message.
type lang bool

const (
	langID lang = false // Bahasa Indonesia
	langEN lang = true  // English
)

func (l lang) pick(indonesian, english string) string {
	if l == langEN {
		return english
	}
	return indonesian
}

// monthsBetween counts the whole months from a to b (0 if b is before a).
func monthsBetween(a, b time.Time) int {
	m := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		m--
	}
	return max(m, 0)
}

// span writes a number of months as years and months, e.g.
// "1 tahun 4 bulan" or "1 year 4 months".
func span(months int, l lang) string {
	y, m := months/12, months%12
	if l == langEN {
		switch {
		case y == 0:
			return plural(m, "month")
		case m == 0:
			return plural(y, "year")
		}
		return plural(y, "year") + " " + plural(m, "month")
	}
	switch {
	case y == 0:
		return fmt.Sprintf("%d bulan", m)
	case m == 0:
		return fmt.Sprintf("%d tahun", y)
	}
	return fmt.Sprintf("%d tahun %d bulan", y, m)
}

// plural writes "1 year", "2 years".
func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

var bulan = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
	"Agustus", "September", "Oktober", "November", "Desember"}

// dateID writes a date the Indonesian way, e.g. "1 Maret 2026".
func dateID(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), bulan[t.Month()-1], t.Year())
}
