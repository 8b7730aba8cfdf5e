// Package workflows holds Mutasi's Temporal workflows: RoundWorkflow
// carries a transfer round from needs analysis to its evaluation, and
// TransferWorkflow carries one transfer through approval, socialization,
// training, the decree and the survey. They only orchestrate: every side
// effect is an activity.
package workflows

import (
	"time"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
)

// TaskQueue is the task queue Mutasi's workers poll.
const TaskQueue = "mutasi"

// The names of the updates and queries the workflows answer.
const (
	UpdateConfirm          = "confirm"           // RoundWorkflow: Confirm
	UpdateReplan           = "replan"            // RoundWorkflow: Replan
	UpdateDecide           = "decide"            // TransferWorkflow: Decision
	UpdateAcknowledge      = "acknowledge"       // TransferWorkflow: Acknowledge
	UpdateObject           = "object"            // TransferWorkflow: Objection
	UpdateResolve          = "resolve"           // TransferWorkflow: Resolution
	UpdateCompleteTraining = "complete_training" // TransferWorkflow: TrainingCompletion
	UpdateAnswerSurvey     = "answer_survey"     // TransferWorkflow: SurveyAnswers
	UpdateWithdraw         = "withdraw"          // TransferWorkflow: Withdraw
	UpdateMinisterApproval = "minister_approval" // TransferWorkflow: MinisterApproval
	QueryState             = "state"             // RoundState or TransferState
)

// The signals between a round and its transfers, which take effect
// together (see RoundWorkflow).
const (
	SignalTransferEvent = "transfer_event" // to RoundWorkflow: TransferEvent
	SignalCoordinate    = "coordinate"     // to TransferWorkflow: Coordination
)

// The typed search attributes the workflows keep current; the dev server
// and production namespaces register them as Keyword (SearchAttributeKeys
// lists them). A transfer has its stage, round and target unit; a round
// has its own id and status.
var (
	StageKey       = temporal.NewSearchAttributeKeyKeyword("MutasiStage")
	RoundKey       = temporal.NewSearchAttributeKeyKeyword("MutasiRound")
	UnitKey        = temporal.NewSearchAttributeKeyKeyword("MutasiUnit")
	RoundStatusKey = temporal.NewSearchAttributeKeyKeyword("MutasiRoundStatus")
)

// SearchAttributeKeys lists every search attribute the workflows set.
var SearchAttributeKeys = []temporal.SearchAttributeKeyKeyword{StageKey, RoundKey, UnitKey, RoundStatusKey}

// RoundInput starts a round.
type RoundInput struct {
	RoundID  string
	Name     string
	Settings models.RoundSettings
	By       contract.ActorRef
	// TransferBatch is how many transfers the round starts as its own
	// children at most; 0 means DefaultTransferBatch. Beyond it they start
	// through TransferBatchWorkflow children.
	TransferBatch int
	// MaxTransfers is how many transfers the round carries at most, over
	// all its plans; 0 means MaxRoundTransfers.
	MaxTransfers int
}

// MaxRoundTransfers is how many transfers a round carries at most, so
// that its history stays within Temporal's. The round's history grows by
// about five events per transfer (the production-shape test of 3,000
// transfers counts them: 14,316 events), and the server ends a run whose
// history reaches 51,200 events (limit.historyCount.error). 8,000
// transfers leave room for re-plans, blocks, and decisions spread thin
// over time, which cost the round more workflow tasks.
const MaxRoundTransfers = 8000

