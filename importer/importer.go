// Package importer loads the office's data, units, positions and
// employees, from CSV files, Excel workbooks or JSON arrays, read as they
// arrive: every row is checked first, one bad row refuses the whole file
// with every row's errors, and a good file is upserted in one
// transaction, so that loading it twice changes nothing. The API and the
// import page both load through it.
package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/models"
	"github.com/xuri/excelize/v2"
)

// MaxRowErrors bounds the row errors a refused import answers with; the
// rest are counted (apperr.Error.Count).
const MaxRowErrors = 1000

// spec parses one kind of row and says where it is written.
type spec struct {
	columns  []string // required columns, in CSV order
	optional []string
	// sets maps each optional column that holds a value of the row
	// itself to the database column it sets: rows that lack the column
	// leave that value as it was. (The other optional columns hold child
	// rows, which are replaced only for rows that have the column.)
	sets map[string]string
	// limits bounds the columns that hold an identifier or a name, in
	// characters.
	limits map[string]int
	parse  func(r row) (any, []apperr.FieldError)
	// table is where parsed rows are upserted, keyed by its first
	// column.
	table table
	// ref is the column of table that names a row of refTable, which
	// must exist; empty names none.
	ref, refTable string
	// children are the child rows a parsed row holds.
	children []children
	// after runs once the rows are written, in their transaction, with
	// the SELECT (SQL) of their keys.
	after func(tx *gorm.DB, keys string) error

	// siasn: the file is one of SIASN's, its columns named as SIASN names
	// them: a header matches a column whatever its case, spaces and
	// underscores ("NIP BARU", "nip_baru", "nipBaru"), columns no kind
	// reads are ignored, a leading apostrophe (SIASN's mark of a text
	// cell) and the value "null" are dropped from every value.
	siasn bool
	// load reads, before the rows, what parse needs to know of the
	// database (see siasnRefs).
	load func(conn *gorm.DB) (*siasnRefs, error)
	// unchanged lists database columns the upsert of an existing row
	// never changes (values the file does not carry).
	unchanged []string
	// lists are the columns of table that hold JSON lists, where no list
	// is stored as NULL (an import's) or as [] (GORM's serializer, for
	// an empty list): a row is not changed from one to the other.
	lists []string
	// talentDefault: a new row gets the middle performance and potential,
	// and Result.DefaultTalent counts them.
	talentDefault bool
	// replace, when set, makes each row a record of a history, not a
	// keyed row: the file replaces, for each key (NIP) it holds, the
	// records of that key in table, or, when source is set, those whose
	// column source holds it; a record takes the place of another with
	// the same primary key, conflict (nil: none can have it).
	// Result.Children counts them under the name replace.
	// keyOf gives the key that no two rows may share (nil: the first
	// column's value).
	replace  string
	source   string
	conflict []string
	// skpYears, when set, makes a history's records SIASN's SKP of the
	// years from skpYears[0] to skpYears[1], merged into the employees'
	// lists (mergeSKP) instead of written to table: SIASN gives SKP
	// before and from 2022 in two histories.
	skpYears *[2]int
	// stageTypes, when set, are the SQL types of table's columns, for
	// rows staged for no table of the database's (skpYears).
	stageTypes []string
	keyOf      func(v any) string
	// check, when set, refuses a history's staged records (in the table
	// rows) that contradict what the database holds, with row errors,
	// before they are written.
	check func(tx *gorm.DB, rows string) error
	// refKey is the column of refTable that ref names (empty: id).
	refKey string
	// spell, when set, is the open spell that after (db.RecordPostsOf)
	// gives a new row, an employee whose reference is their post, in
	// that post's unit (which it leaves empty): with it, a new row can
	// be written as it is read (see direct).
	spell func(v any) db.Spell
}

// employeeSpell is the open spell of an employee in their post since
// they took it.
func employeeSpell(v any) db.Spell {
	e := v.(models.Employee)
	return db.Spell{NIP: e.NIP, PositionID: e.PositionID, Start: e.InPostSince}
}

// table is a database table an import writes: the columns it writes and
// their values for one parsed row (or child row).
type table struct {
	name    string
	columns []string
	values  func(v any) []any
}

