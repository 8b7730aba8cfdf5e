package importer

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/db"
)

// Load loads one file of units, positions or employees into gdb and says
// what it wrote. It reads body as it arrives (a workbook, which needs
// random access, is copied to a temporary file first), checking every
// row and keeping the good ones in temporary tables; one bad row refuses
// the whole file with the rows' errors (the first MaxRowErrors, and the
// count of all), and nothing is written. A good file is written in one
// transaction, which a bad row found later rolls back. New rows go
// straight into their tables as they are read (direct); the others are
// staged in the temporary tables and written from them: at once once the
// file is read on PostgreSQL, in chunks of chunkRows while the next are
// read on SQLite. Rows go in by COPY on PostgreSQL, by INSERTs of many
// rows on SQLite. Rows are upserted by
// their key, so importing the same file twice changes nothing; a row
// without an optional column leaves what the column holds as it was, a
// row with the column empty clears it. The API and the import page both
// load through it.
func Load(ctx context.Context, gdb *gorm.DB, kind, contentType string, body io.Reader) (Result, error) {
	res := Result{Kind: kind}
	imp, ok := specs[kind]
	if !ok {
		return res, unknownKind
	}
	read, err := readerFor(contentType)
	if err != nil {
		return res, err
	}
	err = gdb.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		s, err := newStage(ctx, conn, imp)
		if s != nil {
			defer s.drop()
		}
		if err != nil {
			return err
		}
		return conn.Transaction(func(tx *gorm.DB) error {
			errs, err := s.read(tx, read, body, &res)
			switch {
			case err != nil:
				return err
			case s.rows == 0:
				return apperr.Invalid("", "berkas tidak berisi baris data", "the file has no data rows")
			case errs.total > 0:
				return errs.problem()
			}
			res.Rows = s.rows
			return nil
		})
	})
	if err != nil {
		return Result{Kind: kind}, err
	}
	return res, nil
}

// stage holds the checked rows of an import in temporary tables of the
// one connection it runs on, a chunk at a time, until they are written:
// the rows in stageRows, with their line and the optional columns they
// have, and each kind of child rows in a table of its own.
type stage struct {
	ctx      context.Context
	conn     *gorm.DB
	raw      *sql.Conn
	postgres bool
	imp      spec
	parents  *bulk
	children []*bulk  // of each of imp.children
	loader   *loader  // while the file is read
	direct   *direct  // the new rows' writes, as they are read (nil: none)
	rows     int      // rows read
	masks    []uint64 // the sets of optional columns the chunk's rows have, a bit for each column of imp.optional
	caches   []int64  // SQLite: the page cache sizes of main and temp before the import, restored by drop
	// refused are the row errors found as chunks are written (references
	// to rows that do not exist); the loader's, until it has ended.
	refused rowErrors
}

// chunkRows is how many rows an import into SQLite stages before it
// writes them, in the loader, while the next are read and checked: SQLite
// finds the rows a chunk joins by their keys' indexes, so a chunk costs
// what its rows do. PostgreSQL, whose joins of the staged rows are hash
// joins (see plan), would read each table whole once per chunk: a
// 200,000-row import took 11.2 s in chunks against 5.8 s at once. A
// history, which replaces its keys' records, is written at once on both:
// one key's records may be anywhere in the file. (A variable, which tests
// make small.)
var chunkRows = 25000

// chunk is what one write of staged rows covers: the rows staged for it,
// and the sets of optional columns they have.
type chunk struct {
	rows  int
	masks []uint64
}

// importLockKey is the first key of the PostgreSQL advisory locks an
// import holds while it reads and writes its tables, "mimp" (mutasi
// import); the second is the hash of a table's name.
const importLockKey = 0x6d696d70

// stageRows is the temporary table of an import's rows; the table of its
// child rows of a column c is "import_" + c.
const stageRows = "import_rows"

// newStage makes the temporary tables of an import of imp on conn, a
// single connection; drop removes them.
func newStage(ctx context.Context, conn *gorm.DB, imp spec) (*stage, error) {
	raw, ok := conn.Statement.ConnPool.(*sql.Conn)
	if !ok {
		return nil, fmt.Errorf("import: not on a single connection (%T)", conn.Statement.ConnPool)
	}
	s := &stage{ctx: ctx, conn: conn, raw: raw, postgres: !db.IsSQLite(conn), imp: imp}
	if !s.postgres {
		if err := s.growCaches(); err != nil {
			return s, err
		}
	}
	var err error
	if s.parents, err = s.table(stageRows, imp.table, "0 AS line, 0 AS cols, ", imp.stageTypes); err != nil {
		return s, err
	}
	// SQLite joins by nested loops: a history's stored records are looked
	// up among the staged ones by their key (see replace).
	if !s.postgres && imp.replace != "" {
		if err := conn.Exec("CREATE INDEX " + s.temp(stageRows+"_key") + " ON " + stageRows + " (" + imp.table.columns[0] + ")").Error; err != nil {
			return s, err
		}
	}
	for _, c := range imp.children {
		b, err := s.table("import_"+c.column, c.table, "", nil)
		if err != nil {
			return s, err
		}
		s.children = append(s.children, b)
		// SQLite joins by nested loops: the staged child rows are looked
		// up by their parent's key (see replaceChildren).
		if !s.postgres {
			if err := conn.Exec("CREATE INDEX " + s.temp(b.name+"_key") + " ON " + b.name + " (" + b.columns[0] + ")").Error; err != nil {
				return s, err
			}
		}
	}
	return s, nil
}