// RoundState is what the round's state query answers.
type RoundState struct {
	RoundID string               `json:"round_id"`
	Status  models.RoundStatus   `json:"status"`
	Needs   contract.NeedsResult `json:"needs"`
	// Proposed counts the proposals of every plan; the proposals
	// themselves are read from the database, as a province's would not fit
	// in a query's answer.
	Proposed int                  `json:"proposed"`
	Removed  []string             `json:"removed,omitempty"`
	Running  int                  `json:"running"`
	Finished int                  `json:"finished"`
	Failed   []string             `json:"failed,omitempty"`
	Summary  *models.RoundSummary `json:"summary,omitempty"`
	Awaiting models.Role          `json:"awaiting,omitempty"`
	// Blocked lists the transfers waiting for a withdrawal or a re-plan;
	// EffectiveDate is the round's next (or last) collective TMT;
	// Effective counts the transfers that took effect.
	Blocked       []string   `json:"blocked,omitempty"`
	EffectiveDate *time.Time `json:"effective_date,omitempty"`
	Effective     int        `json:"effective"`
	// Replan is a re-plan awaiting the HR officer's confirmation.
	Replan *contract.Replan `json:"replan,omitempty"`
	// Replans counts the re-plans the round has made, the one awaiting
	// confirmation included.
	Replans int `json:"replans"`
}

// Replan asks the round to plan again the seats its blocked transfers and
// its ended ones leave open (activities.ReplanRound).
type Replan struct {
	Actor models.Actor `json:"actor"`
}

// Confirm is the HR officer's confirmation of the proposals, optionally
// removing some by transfer ID.
type Confirm struct {
	Actor  models.Actor `json:"actor"`
	Remove []string     `json:"remove,omitempty"`
	Note   string       `json:"note,omitempty"`
}

// TransferInput starts a transfer.
type TransferInput struct {
	RoundID  string
	Proposal contract.Proposal
	Settings models.RoundSettings
	// LocalSteps is read only for transfers started while it decided
	// whether the steps are local activities (their histories carry no
	// version marker): they keep taking them so. New transfers leave it
	// false; ChangeLocalSteps, recorded in their history, decides.
	LocalSteps bool
	// Coordinated: the round makes the transfer effective, together with
	// the round's others, once it is ready; it can be withdrawn, and is
	// blocked when a transfer it depends on ends without taking effect.
	// Transfers started before this existed take effect on their own.
	Coordinated bool
	// Blocked: the transfer starts blocked, as a transfer it depends on
	// was removed at confirmation.
	Blocked *Coordination `json:",omitempty"`
}

// TransferState is what the transfer's state query answers: the stage,
// who is awaited and until when.
type TransferState struct {
	TransferID string       `json:"transfer_id"`
	Stage      models.Stage `json:"stage"`
	// Awaiting is the role whose action the transfer waits for, if any.
	Awaiting models.Role `json:"awaiting,omitempty"`
	// Since is when the current wait began; ReminderAt and Deadline are
	// when a reminder goes out and when the wait escalates or ends.
	Since      *time.Time `json:"since,omitempty"`
	ReminderAt *time.Time `json:"reminder_at,omitempty"`
	Deadline   *time.Time `json:"deadline,omitempty"`
	// Training says whether the transfer goes through training.
	Training bool `json:"training"`
	// EffectiveDate is the TMT once set; BlackoutUntil is set when an
	// election blackout window moved it.
	EffectiveDate *time.Time   `json:"effective_date,omitempty"`
	BlackoutUntil *time.Time   `json:"blackout_until,omitempty"`
	DecreeNumber  string       `json:"decree_number,omitempty"`
	Decisions     []Decision   `json:"decisions,omitempty"`
	Objection     *Objection   `json:"objection,omitempty"`
	Resolution    *Resolution  `json:"resolution,omitempty"`
	Outcome       models.Stage `json:"outcome,omitempty"`
	// MinisterApprovalRef is the minister's approval for this official.
	MinisterApprovalRef string `json:"minister_approval_ref,omitempty"`
	// Reason says why the transfer is blocked, was withdrawn or failed
	// the TMT re-check, in Bahasa Indonesia and English.
	Reason   string `json:"reason,omitempty"`
	ReasonEN string `json:"reason_en,omitempty"`
}

// Decision is a TPK or PPK decision: approve or reject, with a reason.
type Decision struct {
	Actor   models.Actor `json:"actor"`
	Approve bool         `json:"approve"`
	Reason  string       `json:"reason"`
	At      time.Time    `json:"at"`
}

// Acknowledge is the employee's acknowledgement of the transfer.
type Acknowledge struct {
	Actor models.Actor `json:"actor"`
}