// children are child rows of a kind (an employee's sanctions, a
// position's competencies, a unit's SIASN UNOR IDs): the
// optional column that holds them, the table they go to, keyed by its
// first column (the parent's key), and the child rows of a parsed row.
type children struct {
	column string
	table
	of func(v any) []any
	// unique is a column of table whose value names one parent at most
	// (e.g. a SIASN UNOR ID maps to one unit): a value given for two
	// parents, or already held by a parent the file does not replace, is
	// a row error.
	unique string
}

// childrenOf describes the child rows of type C that of gives for a
// parent of type P, written to the columns of name by values.
func childrenOf[P, C any](column, name string, columns []string, of func(P) []C, values func(C) []any) children {
	return children{column: column, table: table{name, columns, func(v any) []any { return values(v.(C)) }},
		of: func(v any) []any {
			var out []any
			for _, c := range of(v.(P)) {
				out = append(out, c)
			}
			return out
		}}
}

// Result says what an import wrote: how many rows it created, how many
// stored ones it changed (updated) and left as they were (unchanged)
// and, for each kind of child row whose column the file has (an
// employee's sanctions, a position's competencies), how many it removed
// and wrote. A kind whose column the file lacks was left as it was and is
// not listed. (An employee's SKP and competencies are kept in their row,
// and written with it.)
type Result struct {
	Kind    string `json:"kind"`
	Rows    int    `json:"rows"`
	Created int    `json:"created"`
	Updated int    `json:"updated"`
	// Unchanged counts the stored rows the file gives as they are, with
	// the same child rows: the import left them untouched.
	Unchanged int                   `json:"unchanged"`
	Children  map[string]ChildCount `json:"children,omitempty"`
	// DefaultTalent counts the employees a SIASN import created with the
	// middle performance and potential, which SIASN does not carry: HR
	// loads the talent data for them.
	DefaultTalent int `json:"default_talent,omitempty"`
}

// ChildCount counts the child rows of one kind that an import replaced:
// those it removed and those it wrote.
type ChildCount struct {
	Removed int `json:"removed"`
	Written int `json:"written"`
}

// row is one record of an import, by column name, with its 1-based line
// (or row of the sheet).
type row struct {
	n int
	// cols is where in values each column the file has is: one map,
	// shared by the rows of a CSV file or workbook.
	cols   map[string]int
	values []string
	errs   []apperr.FieldError
	// serialDates: the row comes from a workbook, where a date cell holds
	// Excel's serial day number.
	serialDates bool
	// refs is what a SIASN import knows of the database (spec.load).
	refs *siasnRefs
	// expand, when set, makes the row stand for the rows it reads, which
	// the checker that takes it reads (a run of a workbook's sheet:
	// readSheet); its error ends the import.
	expand func() ([]row, error)
}

// field is the row's value of the column col ("" when the file lacks the
// column).
func (r *row) field(col string) string {
	if i, ok := r.cols[col]; ok {
		return r.values[i]
	}
	return ""
}

// has reports whether the row has the column col, even empty.
func (r *row) has(col string) bool {
	_, ok := r.cols[col]
	return ok
}

func (r *row) fail(field, id, en string) {
	r.errs = append(r.errs, apperr.FieldError{Row: r.n, Field: field, Message: id, MessageEN: en})
}

// checkLength refuses a value of field over max characters.
func (r *row) checkLength(field, v string, max int) {
	if n := utf8.RuneCountInString(v); n > max {
		r.fail(field, fmt.Sprintf("paling banyak %d karakter (ada %d)", max, n), fmt.Sprintf("takes at most %d characters (has %d)", max, n))
	}
}

func (r *row) text(field string, required bool) string {
	v := strings.TrimSpace(r.field(field))
	if v == "" && required {
		r.fail(field, "wajib diisi", "is required")
	}
	return v
}

func (r *row) integer(field string, lo, hi int) int {
	v := r.text(field, true)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.fail(field, fmt.Sprintf("harus bilangan bulat %d sampai %d", lo, hi), fmt.Sprintf("must be a whole number from %d to %d", lo, hi))
	}
	return n
}