// temp is the name of a temporary table of the connection.
func (s *stage) temp(name string) string {
	return s.tempSchema() + "." + name
}

// tempSchema is the schema of the connection's temporary tables.
func (s *stage) tempSchema() string {
	if s.postgres {
		return "pg_temp"
	}
	return "temp"
}

// table makes an empty temporary table, name, with the columns and types
// of the columns t writes (or types, when t is no table of the
// database's), after the ones extra selects.
func (s *stage) table(name string, t table, extra string, types []string) (*bulk, error) {
	if err := s.conn.Exec("DROP TABLE IF EXISTS " + s.temp(name)).Error; err != nil {
		return nil, err
	}
	create := "CREATE TEMP TABLE " + s.temp(name) + " AS SELECT " + extra + quote(t.columns) + " FROM " + t.name + " WHERE 1 = 0"
	if types != nil {
		var cols []string
		if extra != "" {
			cols = []string{"line integer", "cols integer"}
		}
		for i, c := range t.columns {
			cols = append(cols, quote([]string{c})+" "+types[i])
		}
		create = "CREATE TEMP TABLE " + s.temp(name) + " (" + strings.Join(cols, ", ") + ")"
	}
	if err := s.conn.Exec(create).Error; err != nil {
		return nil, err
	}
	b := &bulk{s: s, name: name, columns: t.columns, into: pgx.Identifier{s.tempSchema(), name}}
	if extra != "" {
		b.columns = slices.Concat([]string{"line", "cols"}, t.columns)
	}
	return b, nil
}

// sqliteCache is the page cache of each of SQLite's databases (main and
// temp) during an import, in KiB (a negative cache_size): with the
// default 2 MB, writing a million rows into indexed tables reads the same
// pages back from the file again and again (about a third of an import's
// time). It is memory outside Go's heap, held only while the import runs.
const sqliteCache = 64 << 10

// sqliteDefaultCache is SQLite's own page cache size
// (SQLITE_DEFAULT_CACHE_SIZE, 2 MB), which a database whose cache_size
// was never set has and reads as 0.
const sqliteDefaultCache = -2000

// cachedSchemas are the SQLite databases whose page caches an import
// enlarges, in the order of stage.caches.
var cachedSchemas = []string{"main", "temp"}

// growCaches enlarges the page caches of the connection's main and temp
// databases for the import, remembering their sizes for drop.
func (s *stage) growCaches() error {
	for _, schema := range cachedSchemas {
		var size int64
		if err := s.conn.Raw("PRAGMA " + schema + ".cache_size").Scan(&size).Error; err != nil {
			return err
		}
		if size == 0 { // never set (temp reads so), so SQLite's default; setting 0 would leave 10 pages
			size = sqliteDefaultCache
		}
		if err := s.conn.Exec("PRAGMA " + schema + ".cache_size = " + strconv.Itoa(-sqliteCache)).Error; err != nil {
			return err
		}
		s.caches = append(s.caches, size)
	}
	return nil
}

// drop closes the import's prepared statements and removes its temporary
// tables, even when the import was cancelled, and gives SQLite's page
// caches back their sizes.
func (s *stage) drop() {
	conn := s.conn.WithContext(context.WithoutCancel(s.ctx))
	if s.direct != nil {
		s.direct.close()
	}
	for i, size := range s.caches {
		conn.Exec("PRAGMA " + cachedSchemas[i] + ".cache_size = " + strconv.FormatInt(size, 10))
	}
	for _, b := range append([]*bulk{s.parents}, s.children...) {
		if b != nil {
			b.close()
			conn.Exec("DROP TABLE IF EXISTS " + s.temp(b.name))
		}
	}
}

