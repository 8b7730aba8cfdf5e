package models

import "slices"

// Stage is where a transfer stands in its lifecycle.
type Stage string

// The transfer stages, in lifecycle order; Rejected, Cancelled, Withdrawn,
// RecheckFailed and Completed are final.
const (
	StageAwaitingTPK       Stage = "awaiting_tpk"
	StageAwaitingPPK       Stage = "awaiting_ppk"
	StageSocialization     Stage = "socialization"
	StageObjectionReview   Stage = "objection_review"
	StageTraining          Stage = "training"
	StageAwaitingEffective Stage = "awaiting_effective"
	StageEffective         Stage = "effective"
	StageSurveyOpen        Stage = "survey_open"
	StageRejected          Stage = "rejected"
	StageCancelled         Stage = "cancelled"
	StageCompleted         Stage = "completed"
	// StageWithdrawn: the HR officer withdrew the transfer before it took
	// effect. StageBlocked: a transfer it depends on (whose mover would
	// free its seat) will not take effect; it waits for the HR officer to
	// withdraw it or re-plan the round. StageRecheckFailed: at the
	// effective date the employee no longer met a rule (status, sanction,
	// retirement).
	StageWithdrawn     Stage = "withdrawn"
	StageBlocked       Stage = "blocked"
	StageRecheckFailed Stage = "recheck_failed"
	// StageProposed and StageRemoved belong to transfers that have not
	// started: proposed by selection, or removed by the HR officer.
	StageProposed Stage = "proposed"
	StageRemoved  Stage = "removed"
)

// Stages lists every transfer stage in lifecycle order, for tables,
// filters and the API's enumeration.
var Stages = []Stage{StageProposed, StageAwaitingTPK, StageAwaitingPPK, StageSocialization,
	StageObjectionReview, StageTraining, StageBlocked, StageAwaitingEffective, StageEffective, StageSurveyOpen,
	StageCompleted, StageRejected, StageCancelled, StageWithdrawn, StageRecheckFailed, StageRemoved}

// Confirmed reports whether a transfer in stage s was confirmed by the HR
// office: it has left the plan (proposed) without being removed from it,
// and its workflow has started. The round's summary and the evaluation
// count confirmed transfers by this one rule.
func (s Stage) Confirmed() bool { return s != StageProposed && s != StageRemoved }

// Final reports whether a transfer in s has ended.
func (s Stage) Final() bool {
	switch s {
	case StageRejected, StageCancelled, StageCompleted, StageRemoved, StageWithdrawn, StageRecheckFailed:
		return true
	}
	return false
}

// Effective reports whether a transfer in s has taken effect.
func (s Stage) Effective() bool {
	return s == StageEffective || s == StageSurveyOpen || s == StageCompleted
}

// Pending reports whether a transfer in s is still to take effect: it has
// neither ended nor taken effect, so its mover still holds the old post
// and its target seat is promised.
func (s Stage) Pending() bool {
	return !s.Final() && !s.Effective()
}

// RoundStatus is where a round stands.
type RoundStatus string

// The round statuses, in order.
const (
	RoundAnalysis             RoundStatus = "analysis"
	RoundSelection            RoundStatus = "selection"
	RoundAwaitingConfirmation RoundStatus = "awaiting_confirmation"
	RoundInProgress           RoundStatus = "in_progress"
	RoundEvaluating           RoundStatus = "evaluating"
	RoundCompleted            RoundStatus = "completed"
)

// Role is what a person or system may do.
type Role string

// The roles.
const (
	RoleHR       Role = "hr_officer"
	RoleTPK      Role = "tpk"
	RolePPK      Role = "ppk"
	RoleEmployee Role = "employee"
	RoleSystem   Role = "system"
	// RoleAdmin manages the accounts and API tokens; it runs no rounds.
	RoleAdmin Role = "admin"
)

// AccountRoles lists the roles a person's sign-in account may have.
var AccountRoles = []Role{RoleAdmin, RoleHR, RoleTPK, RolePPK, RoleEmployee}

// Actor is who sends a decision: an account, its role, the employee's NIP
// for the employee role, and for approvers the units in their scope (none:
// every unit).
type Actor struct {
	ID    string   `json:"id"`
	Role  Role     `json:"role"`
	NIP   string   `json:"nip,omitempty"`
	Units []string `json:"units,omitempty"`
}

// InScope reports whether the actor may act on a transfer into unitID.
func (a Actor) InScope(unitID string) bool {
	if len(a.Units) == 0 {
		return true
	}
	for _, u := range a.Units {
		if u == unitID {
			return true
		}
	}
	return false
}

// ObjectionCategory classifies an employee's objection.
type ObjectionCategory string

// The objection categories.
const (
	ObjectCompetence ObjectionCategory = "competence"
	ObjectFamily     ObjectionCategory = "family_location"
	ObjectWorkload   ObjectionCategory = "workload"
	ObjectHealth     ObjectionCategory = "health"
	// The sources of resistance the transfer program itself names.
	ObjectComfort  ObjectionCategory = "comfort_current_post" // settled in the current post
	ObjectFear     ObjectionCategory = "fear_of_change"       // afraid of the change itself
	ObjectNotReady ObjectionCategory = "not_ready_for_field"  // feels unprepared for the new field
	ObjectOther    ObjectionCategory = "other"
)

// ObjectionCategories lists every category, in the order forms offer
// them.
var ObjectionCategories = []ObjectionCategory{ObjectCompetence, ObjectFamily, ObjectWorkload, ObjectHealth,
	ObjectComfort, ObjectFear, ObjectNotReady, ObjectOther}

// Valid reports whether c is a known category.
func (c ObjectionCategory) Valid() bool { return slices.Contains(ObjectionCategories, c) }

// Resolution is how the HR officer resolves an objection.
type Resolution string

// The resolutions.
const (
	ResolveCancel   Resolution = "cancel"
	ResolveTraining Resolution = "training"
	ResolveProceed  Resolution = "proceed"
)

// Valid reports whether r is a known resolution.
func (r Resolution) Valid() bool {
	return r == ResolveCancel || r == ResolveTraining || r == ResolveProceed
}

// NeedReason is why a position needs someone.
type NeedReason string

// The need reasons, most urgent first.
const (
	NeedVacant NeedReason = "vacant" // no incumbent at all
	NeedABK    NeedReason = "abk"    // fewer incumbents than the workload analysis asks
	NeedTenure NeedReason = "tenure" // an incumbent is past the maximum time in post
)