func (r *row) flag(field string) bool {
	switch strings.ToLower(r.text(field, false)) {
	case "", "0", "false", "tidak", "no":
		return false
	case "1", "true", "ya", "yes":
		return true
	}
	r.fail(field, "harus ya/tidak (true/false)", "must be true or false")
	return false
}

func (r *row) rank(field string) models.Rank {
	v := r.text(field, true)
	if v == "" {
		return 0
	}
	rk, err := models.ParseRank(v)
	if err != nil {
		r.fail(field, "pangkat/golongan tidak dikenal: "+v+" (contoh III/a atau Penata Muda)", "unknown rank "+v+" (e.g. III/a or Penata Muda)")
	}
	return rk
}

func (r *row) education(field string) models.Education {
	v := r.text(field, true)
	if v == "" {
		return 0
	}
	e, err := models.ParseEducation(v)
	if err != nil {
		r.fail(field, "pendidikan tidak dikenal: "+v+" (SMA, D3, S1, S2, S3)", "unknown education "+v+" (SMA, D3, S1, S2, S3)")
	}
	return e
}

func (r *row) level(field string) models.Level {
	switch strings.ToLower(r.text(field, true)) {
	case "1", "low", "rendah":
		return models.Low
	case "2", "medium", "sedang":
		return models.Medium
	case "3", "high", "tinggi":
		return models.High
	case "":
		return 0
	}
	r.fail(field, "harus rendah, sedang atau tinggi (1-3)", "must be low, medium or high (1-3)")
	return 0
}

// dateLayouts are the ways an import may write a date: ISO, day/month/year
// as Indonesian spreadsheets do (leading zeros optional), day-month-year
// as SIASN does, or an ISO time stamp (SIASN's API writes some dates so).
var dateLayouts = []string{"2006-01-02", "2/1/2006", "2-1-2006", time.RFC3339}

// date reads a required date column: text in one of dateLayouts or, in
// a workbook, a date cell.
func (r *row) date(field string) time.Time {
	v := r.text(field, true)
	if v == "" {
		return time.Time{}
	}
	if serial, err := strconv.ParseFloat(v, 64); err == nil && r.serialDates {
		if d, err := excelize.ExcelDateToTime(serial, false); err == nil {
			return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		}
	}
	d, err := parseDate(v)
	if err != nil {
		r.fail(field, "tanggal harus YYYY-MM-DD, DD/MM/YYYY atau DD-MM-YYYY", "the date must be YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY")
	}
	return d
}

// parseDate reads a date in one of dateLayouts.
func parseDate(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	var err error
	for _, layout := range dateLayouts {
		var d time.Time
		if d, err = time.Parse(layout, v); err == nil {
			return d, nil
		}
	}
	return time.Time{}, err
}

// sanctions reads "type:start..end" lists, e.g.
// "sedang:2025-03-01..2026-03-01;berat:2026-01-05..": end is the first
// day free of the sanction; only a heavy one may be open-ended.
func (r *row) sanctions(field, nip string) []models.Sanction {
	var out []models.Sanction
	for _, p := range r.pairs(field) {
		typ, ok := models.ParseChoice(p[0], models.SanctionTypes)
		from, to, _ := strings.Cut(p[1], "..")
		start, err := parseDate(from)
		s := models.Sanction{NIP: nip, Type: typ, Start: start}
		if to = strings.TrimSpace(to); to != "" && err == nil {
			end, endErr := parseDate(to)
			s.End, err = &end, endErr
		}
		switch {
		case !ok || err != nil:
			r.fail(field, "sanksi harus jenis:mulai..selesai, jenis ringan, sedang atau berat, tanggal YYYY-MM-DD atau DD/MM/YYYY, mis. sedang:2025-03-01..2026-03-01",
				"a sanction must be type:start..end, type ringan, sedang or berat, dates YYYY-MM-DD or DD/MM/YYYY, e.g. sedang:2025-03-01..2026-03-01")
		case s.End == nil && typ != models.SanctionBerat:
			r.fail(field, "sanksi "+string(typ)+" harus punya tanggal selesai", "a "+string(typ)+" sanction must have an end date")
		case s.End != nil && !s.End.After(start):
			r.fail(field, "tanggal selesai sanksi harus setelah tanggal mulai", "a sanction must end after it starts")
		case slices.ContainsFunc(out, func(o models.Sanction) bool { return o.Type == typ && o.Start.Equal(start) }):
			r.fail(field, "sanksi "+p[0]+":"+from+" disebut dua kali", "the sanction "+p[0]+":"+from+" is given twice")
		default:
			out = append(out, s)
			continue
		}
		return nil
	}
	return out
}

