package db

import (
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// inPostSince is, in a statement on position_histories, since when the
// employee of the row holds their current post.
const inPostSince = `(SELECT e.in_post_since FROM employees e WHERE e.nip = position_histories.nip)`

// openSpells selects the IDs of the open spells h of the employees e
// among the NIPs, each holding a post, for which the condition that
// follows holds. It reads only those employees' spells, by their NIPs:
// a condition on every open spell of the history, tested before the
// NIPs, would look each one's employee up, once per import chunk.
const openSpells = `id IN (SELECT h.id FROM employees e JOIN position_histories h ON h.nip = e.nip
	WHERE e.nip IN ? AND h."end" IS NULL AND e.position_id <> '' AND `

// spellFixes correct the open spells that disagree with the employees'
// current posts, in order; each takes the NIPs.
var spellFixes = []string{
	// An open spell in another post, starting no earlier than the current
	// one and written by no transfer, was a mistake of an earlier import.
	`DELETE FROM position_histories WHERE ` + openSpells +
		`h.position_id <> e.position_id AND COALESCE(h.transfer_id, '') = '' AND h.start >= e.in_post_since)`,
	// Any other open spell in another post ended when the current one began.
	`UPDATE position_histories SET "end" = CASE WHEN start < ` + inPostSince + ` THEN ` + inPostSince +
		` ELSE start END WHERE ` + openSpells + `h.position_id <> e.position_id)`,
	// The open spell in the current post starts when the employee took it,
	// in its post's unit (a row that says so already stays as it is).
	`UPDATE position_histories SET start = ` + inPostSince +
		`, unit_id = (SELECT p.unit_id FROM positions p WHERE p.id = position_histories.position_id)
		WHERE ` + openSpells + `h.position_id = e.position_id AND (h.start <> e.in_post_since
		OR h.unit_id <> (SELECT p.unit_id FROM positions p WHERE p.id = h.position_id)))`,
}

// newSpells gives an employee in a post with no open spell one, after the
// spellFixes; it takes the NIPs. (In NIP order, the order of the index on
// it: 200,000 new spells took PostgreSQL 1.3 s instead of 1.8 s.)
var newSpells = `INSERT INTO ` + SpellTable + ` (` + strings.Join(SpellColumns, ", ") + `)
	SELECT e.nip, e.position_id, p.unit_id, e.in_post_since, '', '' FROM employees e
	JOIN positions p ON p.id = e.position_id
	WHERE e.nip IN ? AND NOT EXISTS (SELECT 1 FROM position_histories h WHERE h.nip = e.nip AND h."end" IS NULL)
	ORDER BY e.nip`

// SpellTable is the table of the position history.
const SpellTable = "position_histories"

// SpellColumns are the columns of SpellTable that newSpells
// writes, in the order of Spell.Values.
var SpellColumns = []string{"nip", "position_id", "unit_id", "start", "decree_number", "transfer_id"}

// Spell is the open spell that newSpells gives a new employee in a post:
// one whose NIP has no open spell (OpenSpellNIPs), in PositionID of
// UnitID since Start, when they took it. An import that writes new
// employees as it reads them (importer's direct) writes their spells
// itself instead of running newSpells after.
type Spell struct {
	NIP, PositionID, UnitID string
	Start                   time.Time
}

// Values are the values of SpellColumns for s.
func (s Spell) Values() []any {
	return []any{s.NIP, s.PositionID, s.UnitID, s.Start, "", ""}
}

// OpenSpellNIPs selects the NIPs that have an open spell, to which
// newSpells gives none and which the spellFixes may change.
const OpenSpellNIPs = `SELECT nip FROM ` + SpellTable + ` WHERE "end" IS NULL`

// RecordPosts makes the position history of the employees nips agree with
// their records: each holding a post has one open spell in it, from
// in_post_since. An open spell in another post is closed when the current
// one began (the employee moved outside Mutasi), or removed when it starts
// no earlier and no transfer wrote it (it corrected an earlier import).
// The employee import and the demo data call it after writing employees,
// in their transaction; running it again changes nothing.
func RecordPosts(tx *gorm.DB, nips []string) error {
	for ids := range slices.Chunk(nips, 1000) {
		if err := recordPosts(tx, ids); err != nil {
			return err
		}
	}
	return nil
}

// RecordPostsOf is RecordPosts for the employees whose NIPs query, a
// SELECT in SQL, selects, with one statement of each kind for all of
// them.
func RecordPostsOf(tx *gorm.DB, query string) error {
	return recordPosts(tx, gorm.Expr("("+query+")"))
}

// disagreeing says whether an open spell of the employees among the NIPs
// disagrees with their current posts: only such spells the spellFixes
// change. The employees of a first import have no spells
// yet, and those of a file imported again have theirs right: one look
// instead of three (on SQLite, which looks each employee's spells up by
// index, each took 80-100 ms per 25,000 employees to find nothing).
const disagreeing = `SELECT EXISTS (SELECT 1 FROM employees e JOIN position_histories h ON h.nip = e.nip
	WHERE e.nip IN ? AND h."end" IS NULL AND e.position_id <> '' AND (h.position_id <> e.position_id
	OR h.start <> e.in_post_since OR h.unit_id <> (SELECT p.unit_id FROM positions p WHERE p.id = h.position_id)))`

// recordPosts runs the spellFixes, when a spell disagrees, and newSpells
// for nips: a list of NIPs or an expression that selects them.
func recordPosts(tx *gorm.DB, nips any) error {
	var wrong bool
	if err := tx.Raw(disagreeing, nips).Scan(&wrong).Error; err != nil {
		return err
	}
	var statements []string
	if wrong {
		statements = spellFixes
	}
	for _, stmt := range slices.Concat(statements, []string{newSpells}) {
		if err := tx.Exec(stmt, nips).Error; err != nil {
			return err
		}
	}
	return nil
}
