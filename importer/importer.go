// Package importer loads the office's data, units, positions and
// employees, from CSV or JSON files: every row is checked first, one bad
// row refuses the whole file with every row's errors, and a good file is
// upserted in one transaction, so that loading it twice changes nothing.
// The API and the import page both load through it.
package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/models"
	"github.com/xuri/excelize/v2"
)

// MaxRowErrors bounds the row errors a refused import answers with; the
// rest are counted (apperr.Error.Count).
const MaxRowErrors = 1000

// spec parses one kind of row and writes a batch of them.
type spec struct {
	columns  []string // required columns, in CSV order
	optional []string
	// sets maps each optional column that holds a value of the row
	// itself to the database column it sets: rows that lack the column
	// leave that value as it was. (The other optional columns hold child
	// rows, which write replaces only for rows that have the column.)
	sets map[string]string
	// limits bounds the columns that hold an identifier or a name, in
	// characters.
	limits map[string]int
	parse  func(r row) (any, []apperr.FieldError)
	write  func(tx *gorm.DB, b batch, res *Result) error
}

// batch is rows of an import that have the same columns, to be written
// together.
type batch struct {
	rows []any
	has  map[string]bool // the optional columns the rows have
	keep []string        // the database columns the rows leave as they are
}

// Result says what an import wrote: how many rows it created and
// updated and, for each kind of child row (skp, competencies, sanctions)
// whose column the file has, how many it removed and wrote. A kind whose
// column the file lacks was left as it was and is not listed.
type Result struct {
	Kind     string                `json:"kind"`
	Rows     int                   `json:"rows"`
	Created  int                   `json:"created"`
	Updated  int                   `json:"updated"`
	Children map[string]ChildCount `json:"children,omitempty"`
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
	n      int
	fields map[string]string
	errs   []apperr.FieldError
	// serialDates: the row comes from a workbook, where a date cell holds
	// Excel's serial day number.
	serialDates bool
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
	v := strings.TrimSpace(r.fields[field])
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

// dateLayouts are the ways an import may write a date: ISO, or
// day/month/year as Indonesian spreadsheets do (leading zeros optional).
var dateLayouts = []string{"2006-01-02", "2/1/2006"}

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
		r.fail(field, "tanggal harus YYYY-MM-DD atau DD/MM/YYYY", "the date must be YYYY-MM-DD or DD/MM/YYYY")
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
	var out [][2]string
	for _, part := range strings.Split(r.text(field, false), ";") {
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

func (r *row) competencies(field string) map[string]int {
	out := map[string]int{}
	for _, p := range r.pairs(field) {
		r.checkLength(field, p[0], models.MaxCompetencyName)
		n, err := strconv.Atoi(p[1])
		if err != nil || n < 1 || n > 5 {
			r.fail(field, "level kompetensi "+p[0]+" harus 1 sampai 5", "the level of "+p[0]+" must be 1 to 5")
			continue
		}
		out[p[0]] = n
	}
	return out
}

var specs = map[string]spec{
	"units": {
		columns: []string{"id", "name"},
		limits:  map[string]int{"id": models.MaxUnitID, "name": models.MaxName},
		parse: func(r row) (any, []apperr.FieldError) {
			u := models.Unit{ID: r.text("id", true), Name: r.text("name", true)}
			return u, r.errs
		},
		write: func(tx *gorm.DB, b batch, res *Result) error {
			units, ids := make([]models.Unit, len(b.rows)), make([]string, len(b.rows))
			for i, v := range b.rows {
				units[i] = v.(models.Unit)
				ids[i] = units[i].ID
			}
			return upsert(tx, res, ids, units, b.keep)
		},
	},
	"positions": {
		columns:  []string{"id", "unit_id", "name", "kind", "class", "min_rank", "max_rank", "min_education", "seats"},
		optional: []string{"extra_duty", "competencies", "functional_level", "jpt_tier"},
		sets:     map[string]string{"extra_duty": "extra_duty", "functional_level": "functional_level", "jpt_tier": "jpt_tier"},
		limits:   map[string]int{"id": models.MaxPositionID, "unit_id": models.MaxUnitID, "name": models.MaxName},
		parse: func(r row) (any, []apperr.FieldError) {
			p := models.Position{ID: r.text("id", true), UnitID: r.text("unit_id", true), Name: r.text("name", true),
				Kind: models.PositionKind(r.text("kind", true)), Class: r.integer("class", 1, 17), MinRank: r.rank("min_rank"),
				MaxRank: r.rank("max_rank"), MinEducation: r.education("min_education"), Seats: r.integer("seats", 0, 10000),
				ExtraDuty: r.flag("extra_duty")}
			if p.Kind != "" && !p.Kind.Valid() {
				r.fail("kind", "jenis jabatan harus jpt, administrator, pengawas, fungsional atau pelaksana",
					"kind must be jpt, administrator, pengawas, fungsional or pelaksana")
			}
			p.FunctionalLevel = choice(&r, "functional_level", p.Kind, models.KindFungsional, models.FunctionalLevels)
			p.JPTTier = choice(&r, "jpt_tier", p.Kind, models.KindJPT, models.JPTTiers)
			if p.MinRank > 0 && p.MaxRank > 0 && p.MaxRank < p.MinRank {
				r.fail("max_rank", "tidak boleh di bawah min_rank", "must not be below min_rank")
			}
			for name, level := range r.competencies("competencies") {
				p.Competencies = append(p.Competencies, models.PositionCompetency{PositionID: p.ID, Name: name, Level: level})
			}
			return p, r.errs
		},
		write: func(tx *gorm.DB, b batch, res *Result) error {
			positions, ids := make([]models.Position, len(b.rows)), make([]string, len(b.rows))
			var comps []models.PositionCompetency
			for i, v := range b.rows {
				p := v.(models.Position)
				comps = append(comps, p.Competencies...)
				p.Competencies = nil
				positions[i], ids[i] = p, p.ID
			}
			if err := upsert(tx, res, ids, positions, b.keep); err != nil {
				return err
			}
			return replaceChildren(tx, res, b, "competencies", "position_id", ids, comps)
		},
	},
	"employees": {
		columns: []string{"nip", "name", "status", "rank", "position_id", "in_post_since", "education",
			"performance", "potential"},
		optional: []string{"email", "lang", "legal_process", "under_sanction", "sanctions", "skp", "competencies", "relative_nips"},
		sets: map[string]string{"email": "email", "lang": "lang", "legal_process": "legal_process", "under_sanction": "legal_process",
			"relative_nips": "relative_nips"},
		limits: map[string]int{"name": models.MaxName, "position_id": models.MaxPositionID},
		parse:  parseEmployee,
		write: func(tx *gorm.DB, b batch, res *Result) error {
			employees, nips := make([]models.Employee, len(b.rows)), make([]string, len(b.rows))
			var skp []models.EmployeeSKP
			var comps []models.EmployeeCompetency
			var sanctions []models.Sanction
			for i, v := range b.rows {
				e := v.(models.Employee)
				skp, comps, sanctions = append(skp, e.SKP...), append(comps, e.Competencies...), append(sanctions, e.Sanctions...)
				e.SKP, e.Competencies, e.Sanctions = nil, nil, nil
				employees[i], nips[i] = e, e.NIP
			}
			if err := upsert(tx, res, nips, employees, b.keep); err != nil {
				return err
			}
			if err := db.RecordPosts(tx, nips); err != nil {
				return err
			}
			if err := replaceChildren(tx, res, b, "skp", "nip", nips, skp); err != nil {
				return err
			}
			if err := replaceChildren(tx, res, b, "sanctions", "nip", nips, sanctions); err != nil {
				return err
			}
			return replaceChildren(tx, res, b, "competencies", "nip", nips, comps)
		},
	},
}

// BatchParams is how many bind parameters an import puts in one
// statement, far below the limits of SQLite (32,766) and PostgreSQL
// (65,535): PostgreSQL is no faster with larger statements, and the
// SQLite driver looks each parameter up by a linear search, so a
// statement's cost grows with the square of its parameters.
const BatchParams = 2048

// insert creates rows in batches of as many as fit in BatchParams; tx may
// carry an ON CONFLICT clause.
func insert[T any](tx *gorm.DB, rows []T) error {
	stmt := &gorm.Statement{DB: tx}
	if err := stmt.Parse(new(T)); err != nil {
		return err
	}
	return tx.CreateInBatches(&rows, BatchParams/len(stmt.Schema.DBNames)).Error
}

// upsert writes rows by their primary key, keys[i] being that of rows[i]:
// a new key is inserted, a known one has its row updated in place but for
// the columns in keep. It counts the rows it created and updated in res.
func upsert[T any](tx *gorm.DB, res *Result, keys []string, rows []T, keep []string) error {
	stmt := &gorm.Statement{DB: tx}
	if err := stmt.Parse(new(T)); err != nil {
		return err
	}
	pk := stmt.Schema.PrioritizedPrimaryField.DBName
	for ids := range slices.Chunk(keys, BatchParams) {
		var known int64
		if err := tx.Model(new(T)).Where(pk+" IN ?", ids).Count(&known).Error; err != nil {
			return err
		}
		res.Created, res.Updated = res.Created+len(ids)-int(known), res.Updated+int(known)
	}
	var update []string
	for _, col := range stmt.Schema.DBNames {
		if col != pk && !slices.Contains(keep, col) {
			update = append(update, col)
		}
	}
	return insert(tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: pk}}, DoUpdates: clause.AssignmentColumns(update)}), rows)
}