// choice reads an optional column whose value is one of choices and that
// only a position of kind k may have.
func choice[T ~string](r *row, field string, kind, k models.PositionKind, choices []T) T {
	v := r.text(field, false)
	if v == "" {
		return ""
	}
	c, ok := models.ParseChoice(v, choices)
	names := make([]string, len(choices))
	for i, c := range choices {
		names[i] = string(c)
	}
	list := strings.Join(names, ", ")
	switch {
	case !ok:
		r.fail(field, v+" tidak dikenal; pilihan: "+list, "unknown "+v+"; choices: "+list)
	case kind != k:
		r.fail(field, "hanya untuk jabatan "+string(k), "only for a "+string(k)+" position")
	}
	return c
}

// pairs reads "a:1;b:2" lists.
func (r *row) pairs(field string) [][2]string {
	list := r.text(field, false)
	if list == "" {
		return nil
	}
	out := make([][2]string, 0, strings.Count(list, ";")+1)
	for part := range strings.SplitSeq(list, ";") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, ":")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			r.fail(field, "format harus nama:nilai;nama:nilai", "format must be name:value;name:value")
			return nil
		}
		out = append(out, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
	}
	return out
}

// competencies reads "name:level;..." lists of competencies, levels 1 to
// 5, in name order; of a name given twice, the last level counts.
func (r *row) competencies(field string) []models.EmployeeCompetency {
	pairs := r.pairs(field)
	if len(pairs) == 0 {
		return nil
	}
	out := make([]models.EmployeeCompetency, 0, len(pairs))
	for _, p := range pairs {
		r.checkLength(field, p[0], models.MaxCompetencyName)
		n, err := strconv.Atoi(p[1])
		if err != nil || n < 1 || n > 5 {
			r.fail(field, "level kompetensi "+p[0]+" harus 1 sampai 5", "the level of "+p[0]+" must be 1 to 5")
			continue
		}
		out = append(out, models.EmployeeCompetency{Name: p[0], Level: n})
	}
	slices.SortStableFunc(out, func(a, b models.EmployeeCompetency) int { return strings.Compare(a.Name, b.Name) })
	kept := out[:0]
	for i, c := range out {
		if i+1 == len(out) || out[i+1].Name != c.Name {
			kept = append(kept, c)
		}
	}
	return kept
}