// read reads the rows of a file with read, checks them, and, while the
// file has no errors, stages them and has them written in tx, a chunk at
// a time, counting in res what was written; it returns the rows' errors.
func (s *stage) read(tx *gorm.DB, read rowReader, body io.Reader, res *Result) (rowErrors, error) {
	var errs rowErrors
	var refs *siasnRefs
	if s.imp.load != nil {
		var err error
		if refs, err = s.imp.load(tx); err != nil {
			return errs, err
		}
	}
	if s.postgres {
		// Imports that write the same table take turns: new rows are
		// inserted as such (as they are read, when they are not stored:
		// direct; a history's records not stored as they are), which
		// another import writing the same keys at once would make fail
		// (the same file sent twice at once), or both count as created;
		// and two imports' rows, in two orders, could deadlock. The
		// tables are locked in the order of their names, so that two
		// imports never wait for each other in a circle.
		tables := []string{s.imp.table.name}
		for _, c := range s.imp.children {
			tables = append(tables, c.name)
		}
		slices.Sort(tables)
		for _, name := range slices.Compact(tables) {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?, hashtext(?))", importLockKey, name).Error; err != nil {
				return errs, err
			}
		}
	}
	var err error
	if s.direct, err = newDirect(tx, s); err != nil {
		return errs, err
	}
	size := chunkRows
	if s.postgres || s.imp.replace != "" || s.imp.skpYears != nil {
		size = math.MaxInt // written at once: see chunkRows
	}
	keys := map[string]int{}
	columns := slices.Concat(s.imp.columns, s.imp.optional)
	s.loader = startLoader(s.queued())
	defer s.loader.wait()
	check := func(r row) checked {
		r.refs = refs
		for _, col := range columns {
			if max, ok := s.imp.limits[col]; ok {
				r.checkLength(col, strings.TrimSpace(r.field(col)), max)
			}
		}
		v, rowErrs := s.imp.parse(r)
		key := strings.TrimSpace(r.field(s.imp.columns[0]))
		if s.imp.keyOf != nil {
			key = "" // none to compare: a row with errors, or one omitted
			if _, omit := v.(omitted); len(rowErrs) == 0 && !omit {
				key = s.imp.keyOf(v)
			}
		}
		return checked{r: r, v: v, errs: rowErrs, key: key}
	}
	take := func(c checked) error {
		s.rows++
		rowErrs := c.errs
		if first, dup := keys[c.key]; dup && c.key != "" {
			rowErrs = append(rowErrs, apperr.FieldError{Row: c.r.n, Field: s.imp.columns[0],
				Message: fmt.Sprintf("duplikat baris %d", first), MessageEN: fmt.Sprintf("duplicate of row %d", first)})
		}
		keys[strings.Clone(c.key)] = c.r.n
		errs.add(rowErrs...)
		if errs.total > 0 { // a file with errors is not written: stage no more of it
			return nil
		}
		var err error
		if o, ok := c.v.(omitted); ok {
			err = s.omit(c.r, o)
		} else {
			err = s.add(c.r, c.v)
		}
		if err != nil || s.parents.added < size {
			return err
		}
		return s.seal(tx, res)
	}
	err = checkInParallel(func(each func(row) error) error { return read(body, s.imp, each) }, check, take)
	if err == nil && errs.total == 0 {
		err = s.seal(tx, res)
	}
	if err == nil {
		err = s.loader.wait()
	}
	if err != nil {
		return errs, err
	}
	if s.direct != nil {
		s.direct.count(res)
	}
	if s.imp.talentDefault {
		res.DefaultTalent = res.Created
	}
	errs.merge(s.refused)
	return errs, nil
}

// keyed says whether the import's rows are keyed rows of its table,
// upserted by their key, not the records of a history.
func (s *stage) keyed() bool {
	return s.imp.replace == "" && s.imp.skpYears == nil
}

// seal has the rows staged since the last seal loaded and then written,
// in tx, by the loader, and starts the next chunk.
func (s *stage) seal(tx *gorm.DB, res *Result) error {
	if s.direct != nil {
		if err := s.direct.finish(); err != nil {
			return err
		}
	}
	c := chunk{rows: s.parents.added, masks: s.masks}
	s.masks = nil
	for _, b := range append([]*bulk{s.parents}, s.children...) {
		if err := b.flush(); err != nil {
			return err
		}
		b.added = 0
	}
	return s.loader.send(func() error { return s.writeChunk(tx, res, c) })
}

// writeChunk checks the references of the staged rows of c and, unless
// this or an earlier chunk named a row that does not exist (those row
// errors go to s.refused), writes them; it then empties the staging
// tables for the next chunk. The loader runs it.
func (s *stage) writeChunk(tx *gorm.DB, res *Result, c chunk) error {
	if c.rows == 0 {
		return nil
	}
	if s.postgres {
		// Statistics, for the plans of the statements that read it: the
		// row count, and the columns most of them join on (the key, the
		// reference, the line and its columns); those of the others, long
		// texts among them, took most of ANALYZE's time.
		cols := []string{"line", "cols", s.imp.table.columns[0]}
		if s.imp.ref != "" && !slices.Contains(cols, s.imp.ref) {
			cols = append(cols, s.imp.ref)
		}
		if err := tx.Exec("ANALYZE " + s.temp(stageRows) + " (" + quote(cols) + ")").Error; err != nil {
			return err
		}
	}
	if err := s.plan(tx); err != nil {
		return err
	}
	missing, err := s.checkReferences(tx)
	if err != nil {
		return err
	}
	s.refused.merge(missing)
	if s.refused.total == 0 {
		if err := s.write(tx, res, c); err != nil {
			return err
		}
	}
	for _, b := range append([]*bulk{s.parents}, s.children...) {
		empty := "DELETE FROM " + s.temp(b.name) // how SQLite empties a table at once
		if s.postgres {
			empty = "TRUNCATE " + s.temp(b.name)
		}
		if err := tx.Exec(empty).Error; err != nil {
			return err
		}
	}
	return nil
}