// Objection is the employee's objection: a category and a text.
type Objection struct {
	Actor    models.Actor             `json:"actor"`
	Category models.ObjectionCategory `json:"category"`
	Text     string                   `json:"text"`
	At       time.Time                `json:"at"`
}

// Resolution is the HR officer's resolution of an objection.
type Resolution struct {
	Actor      models.Actor      `json:"actor"`
	Resolution models.Resolution `json:"resolution"`
	Note       string            `json:"note,omitempty"`
	At         time.Time         `json:"at"`
}

// TrainingCompletion reports that the employee completed the training,
// from the HR officer or a training system.
type TrainingCompletion struct {
	Actor models.Actor `json:"actor"`
	Note  string       `json:"note,omitempty"`
}

// SurveyAnswers are the employee's answers to the post-transfer survey,
// by item code.
type SurveyAnswers struct {
	Actor   models.Actor   `json:"actor"`
	Answers map[string]any `json:"answers"`
}

// Withdraw is the HR officer's withdrawal of a transfer before it takes
// effect, with a reason.
type Withdraw struct {
	Actor  models.Actor `json:"actor"`
	Reason string       `json:"reason"`
}

// MinisterApproval records the minister's written approval for one
// official's transfer (UU 10/2016), by its reference.
type MinisterApproval struct {
	Actor     models.Actor `json:"actor"`
	Reference string       `json:"reference"`
}

// EventKind is what a transfer tells its round.
type EventKind string

// The events a transfer signals to its round.
const (
	EventReady EventKind = "ready" // cleared every step before the effective date
	EventEnded EventKind = "ended" // ended without taking effect; Stage says how
	// EventApproved: the minister approved the transfer in writing, so an
	// election blackout does not hold it.
	EventApproved EventKind = "minister_approved"
)

// TransferEvent is a transfer's news for its round.
type TransferEvent struct {
	TransferID string       `json:"transfer_id"`
	Kind       EventKind    `json:"kind"`
	Stage      models.Stage `json:"stage,omitempty"`
}

// CoordinationKind is what a round tells one of its transfers.
type CoordinationKind string

// The round's instructions to a transfer.
const (
	CoordinateBlock   CoordinationKind = "block"          // a transfer it depends on will not take effect
	CoordinateEffect  CoordinationKind = "effect"         // it took effect, with EffectiveDate and DecreeNumber
	CoordinateRecheck CoordinationKind = "recheck_failed" // the TMT re-check failed, with the reason
	CoordinateUnblock CoordinationKind = "unblock"        // a re-plan seated it again, with DependsOn
)

// Coordination is a round's instruction to one of its transfers.
type Coordination struct {
	Kind          CoordinationKind `json:"kind"`
	EffectiveDate time.Time        `json:"effective_date,omitempty"`
	DecreeNumber  string           `json:"decree_number,omitempty"`
	Reason        string           `json:"reason,omitempty"`
	ReasonEN      string           `json:"reason_en,omitempty"`
	DependsOn     []string         `json:"depends_on,omitempty"`
}

// Receipt answers an accepted update: the transfer and the stage it is in
// once the update is handled.
type Receipt struct {
	TransferID string       `json:"transfer_id"`
	Stage      models.Stage `json:"stage"`
}

// ActivityOf names the activity a history event schedules or, for a local
// step, whose result it records; "" for any other event. A local step's
// failed attempts, which the SDK records before a retry timer, are not
// counted, as a regular activity's retries schedule nothing new. Tests and
// tools count a transfer's steps with it, whichever way the run took them;
// dc decodes the history's payloads (the client's data converter).
func ActivityOf(e *historypb.HistoryEvent, dc converter.DataConverter) string {
	if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
		return a.GetActivityType().GetName()
	}
	m := e.GetMarkerRecordedEventAttributes()
	if m.GetMarkerName() != "LocalActivity" || m.GetFailure() != nil {
		return ""
	}
	var marker struct{ ActivityType string }
	if dc.FromPayloads(m.GetDetails()["data"], &marker) != nil {
		return ""
	}
	return marker.ActivityType
}