var specs = map[string]spec{
	"units": {
		columns:  []string{"id", "name"},
		optional: []string{"siasn_unor_ids"},
		limits:   map[string]int{"id": models.MaxUnitID, "name": models.MaxName},
		parse: func(r row) (any, []apperr.FieldError) {
			u := unit{Unit: models.Unit{ID: r.text("id", true), Name: r.text("name", true)}}
			for _, id := range r.list("siasn_unor_ids", models.MaxSIASNID) {
				u.unors = append(u.unors, models.UnitSIASNUnor{UnorID: id, UnitID: u.ID})
			}
			return u, r.errs
		},
		table: table{"units", []string{"id", "name"}, func(v any) []any {
			u := v.(unit)
			return []any{u.ID, u.Name}
		}},
		children: []children{withUnique("unor_id",
			childrenOf("siasn_unor_ids", "unit_siasn_unors", []string{"unit_id", "unor_id"},
				func(u unit) []models.UnitSIASNUnor { return u.unors },
				func(m models.UnitSIASNUnor) []any { return []any{m.UnitID, m.UnorID} }))},
	},
	"positions": {
		columns:  []string{"id", "unit_id", "name", "kind", "class", "min_rank", "max_rank", "min_education", "seats"},
		optional: []string{"extra_duty", "competencies", "functional_level", "jpt_tier", "siasn_jabatan_id"},
		sets: map[string]string{"extra_duty": "extra_duty", "functional_level": "functional_level", "jpt_tier": "jpt_tier",
			"siasn_jabatan_id": "siasn_jabatan_id"},
		limits: map[string]int{"id": models.MaxPositionID, "unit_id": models.MaxUnitID, "name": models.MaxName,
			"siasn_jabatan_id": models.MaxSIASNID},
		parse: func(r row) (any, []apperr.FieldError) {
			p := models.Position{ID: r.text("id", true), UnitID: r.text("unit_id", true), Name: r.text("name", true),
				Kind: models.PositionKind(r.text("kind", true)), Class: r.integer("class", 1, 17), MinRank: r.rank("min_rank"),
				MaxRank: r.rank("max_rank"), MinEducation: r.education("min_education"), Seats: r.integer("seats", 0, 10000),
				ExtraDuty: r.flag("extra_duty"), SIASNJabatanID: r.text("siasn_jabatan_id", false)}
			if p.Kind != "" && !p.Kind.Valid() {
				r.fail("kind", "jenis jabatan harus jpt, administrator, pengawas, fungsional atau pelaksana",
					"kind must be jpt, administrator, pengawas, fungsional or pelaksana")
			}
			p.FunctionalLevel = choice(&r, "functional_level", p.Kind, models.KindFungsional, models.FunctionalLevels)
			p.JPTTier = choice(&r, "jpt_tier", p.Kind, models.KindJPT, models.JPTTiers)
			if p.MinRank > 0 && p.MaxRank > 0 && p.MaxRank < p.MinRank {
				r.fail("max_rank", "tidak boleh di bawah min_rank", "must not be below min_rank")
			}
			for _, c := range r.competencies("competencies") {
				p.Competencies = append(p.Competencies, models.PositionCompetency{PositionID: p.ID, Name: c.Name, Level: c.Level})
			}
			return p, r.errs
		},
		table: table{"positions", []string{"id", "unit_id", "name", "kind", "class", "min_rank", "max_rank", "min_education", "seats",
			"extra_duty", "functional_level", "jpt_tier", "siasn_jabatan_id"}, func(v any) []any {
			p := v.(models.Position)
			return []any{p.ID, p.UnitID, p.Name, string(p.Kind), int64(p.Class), int64(p.MinRank), int64(p.MaxRank), int64(p.MinEducation),
				int64(p.Seats), p.ExtraDuty, string(p.FunctionalLevel), string(p.JPTTier), p.SIASNJabatanID}
		}},
		ref: "unit_id", refTable: "units",
		children: []children{
			childrenOf("competencies", "position_competencies", []string{"position_id", "name", "level"},
				func(p models.Position) []models.PositionCompetency { return p.Competencies },
				func(c models.PositionCompetency) []any { return []any{c.PositionID, c.Name, int64(c.Level)} }),
		},
	},
	"employees": {
		columns: []string{"nip", "name", "status", "rank", "position_id", "in_post_since", "education",
			"performance", "potential"},
		optional: []string{"email", "phone", "notify", "lang", "legal_process", "under_sanction", "sanctions", "skp", "competencies",
			"relative_nips"},
		sets: map[string]string{"email": "email", "phone": "phone", "notify": "notify", "lang": "lang", "legal_process": "legal_process",
			"under_sanction": "legal_process", "relative_nips": "relative_nips", "skp": "skp",
			"competencies": "competencies"},
		limits: map[string]int{"name": models.MaxName, "position_id": models.MaxPositionID},
		parse:  parseEmployee,
		table:  table{"employees", employeeColumns, func(v any) []any { return employeeValues(v.(models.Employee)) }},
		lists:  []string{"relative_nips", "skp", "competencies"},
		ref:    "position_id", refTable: "positions",
		children: []children{
			childrenOf("sanctions", "sanctions", []string{"nip", "type", "start", "end", "source"},
				func(e models.Employee) []models.Sanction { return e.Sanctions },
				func(s models.Sanction) []any { return append(sanctionValues(s), s.Source) }),
		},
		after: db.RecordPostsOf,
		spell: employeeSpell,
	},
	"siasn-asn":         siasnASN,
	"siasn-rw-skp":      siasnSKP,
	"siasn-rw-skp-2011": siasnSKP2011,
	"siasn-rw-hukdis":   siasnHukdis,
	"siasn-rw-jabatan":  siasnJabatan,
	"siasn-rw-golongan": siasnGolongan,
	"siasn-rw-diklat":   siasnDiklat,
	"siasn-rw-kursus":   siasnKursus,
}

