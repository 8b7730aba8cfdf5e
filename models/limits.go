package models

// The lengths of identifiers, in characters. The API and the imports
// refuse a longer one, the same on PostgreSQL and SQLite (which does not
// enforce a column's size), and every column that holds one is at least
// this wide (TestColumnsHoldTheirIDs checks each against its limit).
const (
	// MaxRoundID bounds a round's id, which the HR officer types.
	MaxRoundID = 32
	// MaxUnitID bounds a unit's id, imported.
	MaxUnitID = 32
	// MaxPositionID bounds a position's id, imported.
	MaxPositionID = 32
	// MaxCompetencyName bounds the name of a competency, imported with a
	// position or an employee.
	MaxCompetencyName = 64
	// MaxTransferID bounds a transfer's id, which is derived from its
	// round, NIP and target position (see contract.TransferID).
	MaxTransferID = 80
	// NIPLength is the length of a NIP: 18 digits (see ParseNIP).
	NIPLength = 18
	// MaxSIASNID bounds an id of SIASN's (a PNS ID, UNOR ID or JABATAN
	// ID: a GUID of 32 or 36 characters), imported.
	MaxSIASNID = 64
)

// MaxName bounds a name: a round's name, and the imported names of units,
// positions and employees. (The reference of the minister's letter is
// bounded by workflows.MaxReference.)
const MaxName = 200

// MaxText bounds a free text: a decision's reason, an objection, a note, a
// withdrawal's reason.
const MaxText = 4000