// add writes a row, parsed into v, as it is read (direct) or stages it,
// with its child rows (when it has their column).
func (s *stage) add(r row, v any) error {
	var mask uint64
	for i, col := range s.imp.optional {
		if r.has(col) {
			mask |= 1 << i
		}
	}
	if s.direct != nil {
		if written, err := s.direct.add(v, mask); written || err != nil {
			return err
		}
	}
	if !slices.Contains(s.masks, mask) {
		s.masks = append(s.masks, mask)
	}
	if err := s.parents.add(append([]any{r.n, int64(mask)}, s.imp.table.values(v)...)); err != nil {
		return err
	}
	for i, c := range s.imp.children {
		if mask&s.bit(c.column) == 0 {
			continue
		}
		for _, child := range c.of(v) {
			if err := s.children[i].add(c.values(child)); err != nil {
				return err
			}
		}
	}
	return nil
}

// omitted is a record of a history that a file holds and that is not
// stored (an annulled sanction): its key's earlier records are replaced
// all the same.
type omitted struct{ key string }

// omitLine marks, in the cols of stageRows, a row staged only for its
// key (omitted).
const omitLine = -1

// omit stages the key of an omitted record.
func (s *stage) omit(r row, o omitted) error {
	values := make([]any, len(s.imp.table.columns))
	values[0] = o.key
	return s.parents.add(append([]any{r.n, int64(omitLine)}, values...))
}

// bit is the bit of an optional column in a row's mask.
func (s *stage) bit(column string) uint64 {
	return 1 << slices.Index(s.imp.optional, column)
}

// plan tells PostgreSQL how to join the staged rows with the tables they
// are written into, for the rest of the transaction. Every statement of
// a write joins them: hash (or merge) joins suit them, and a nested loop
// planned on statistics from before the import (an empty position
// history) rescans a table once per row, for hours. The hash tables of
// those joins fit in memory with more than the default 4 MB.
func (s *stage) plan(tx *gorm.DB) error {
	if !s.postgres {
		return nil
	}
	for _, set := range []string{"SET LOCAL enable_nestloop = off", "SET LOCAL work_mem = '64MB'"} {
		if err := tx.Exec(set).Error; err != nil {
			return err
		}
	}
	return nil
}

// write writes the staged rows of chunk c, in tx, and counts in res what
// it wrote: it upserts them (leaving the columns of the optional columns
// a row lacks), and replaces the child rows of those that have their
// column.
func (s *stage) write(tx *gorm.DB, res *Result, c chunk) error {
	t, key, rows := s.imp.table, s.imp.table.columns[0], s.temp(stageRows)
	if s.imp.skpYears != nil {
		return s.mergeSKP(tx, res)
	}
	if s.imp.replace != "" {
		return s.replace(tx, res)
	}
	// Counted before the writes: the stored rows whose child rows alone
	// change, and, on SQLite, the stored rows (its upsert counts the rows
	// it inserts and those it updates together).
	childOnly, err := s.childChanges(tx, c)
	if err != nil {
		return err
	}
	stored := 0
	if !s.postgres {
		err := tx.Raw("SELECT COUNT(*) FROM " + rows + " s WHERE EXISTS (SELECT 1 FROM " + t.name + " t WHERE t." + key + " = s." + key + ")").
			Scan(&stored).Error
		if err != nil {
			return err
		}
	}
	var written [2]int // the rows each statement wrote: the upsert, or the UPDATE and the INSERT
	for _, mask := range c.masks {
		// A row that would be written as it is stays untouched: no new row
		// version, no index entries.
		src := "excluded" // the row an upsert would insert
		if s.postgres {
			src = "s" // the staged row
		}
		set, differs := s.assignments(mask, src)
		insert := "INSERT INTO " + t.name + " (" + quote(t.columns) + ") SELECT " + quote(t.columns) + " FROM " + rows + " s WHERE s.cols = ?"
		statements := []string{insert + " ON CONFLICT (" + key + ") DO UPDATE SET " + strings.Join(set, ", ") + " WHERE " + strings.Join(differs, " OR ")}
		if s.postgres {
			// The stored rows, then the new ones, inserted as such: an
			// upsert (ON CONFLICT) of 200,000 new employees took
			// PostgreSQL 2.8-3.1 s against 1.7-2.1 s. (On SQLite the two
			// statements were no faster than its upsert, and its write
			// lock already has imports take turns.)
			statements = []string{
				"UPDATE " + t.name + " SET " + strings.Join(set, ", ") + " FROM " + rows + " s WHERE s.cols = ? AND " +
					t.name + "." + key + " = s." + key + " AND (" + strings.Join(differs, " OR ") + ")",
				insert + " AND NOT EXISTS (SELECT 1 FROM " + t.name + " WHERE " + t.name + "." + key + " = s." + key + ")",
			}
		}
		for i, stmt := range statements {
			w := tx.Exec(stmt, mask)
			if w.Error != nil {
				return w.Error
			}
			written[i] += int(w.RowsAffected)
		}
	}
	updated := written[0]
	if s.postgres {
		stored = c.rows - written[1] // the INSERT wrote the rows not stored
	} else {
		updated -= c.rows - stored // the upsert counts the rows it inserted too
	}
	res.Created += c.rows - stored
	res.Updated += updated + childOnly
	res.Unchanged += stored - updated - childOnly
	for i, ch := range s.imp.children {
		bit, has := s.replaces(c, ch)
		if !has {
			continue
		}
		count, err := s.replaceChildren(tx, i, "SELECT "+key+" FROM "+rows+" WHERE (cols & "+bit+") <> 0")
		if err != nil {
			return err
		}
		if res.Children == nil {
			res.Children = map[string]ChildCount{}
		}
		sum := res.Children[ch.column]
		res.Children[ch.column] = ChildCount{Removed: sum.Removed + count.Removed, Written: sum.Written + count.Written}
	}
	if s.imp.after != nil {
		return s.imp.after(tx, "SELECT "+key+" FROM "+rows)
	}
	return nil
}