// replaceChildren makes rows the child rows of the parents when the batch
// has their column: it deletes every row of T whose key column names one
// of parents, then inserts rows, and counts both in res under column.
// Without the column it leaves the child rows as they are.
func replaceChildren[T any](tx *gorm.DB, res *Result, b batch, column, key string, parents []string, rows []T) error {
	if !b.has[column] {
		return nil
	}
	c := res.Children[column]
	for ids := range slices.Chunk(parents, BatchParams) {
		del := tx.Where(key+" IN ?", ids).Delete(new(T))
		if del.Error != nil {
			return del.Error
		}
		c.Removed += int(del.RowsAffected)
	}
	c.Written += len(rows)
	if res.Children == nil {
		res.Children = map[string]ChildCount{}
	}
	res.Children[column] = c
	return insert(tx, rows)
}

func parseEmployee(r row) (any, []apperr.FieldError) {
	e := models.Employee{NIP: r.text("nip", true), Name: r.text("name", true), Email: r.text("email", false),
		Lang: r.text("lang", false), Status: models.EmployeeStatus(r.text("status", true)), Rank: r.rank("rank"),
		PositionID: r.text("position_id", false), Education: r.education("education"),
		Performance: r.level("performance"), Potential: r.level("potential"),
		// under_sanction is the column's old name: the flag it set said
		// neither which sanction nor until when, as legal_process does.
		LegalProcess: r.flag("legal_process") || r.flag("under_sanction")}
	if e.NIP != "" {
		if _, err := models.ParseNIP(e.NIP); err != nil {
			r.fail("nip", "NIP tidak sah: "+err.Error(), "invalid NIP: "+err.Error())
		}
	}
	if e.Email != "" && models.CheckEmail(e.Email) != nil {
		r.fail("email", "alamat e-mail tidak sah: tulis satu alamat saja, mis. budi@banjarbarukota.go.id",
			"invalid e-mail address: give one plain address, e.g. budi@banjarbarukota.go.id")
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
		e.SKP = append(e.SKP, models.EmployeeSKP{NIP: e.NIP, Year: year, Predicate: pred})
	}
	for name, level := range r.competencies("competencies") {
		e.Competencies = append(e.Competencies, models.EmployeeCompetency{NIP: e.NIP, Name: name, Level: level})
	}
	for _, n := range strings.Split(r.text("relative_nips", false), ";") {
		if n = strings.TrimSpace(n); n != "" {
			e.RelativeNIPs = append(e.RelativeNIPs, n)
		}
	}
	return e, r.errs
}