// nip reads a required NIP, which must be valid.
func (r *row) nip(field string) string {
	nip := r.text(field, true)
	if nip != "" {
		if _, err := models.ParseNIP(nip); err != nil {
			r.fail(field, "NIP tidak sah: "+err.Error(), "invalid NIP: "+err.Error())
		}
	}
	return nip
}

// email checks an e-mail address read from field (empty: none).
func (r *row) email(field, address string) {
	if address != "" && models.CheckEmail(address) != nil {
		r.fail(field, "alamat e-mail tidak sah: tulis satu alamat saja, mis. budi@banjarbarukota.go.id",
			"invalid e-mail address: give one plain address, e.g. budi@banjarbarukota.go.id")
	}
}

// sanctionValues are the values of a sanction's nip, type, start and end.
func sanctionValues(s models.Sanction) []any {
	var end any // NULL: open-ended
	if s.End != nil {
		end = *s.End
	}
	return []any{s.NIP, string(s.Type), s.Start, end}
}

// employeeColumns are the columns of employees an import of employees
// writes, in the order of employeeValues.
var employeeColumns = []string{"nip", "name", "email", "phone", "notify", "lang", "status", "rank", "position_id", "in_post_since",
	"education", "performance", "potential", "legal_process", "relative_nips", "skp", "competencies"}

// employeeValues are the values of employeeColumns for e.
func employeeValues(e models.Employee) []any {
	return []any{e.NIP, e.Name, e.Email, e.Phone, string(e.Notify), e.Lang, string(e.Status), int64(e.Rank), e.PositionID, e.InPostSince,
		int64(e.Education), int64(e.Performance), int64(e.Potential), e.LegalProcess, jsonList(e.RelativeNIPs), jsonList(e.SKP), jsonList(e.Competencies)}
}

// unit is a parsed row of units: the unit and the SIASN UNOR IDs that
// belong to it.
type unit struct {
	models.Unit
	unors []models.UnitSIASNUnor
}

// withUnique is c whose column unique names one parent at most.
func withUnique(unique string, c children) children {
	c.unique = unique
	return c
}

// list reads a list separated by semicolons, each item at most max
// characters and given once.
func (r *row) list(field string, max int) []string {
	var out []string
	for _, v := range strings.Split(r.text(field, false), ";") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		r.checkLength(field, v, max)
		if slices.Contains(out, v) {
			r.fail(field, v+" disebut dua kali", v+" is given twice")
			continue
		}
		out = append(out, v)
	}
	return out
}

