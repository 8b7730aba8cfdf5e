package importer

import (
	"cmp"
	"errors"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/db"
)

// direct writes the new rows of an import as they are read: a row whose
// key is not stored yet, and whose reference names a row that exists,
// goes straight into its table (by COPY on PostgreSQL, by INSERTs of
// many rows on SQLite), with its child rows, by the loader, while the
// next rows are read and checked. A new employee's first spell in their
// post (spec.spell) is written once the file is read, with the others,
// in NIP order. Only the other rows (stored keys, keys with an open spell, and references to unknown
// rows, which checkReferences then refuses) are staged, and written once
// the file is read. A first import of 200,000 employees used to stage
// them all and then spend 3.5 s writing them, one statement after
// another, after the file was read; on SQLite, the spells of 200,000
// employees cost 2.2 s of SQL (BENCHMARKS.md). A bad row found later
// rolls the rows written back with the rest of the transaction.
type direct struct {
	s *stage
	// stored are the keys whose rows are staged: the table's, and,
	// for a kind with spells, those with an open spell, whose spells
	// after puts right.
	stored map[string]struct{}
	// refs maps each key of refTable to its unit_id, for a kind with
	// spells (else to ""); refAt is where the reference is among the
	// table's columns (-1: the kind has none).
	refs     map[string]string
	refAt    int
	rows     *bulk
	children []*bulk // of each of imp.children
	has      []bool  // whether a row had the column of each of imp.children
	// spells are the first spells of the rows written, kept until the
	// file is read and then copied in NIP order, the order of their
	// index: 200,000 spells took PostgreSQL 1.72 s in the file's order,
	// copied beside the employees, and 1.29 s sorted (pg_stat_statements).
	spells    []db.Spell
	spellRows *bulk // where they go (nil: the kind has no spells)
}

// directWrites says whether imports write new rows as they read them;
// tests turn it off to compare with the rows staged (a variable).
var directWrites = true

// newDirect prepares the direct writes of the import s in tx, reading the
// keys that are stored and those that references may name, or returns
// nil for an import whose rows are all staged: for a history, for a kind
// whose child rows must be unique (checkUnique compares them with the
// stored ones), and for one whose after is not its spells'.
func newDirect(tx *gorm.DB, s *stage) (*direct, error) {
	imp := s.imp
	unique := slices.ContainsFunc(imp.children, func(c children) bool { return c.unique != "" })
	if !directWrites || !s.keyed() || unique || (imp.after != nil) != (imp.spell != nil) {
		return nil, nil
	}
	d := &direct{s: s, stored: map[string]struct{}{}, refs: map[string]string{}, refAt: slices.Index(imp.table.columns, imp.ref),
		rows: s.target(imp.table.name, imp.table.columns), has: make([]bool, len(imp.children))}
	for _, c := range imp.children {
		d.children = append(d.children, s.target(c.name, c.columns))
	}
	keys, unit := "SELECT "+imp.table.columns[0]+" AS k FROM "+imp.table.name, "''"
	if imp.spell != nil {
		keys, unit = keys+" UNION "+db.OpenSpellNIPs, "unit_id"
		d.spellRows = s.target(db.SpellTable, db.SpellColumns)
	}
	if err := scanPairs(tx, "SELECT k, '' FROM ("+keys+") AS keys", func(k, _ string) { d.stored[k] = struct{}{} }); err != nil || imp.ref == "" {
		return d, err
	}
	return d, scanPairs(tx, "SELECT "+cmp.Or(imp.refKey, "id")+", "+unit+" FROM "+imp.refTable, func(k, v string) { d.refs[k] = v })
}

// scanPairs runs query, which selects two texts, and calls each with
// every pair it selects.
func scanPairs(tx *gorm.DB, query string, each func(a, b string)) error {
	rows, err := tx.Raw(query).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		each(a, b)
	}
	return rows.Err()
}

// add writes the row parsed into v, which has the optional columns of
// mask, and says so, when it is new and its reference names a row that
// exists; otherwise it leaves the row to be staged.
func (d *direct) add(v any, mask uint64) (bool, error) {
	imp := d.s.imp
	values := imp.table.values(v)
	if _, ok := d.stored[values[0].(string)]; ok {
		return false, nil
	}
	var unit string
	if d.refAt >= 0 {
		if ref := values[d.refAt].(string); ref != "" {
			var ok bool
			if unit, ok = d.refs[ref]; !ok {
				return false, nil
			}
		}
	}
	d.rows.put(values)
	full := d.rows.full()
	for i, c := range imp.children {
		if mask&d.s.bit(c.column) == 0 {
			continue
		}
		d.has[i] = true
		for _, child := range c.of(v) {
			d.children[i].put(c.values(child))
			full = full || d.children[i].full()
		}
	}
	if imp.spell != nil {
		if sp := imp.spell(v); sp.PositionID != "" {
			// Copies: the parsed values share their row's text.
			sp.NIP, sp.PositionID, sp.UnitID = strings.Clone(sp.NIP), strings.Clone(sp.PositionID), unit
			d.spells = append(d.spells, sp)
		}
	}
	if full {
		return true, d.flush()
	}
	return true, nil
}

// flush sends the rows added since the last flush to be copied, before
// the child rows that refer to them.
func (d *direct) flush() error {
	for _, b := range append([]*bulk{d.rows}, d.children...) {
		if err := b.flush(); err != nil {
			return err
		}
	}
	return nil
}

// finish sends the rows added since it last ran to be written, and then
// their spells, in NIP order (on SQLite, it runs for each chunk).
func (d *direct) finish() error {
	if err := d.flush(); err != nil || len(d.spells) == 0 {
		return err
	}
	slices.SortFunc(d.spells, func(a, b db.Spell) int { return strings.Compare(a.NIP, b.NIP) })
	for _, sp := range d.spells {
		if err := d.spellRows.add(sp.Values()); err != nil {
			return err
		}
	}
	d.spells = nil
	return d.spellRows.flush()
}

// close closes the prepared statements of its bulks (SQLite's).
func (d *direct) close() {
	for _, b := range slices.Concat([]*bulk{d.rows, d.spellRows}, d.children) {
		if b != nil {
			b.close()
		}
	}
}

// count adds what the direct writes wrote to res: created rows, and the
// child rows of each kind whose column a row had.
func (d *direct) count(res *Result) {
	res.Created += d.rows.added
	for i, c := range d.s.imp.children {
		if !d.has[i] {
			continue
		}
		if res.Children == nil {
			res.Children = map[string]ChildCount{}
		}
		sum := res.Children[c.column]
		sum.Written += d.children[i].added
		res.Children[c.column] = sum
	}
}

// target is a bulk that writes rows into the database's table name.
func (s *stage) target(name string, columns []string) *bulk {
	return &bulk{s: s, name: name, columns: columns, into: pgx.Identifier{name}}
}

// copyConflict is the error of a COPY (PostgreSQL) that wrote a key another
// transaction had written since the import read the stored keys (the
// demo data, written at once): a conflict, which importing again
// resolves, not a failure of the server.
func copyConflict(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return apperr.Conflict("", "data berubah selama impor; impor ulang berkasnya", "the data changed during the import; import the file again")
	}
	return err
}
