package models

import "time"

// Unit is an organisational unit (OPD: dinas, badan, kecamatan...).
type Unit struct {
	ID   string `gorm:"primaryKey;size:32" json:"id"`
	Name string `gorm:"not null" json:"name"`
}

// Position is a position (jabatan) in a unit, with its formation: Seats is
// how many people the workload analysis (ABK) says it needs.
type Position struct {
	ID           string       `gorm:"primaryKey;size:32" json:"id"`
	UnitID       string       `gorm:"size:32;not null;index" json:"unit_id"`
	Name         string       `gorm:"not null" json:"name"`
	Kind         PositionKind `gorm:"size:16;not null" json:"kind"`
	Class        int          `gorm:"not null" json:"class"`
	MinRank      Rank         `gorm:"not null" json:"min_rank"`
	MaxRank      Rank         `gorm:"not null" json:"max_rank"`
	MinEducation Education    `gorm:"not null" json:"min_education"`
	Seats        int          `gorm:"not null" json:"seats"`
	ExtraDuty    bool         `gorm:"not null;default:false" json:"extra_duty"` // head of a school or puskesmas
	// FunctionalLevel is the jenjang of a functional position (empty for
	// other kinds, or not recorded); JPTTier the tier of a JPT position.
	FunctionalLevel FunctionalLevel `gorm:"size:16;not null;default:''" json:"functional_level,omitempty"`
	JPTTier         JPTTier         `gorm:"size:8;not null;default:''" json:"jpt_tier,omitempty"`
	// SIASNJabatanID is SIASN's JABATAN ID for this position (empty: not
	// mapped). A functional position's id is shared by every unit that
	// has it, so the pair (unit, SIASNJabatanID) finds the position.
	SIASNJabatanID string               `gorm:"column:siasn_jabatan_id;size:64;not null;default:'';index:idx_position_siasn" json:"siasn_jabatan_id,omitempty"`
	Competencies   []PositionCompetency `gorm:"constraint:OnDelete:CASCADE" json:"competencies"`
}

// UnitSIASNUnor maps one of SIASN's organisational units (UNOR ID, down
// to the deepest sub-unit) to the unit (OPD) it belongs to: every UNOR ID
// belongs to one unit at most.
type UnitSIASNUnor struct {
	UnorID string `gorm:"column:unor_id;primaryKey;size:64" json:"unor_id"`
	UnitID string `gorm:"size:32;not null;index" json:"unit_id"`
}

// PositionCompetency is a competency a position requires, at a level 1-5.
type PositionCompetency struct {
	PositionID string `gorm:"primaryKey;size:32" json:"-"`
	Name       string `gorm:"primaryKey;size:64" json:"name"`
	Level      int    `gorm:"not null" json:"level"`
}

// Employee is a civil servant (ASN) keyed by NIP.
type Employee struct {
	NIP   string `gorm:"column:nip;primaryKey;size:18" json:"nip"`
	Name  string `gorm:"not null" json:"name"`
	Email string `json:"email"`
	// Phone is the employee's mobile number in E.164 form (ParsePhone),
	// for notices through the office's messaging gateway; Notify is how
	// they prefer to be told (ChannelEmail, ChannelWebhook or ChannelBoth;
	// empty: as the office's setting says).
	Phone       string         `gorm:"size:16;not null;default:''" json:"phone,omitempty"`
	Notify      Channel        `gorm:"size:8;not null;default:''" json:"notify,omitempty"`
	Lang        string         `gorm:"size:2;not null;default:id" json:"lang"` // "id" or "en": the language of their notifications
	Status      EmployeeStatus `gorm:"size:16;not null" json:"status"`
	Rank        Rank           `gorm:"not null" json:"rank"`
	PositionID  string         `gorm:"size:32;index" json:"position_id"`
	InPostSince time.Time      `json:"in_post_since"`
	Education   Education      `gorm:"not null" json:"education"`
	Performance Level          `gorm:"not null" json:"performance"`
	Potential   Level          `gorm:"not null" json:"potential"`
	// LegalProcess: the employee is under a legal process (criminal
	// proceedings), which keeps them out of transfers until cleared.
	// The database's old under_sanction flag, which said neither which
	// nor until when, migrated to it (see db.Migrate).
	LegalProcess bool     `gorm:"not null;default:false" json:"legal_process"`
	RelativeNIPs []string `gorm:"column:relative_nips;serializer:json" json:"relative_nips,omitempty"`
	// SKP and Competencies are kept in the employee's row, as JSON lists
	// in year and name order: an import replaces or merges them with the
	// row, and nothing reads them but with the employee. (Tables of them
	// cost an import of 200,000 employees 1.4 million rows, each checked
	// by its foreign key: BENCHMARKS.md.)
	SKP          []EmployeeSKP        `gorm:"column:skp;serializer:json" json:"skp"`
	Competencies []EmployeeCompetency `gorm:"column:competencies;serializer:json" json:"competencies"`
	Sanctions    []Sanction           `gorm:"foreignKey:NIP;constraint:OnDelete:CASCADE" json:"sanctions"`
	// SIASNPNSID is SIASN's PNS ID (a GUID) of the employee, which
	// SIASN's write-back takes instead of the NIP; empty until the
	// SIASN import has loaded it.
	SIASNPNSID string `gorm:"column:siasn_pns_id;size:64;not null;default:''" json:"siasn_pns_id,omitempty"`
}