// ContentTypeXLSX is the media type of an Excel workbook (.xlsx).
const ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// readRows reads a CSV (with a header; comma- or semicolon-separated,
// with or without a byte order mark), the first sheet of an Excel
// workbook (its first row the header) or, when contentType says so, a
// JSON array of objects.
func readRows(contentType string, body []byte, imp spec) ([]row, error) {
	var records [][]string
	var lines []int // a sheet's row of each record after the header
	sheet := contentType == ContentTypeXLSX
	switch contentType {
	case "application/json":
		if err := models.CheckText(body); err != nil {
			return nil, err
		}
		var objs []map[string]any
		if err := json.Unmarshal(body, &objs); err != nil {
			return nil, apperr.New(apperr.KindMalformed, "", "JSON harus berupa array objek: "+err.Error(), "JSON must be an array of objects: "+err.Error())
		}
		rows := make([]row, len(objs))
		for i, o := range objs {
			rows[i] = row{n: i + 1, fields: map[string]string{}}
			for k, v := range o {
				rows[i].fields[k] = "" // null: the column is there, and empty
				if v != nil {
					rows[i].fields[k] = fmt.Sprint(v)
				}
			}
		}
		return rows, nil
	case ContentTypeXLSX:
		var err error
		if records, lines, err = sheetRecords(body); err != nil {
			return nil, err
		}
	case "text/csv", "":
		if err := models.CheckText(body); err != nil {
			return nil, err
		}
		body = bytes.TrimPrefix(body, []byte("\ufeff")) // Excel's "CSV UTF-8" begins with a byte order mark
		rd := csv.NewReader(bytes.NewReader(body))
		rd.Comma = separator(body)
		rd.TrimLeadingSpace = true
		var err error
		if records, err = rd.ReadAll(); err != nil {
			return nil, apperr.New(apperr.KindMalformed, "", "CSV tidak sah: "+err.Error(), "malformed CSV: "+err.Error())
		}
	default:
		return nil, apperr.New(apperr.KindUnsupported, "Content-Type", "kirim text/csv, berkas Excel (.xlsx) atau application/json",
			"send text/csv, an Excel workbook (.xlsx) or application/json")
	}
	if len(records) == 0 {
		return nil, apperr.New(apperr.KindMalformed, "", "berkas kosong", "empty file")
	}
	header := records[0]
	known := map[string]bool{}
	for _, col := range append(append([]string{}, imp.columns...), imp.optional...) {
		known[col] = true
	}
	for _, h := range header {
		if !known[strings.TrimSpace(h)] {
			return nil, apperr.New(apperr.KindMalformed, strings.TrimSpace(h), "kolom tidak dikenal: "+h, "unknown column: "+h)
		}
	}
	rows := make([]row, 0, len(records)-1)
	for i, rec := range records[1:] {
		r := row{n: i + 2, fields: map[string]string{}, serialDates: sheet}
		if sheet {
			r.n = lines[i]
		}
		for j, h := range header {
			r.fields[strings.TrimSpace(h)] = rec[j]
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// Limits on a workbook's unpacked size, checked as it is read: an .xlsx
// is a zip archive, and a small one can unpack into gigabytes.
const (
	maxSheetUnzipped = 256 << 20
	maxSheetXML      = 128 << 20
)

// sheetRecords reads the first sheet of an Excel workbook: its non-empty
// rows, each as long as the first (the header), with raw cell values (a
// date is its serial day number), and each record's row number after the
// header.
func sheetRecords(body []byte) ([][]string, []int, error) {
	malformed := func(err error) error {
		return apperr.New(apperr.KindMalformed, "", "berkas Excel tidak sah: "+err.Error(), "malformed Excel workbook: "+err.Error())
	}
	f, err := excelize.OpenReader(bytes.NewReader(body), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: maxSheetUnzipped, UnzipXMLSizeLimit: maxSheetXML})
	if err != nil {
		return nil, nil, malformed(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, malformed(errors.New("no sheet"))
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, nil, malformed(err)
	}
	defer it.Close()
	var records [][]string
	var lines []int
	for n := 1; it.Next(); n++ {
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, malformed(err)
		}
		if !slices.ContainsFunc(cells, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			continue
		}
		for _, c := range cells {
			if err := models.CheckText([]byte(c)); err != nil {
				return nil, nil, err
			}
		}
		if len(records) > 0 {
			if len(cells) > len(records[0]) {
				return nil, nil, apperr.New(apperr.KindMalformed, "", fmt.Sprintf("baris %d punya lebih banyak sel daripada judul kolom", n),
					fmt.Sprintf("row %d has more cells than the header", n))
			}
			cells = append(cells, make([]string, len(records[0])-len(cells))...)
			lines = append(lines, n)
		}
		records = append(records, cells)
	}
	if err := it.Error(); err != nil {
		return nil, nil, malformed(err)
	}
	return records, lines, nil
}

// separator is the field separator of a CSV file: a semicolon when its
// header line has more semicolons than commas, as Excel writes CSV where
// the comma is the decimal mark (Indonesian settings), else a comma. No
// column name holds either.
func separator(body []byte) rune {
	header, _, _ := bytes.Cut(body, []byte("\n"))
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		return ';'
	}
	return ','
}

// Load loads one file of units, positions or employees into gdb and says
// what it wrote. Every row is checked first; one bad row refuses the
// whole file with the rows' errors (the first MaxRowErrors, and the count
// of all), and nothing is written. Rows are upserted by their key, so
// importing the same file twice changes nothing; a row without an
// optional column leaves what the column holds as it was, a row with the
// column empty clears it. The API and the import page both load through
// it.
func Load(ctx context.Context, gdb *gorm.DB, kind, contentType string, body []byte) (Result, error) {
	res := Result{Kind: kind}
	imp, ok := specs[kind]
	if !ok {
		return res, apperr.New(apperr.KindNotFound, "kind", "jenis impor harus units, positions atau employees", "the import kind must be units, positions or employees")
	}
	rows, err := readRows(contentType, body, imp)
	if err != nil {
		return res, err
	}
	if len(rows) == 0 {
		return res, apperr.Invalid("", "berkas tidak berisi baris data", "the file has no data rows")
	}
	var parsed []any
	var lines []int
	var errs rowErrors
	keys := map[string]int{}
	for _, r := range rows {
		for _, col := range slices.Concat(imp.columns, imp.optional) {
			if max, ok := imp.limits[col]; ok {
				r.checkLength(col, strings.TrimSpace(r.fields[col]), max)
			}
		}
		v, rowErrs := imp.parse(r)
		key := strings.TrimSpace(r.fields[imp.columns[0]])
		if first, dup := keys[key]; dup && key != "" {
			rowErrs = append(rowErrs, apperr.FieldError{Row: r.n, Field: imp.columns[0],
				Message: fmt.Sprintf("duplikat baris %d", first), MessageEN: fmt.Sprintf("duplicate of row %d", first)})
		}
		keys[key] = r.n
		errs.add(rowErrs...)
		if errs.total == 0 { // a file with errors is not written: keep no more of it
			parsed, lines = append(parsed, v), append(lines, r.n)
		}
	}
	if errs.total == 0 {
		if err := checkReferences(ctx, gdb, kind, parsed, lines, &errs); err != nil {
			return res, err
		}
	}
	if errs.total > 0 {
		return res, errs.problem()
	}
	err = gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, b := range imp.batches(rows, parsed) {
			if err := imp.write(tx, b, &res); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Result{Kind: kind}, err
	}
	res.Rows = len(parsed)
	return res, nil
}

// batches splits the rows of a file, parsed[i] being rows[i], by the
// optional columns they have (every row of a CSV file has the same; the
// objects of a JSON array may differ).
func (imp spec) batches(rows []row, parsed []any) []batch {
	var out []batch
	index := map[string]int{}
	for i, r := range rows {
		has := map[string]bool{}
		var cols []string
		for _, col := range imp.optional {
			if _, ok := r.fields[col]; ok {
				has[col], cols = true, append(cols, col)
			}
		}
		sig := strings.Join(cols, ",")
		k, ok := index[sig]
		if !ok {
			k, index[sig] = len(out), len(out)
			out = append(out, batch{has: has, keep: imp.keep(has)})
		}
		out[k].rows = append(out[k].rows, parsed[i])
	}
	return out
}

// keep lists the database columns that rows with the optional columns in
// has leave as they are: those no column they have sets.
func (imp spec) keep(has map[string]bool) []string {
	var keep, set []string
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

// problem refuses the file with the errors collected.
func (e *rowErrors) problem() error {
	id, en := fmt.Sprintf("%d kesalahan; tidak ada data yang disimpan", e.total), fmt.Sprintf("%d errors; nothing was saved", e.total)
	if e.total > len(e.list) {
		id += fmt.Sprintf(" (%d yang pertama ditampilkan)", len(e.list))
		en += fmt.Sprintf(" (the first %d are listed)", len(e.list))
	}
	return &apperr.Error{Kind: apperr.KindInvalid, Message: id, MessageEN: en, Errors: e.list, Count: e.total}
}

// checkReferences checks that positions name known units and employees
// known positions, adding a row error for each that does not to errs.
func checkReferences(ctx context.Context, gdb *gorm.DB, kind string, parsed []any, lines []int, errs *rowErrors) error {
	table, field := "", ""
	var refs []string
	switch kind {
	case "positions":
		table, field = "units", "unit_id"
		for _, v := range parsed {
			refs = append(refs, v.(models.Position).UnitID)
		}
	case "employees":
		table, field = "positions", "position_id"
		for _, v := range parsed {
			refs = append(refs, v.(models.Employee).PositionID)
		}
	default:
		return nil
	}
	ok := map[string]bool{"": kind == "employees"}
	for ids := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(refs))), BatchParams) {
		var known []string
		if err := gdb.WithContext(ctx).Table(table).Where("id IN ?", ids).Pluck("id", &known).Error; err != nil {
			return err
		}
		for _, k := range known {
			ok[k] = true
		}
	}
	for i, ref := range refs {
		if !ok[ref] {
			errs.add(apperr.FieldError{Row: lines[i], Field: field, Message: ref + " tidak ditemukan", MessageEN: ref + " not found"})
		}
	}
	return nil
}
