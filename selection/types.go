package selection

import (
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// Competency is a named competency at a level (1-5).
type Competency struct {
	Name  string
	Level int
}

// Position is a position in a round: its formation and what the needs
// analysis found.
type Position struct {
	ID           string
	UnitID       string
	Kind         models.PositionKind
	Class        int // kelas jabatan, 1-17
	MinRank      models.Rank
	MaxRank      models.Rank
	MinEducation models.Education
	Competencies []Competency // required, with the required level
	Seats        int          // seats in the formation (formasi)
	// Needed: the needs analysis found the post short of someone (vacant,
	// below its ABK, or held past the maximum time in post).
	Needed bool
	// Promised counts seats promised to transfers in flight in other
	// rounds: they are taken.
	Promised int
}

// Candidate is an employee as selection sees them.
type Candidate struct {
	NIP          string
	UnitID       string
	PositionID   string // current position
	PositionKind models.PositionKind
	// PositionLevel is the current post's functional level (jenjang),
	// which sets the retirement age of a functional official.
	PositionLevel models.FunctionalLevel
	PositionClass int
	Rank          models.Rank
	Status        models.EmployeeStatus
	BirthDate     time.Time
	InPostSince   time.Time
	Education     models.Education
	SKP           map[int]models.Predicate // predicate by year
	Performance   models.Level
	Potential     models.Level
	Competencies  map[string]int // held level by competency name
	// Sanctions are the employee's disciplinary sanctions, past ones
	// included: a rule checked at a later date (Recheck at the TMT) sees
	// those in force then. LegalProcess: under a legal process.
	Sanctions     []models.Sanction
	LegalProcess  bool
	RelativeUnits []string // units where a declared relative works
	// InFlight: a transfer of another round is under way for the
	// employee, who is therefore not proposed again.
	InFlight bool
	// Settled: the round has already decided about the employee (a
	// re-plan does not propose them again).
	Settled bool
}

// FixedMove is a move a re-plan keeps: a decided transfer of the round, to
// PositionID, depending on the departures of the NIPs in DependsOn (each a
// fixed mover out of PositionID).
type FixedMove struct {
	NIP        string
	PositionID string
	DependsOn  []string
	// Rewire: the departures the move was to follow fell through (it is
	// blocked); the plan finds it a seat again and reports its new
	// dependencies in Result.Rewired. DependsOn must then be empty.
	Rewire bool
}

// Input is everything one selection run needs.
type Input struct {
	AsOf       time.Time // the reference date for tenure, age and SKP years
	Positions  []Position
	Candidates []Candidate
	Rules      models.EligibilityRules
	Weights    models.ScoreWeights
	// TrainingGapThreshold: a total competence gap above it proposes training.
	TrainingGapThreshold int
	// Fixed are the moves a re-plan keeps; their movers are not proposed
	// again.
	Fixed []FixedMove
}

// Breakdown is a proposal's score, part by part, each part already
// weighted; it is stored with the transfer as it is.
type Breakdown = models.ScoreBreakdown

// Proposal is one employee proposed for one position: a move from
// FromPositionID (the post it vacates). DependsOn lists the NIPs of the
// movers whose departure frees the seat it takes; MustMove says the
// employee is past the maximum time in post.
type Proposal struct {
	PositionID     string
	NIP            string
	FromPositionID string
	DependsOn      []string
	MustMove       bool
	Score          float64
	Breakdown      Breakdown
	CompetenceGap  int  // sum over required competencies of max(0, required-held)
	Training       bool // CompetenceGap is above the round's threshold
}

// Exclusion says why an employee was not proposed: the rule and its figures,
// in Bahasa Indonesia and in English.
type Exclusion struct {
	NIP       string
	Rule      string // a stable rule code such as "time_in_post"
	Message   string // Bahasa Indonesia, e.g. "masa jabatan 1 tahun 4 bulan, minimal 2 tahun"
	MessageEN string // English, e.g. "in post 1 year 4 months, minimum 2 years"
	// MustMove: the employee is past the maximum time in post but cannot
	// be placed; Rule and the messages say why.
	MustMove bool
}

// Result is the outcome of a selection run: proposals sorted by position
// then NIP, exclusions sorted by NIP, and the plan's figures.
type Result struct {
	Proposals  []Proposal
	Exclusions []Exclusion
	// MustMove counts the employees past the maximum time in post (fixed
	// movers excluded), MustMoved those of them proposed; Filled is the
	// sum, over needed posts, of their holders after the round.
	MustMove, MustMoved, Filled int
	// Rewired gives the new dependencies (NIPs) of the fixed moves marked
	// Rewire, by NIP; an empty list takes a free seat.
	Rewired map[string][]string
}