// assignments are, for the staged rows with the optional columns of
// mask, the SET list that writes a row's columns from src (the staged
// row "s", or SQLite's "excluded"), and the conditions of which one
// holds when the stored row differs from it in a column it sets (a
// list column's NULL and [] being the same: no list).
func (s *stage) assignments(mask uint64, src string) (set, differs []string) {
	t := s.imp.table
	has := map[string]bool{}
	for _, col := range s.imp.optional {
		has[col] = mask&s.bit(col) != 0
	}
	keep := s.imp.keep(has)
	for _, col := range t.columns[1:] {
		if !slices.Contains(keep, col) {
			q := quote([]string{col})
			set = append(set, q+" = "+src+"."+q)
			stored, given := t.name+"."+q, src+"."+q
			if slices.Contains(s.imp.lists, col) {
				stored, given = "COALESCE("+stored+", '[]')", "COALESCE("+given+", '[]')"
			}
			differs = append(differs, stored+" IS DISTINCT FROM "+given)
		}
	}
	return set, differs
}

// replaces says whether a row of chunk c has the column of the child
// rows ch, whose rows the write then replaces, and gives the column's
// bit in a row's mask, as SQL.
func (s *stage) replaces(c chunk, ch children) (bit string, has bool) {
	b := s.bit(ch.column)
	return strconv.FormatUint(b, 10), slices.ContainsFunc(c.masks, func(m uint64) bool { return m&b != 0 })
}

// sameRow is the condition of which one holds when a stored row of t
// (named by its table) is the staged row s: the same key (never NULL: a
// hash join) and the same values.
func sameRow(t table) string {
	same := make([]string, len(t.columns))
	for j, col := range t.columns {
		q := quote([]string{col})
		same[j] = t.name + "." + q + " IS NOT DISTINCT FROM s." + q
	}
	same[0] = t.name + "." + t.columns[0] + " = s." + t.columns[0]
	return strings.Join(same, " AND ")
}

// childChanges counts, before the staged rows of chunk c are written,
// the stored ones whose columns the write leaves as they are but whose
// child rows it changes: the row has the column of a kind of child rows,
// and the stored ones differ from its own. (The write's statements count
// the rows whose columns change.)
func (s *stage) childChanges(tx *gorm.DB, c chunk) (int, error) {
	t, key, rows := s.imp.table, s.imp.table.columns[0], s.temp(stageRows)
	var keys []string
	for i, ch := range s.imp.children {
		bit, has := s.replaces(c, ch)
		if !has {
			continue
		}
		staged, parent, same := s.temp(s.children[i].name), ch.columns[0], sameRow(ch.table)
		keys = append(keys,
			// a stored child row the file does not give
			"SELECT r."+key+" AS k FROM "+ch.name+" JOIN "+rows+" r ON r."+key+" = "+ch.name+"."+parent+" AND (r.cols & "+bit+") <> 0"+
				" WHERE NOT EXISTS (SELECT 1 FROM "+staged+" s WHERE "+same+")",
			// a child row the file gives that is not stored
			"SELECT s."+parent+" AS k FROM "+staged+" s WHERE NOT EXISTS (SELECT 1 FROM "+ch.name+" WHERE "+same+")")
	}
	if len(keys) == 0 {
		return 0, nil
	}
	var differs []string
	for _, mask := range c.masks {
		if _, d := s.assignments(mask, "s"); len(d) > 0 {
			differs = append(differs, "(s.cols = "+strconv.FormatUint(mask, 10)+" AND ("+strings.Join(d, " OR ")+"))")
		}
	}
	// The keys are few (the rows whose child rows change): a staged row
	// is checked against them before its stored row is looked up (SQLite
	// looked up every one first, joining them).
	var n int
	err := tx.Raw("SELECT COUNT(*) FROM " + rows + " s JOIN " + t.name + " ON " + t.name + "." + key + " = s." + key +
		" WHERE s." + key + " IN (" + strings.Join(keys, " UNION ") + ") AND NOT (" + cmp.Or(strings.Join(differs, " OR "), "1 = 0") + ")").Scan(&n).Error
	return n, err
}