// Sanction is a disciplinary sanction an employee serves from Start until
// End, the first day free of it; an open sanction has no End (dismissal,
// or an end not known yet).
type Sanction struct {
	NIP   string       `gorm:"column:nip;primaryKey;size:18" json:"-"`
	Type  SanctionType `gorm:"primaryKey;size:8" json:"type"`
	Start time.Time    `gorm:"primaryKey" json:"start"`
	End   *time.Time   `json:"end,omitempty"`
	// Source is SourceSIASN for a sanction loaded from SIASN's history,
	// empty for one the office imported itself.
	Source string `gorm:"size:8;not null;default:''" json:"source,omitempty"`
}

// SourceSIASN marks a record loaded from SIASN: loading SIASN's history
// of an employee again replaces such records, and leaves the others.
const SourceSIASN = "siasn"

// Active reports whether the sanction holds at t: Start <= t < End.
func (s Sanction) Active(t time.Time) bool {
	return !t.Before(s.Start) && (s.End == nil || t.Before(*s.End))
}

// EmployeeSKP is an employee's SKP predicate for one year: an item of
// Employee.SKP. NIP names the employee in a list of several employees'
// SKP (the evaluation's); an employee's own list leaves it empty.
type EmployeeSKP struct {
	NIP       string    `json:"-"`
	Year      int       `json:"year"`
	Predicate Predicate `json:"predicate"`
	// Source is SourceSIASN for a predicate loaded from SIASN's history,
	// empty for one the office imported itself.
	Source string `json:"source,omitempty"`
}

// EmployeeCompetency is a competency an employee holds, at a level 1-5:
// an item of Employee.Competencies.
type EmployeeCompetency struct {
	Name  string `json:"name"`
	Level int    `json:"level"`
}

// PositionHistory is one spell of an employee in a position. The open spell
// has no End.
type PositionHistory struct {
	ID           uint       `gorm:"primaryKey" json:"id"`
	NIP          string     `gorm:"column:nip;size:18;not null;index" json:"nip"`
	PositionID   string     `gorm:"size:32;not null" json:"position_id"`
	UnitID       string     `gorm:"size:32;not null" json:"unit_id"`
	Start        time.Time  `gorm:"not null" json:"start"`
	End          *time.Time `json:"end,omitempty"`
	DecreeNumber string     `json:"decree_number,omitempty"`
	TransferID   string     `gorm:"size:80;uniqueIndex:idx_history_transfer,where:transfer_id <> ''" json:"transfer_id,omitempty"`
}

