package db

import (
	"slices"

	"gorm.io/gorm"
)

// The employee of a position_histories row: their current post and since
// when they hold it.
const (
	currentPost = `(SELECT e.position_id FROM employees e WHERE e.nip = position_histories.nip)`
	inPostSince = `(SELECT e.in_post_since FROM employees e WHERE e.nip = position_histories.nip)`
	openSpell   = `"end" IS NULL AND nip IN ? AND ` + currentPost + ` <> ''`
)

// spellStatements make the position history agree with the employees'
// current posts, in order; each takes the NIPs.
var spellStatements = []string{
	// An open spell in another post, starting no earlier than the current
	// one and written by no transfer, was a mistake of an earlier import.
	`DELETE FROM position_histories WHERE ` + openSpell + ` AND position_id <> ` + currentPost +
		` AND COALESCE(transfer_id, '') = '' AND start >= ` + inPostSince,
	// Any other open spell in another post ended when the current one began.
	`UPDATE position_histories SET "end" = CASE WHEN start < ` + inPostSince + ` THEN ` + inPostSince +
		` ELSE start END WHERE ` + openSpell + ` AND position_id <> ` + currentPost,
	// The open spell in the current post starts when the employee took it.
	`UPDATE position_histories SET start = ` + inPostSince +
		`, unit_id = (SELECT p.unit_id FROM positions p WHERE p.id = position_histories.position_id)
		WHERE ` + openSpell + ` AND position_id = ` + currentPost,
	// An employee in a post with no open spell gets one.
	`INSERT INTO position_histories (nip, position_id, unit_id, start, decree_number, transfer_id)
		SELECT e.nip, e.position_id, p.unit_id, e.in_post_since, '', '' FROM employees e
		JOIN positions p ON p.id = e.position_id
		WHERE e.nip IN ? AND NOT EXISTS (SELECT 1 FROM position_histories h WHERE h.nip = e.nip AND h."end" IS NULL)`,
}

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

// recordPosts runs the spellStatements for nips: a list of NIPs or an
// expression that selects them.
func recordPosts(tx *gorm.DB, nips any) error {
	for _, stmt := range spellStatements {
		if err := tx.Exec(stmt, nips).Error; err != nil {
			return err
		}
	}
	return nil
}