// replaceChildren replaces the child rows of the i-th kind of the
// parents that parents (a SELECT of their keys) selects with the staged
// ones, writing only the difference: it removes the stored rows that are
// not staged as they are, then writes the staged rows that are not
// stored, and counts both. (A child table's columns are all written, so
// a row that is stored as staged is the row the import would write.)
func (s *stage) replaceChildren(tx *gorm.DB, i int, parents string) (ChildCount, error) {
	c, table := s.imp.children[i], s.temp(s.children[i].name)
	match := sameRow(c.table)
	del := tx.Exec("DELETE FROM " + c.name + " WHERE " + c.columns[0] + " IN (" + parents + ") AND NOT EXISTS (SELECT 1 FROM " +
		table + " s WHERE " + match + ")")
	if del.Error != nil {
		return ChildCount{}, del.Error
	}
	if err := s.checkUnique(tx, i, parents); err != nil {
		return ChildCount{}, err
	}
	ins := tx.Exec("INSERT INTO " + c.name + " (" + quote(c.columns) + ") SELECT " + quote(c.columns) + " FROM " + table +
		" s WHERE NOT EXISTS (SELECT 1 FROM " + c.name + " WHERE " + match + ")")
	if ins.Error != nil {
		return ChildCount{}, ins.Error
	}
	return ChildCount{Removed: int(del.RowsAffected), Written: int(ins.RowsAffected)}, nil
}

// replace writes the staged records of a history kind (spec.replace):
// for each key (NIP) among them, it removes the records of table that
// came from the kind's source (spec.source; all, when it is empty) and
// that the file does not give as they are, and writes the staged ones
// that are not stored as they are, each taking the place of a record of
// another source with the same primary key (spec.conflict); it counts
// both in res. A record stored as the file gives it stays untouched.
func (s *stage) replace(tx *gorm.DB, res *Result) error {
	t, key, rows := s.imp.table, s.imp.table.columns[0], s.temp(stageRows)
	if s.imp.check != nil {
		if err := s.imp.check(tx, "(SELECT * FROM "+rows+" WHERE cols <> "+strconv.Itoa(omitLine)+")"); err != nil {
			return err
		}
	}
	where, args, upsert := "", []any{}, ""
	if s.imp.source != "" {
		where, args = "source = ? AND ", []any{s.imp.source}
	}
	if s.imp.conflict != nil {
		var set []string
		for _, col := range t.columns {
			if !slices.Contains(s.imp.conflict, col) {
				q := quote([]string{col})
				set = append(set, q+" = excluded."+q)
			}
		}
		// The SELECT's WHERE tells SQLite's parser that ON CONFLICT
		// belongs to the INSERT, not to a join of the SELECT.
		upsert = " ON CONFLICT (" + quote(s.imp.conflict) + ") DO UPDATE SET " + strings.Join(set, ", ")
	}
	same := sameRow(t)
	del := tx.Exec("DELETE FROM "+t.name+" WHERE "+where+key+" IN (SELECT "+key+" FROM "+rows+") AND NOT EXISTS (SELECT 1 FROM "+
		rows+" s WHERE s.cols <> ? AND "+same+")", append(args, omitLine)...)
	if del.Error != nil {
		return del.Error
	}
	ins := tx.Exec("INSERT INTO "+t.name+" ("+quote(t.columns)+") SELECT "+quote(t.columns)+" FROM "+rows+
		" s WHERE s.cols <> ? AND NOT EXISTS (SELECT 1 FROM "+t.name+" WHERE "+same+")"+upsert, omitLine)
	if ins.Error != nil {
		return ins.Error
	}
	res.Children = map[string]ChildCount{s.imp.replace: {Removed: int(del.RowsAffected), Written: int(ins.RowsAffected)}}
	return nil
}