// SIASNPosition is one record of an employee's position history as SIASN
// holds it (riwayat jabatan), kept beside PositionHistory: a post in
// another agency, or before the office's units were mapped, has no unit
// or position of the office's, so SIASN's ids and names are kept, with
// the office's unit and position where SIASN's ids map to them.
type SIASNPosition struct {
	NIP string `gorm:"column:nip;primaryKey;size:18" json:"nip"`
	// RecordID is SIASN's id of the record.
	RecordID string `gorm:"primaryKey;size:64" json:"record_id"`
	// Type is SIASN's jenis jabatan: 1 structural, 2 functional, 4
	// functional umum (pelaksana).
	Type         string     `gorm:"size:2;not null" json:"type"`
	JabatanID    string     `gorm:"column:jabatan_id;size:64;not null" json:"jabatan_id,omitempty"`
	Name         string     `gorm:"not null" json:"name"`
	UnorID       string     `gorm:"column:unor_id;size:64;not null" json:"unor_id,omitempty"`
	UnorName     string     `gorm:"not null" json:"unor_name,omitempty"`
	AgencyName   string     `gorm:"not null" json:"agency_name,omitempty"`
	UnitID       string     `gorm:"size:32;not null" json:"unit_id,omitempty"`
	PositionID   string     `gorm:"size:32;not null" json:"position_id,omitempty"`
	Start        time.Time  `gorm:"not null" json:"start"`
	DecreeNumber string     `gorm:"not null" json:"decree_number,omitempty"`
	DecreeDate   *time.Time `json:"decree_date,omitempty"`
}

// SIASNRank is one record of an employee's rank history as SIASN holds
// it (riwayat golongan).
type SIASNRank struct {
	NIP string `gorm:"column:nip;primaryKey;size:18" json:"nip"`
	// RecordID is SIASN's id of the record.
	RecordID     string     `gorm:"primaryKey;size:64" json:"record_id"`
	Rank         Rank       `gorm:"not null" json:"rank"`
	Start        time.Time  `gorm:"not null" json:"start"`
	DecreeNumber string     `gorm:"not null" json:"decree_number,omitempty"`
	DecreeDate   *time.Time `json:"decree_date,omitempty"`
	// Promotion is SIASN's kind of promotion (jenis KP), e.g. Reguler.
	Promotion string `gorm:"not null" json:"promotion,omitempty"`
}

// SIASNTraining is one record of an employee's training as SIASN holds
// it: a structural (leadership) training of its rw-diklat, or a course or
// other training of its rw-kursus (Source says which).
type SIASNTraining struct {
	NIP string `gorm:"column:nip;primaryKey;size:18" json:"nip"`
	// RecordID is SIASN's id of the record.
	RecordID string `gorm:"primaryKey;size:64" json:"record_id"`
	// Source is the history the record came from: rw-diklat or rw-kursus.
	Source string `gorm:"size:16;not null" json:"source"`
	// Type is the kind of training, e.g. Diklat Struktural, Bimtek.
	Type        string     `gorm:"not null" json:"type"`
	Name        string     `gorm:"not null" json:"name"`
	Year        int        `gorm:"not null" json:"year,omitempty"`
	Start       *time.Time `json:"start,omitempty"`
	End         *time.Time `json:"end,omitempty"`
	Hours       int        `gorm:"not null" json:"hours,omitempty"`
	Institution string     `gorm:"not null" json:"institution,omitempty"`
	Certificate string     `gorm:"not null" json:"certificate,omitempty"`
}

