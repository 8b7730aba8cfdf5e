package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/models"
)

// importer parses one kind of row and writes a batch of them.
type importer struct {
	columns  []string // required columns, in CSV order
	optional []string
	parse    func(r row) (any, []FieldError)
	write    func(tx *gorm.DB, rows []any) error
}

// row is one record of an import, by column name, with its 1-based line.
type row struct {
	n      int
	fields map[string]string
	errs   []FieldError
}

func (r *row) fail(field, id, en string) {
	r.errs = append(r.errs, FieldError{Row: r.n, Field: field, Message: id, MessageEN: en})
}

func (r *row) str(field string, required bool) string {
	v := strings.TrimSpace(r.fields[field])
	if v == "" && required {
		r.fail(field, "wajib diisi", "is required")
	}
	return v
}

func (r *row) int(field string, lo, hi int) int {
	v := r.str(field, true)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.fail(field, fmt.Sprintf("harus bilangan bulat %d sampai %d", lo, hi), fmt.Sprintf("must be a whole number from %d to %d", lo, hi))
	}
	return n
}

func (r *row) bool(field string) bool {
	switch strings.ToLower(r.str(field, false)) {
	case "", "0", "false", "tidak", "no":
		return false
	case "1", "true", "ya", "yes":
		return true
	}
	r.fail(field, "harus ya/tidak (true/false)", "must be true or false")
	return false
}

func (r *row) rank(field string) models.Rank {
	v := r.str(field, true)
	if v == "" {
		return 0
	}
	rk, err := models.ParseRank(v)
	if err != nil {
		r.fail(field, "pangkat/golongan tidak dikenal: "+v+" (contoh III/a)", "unknown rank "+v+" (e.g. III/a)")
	}
	return rk
}