// checkReferences finds the staged rows whose reference column names no
// row of the table it refers to, each with a row error.
func (s *stage) checkReferences(tx *gorm.DB) (rowErrors, error) {
	if s.imp.ref == "" {
		return rowErrors{}, nil
	}
	ref, refKey := s.imp.ref, cmp.Or(s.imp.refKey, "id")
	return findRowErrors(tx, "SELECT line, "+ref+", '' FROM "+s.temp(stageRows)+" s WHERE "+ref+" <> '' AND NOT EXISTS (SELECT 1 FROM "+
		s.imp.refTable+" r WHERE r."+refKey+" = s."+ref+") ORDER BY line", func(id, _ string) apperr.FieldError {
		return apperr.FieldError{Field: s.fieldOf(ref), Message: id + " tidak ditemukan", MessageEN: id + " not found"}
	})
}

// fieldOf is the import column that holds the database column col: the
// first column, for the key of a history kind, else col.
func (s *stage) fieldOf(col string) string {
	if col == s.imp.table.columns[0] {
		return s.imp.columns[0]
	}
	return col
}

// checkUnique refuses the staged child rows of the i-th kind whose unique
// value another parent holds, in the file or in the database (but for
// the parents that parents selects, whose rows the file replaces), each
// with a row error on its parent's line.
func (s *stage) checkUnique(tx *gorm.DB, i int, parents string) error {
	c := s.imp.children[i]
	if c.unique == "" {
		return nil
	}
	u, parent, key := c.unique, c.columns[0], s.imp.table.columns[0]
	staged := s.temp(s.children[i].name)
	return rowProblems(tx, "SELECT r.line, c."+u+", COALESCE(m."+parent+", '') FROM "+staged+" c JOIN "+s.temp(stageRows)+
		" r ON r."+key+" = c."+parent+" LEFT JOIN "+c.name+" m ON m."+u+" = c."+u+" AND m."+parent+" NOT IN ("+parents+") WHERE m."+u+" IS NOT NULL OR c."+u+
		" IN (SELECT "+u+" FROM "+staged+" GROUP BY "+u+" HAVING COUNT(*) > 1) ORDER BY r.line", func(value, holder string) apperr.FieldError {
		if holder == "" {
			return apperr.FieldError{Field: c.column, Message: value + " disebut untuk lebih dari satu baris",
				MessageEN: value + " is given for more than one row"}
		}
		return apperr.FieldError{Field: c.column, Message: value + " sudah milik " + holder + "; hapus dahulu dari baris " + holder,
			MessageEN: value + " already belongs to " + holder + "; remove it from the row of " + holder + " first"}
	})
}

// rowProblems runs query, which selects a line and two values, and
// refuses the file with a row error, made by fail from the values, for
// each row it selects.
func rowProblems(tx *gorm.DB, query string, fail func(value, detail string) apperr.FieldError) error {
	errs, err := findRowErrors(tx, query, fail)
	if err == nil && errs.total > 0 {
		err = errs.problem()
	}
	return err
}

// findRowErrors runs query, which selects a line and two values, and
// returns a row error, made by fail from the values, for each row it
// selects.
func findRowErrors(tx *gorm.DB, query string, fail func(value, detail string) apperr.FieldError) (rowErrors, error) {
	var errs rowErrors
	rows, err := tx.Raw(query).Rows()
	if err != nil {
		return errs, err
	}
	defer rows.Close()
	for rows.Next() {
		var line int
		var v, detail string
		if err := rows.Scan(&line, &v, &detail); err != nil {
			return errs, err
		}
		e := fail(v, detail)
		e.Row = line
		errs.add(e)
	}
	return errs, rows.Err()
}

// quote lists columns, each quoted (end is a keyword).
func quote(columns []string) string {
	q := make([]string, len(columns))
	for i, c := range columns {
		q[i] = `"` + c + `"`
	}
	return strings.Join(q, ", ")
}

// BatchParams is how many bind parameters an INSERT of many rows into
// SQLite holds at most, far below its limit (32,766): the SQLite driver
// looks each parameter up by a linear search, so a statement's cost grows
// with the square of its parameters.
const BatchParams = 2048

// copyRows is how many rows go in one COPY into PostgreSQL.
const copyRows = 10000

// bulk loads rows into a table (a temporary one, or, for direct, the
// database's) in batches, through the stage's loader: by COPY on PostgreSQL, by INSERTs of many rows (a
// prepared statement) on SQLite.
type bulk struct {
	s       *stage
	name    string
	columns []string
	into    pgx.Identifier      // the table it fills
	rows    [][]any             // the batch being filled
	added   int                 // rows added in all
	args    []driver.NamedValue // SQLite: the parameters of a batch (the loader's)
	insert  driver.Stmt         // SQLite: the INSERT of a full batch (the loader's)
}

// size is how many rows go in a batch.
func (b *bulk) size() int {
	if b.s.postgres {
		return copyRows
	}
	return BatchParams / len(b.columns)
}

// add adds a row, the values of b's columns, sending a full batch to be
// loaded.
func (b *bulk) add(values []any) error {
	if b.put(values); !b.full() {
		return nil
	}
	return b.flush()
}