// Round is a transfer round: one run of needs analysis, selection and the
// transfers that follow.
type Round struct {
	ID          string        `gorm:"primaryKey;size:40" json:"id"`
	Name        string        `gorm:"not null" json:"name"`
	Status      RoundStatus   `gorm:"size:24;not null" json:"status"`
	Settings    RoundSettings `gorm:"serializer:json;not null" json:"settings"`
	WorkflowID  string        `gorm:"size:80;not null;uniqueIndex" json:"workflow_id"`
	CreatedBy   string        `json:"created_by"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	Summary     *RoundSummary `gorm:"serializer:json" json:"summary,omitempty"`
	CompletedAt *time.Time    `json:"completed_at,omitempty"`
}

// RoundSummary is the evaluation written when a round ends.
type RoundSummary struct {
	Proposed        int           `json:"proposed"`
	Confirmed       int           `json:"confirmed"`
	ByStage         map[Stage]int `json:"by_stage"`
	Objections      int           `json:"objections"`
	TrainingDone    int           `json:"training_completed"`
	TrainingMissed  int           `json:"training_missed"`
	SurveysSent     int           `json:"surveys_sent"`
	SurveysAnswered int           `json:"surveys_answered"`
}

// Need is a position that needs someone in a round, with the reason and
// its priority (1 is most urgent).
type Need struct {
	ID           uint       `gorm:"primaryKey" json:"id"`
	RoundID      string     `gorm:"size:40;not null;uniqueIndex:idx_need" json:"round_id"`
	PositionID   string     `gorm:"size:32;not null;uniqueIndex:idx_need" json:"position_id"`
	Reason       NeedReason `gorm:"size:16;not null;uniqueIndex:idx_need" json:"reason"`
	IncumbentNIP string     `gorm:"column:incumbent_nip;size:18;not null;default:'';uniqueIndex:idx_need" json:"incumbent_nip,omitempty"`
	Seats        int        `gorm:"not null" json:"seats"`
	Priority     int        `gorm:"not null" json:"priority"`
}

// ScoreBreakdown is a proposal's score, part by part.
type ScoreBreakdown struct {
	SKP        float64 `json:"skp"`
	Talent     float64 `json:"talent"`
	Competence float64 `json:"competence"`
	Tenure     float64 `json:"tenure"`
	Career     float64 `json:"career"`
	Total      float64 `json:"total"`
}

// Transfer is one employee's move to one position in a round. Its ID is the
// business key: round, NIP and target position.
type Transfer struct {
	ID               string         `gorm:"primaryKey;size:80" json:"id"`
	RoundID          string         `gorm:"size:40;not null;index;uniqueIndex:idx_transfer_employee" json:"round_id"`
	NIP              string         `gorm:"column:nip;size:18;not null;uniqueIndex:idx_transfer_employee" json:"nip"`
	FromPositionID   string         `gorm:"size:32" json:"from_position_id"`
	FromUnitID       string         `gorm:"size:32" json:"from_unit_id"`
	ToPositionID     string         `gorm:"size:32;not null" json:"to_position_id"`
	ToUnitID         string         `gorm:"size:32;not null;index" json:"to_unit_id"`
	Stage            Stage          `gorm:"size:24;not null;index" json:"stage"`
	Score            float64        `gorm:"not null" json:"score"`
	Breakdown        ScoreBreakdown `gorm:"serializer:json" json:"breakdown"`
	CompetenceGap    int            `gorm:"not null" json:"competence_gap"`
	TrainingProposed bool           `gorm:"not null" json:"training_proposed"`
	WorkflowID       string         `gorm:"size:120;not null;uniqueIndex" json:"workflow_id"`
	EffectiveDate    *time.Time     `json:"effective_date,omitempty"`
	DecreeNumber     string         `json:"decree_number,omitempty"`
	// DependsOn lists the transfers whose departure frees the seat this
	// one takes (a vacancy chain); Plan is the round's plan that proposed
	// it: 1 for the first, 2 and on for re-plans.
	DependsOn []string `gorm:"serializer:json" json:"depends_on,omitempty"`
	// MinisterApprovalRef is the minister's written approval for this
	// official (UU 10/2016): it lets the transfer take effect inside an
	// election blackout window.
	MinisterApprovalRef string `gorm:"size:200;not null;default:''" json:"minister_approval_ref,omitempty"`
	Plan                int    `gorm:"not null;default:1" json:"plan"`
	// Live is the transfer workflow's last recorded state
	// (workflows.TransferState as JSON), written by the workflow in the
	// transaction of each change; empty for runs begun before they wrote
	// it, whose state is asked of the workflow.
	Live      string    `gorm:"not null;default:''" json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Exclusion records why an employee was not proposed in a round.
type Exclusion struct {
	RoundID   string `gorm:"primaryKey;size:40" json:"-"`
	NIP       string `gorm:"column:nip;primaryKey;size:18" json:"nip"`
	Rule      string `gorm:"size:40;not null" json:"rule"`
	Message   string `gorm:"not null" json:"message"`
	MessageEN string `gorm:"not null" json:"message_en"`
	// MustMove: past the maximum time in post, but cannot be placed.
	MustMove bool `gorm:"not null;default:false" json:"must_move"`
}

// Decision is a TPK or PPK decision on a transfer.
type Decision struct {
	ID         uint      `gorm:"primaryKey" json:"id"`
	TransferID string    `gorm:"size:80;not null;uniqueIndex:idx_decision" json:"transfer_id"`
	Step       Role      `gorm:"size:16;not null;uniqueIndex:idx_decision" json:"step"` // tpk or ppk
	Approve    bool      `gorm:"not null" json:"approve"`
	Reason     string    `gorm:"not null" json:"reason"`
	ActorID    string    `gorm:"not null" json:"actor_id"`
	DecidedAt  time.Time `gorm:"not null" json:"decided_at"`
}

// Objection is an employee's objection to a transfer and its resolution.
type Objection struct {
	TransferID string            `gorm:"primaryKey;size:80" json:"transfer_id"`
	NIP        string            `gorm:"column:nip;size:18;not null" json:"nip"`
	Category   ObjectionCategory `gorm:"size:24;not null" json:"category"`
	Text       string            `gorm:"not null" json:"text"`
	ObjectedAt time.Time         `gorm:"not null" json:"objected_at"`
	Resolution Resolution        `gorm:"size:16" json:"resolution,omitempty"`
	Note       string            `json:"note,omitempty"`
	ResolvedBy string            `json:"resolved_by,omitempty"`
	ResolvedAt *time.Time        `json:"resolved_at,omitempty"`
}

// TrainingStatus is where a training assignment stands.
type TrainingStatus string

// The training statuses.
const (
	TrainingAssigned  TrainingStatus = "assigned"
	TrainingCompleted TrainingStatus = "completed"
	TrainingMissed    TrainingStatus = "missed"
)

// TrainingAssignment is training assigned to a transferred employee.
type TrainingAssignment struct {
	TransferID  string         `gorm:"primaryKey;size:80" json:"transfer_id"`
	NIP         string         `gorm:"column:nip;size:18;not null" json:"nip"`
	Reason      string         `gorm:"not null" json:"reason"` // "competence_gap" or "objection"
	Status      TrainingStatus `gorm:"size:16;not null" json:"status"`
	AssignedAt  time.Time      `gorm:"not null" json:"assigned_at"`
	Deadline    time.Time      `gorm:"not null" json:"deadline"`
	CompletedAt *time.Time     `json:"completed_at,omitempty"`
	ReportedBy  string         `json:"reported_by,omitempty"`
	Note        string         `json:"note,omitempty"`
}

// Decree is the SK that makes a transfer effective: its line in the
// collective decree of its round's TMT (DecreeDocument, whose number it
// shares with the others moved that day) or, in a round begun before
// rounds took effect together, a decree of its own. Numbers run per year.
type Decree struct {
	TransferID    string    `gorm:"primaryKey;size:80" json:"transfer_id"`
	Number        string    `gorm:"not null;index:idx_decree_number" json:"number"`
	Year          int       `gorm:"not null;index:idx_decree_year_seq" json:"year"`
	Seq           int       `gorm:"not null;index:idx_decree_year_seq" json:"seq"`
	EffectiveDate time.Time `gorm:"not null" json:"effective_date"`
	IssuedAt      time.Time `gorm:"not null" json:"issued_at"`
}

// DecreeDocument is a collective decree as issued: the PDF made once at
// its TMT (its lampiran listing every mover), the hash that proves it,
// and what it says, from which each mover's petikan is made again, the
// same bytes each time. ID is the token of its public verification page.
type DecreeDocument struct {
	ID            string    `gorm:"primaryKey;size:32" json:"id"`
	Number        string    `gorm:"size:100;not null;uniqueIndex" json:"number"`
	RoundID       string    `gorm:"size:40;not null;index" json:"round_id"`
	EffectiveDate time.Time `gorm:"not null" json:"effective_date"`
	IssuedAt      time.Time `gorm:"not null" json:"issued_at"`
	Movers        int       `gorm:"not null" json:"movers"`
	// SHA256 is the hex SHA-256 of PDF.
	SHA256 string `gorm:"size:64;not null" json:"sha256"`
	PDF    []byte `gorm:"not null" json:"-"`
	// Content is the decree as rendered (package decree's Decree, JSON).
	Content []byte `gorm:"not null" json:"-"`
	// RevokedAt, RevokedBy and RevocationReason record its revocation
	// (pembatalan) by the HR office.
	RevokedAt        *time.Time `json:"revoked_at,omitempty"`
	RevokedBy        string     `gorm:"size:64;not null;default:''" json:"revoked_by,omitempty"`
	RevocationReason string     `gorm:"not null;default:''" json:"revocation_reason,omitempty"`
}

// SurveyStatus is where a survey stands.
type SurveyStatus string

// The survey statuses.
const (
	SurveyOpen     SurveyStatus = "open"
	SurveyAnswered SurveyStatus = "answered"
	SurveyClosed   SurveyStatus = "closed"
)

// Survey is the post-transfer survey sent to one employee. It says
// whether the survey was answered (to refuse a second answer), never
// when, nor which answer is the employee's: the answers are kept apart,
// in SurveyAnswer, with no link back.
type Survey struct {
	TransferID string       `gorm:"primaryKey;size:80" json:"transfer_id"`
	RoundID    string       `gorm:"size:40;not null;index" json:"round_id"`
	NIP        string       `gorm:"column:nip;size:18;not null" json:"nip"`
	Status     SurveyStatus `gorm:"size:16;not null" json:"status"`
	// InstrumentVersion is the version of the questions sent; answers are
	// read against it, so new versions never break older answers.
	InstrumentVersion int `gorm:"not null;default:1" json:"instrument_version"`
	// Trained says the employee completed training for the move when the
	// survey was sent: the items only trained movers are asked (survey
	// version 2's training_adequacy) are asked of them alone.
	Trained   bool      `gorm:"not null;default:false" json:"trained"`
	SentAt    time.Time `gorm:"not null" json:"sent_at"`
	ExpiresAt time.Time `gorm:"not null" json:"expires_at"`
}

// SurveyAnswer holds one survey's answers, by item code, with nothing
// that links them to the person who gave them: a random ID, the round,
// and only the attributes the evaluation breaks answers down by (the
// destination unit, its position kind, trained or not), copied when the
// survey was answered. It has no transfer, NIP or time. Block orders the
// answers coarsely for the live report: the round's answers wait with no
// block (nil) until MinBlock of them have come, then those take the next
// block number together, so the order within a block is not kept. When
// the round has ended, every answer of it takes block 0: counted, with no
// order at all.
type SurveyAnswer struct {
	ID           string       `gorm:"primaryKey;size:32" json:"-"`
	RoundID      string       `gorm:"size:40;not null;index" json:"round_id"`
	UnitID       string       `gorm:"size:40;not null;default:''" json:"unit_id"`
	PositionKind PositionKind `gorm:"size:20;not null;default:''" json:"position_kind"`
	Trained      bool         `gorm:"not null;default:false" json:"trained"`
	// InstrumentVersion is the version of the questions answered.
	InstrumentVersion int            `gorm:"not null;default:1" json:"instrument_version"`
	Answers           map[string]any `gorm:"serializer:json;not null" json:"answers"`
	Block             *int           `gorm:"index" json:"block,omitempty"`
}

// MinBlock is how many answers of a round fill one SurveyAnswer block,
// and so the fewest answers any survey figure is computed from
// (evaluation.MinGroup is this number): the live report counts whole
// blocks only.
const MinBlock = 5

// AuditEntry is one line of the append-only audit trail: who did what,
// when, to which transfer. Key makes each write happen once. A line is
// written unsealed; the sealer then gives it its place in the trail's hash
// chain: Seq, PrevHash (the Hash of line Seq-1) and Hash, which covers this
// line's content and PrevHash (see package auditchain), so a line changed,
// removed or slipped in afterwards shows.
type AuditEntry struct {
	ID         uint      `gorm:"primaryKey" json:"id"`
	Key        string    `gorm:"size:200;not null;uniqueIndex" json:"-"`
	RoundID    string    `gorm:"size:40;index" json:"round_id"`
	TransferID string    `gorm:"size:80;index" json:"transfer_id,omitempty"`
	ActorID    string    `gorm:"not null" json:"actor_id"`
	Role       Role      `gorm:"size:16;not null" json:"role"`
	Action     string    `gorm:"size:40;not null" json:"action"`
	Detail     string    `json:"detail,omitempty"`
	At         time.Time `gorm:"not null" json:"at"`
	// RecordedAt is when the line was written (nil for lines written
	// before the sealer existed).
	RecordedAt *time.Time `json:"-"`
	// Seq is the line's place in the chain, from 1; nil until sealed.
	Seq      *int64 `gorm:"uniqueIndex" json:"seq,omitempty"`
	PrevHash string `gorm:"size:64;not null;default:''" json:"prev_hash"`
	Hash     string `gorm:"size:64;not null;default:''" json:"hash"`
}

// OutboxStatus is where an outgoing message stands.
type OutboxStatus string

// The outbox statuses.
const (
	OutboxPending OutboxStatus = "pending" // recorded, to be sent by the relay
	OutboxSent    OutboxStatus = "sent"
	// OutboxFailed: the message cannot be delivered: the mail server
	// refused it for good, or every attempt failed. HR is shown it.
	OutboxFailed OutboxStatus = "failed"
)

// OutboxMessage records every notification, sent or not; the dev stack,
// which has no mail server, reads mail here. Key makes each message
// recorded once; the relay (package outbox) sends pending messages in
// order and retries failed ones with a growing delay.
type OutboxMessage struct {
	ID         uint   `gorm:"primaryKey" json:"id"`
	Key        string `gorm:"size:200;not null;uniqueIndex" json:"key"`
	TransferID string `gorm:"size:80;index" json:"transfer_id,omitempty"`
	To         string `gorm:"not null" json:"to"`
	// Channel is how it goes: ChannelEmail to an address, ChannelWebhook
	// to a phone number through the office's gateway.
	Channel Channel `gorm:"size:8;not null;default:email" json:"channel"`
	Subject string  `gorm:"not null" json:"subject"`
	Body    string  `gorm:"not null" json:"body"`
	// AttachmentName and Attachment are a file sent with an e-mail, such
	// as the period evaluation's workbook; empty for most messages.
	AttachmentName string       `gorm:"size:120;not null;default:''" json:"attachment_name,omitempty"`
	Attachment     []byte       `json:"-"`
	Status         OutboxStatus `gorm:"size:16;not null;index:idx_outbox_due,priority:1" json:"status"`
	CreatedAt      time.Time    `json:"created_at"`
	SentAt         *time.Time   `json:"sent_at,omitempty"`
	// Attempts counts failed sends; NextAttemptAt is when the relay tries
	// again and LastError why the last send failed.
	Attempts      int        `gorm:"not null;default:0" json:"attempts,omitempty"`
	NextAttemptAt *time.Time `gorm:"index:idx_outbox_due,priority:2" json:"next_attempt_at,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
}

// DecreeCounter holds the last decree sequence number issued in a year.
type DecreeCounter struct {
	Year int `gorm:"primaryKey;autoIncrement:false"`
	Last int `gorm:"not null"`
}

// All lists every persisted model, in an order that migrations can create.
func All() []any {
	return []any{
		&Unit{}, &UnitSIASNUnor{}, &Position{}, &PositionCompetency{}, &Employee{}, &Sanction{},
		&PositionHistory{}, &SIASNPosition{}, &SIASNRank{}, &SIASNTraining{}, &Round{}, &Need{}, &Transfer{},
		&Exclusion{}, &Decision{}, &Objection{}, &TrainingAssignment{}, &Decree{}, &DecreeDocument{},
		&Survey{}, &SurveyAnswer{}, &AuditEntry{}, &OutboxMessage{}, &DecreeCounter{}, &APIKey{},
		&Account{}, &Session{}, &Notice{}, &NoticeRead{}, &SSOLogin{}, &AccountLink{},
	}
}