func (r *row) education(field string) models.Education {
	v := r.str(field, true)
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
	switch strings.ToLower(r.str(field, true)) {
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

// dateLayout is how imports write dates.
const dateLayout = "2006-01-02"

// sanctions reads "type:start..end" lists, e.g.
// "sedang:2025-03-01..2026-03-01;berat:2026-01-05..": end is the first
// day free of the sanction; only a heavy one may be open-ended.
func (r *row) sanctions(field, nip string) []models.Sanction {
	var out []models.Sanction
	for _, p := range r.pairs(field) {
		typ, ok := models.ParseChoice(p[0], models.SanctionTypes)
		from, to, _ := strings.Cut(p[1], "..")
		start, err := time.Parse(dateLayout, strings.TrimSpace(from))
		s := models.Sanction{NIP: nip, Type: typ, Start: start}
		if to = strings.TrimSpace(to); to != "" && err == nil {
			end, endErr := time.Parse(dateLayout, to)
			s.End, err = &end, endErr
		}
		switch {
		case !ok || err != nil:
			r.fail(field, "sanksi harus jenis:mulai..selesai, jenis ringan, sedang atau berat, tanggal YYYY-MM-DD, mis. sedang:2025-03-01..2026-03-01",
				"a sanction must be type:start..end, type ringan, sedang or berat, dates YYYY-MM-DD, e.g. sedang:2025-03-01..2026-03-01")
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
	v := r.str(field, false)
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
	for _, part := range strings.Split(r.str(field, false), ";") {
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
		n, err := strconv.Atoi(p[1])
		if err != nil || n < 1 || n > 5 {
			r.fail(field, "level kompetensi "+p[0]+" harus 1 sampai 5", "the level of "+p[0]+" must be 1 to 5")
			continue
		}
		out[p[0]] = n
	}
	return out
}

var importers = map[string]importer{
	"units": {
		columns: []string{"id", "name"},
		parse: func(r row) (any, []FieldError) {
			u := models.Unit{ID: r.str("id", true), Name: r.str("name", true)}
			return u, r.errs
		},
		write: func(tx *gorm.DB, rows []any) error {
			units := make([]models.Unit, len(rows))
			for i, v := range rows {
				units[i] = v.(models.Unit)
			}
			return upsert(tx, units)
		},
	},
	"positions": {
		columns:  []string{"id", "unit_id", "name", "kind", "class", "min_rank", "max_rank", "min_education", "seats"},
		optional: []string{"extra_duty", "competencies", "functional_level", "jpt_tier"},
		parse: func(r row) (any, []FieldError) {
			p := models.Position{ID: r.str("id", true), UnitID: r.str("unit_id", true), Name: r.str("name", true),
				Kind: models.PositionKind(r.str("kind", true)), Class: r.int("class", 1, 17), MinRank: r.rank("min_rank"),
				MaxRank: r.rank("max_rank"), MinEducation: r.education("min_education"), Seats: r.int("seats", 0, 10000),
				ExtraDuty: r.bool("extra_duty")}
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
		write: func(tx *gorm.DB, rows []any) error {
			positions, ids := make([]models.Position, len(rows)), make([]string, len(rows))
			var comps []models.PositionCompetency
			for i, v := range rows {
				p := v.(models.Position)
				comps = append(comps, p.Competencies...)
				p.Competencies = nil
				positions[i], ids[i] = p, p.ID
			}
			if err := upsert(tx, positions); err != nil {
				return err
			}
			return replaceChildren(tx, "position_id", ids, comps)
		},
	},
	"employees": {
		columns: []string{"nip", "name", "status", "rank", "position_id", "in_post_since", "education",
			"performance", "potential"},
		optional: []string{"email", "lang", "legal_process", "under_sanction", "sanctions", "skp", "competencies", "relative_nips"},
		parse:    parseEmployee,
		write: func(tx *gorm.DB, rows []any) error {
			employees, nips := make([]models.Employee, len(rows)), make([]string, len(rows))
			var skp []models.EmployeeSKP
			var comps []models.EmployeeCompetency
			var sanctions []models.Sanction
			for i, v := range rows {
				e := v.(models.Employee)
				skp, comps, sanctions = append(skp, e.SKP...), append(comps, e.Competencies...), append(sanctions, e.Sanctions...)
				e.SKP, e.Competencies, e.Sanctions = nil, nil, nil
				employees[i], nips[i] = e, e.NIP
			}
			if err := upsert(tx, employees); err != nil {
				return err
			}
			if err := db.RecordPosts(tx, nips); err != nil {
				return err
			}
			if err := replaceChildren(tx, "nip", nips, skp); err != nil {
				return err
			}
			if err := replaceChildren(tx, "nip", nips, sanctions); err != nil {
				return err
			}
			return replaceChildren(tx, "nip", nips, comps)
		},
	},
}

// batchParams is how many bind parameters an import puts in one
// statement, far below the limits of SQLite (32,766) and PostgreSQL
// (65,535): PostgreSQL is no faster with larger statements, and the
// SQLite driver looks each parameter up by a linear search, so a
// statement's cost grows with the square of its parameters.
const batchParams = 2048

// insert creates rows in batches of as many as fit in batchParams; tx may
// carry an ON CONFLICT clause.
func insert[T any](tx *gorm.DB, rows []T) error {
	stmt := &gorm.Statement{DB: tx}
	if err := stmt.Parse(new(T)); err != nil {
		return err
	}
	return tx.CreateInBatches(&rows, batchParams/len(stmt.Schema.DBNames)).Error
}

// upsert writes rows by their primary key: a new key is inserted, a known
// one has its row updated in place.
func upsert[T any](tx *gorm.DB, rows []T) error {
	return insert(tx.Clauses(clause.OnConflict{UpdateAll: true}), rows)
}

// replaceChildren makes rows the child rows of the parents: it deletes
// every row of T whose key column names one of parents, then inserts rows.
func replaceChildren[T any](tx *gorm.DB, key string, parents []string, rows []T) error {
	for ids := range slices.Chunk(parents, batchParams) {
		if err := tx.Where(key+" IN ?", ids).Delete(new(T)).Error; err != nil {
			return err
		}
	}
	return insert(tx, rows)
}

func parseEmployee(r row) (any, []FieldError) {
	e := models.Employee{NIP: r.str("nip", true), Name: r.str("name", true), Email: r.str("email", false),
		Lang: r.str("lang", false), Status: models.EmployeeStatus(r.str("status", true)), Rank: r.rank("rank"),
		PositionID: r.str("position_id", false), Education: r.education("education"),
		Performance: r.level("performance"), Potential: r.level("potential"),
		// under_sanction is the column's old name: the flag it set said
		// neither which sanction nor until when, as legal_process does.
		LegalProcess: r.bool("legal_process") || r.bool("under_sanction")}
	if e.NIP != "" {
		if _, err := models.ParseNIP(e.NIP); err != nil {
			r.fail("nip", "NIP tidak sah: "+err.Error(), "invalid NIP: "+err.Error())
		}
	}
	switch e.Lang {
	case "":
		e.Lang = "id"
	case "id", "en":
	default:
		r.fail("lang", "bahasa harus id atau en", "lang must be id or en")
	}
	switch e.Status {
	case models.StatusPNS, models.StatusCPNS, models.StatusStudyLeave, models.StatusRetired, "":
	default:
		r.fail("status", "status harus pns, cpns, study_leave atau retired", "status must be pns, cpns, study_leave or retired")
	}
	if v := r.str("in_post_since", true); v != "" {
		d, err := time.Parse(dateLayout, v)
		if err != nil {
			r.fail("in_post_since", "tanggal harus YYYY-MM-DD", "the date must be YYYY-MM-DD")
		}
		e.InPostSince = d
	}
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
	for _, n := range strings.Split(r.str("relative_nips", false), ";") {
		if n = strings.TrimSpace(n); n != "" {
			e.RelativeNIPs = append(e.RelativeNIPs, n)
		}
	}
	return e, r.errs
}

// readRows reads a CSV (with a header) or, when contentType says so, a
// JSON array of objects.
func readRows(contentType string, body []byte, imp importer) ([]row, error) {
	if strings.HasPrefix(contentType, "application/json") {
		var objs []map[string]any
		if err := json.Unmarshal(body, &objs); err != nil {
			return nil, fail(http.StatusBadRequest, "", "JSON harus berupa array objek: "+err.Error(), "JSON must be an array of objects: "+err.Error())
		}
		rows := make([]row, len(objs))
		for i, o := range objs {
			rows[i] = row{n: i + 1, fields: map[string]string{}}
			for k, v := range o {
				if v != nil {
					rows[i].fields[k] = fmt.Sprint(v)
				}
			}
		}
		return rows, nil
	}
	if contentType != "text/csv" && contentType != "" {
		return nil, fail(http.StatusUnsupportedMediaType, "Content-Type", "kirim text/csv atau application/json", "send text/csv or application/json")
	}
	rd := csv.NewReader(bytes.NewReader(body))
	rd.TrimLeadingSpace = true
	records, err := rd.ReadAll()
	if err != nil {
		return nil, fail(http.StatusBadRequest, "", "CSV tidak sah: "+err.Error(), "malformed CSV: "+err.Error())
	}
	if len(records) == 0 {
		return nil, fail(http.StatusBadRequest, "", "berkas kosong", "empty file")
	}
	header := records[0]
	known := map[string]bool{}
	for _, col := range append(append([]string{}, imp.columns...), imp.optional...) {
		known[col] = true
	}
	for _, h := range header {
		if !known[strings.TrimSpace(h)] {
			return nil, fail(http.StatusBadRequest, strings.TrimSpace(h), "kolom tidak dikenal: "+h, "unknown column: "+h)
		}
	}
	rows := make([]row, 0, len(records)-1)
	for i, rec := range records[1:] {
		r := row{n: i + 2, fields: map[string]string{}}
		for j, h := range header {
			r.fields[strings.TrimSpace(h)] = rec[j]
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// importData loads units, positions or employees from the request body.
func (s *Server) importData(c *gin.Context) error {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return fail(http.StatusRequestEntityTooLarge, "", "berkas terlalu besar", "file too large")
	}
	n, err := s.importRows(c, c.Param("kind"), c.ContentType(), body)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"kind": c.Param("kind"), "rows": n})
	return nil
}

// importRows loads one file of units, positions or employees and returns
// how many rows it wrote. Every row is checked first; one bad row refuses
// the whole file with every row's errors, and nothing is written. Rows
// are upserted by their key, so importing the same file twice changes
// nothing. The API and the import page both load through it.
func (s *Server) importRows(ctx context.Context, kind, contentType string, body []byte) (int, error) {
	imp, ok := importers[kind]
	if !ok {
		return 0, fail(http.StatusNotFound, "kind", "jenis impor harus units, positions atau employees", "the import kind must be units, positions or employees")
	}
	if err := checkText(body); err != nil {
		return 0, err
	}
	rows, err := readRows(contentType, body, imp)
	if err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, invalid("", "berkas tidak berisi baris data", "the file has no data rows")
	}
	var parsed []any
	var lines []int
	var errs []FieldError
	keys := map[string]int{}
	for _, r := range rows {
		v, rowErrs := imp.parse(r)
		key := strings.TrimSpace(r.fields[imp.columns[0]])
		if first, dup := keys[key]; dup && key != "" {
			rowErrs = append(rowErrs, FieldError{Row: r.n, Field: imp.columns[0],
				Message: fmt.Sprintf("duplikat baris %d", first), MessageEN: fmt.Sprintf("duplicate of row %d", first)})
		}
		keys[key] = r.n
		errs = append(errs, rowErrs...)
		parsed, lines = append(parsed, v), append(lines, r.n)
	}
	if len(errs) == 0 {
		errs = s.checkReferences(ctx, kind, parsed, lines)
	}
	if len(errs) > 0 {
		return 0, &apiError{status: http.StatusUnprocessableEntity, id: fmt.Sprintf("%d kesalahan; tidak ada data yang disimpan", len(errs)),
			en: fmt.Sprintf("%d errors; nothing was saved", len(errs)), errors: errs}
	}
	if err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return imp.write(tx, parsed) }); err != nil {
		return 0, err
	}
	return len(parsed), nil
}

// checkReferences checks that positions name known units and employees
// known positions.
func (s *Server) checkReferences(ctx context.Context, kind string, parsed []any, lines []int) []FieldError {
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
	for ids := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(refs))), batchParams) {
		var known []string
		if err := s.DB.WithContext(ctx).Table(table).Where("id IN ?", ids).Pluck("id", &known).Error; err != nil {
			return []FieldError{{Field: field, Message: "gagal memeriksa rujukan", MessageEN: "could not check references"}}
		}
		for _, k := range known {
			ok[k] = true
		}
	}
	var errs []FieldError
	for i, ref := range refs {
		if !ok[ref] {
			errs = append(errs, FieldError{Row: lines[i], Field: field, Message: ref + " tidak ditemukan", MessageEN: ref + " not found"})
		}
	}
	return errs
}
