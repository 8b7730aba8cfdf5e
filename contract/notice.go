package contract

// NoticeKind names a notification.
type NoticeKind string

// The notifications Mutasi sends.
const (
	NoticeDecisionRequested   NoticeKind = "decision_requested"   // to the TPK or PPK
	NoticeDecisionReminder    NoticeKind = "decision_reminder"    // to the TPK, PPK or HR
	NoticeDecisionEscalated   NoticeKind = "decision_escalated"   // to HR
	NoticeSocialization       NoticeKind = "socialization"        // to the employee
	NoticeAcknowledgeReminder NoticeKind = "acknowledge_reminder" // to the employee
	NoticeObjectionReceived   NoticeKind = "objection_received"   // to HR
	NoticeTransferRejected    NoticeKind = "transfer_rejected"    // to HR
	NoticeTransferCancelled   NoticeKind = "transfer_cancelled"   // to the employee
	NoticeTransferBlocked     NoticeKind = "transfer_blocked"     // to HR
	NoticeRecheckFailed       NoticeKind = "recheck_failed"       // to HR
	NoticeTrainingAssigned    NoticeKind = "training_assigned"    // to the employee
	NoticeTrainingMissed      NoticeKind = "training_missed"      // to HR
	NoticeTransferEffective   NoticeKind = "transfer_effective"   // to the employee
	NoticeSurveyInvitation    NoticeKind = "survey_invitation"    // to the employee
	NoticeSurveyReminder      NoticeKind = "survey_reminder"      // to the employee
	NoticeEvaluationReport    NoticeKind = "evaluation_report"    // to the PPK and HR, with the period's workbook
	NoticeAccountInvitation   NoticeKind = "account_invitation"   // to a new account's owner: set a password
	NoticePasswordReset       NoticeKind = "password_reset"       // to an account's owner who forgot the password
)

// NoticeKinds lists every notification kind.
var NoticeKinds = []NoticeKind{NoticeDecisionRequested, NoticeDecisionReminder, NoticeDecisionEscalated,
	NoticeSocialization, NoticeAcknowledgeReminder, NoticeObjectionReceived, NoticeTransferRejected,
	NoticeTransferCancelled, NoticeTransferBlocked, NoticeRecheckFailed, NoticeTrainingAssigned,
	NoticeTrainingMissed, NoticeTransferEffective, NoticeSurveyInvitation, NoticeSurveyReminder,
	NoticeEvaluationReport, NoticeAccountInvitation, NoticePasswordReset}
