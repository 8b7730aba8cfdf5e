package server

// The limits of what people type, checked at the door before anything is
// written or sent to Temporal: a text Temporal carries in a workflow's
// history must stay far below its payload limits.
const (
	// maxJSONBody bounds a JSON request body (a confirmation naming the
	// thousands of proposals a province removes fits easily); imports
	// have their own limit.
	maxJSONBody = 1 << 20
)
