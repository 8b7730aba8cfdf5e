package models

// The actions the audit trail records, one per kind of event. The pages
// show each as the text action.<name>; AuditActions lists them all.
const (
	ActionRoundStarted       = "round_started"
	ActionNeedsAnalyzed      = "needs_analyzed"
	ActionSelectionDone      = "selection_done"
	ActionProposalsConfirmed = "proposals_confirmed"
	ActionRoundEvaluated     = "round_evaluated"
	ActionAcknowledged       = "acknowledged"
	ActionDeemedAcknowledged = "deemed_acknowledged"
	ActionObjected           = "objected"
	ActionTrainingAssigned   = "training_assigned"
	ActionTrainingCompleted  = "training_completed"
	ActionTrainingMissed     = "training_missed"
	ActionTransferEffective  = "transfer_effective"
	ActionDecreeIssued       = "decree_issued"
	ActionDecreeRevoked      = "decree_revoked"
	ActionWithdrawn          = "withdrawn"
	ActionMinisterApproved   = "minister_approved"
	ActionSurveySent         = "survey_sent"
	ActionSurveyAnswered     = "survey_answered"
	ActionSurveyClosed       = "survey_closed"
	// The account actions, whose actor is the admin who acted.
	ActionAccountCreated         = "account_created"
	ActionAccountDisabled        = "account_disabled"
	ActionAccountEnabled         = "account_enabled"
	ActionAccountPasswordReset   = "account_password_reset"
	ActionAccountChanged         = "account_changed"
	ActionAccountSessionsRevoked = "account_sessions_revoked"
	// ActionAccountInvited: an invitation to set a password was mailed.
	ActionAccountInvited = "account_invited"
	// ActionAccountPasswordSet: the owner set the password from a link
	// (an invitation or a reset); the actor is the account.
	ActionAccountPasswordSet = "account_password_set"
	// ActionTokenRevoked: an API token was revoked.
	ActionTokenRevoked = "token_revoked"
)

// DecisionAction is the action of an approver's decision, such as
// tpk_approved or ppk_rejected.
func DecisionAction(step Role, approve bool) string {
	if approve {
		return string(step) + "_approved"
	}
	return string(step) + "_rejected"
}

// ResolutionAction is the action of HR's resolution of an objection, such
// as objection_cancel.
func ResolutionAction(r Resolution) string { return "objection_" + string(r) }

// StageAction is the action of a stage a transfer stopped at, with its
// reason: blocked, withdrawn or recheck_failed.
func StageAction(s Stage) string { return string(s) }

// AuditActions lists every action the audit trail can hold.
func AuditActions() []string {
	actions := []string{ActionRoundStarted, ActionNeedsAnalyzed, ActionSelectionDone, ActionProposalsConfirmed,
		ActionRoundEvaluated, ActionAcknowledged, ActionDeemedAcknowledged, ActionObjected, ActionTrainingAssigned,
		ActionTrainingCompleted, ActionTrainingMissed, ActionTransferEffective, ActionDecreeIssued, ActionDecreeRevoked,
		ActionWithdrawn, ActionMinisterApproved, ActionSurveySent, ActionSurveyAnswered, ActionSurveyClosed,
		ActionAccountCreated, ActionAccountDisabled, ActionAccountEnabled, ActionAccountPasswordReset,
		ActionAccountChanged, ActionAccountSessionsRevoked, ActionAccountInvited, ActionAccountPasswordSet, ActionTokenRevoked,
		StageAction(StageBlocked), StageAction(StageWithdrawn), StageAction(StageRecheckFailed)}
	for _, step := range []Role{RoleTPK, RolePPK} {
		actions = append(actions, DecisionAction(step, true), DecisionAction(step, false))
	}
	for _, r := range []Resolution{ResolveCancel, ResolveTraining, ResolveProceed} {
		actions = append(actions, ResolutionAction(r))
	}
	return actions
}