func parseEmployee(r row) (any, []apperr.FieldError) {
	e := models.Employee{NIP: r.nip("nip"), Name: r.text("name", true), Email: r.text("email", false),
		Lang: r.text("lang", false), Status: models.EmployeeStatus(r.text("status", true)), Rank: r.rank("rank"),
		PositionID: r.text("position_id", false), Education: r.education("education"),
		Performance: r.level("performance"), Potential: r.level("potential"),
		// under_sanction is the column's old name: the flag it set said
		// neither which sanction nor until when, as legal_process does.
		LegalProcess: r.flag("legal_process") || r.flag("under_sanction")}
	r.email("email", e.Email)
	var err error
	if e.Phone, err = models.ParsePhone(r.text("phone", false)); err != nil {
		r.fail("phone", "bukan nomor ponsel Indonesia (mis. 0812-3456-7890)", "not an Indonesian mobile number (e.g. 0812-3456-7890)")
	}
	if e.Notify, err = models.ParseChannel(r.text("notify", false)); err != nil {
		r.fail("notify", "notify harus email, webhook atau both", "notify must be email, webhook or both")
	}
	if e.Lang == "" {
		e.Lang = i18n.Default
	}
	if !i18n.Known(e.Lang) {
		r.fail("lang", "bahasa harus id atau en", "lang must be id or en")
	}
	switch e.Status {
	case models.StatusPNS, models.StatusCPNS, models.StatusStudyLeave, models.StatusRetired, "":
	default:
		r.fail("status", "status harus pns, cpns, study_leave atau retired", "status must be pns, cpns, study_leave or retired")
	}
	e.InPostSince = r.date("in_post_since")
	e.Sanctions = r.sanctions("sanctions", e.NIP)
	years := map[int]bool{}
	for _, p := range r.pairs("skp") {
		year, err := strconv.Atoi(p[0])
		pred, perr := models.ParsePredicate(p[1])
		if err != nil || year < 1990 || year > 2100 || perr != nil {
			r.fail("skp", "SKP harus tahun:predikat, mis. 2025:Baik", "SKP must be year:predicate, e.g. 2025:Baik")
			continue
		}
		if years[year] {
			r.fail("skp", "SKP tahun "+p[0]+" disebut dua kali", "the SKP of "+p[0]+" is given twice")
			continue
		}
		years[year] = true
		e.SKP = append(e.SKP, models.EmployeeSKP{Year: year, Predicate: pred})
	}
	slices.SortFunc(e.SKP, func(a, b models.EmployeeSKP) int { return a.Year - b.Year }) // stored in year order
	// Competencies are stored in name order, as competencies reads them.
	e.Competencies = r.competencies("competencies")
	for _, n := range strings.Split(r.text("relative_nips", false), ";") {
		if n = strings.TrimSpace(n); n != "" {
			e.RelativeNIPs = append(e.RelativeNIPs, n)
		}
	}
	return e, r.errs
}

// keep lists the database columns that rows with the optional columns in
// has leave as they are: those no column they have sets, and those the
// kind never changes.
func (imp spec) keep(has map[string]bool) []string {
	keep := slices.Clone(imp.unchanged)
	var set []string
	for col, dbCol := range imp.sets {
		if has[col] {
			set = append(set, dbCol)
		}
	}
	for _, dbCol := range imp.sets {
		if !slices.Contains(set, dbCol) && !slices.Contains(keep, dbCol) {
			keep = append(keep, dbCol)
		}
	}
	return keep
}

// rowErrors collects the row errors of an import: the first MaxRowErrors
// of them, and the count of all, so that the errors of a file of bad rows
// take no more memory, and its answer no more room, than a thousand do.
type rowErrors struct {
	list  []apperr.FieldError
	total int
}

func (e *rowErrors) add(errs ...apperr.FieldError) {
	e.total += len(errs)
	if room := MaxRowErrors - len(e.list); room > 0 {
		e.list = append(e.list, errs[:min(room, len(errs))]...)
	}
}

// merge adds the errors of other, in the order of their rows.
func (e *rowErrors) merge(other rowErrors) {
	if other.total == 0 {
		return
	}
	e.list = append(e.list, other.list...)
	slices.SortStableFunc(e.list, func(a, b apperr.FieldError) int { return a.Row - b.Row })
	e.list = e.list[:min(len(e.list), MaxRowErrors)]
	e.total += other.total
}

// problem refuses the file with the errors collected.
func (e *rowErrors) problem() error {
	id, en := fmt.Sprintf("%d kesalahan; tidak ada data yang disimpan", e.total), fmt.Sprintf("%d errors; nothing was saved", e.total)
	if e.total == 1 {
		en = "1 error; nothing was saved"
	}
	if e.total > len(e.list) {
		id += fmt.Sprintf(" (%d yang pertama ditampilkan)", len(e.list))
		en += fmt.Sprintf(" (the first %d are listed)", len(e.list))
	}
	return &apperr.Error{Kind: apperr.KindInvalid, Message: id, MessageEN: en, Errors: e.list, Count: e.total}
}
