package contract

// The names of the activities, as the worker registers them (the methods
// of activities.Activities) and the workflows call them. A workflow calls
// an activity by its name, so that it needs nothing of the activity's
// implementation; the worker's test checks that every name here is
// registered with the input and result types this package gives.
const (
	StartRound             = "StartRound"             // RoundStart
	SetRoundStatus         = "SetRoundStatus"         // round ID, models.RoundStatus
	AnalyzeNeeds           = "AnalyzeNeeds"           // RoundAsOf → NeedsResult
	SelectCandidates       = "SelectCandidates"       // RoundAsOf → []Proposal
	ReplanRound            = "ReplanRound"            // RoundAsOf → Replan
	ConfirmProposals       = "ConfirmProposals"       // Confirmation
	EvaluateRound          = "EvaluateRound"          // RoundAsOf → models.RoundSummary
	SetStage               = "SetStage"               // transfer ID, models.Stage
	RecordStage            = "RecordStage"            // StageNote
	Notify                 = "Notify"                 // NotifyInput
	NoticeDelivery         = "NoticeDelivery"         // outbox key → Delivery
	RecordDecision         = "RecordDecision"         // DecisionInput
	RecordAcknowledgement  = "RecordAcknowledgement"  // Acknowledgement
	RecordObjection        = "RecordObjection"        // ObjectionInput
	RecordResolution       = "RecordResolution"       // ResolutionInput
	AssignTraining         = "AssignTraining"         // TrainingInput
	FinishTraining         = "FinishTraining"         // TrainingResult
	RecordWithdrawal       = "RecordWithdrawal"       // Withdrawal → bool
	RecordMinisterApproval = "RecordMinisterApproval" // MinisterApprovalInput
	RecheckAtTMT           = "RecheckAtTMT"           // RecheckInput → []RecheckFailure
	MakeEffective          = "MakeEffective"          // EffectiveInput → models.Decree
	MakeEffectiveTogether  = "MakeEffectiveTogether"  // CollectiveEffect → decree numbers by transfer ID
	OpenSurvey             = "OpenSurvey"             // SurveyInput → survey link
	RecordSurveyResponse   = "RecordSurveyResponse"   // SurveyAnswer
	CloseSurvey            = "CloseSurvey"            // transfer ID, time
	Apply                  = "Apply"                  // []Step
	SendPeriodReport       = "SendPeriodReport"       // PeriodReport → messages recorded
)

// ActivityNames lists every activity name above.
var ActivityNames = []string{StartRound, SetRoundStatus, AnalyzeNeeds, SelectCandidates, ReplanRound,
	ConfirmProposals, EvaluateRound, SetStage, RecordStage, Notify, NoticeDelivery, RecordDecision,
	RecordAcknowledgement, RecordObjection, RecordResolution, AssignTraining, FinishTraining,
	RecordWithdrawal, RecordMinisterApproval, RecheckAtTMT, MakeEffective, MakeEffectiveTogether,
	OpenSurvey, RecordSurveyResponse, CloseSurvey, Apply, SendPeriodReport}
