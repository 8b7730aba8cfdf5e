// Package selection decides who moves where in a transfer round: which
// employees are eligible, how well each fits each position, and the plan:
// who stays and who moves where (Reassign), or, for the plain command-line
// mode, the assignment of employees to seats (Assign). It is pure Go: no
// Temporal, no database.
//
// # Eligibility
//
// Every rule reads its figure from models.EligibilityRules (see
// EffectiveRules for the defaults) and every exclusion carries a stable
// rule code and a message with the figures in Bahasa Indonesia and English,
// e.g. "masa jabatan 1 tahun 4 bulan, minimal 2 tahun" / "in post 1 year
// 4 months, minimum 2 years".
//
// Employee-level rules (Eligible), in this order; an employee who fails one
// is excluded from every position and gets one Exclusion, for the first:
//
//   - status: only a PNS may move; CPNS (RuleCPNS), study leave
//     (RuleStudyLeave), retired or unknown status (RuleStatus) may not;
//   - RuleSanction: under a disciplinary sanction or legal process;
//   - RuleTimeInPost: fewer than MinYearsInPost (2) years in the current
//     post, counted in whole months from InPostSince to AsOf;
//   - RuleRetirement: the pension date (the first day of the month after
//     the BUP birthday; BUP 60 for JPT, RetirementAgeFungsional for
//     fungsional, 58 otherwise, by the kind of the current position) falls
//     less than RetirementBufferMonths (12) after AsOf; the birth date is
//     read from the NIP when the candidate has none;
//   - RuleSKP: in each of the PredicateYears (2) calendar years before
//     AsOf's year, the SKP predicate is at least MinPredicate (Baik); a
//     missing year fails.
//
// MaxYearsInPost (5) excludes no one: an incumbent longer in post, counted
// in whole months (PastMaxTimeInPost), must move, and makes the post a need
// in the needs analysis; it also caps the tenure part of the score.
//
// Position-level rules (PairAllowed) remove one pair only: the position the
// employee holds (RuleCurrentPosition), a rank outside the position's
// MinRank..MaxRank (RuleRank), an education below MinEducation
// (RuleEducation), and a relative working in the position's unit
// (RuleConflict, from Candidate.RelativeUnits). An employee whom these rules
// keep out of every position with room gets RuleNoPosition with the count
// per rule; an employee who must move but finds no seat in the plan gets
// RuleNoSeat; an eligible employee whom the plan keeps in place gets
// RuleNotSelected with their best score; an employee with a transfer under
// way in another round gets RuleInFlight.
//
// # The plan
//
// Select builds one Reassign problem of the whole workforce: every
// employee holds their post, which takes at most max(formation seats,
// holders before the round) less the seats promised to transfers in flight
// elsewhere; every eligible employee may move along each allowed pair with
// its score. Reassign's objective (must-move employees moved, then holders
// in needed posts, then fewest moves, then score) gives vacancy chains and
// swaps; each proposal names the post it vacates and the movers whose
// departure frees its seat (Proposal.DependsOn). A re-plan passes the
// round's decided transfers as Input.Fixed.
//
// # Score
//
// The score of employee c for position p is
//
//	score = wSKP·SKP + wTalent·Talent + wCompetence·Competence + wTenure·Tenure + wCareer·Career
//
// with the weights of models.ScoreWeights (EffectiveWeights: the defaults
// 0.3, 0.2, 0.3, 0.1, 0.1 when all are zero) and each part in [0, 1]:
//
//   - SKP = mean over the PredicateYears (2) years before AsOf's year of
//     (predicate - 1) / 4: Sangat Kurang 0, Kurang 0.25, Butuh Perbaikan
//     0.5, Baik 0.75, Sangat Baik 1; a missing year counts 0.
//   - Talent = (performance × potential - 1) / 8 with both axes of the talent
//     grid at 1 (low), 2 (medium) or 3 (high): low/low 0, medium/medium
//     0.375, high/high 1. The product of the axes is used rather than the
//     box number because the numbering of the middle boxes differs between
//     implementations; an unrated axis gives 0.
//   - Competence = 1 - gap / required, where gap = Σ max(0, required - held)
//     over the competencies p requires (a competency not held counts as
//     held at 0) and required = Σ required levels; 1 when p requires none.
//     The gap is Proposal.CompetenceGap, and Training = gap >
//     Input.TrainingGapThreshold.
//   - Tenure = (years in post - MinYearsInPost) / (MaxYearsInPost -
//     MinYearsInPost), clamped to [0, 1]: the longer in post, the more due
//     for a move.
//   - Career = (kind step + class step) / 2. Kind step, with the ladder
//     pelaksana 1, fungsional 2, pengawas 2, administrator 3, JPT 4: the
//     same kind 1; another kind on the same level 0.5; one level up 0.75;
//     two or more up 0.25; down 0; unknown 0.5. Class step, with d the
//     target class minus the current class: d ≤ 2 gives 0.5 + d/4 clamped
//     to [0, 1] (down two or more 0, same class 0.5, up one 0.75, up two
//     1), d > 2 gives max(0.5, 1 - (d-2)/4) (skipping classes is not a
//     career step); unknown class 0.5.
//
// Breakdown keeps each weighted part and their sum, Total = Score.
//
// # Assignment
//
// Assign (used by Select and by the mutasi select command) chooses pairs so
// that an employee takes at most one seat and a position at most its seats,
// with a lexicographic objective: first the most seats filled, then the
// highest total score.
//
// Method. Seats are rows (a position with s seats gives s rows that share
// its candidate list), employees are columns. Each row may also take a
// private "empty" column. Scores become integer costs
// cost = round((maxScore - score) · unit / (maxScore - minScore)) in
// [0, unit], and the empty column costs big = rows · unit + 1. A solution
// with one more empty seat costs at least big more in empty columns and
// saves at most rows · unit < big in filled ones, so the minimum-cost
// assignment where every row takes a column is exactly the lexicographic
// optimum. unit = 2^52 / (rows + 1), or less if needed so that a cost and
// an employee number fit together in one 63-bit sort key (only with
// millions of employees): 1.5·10^12 for 3,000 seats. The solver is exact on
// these integers; rounding moves each score by at most range/(2·unit), so
// the total returned is within rows · range / unit (2·10^-9 of the score
// range for 3,000 seats) of the best total in floating point.
//
// The solver is of the Jonker-Volgenant family on the sparse lists (never a
// positions × employees matrix): first the augmenting row reduction (each
// free row takes its cheapest column and lowers that column's potential to
// its second-cheapest, pushing out the previous holder), then for each row
// still free one Dijkstra search for a shortest augmenting path on reduced
// costs, followed by the potential update and the flip of the path. The
// potentials (v ≤ 0 for employees, 0 for free ones) keep reduced costs
// non-negative and the chosen edges tight, which is the linear programming
// certificate of optimality; the tests check this certificate.
//
// Hard inputs. When a few employees top every list, a search must go
// through their rows. Two exact cuts keep it short: a search stops reading a
// row's list (sorted by cost) at the first edge whose cost already exceeds
// the cheapest path end found so far, since potentials only add to it; and
// a second seat of a position already scanned in the same search is not
// scanned again (its labels would not be lower). The same first cut applies
// to the initial reduction. Because lists are read from the front and
// rarely far, they are sorted lazily, in doubling chunks (lists.go).
//
// Scarce employees. A search from a seat that can no longer be filled
// explores all it can reach before it settles for the empty column, so when
// seats outnumber the employees who could fill them, Assign solves the
// transposed problem instead: employees are the rows and every seat a
// column (orient.go). The objective and the certificate are the same.
//
// Ties. Positions and employees are numbered in the sorted order of their
// IDs; lists are sorted by cost then employee number; rows are processed in
// order; every search breaks ties in distance by the lower node number. So
// the result depends only on the set of pairs and seats, never on their
// order, and equal inputs give equal outputs. Among optimal assignments the
// one returned favours, at each tie, the lower position ID and NIP in this
// procedural sense. (A search also prefers, among nodes at equal distance,
// one that ends a path; this too depends only on the numbering.)
//
// Pruning. AssignOptions.Prune removes candidates by a rule that provably
// keeps an optimum (the proof is in prune.go). It is off by default: with
// the cuts above the solver already ignores the tails of the lists, and on
// the benchmark instances pruning costs more than it saves. The rule does
// not carry over to Reassign, where a seat can open during the round, so
// Select keeps every allowed pair.
package selection
