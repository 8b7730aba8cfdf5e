package contract

import (
	"encoding/json"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

// RoundStart is the input of StartRound.
type RoundStart struct {
	RoundID    string
	Name       string
	Settings   models.RoundSettings
	WorkflowID string
	By         ActorRef
	At         time.Time
}

// RoundAsOf names a round and the date its analysis and selection count
// from.
type RoundAsOf struct {
	RoundID string
	AsOf    time.Time
}

// NeedsResult counts the needs a round found.
type NeedsResult struct {
	Needs int `json:"needs"`
	Seats int `json:"seats"`
}

// Proposal is what a round workflow needs to know of one proposed transfer.
type Proposal struct {
	TransferID   string
	NIP          string
	ToPositionID string
	ToUnitID     string
	// Training: the competence gap calls for training.
	Training bool
	// Covered: the post left or the post taken falls under the election
	// blackout (managerial, or functional with extra duties): moving an
	// official out of a covered post replaces them as much as moving one in.
	Covered bool
	// DependsOn lists the transfers whose departure frees the seat this
	// one takes; it never takes effect before them.
	DependsOn []string `json:",omitempty"`
}

// Replan is a re-plan's outcome: its number, its proposals (stage
// proposed), and the new dependencies of the round's blocked transfers it
// seated again, by transfer ID.
type Replan struct {
	Plan      int                 `json:"plan"`
	Proposals []Proposal          `json:"proposals"`
	Rewired   map[string][]string `json:"rewired,omitempty"`
}

// Confirmation is the HR officer's confirmation of a round's proposals.
type Confirmation struct {
	RoundID string
	Plan    int      // the plan confirmed: 0 or 1 for the first, 2 and on for re-plans
	Remove  []string // transfer IDs the officer removed
	Note    string
	By      ActorRef
	At      time.Time
}

// NotifyInput asks for one notification about a transfer.
type NotifyInput struct {
	// Key makes the message recorded and sent once: the workflow ID and
	// the step, e.g. "transfer-X:tpk:reminder".
	Key        string
	Kind       NoticeKind
	TransferID string
	// To is who receives it: the employee, the TPK, the PPK or the HR
	// office (hr_officer), at the addresses of the round's settings.
	To       models.Role
	Step     string // "TPK", "PPK" or "HR" in decision notices
	Reason   string // a decision's reason or an objection's text; the need when empty
	Deadline time.Time
	Link     string
}

// Delivery is where a notification stands: sent (at At; zero when it was
// delivered as it was recorded), failed, or still pending.
type Delivery struct {
	Status models.OutboxStatus
	At     time.Time
}

// Step is one of a transfer's write-only steps: Apply records several in
// one transaction, in order. Exactly one field is set.
type Step struct {
	Decision *DecisionInput `json:",omitempty"` // as RecordDecision
	Stage    *StageChange   `json:",omitempty"` // as SetStage
	Notice   *NotifyInput   `json:",omitempty"` // as Notify
	Live     *LiveState     `json:",omitempty"` // the workflow's state, for reads
}

// LiveState is a transfer workflow's state (workflows.TransferState, as
// JSON) at a moment, kept in Mutasi's database so that reads of the
// transfer need not ask the workflow, whose answer waits for a worker.
type LiveState struct {
	TransferID string
	State      json.RawMessage
}

// StageChange is the stage a transfer has reached.
type StageChange struct {
	TransferID string
	Stage      models.Stage
}

// DecisionInput is a TPK or PPK decision on a transfer of the round
// RoundID (empty when sent by a worker from before it was sent).
type DecisionInput struct {
	TransferID string
	RoundID    string
	Step       models.Role // tpk or ppk
	Approve    bool
	Reason     string
	By         ActorRef
	At         time.Time
}

// Acknowledgement is an employee's acknowledgement of a transfer; Deemed
// when the socialization deadline passed in silence.
type Acknowledgement struct {
	TransferID string
	Deemed     bool
	By         ActorRef
	At         time.Time
}

// ObjectionInput is an employee's objection.
type ObjectionInput struct {
	TransferID string
	NIP        string
	Category   models.ObjectionCategory
	Text       string
	By         ActorRef
	At         time.Time
}

// ResolutionInput is the HR officer's resolution of an objection.
type ResolutionInput struct {
	TransferID string
	Resolution models.Resolution
	Note       string
	By         ActorRef
	At         time.Time
}

// TrainingInput assigns training for a transfer.
type TrainingInput struct {
	TransferID string
	Reason     string // "competence_gap" or "objection"
	At         time.Time
	Deadline   time.Time
}

// TrainingResult is how a training assignment ended.
type TrainingResult struct {
	TransferID string
	Completed  bool // false: the deadline passed
	Note       string
	By         ActorRef
	At         time.Time
}

// EffectiveInput makes a transfer effective on a date.
type EffectiveInput struct {
	TransferID    string
	EffectiveDate time.Time
	At            time.Time
}

// CollectiveEffect makes several transfers of a round effective together,
// on one date, as one collective decree would.
type CollectiveEffect struct {
	RoundID       string
	TransferIDs   []string
	EffectiveDate time.Time
	At            time.Time
}

// RecheckInput asks whether a round's transfers may still take effect on
// their effective date.
type RecheckInput struct {
	TransferIDs   []string
	EffectiveDate time.Time
}

// RecheckFailure is a transfer whose employee no longer meets a rule on
// the effective date, with the rule and the reason in both languages.
type RecheckFailure struct {
	TransferID string
	Rule       string
	Message    string
	MessageEN  string
}

// Withdrawal is the HR officer's withdrawal of a transfer, with a reason.
type Withdrawal struct {
	TransferID string
	Reason     string
	By         ActorRef
	At         time.Time
}

// MinisterApprovalInput is the minister's written approval for one
// official's transfer.
type MinisterApprovalInput struct {
	TransferID string
	Reference  string
	By         ActorRef
	At         time.Time
}

// StageNote records a stage the workflow reached for a reason (blocked,
// or failed the TMT re-check), with the reason in the audit trail.
type StageNote struct {
	TransferID string
	Stage      models.Stage
	Reason     string
	At         time.Time
}

// SurveyInput opens a transfer's survey.
type SurveyInput struct {
	TransferID string
	At         time.Time
	Expires    time.Time
}

// SurveyAnswer is an employee's answers to their survey. The activity
// stores the answers with no link to the transfer and keeps neither At
// nor the transfer with them (see models.SurveyAnswer); At stays in the
// input so that histories recorded before replay unchanged.
type SurveyAnswer struct {
	TransferID string
	Answers    map[string]any
	At         time.Time
}

// PeriodReport is the input of SendPeriodReport: the evaluation of the
// rounds created in [From, To), named Label (models.ReportEvery.Label),
// sent to Recipients, or when there are none to the PPK and HR contacts
// of those rounds.
type PeriodReport struct {
	From, To   time.Time
	Label      string
	Every      models.ReportEvery
	Recipients []string
}