// put adds a row to the batch, leaving it to the caller to flush a full
// one.
func (b *bulk) put(values []any) {
	b.rows = append(b.rows, values)
	b.added++
}

// full says whether the batch is full.
func (b *bulk) full() bool {
	return len(b.rows) >= b.size()
}

// flush sends the rows added since the last batch to be loaded.
func (b *bulk) flush() error {
	if len(b.rows) == 0 {
		return nil
	}
	rows := b.rows
	b.rows = make([][]any, 0, b.size())
	return b.s.loader.send(func() error { return b.load(rows) })
}

// load loads a batch of rows into b's table; the loader calls it.
func (b *bulk) load(rows [][]any) error {
	if b.s.postgres {
		return b.s.raw.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(b.s.ctx, b.into, b.columns, pgx.CopyFromRows(rows))
			return copyConflict(err)
		})
	}
	return b.s.raw.Raw(func(dc any) error { return b.insertRows(dc.(driver.Conn), rows) })
}

// insertRows inserts rows into b's table in one statement on SQLite's
// own connection dc (a full batch's statement is prepared once). Its
// parameters are made here, in a slice kept from one batch to the next:
// through database/sql, each statement's 2,048 were converted and copied
// into a new slice, 0.2 GB for 200,000 employees.
func (b *bulk) insertRows(dc driver.Conn, rows [][]any) error {
	b.args = b.args[:0]
	for _, r := range rows {
		for _, v := range r {
			if !driver.IsValue(v) { // an int, a pointer
				var err error
				if v, err = driver.DefaultParameterConverter.ConvertValue(v); err != nil {
					return err
				}
			}
			b.args = append(b.args, driver.NamedValue{Ordinal: len(b.args) + 1, Value: v})
		}
	}
	stmt := b.insert
	if stmt == nil || len(rows) < b.size() {
		var err error
		if stmt, err = dc.(driver.ConnPrepareContext).PrepareContext(b.s.ctx, b.insertSQL(len(rows))); err != nil {
			return err
		}
		if len(rows) < b.size() {
			defer stmt.Close()
		} else {
			b.insert = stmt
		}
	}
	_, err := stmt.(driver.StmtExecContext).ExecContext(b.s.ctx, b.args)
	return err
}

// loader loads the batches of an import's rows into their temporary
// tables, and writes each chunk of them, in a goroutine of its own, one
// job after another on the stage's connection, so that the database
// takes in and writes rows while the next are read and checked (on two
// cores, at once).
type loader struct {
	jobs   chan func() error
	failed chan struct{} // closed when a job failed, with err
	done   chan struct{} // closed when the goroutine has ended
	err    error
	waited bool
}

// queued is how many jobs the loader of s holds, besides the one it
// does: some copyRows rows' worth. On SQLite, whose batches are small,
// the rows read and checked while the loader inserts a batch can wait
// in the queue instead of stopping the file's reading (two cores, one
// of them the loader's half the time); a COPY batch into PostgreSQL is
// copyRows rows already.
func (s *stage) queued() int {
	if s.postgres {
		return 1
	}
	return copyRows / s.parents.size()
}

// startLoader starts a loader that holds up to queued jobs; wait ends it.
func startLoader(queued int) *loader {
	l := &loader{jobs: make(chan func() error, queued), failed: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		for job := range l.jobs {
			if err := job(); err != nil {
				l.err = err
				close(l.failed)
				return
			}
		}
	}()
	return l
}

// send queues a job; it fails with the error of a job that failed
// before.
func (l *loader) send(job func() error) error {
	select {
	case l.jobs <- job:
		return nil
	case <-l.failed:
		return l.err
	}
}

// wait waits until the jobs sent are done (or one failed), ends the
// loader and returns the error of the job that failed, if any; no job may
// be sent after it. It may be called again.
func (l *loader) wait() error {
	if !l.waited {
		l.waited = true
		close(l.jobs)
	}
	<-l.done
	return l.err
}

// insertSQL is the INSERT of n rows into b's table (SQLite). It is an
// INSERT OR FAIL: a row that breaks a constraint still fails the
// statement, and so the import, whose transaction then rolls back; but,
// unlike the default (ABORT), SQLite need not be able to undo the
// statement's earlier rows on its own, and so keeps no statement journal.
// That journal copied every page a statement touched, each new
// employee's NIP in another page of the key's index, to a temporary file:
// 1.4 s of an import of 200,000 employees (BENCHMARKS.md).
func (b *bulk) insertSQL(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(b.columns)), ", ") + ")"
	return "INSERT OR FAIL INTO " + b.into.Sanitize() + " (" + quote(b.columns) + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// close closes the prepared statement.
func (b *bulk) close() {
	if b.insert != nil {
		b.s.raw.Raw(func(any) error { return b.insert.Close() })
	}
}
