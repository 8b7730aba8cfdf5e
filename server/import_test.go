package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"github.com/bkpsdm/mutasi/apikey"
	"github.com/bkpsdm/mutasi/importer"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
	"github.com/xuri/excelize/v2"
)

// importReply is the answer to an import: the problem of a refused one,
// the result of one that wrote.
type importReply struct {
	Problem
	Result      importer.Result
	ContentType string
}

// importAPI returns a function that posts a CSV file (or a JSON array) to
// the import API of a server on gdb, as HR, and expects the given status.
func importAPI(tb testing.TB, gdb *gorm.DB) func(kind, body string, status int) importReply {
	tb.Helper()
	return importAPIAs(tb, gdb, "")
}

// importAPIAs is importAPI sending the given Content-Type ("": text/csv,
// or application/json for a body that starts with "[").
func importAPIAs(tb testing.TB, gdb *gorm.DB, contentType string) func(kind, body string, status int) importReply {
	tb.Helper()
	post := importFile(tb, gdb)
	return func(kind, body string, status int) importReply {
		tb.Helper()
		ct := contentType
		switch {
		case ct != "":
		case strings.HasPrefix(body, "["):
			ct = "application/json"
		default:
			ct = "text/csv"
		}
		return post(kind, ct, strings.NewReader(body), status)
	}
}

// importFile returns a function that posts a body of the given
// Content-Type to the import API of a server on gdb, as HR, and expects
// the given status.
func importFile(tb testing.TB, gdb *gorm.DB) func(kind, contentType string, body io.Reader, status int) importReply {
	tb.Helper()
	tok, err := apikey.Issue(gdb, "hr", models.Actor{ID: "hr1", Role: models.RoleHR})
	if err != nil {
		tb.Fatal(err)
	}
	h := (&Server{DB: gdb, LinkSecret: []byte("x"), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler()
	return func(kind, contentType string, body io.Reader, status int) importReply {
		tb.Helper()
		req := httptest.NewRequest("POST", "/api/v1/imports/"+kind, body)
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != status {
			tb.Fatalf("import %s: %d, want %d: %.300s", kind, rec.Code, status, rec.Body)
		}
		r := importReply{ContentType: rec.Header().Get("Content-Type")}
		into := any(&r.Problem)
		if status == http.StatusOK {
			into = &r.Result
		}
		if err := json.Unmarshal(rec.Body.Bytes(), into); err != nil {
			tb.Fatalf("import %s: %v: %.300s", kind, err, rec.Body)
		}
		return r
	}
}

// importedState dumps every unit, position and employee, with their child
// rows, in key order.
func importedState(t *testing.T, gdb *gorm.DB) string {
	t.Helper()
	by := func(col string) func(*gorm.DB) *gorm.DB {
		return func(q *gorm.DB) *gorm.DB { return q.Order(col) }
	}
	var units []models.Unit
	var positions []models.Position
	var employees []models.Employee
	if err := errors.Join(gdb.Order("id").Find(&units).Error,
		gdb.Preload("Competencies", by("name")).Order("id").Find(&positions).Error,
		gdb.Order("nip").Find(&employees).Error); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v\n%+v\n%+v", units, positions, employees)
}

// childCounts counts the SKP and competencies in the employees' rows and
// the child rows of positions.
func childCounts(t *testing.T, gdb *gorm.DB) (skp, employeeComps, positionComps int64) {
	t.Helper()
	var held []models.Employee
	if err := errors.Join(gdb.Select("nip", "skp", "competencies").Find(&held).Error,
		gdb.Model(&models.PositionCompetency{}).Count(&positionComps).Error); err != nil {
		t.Fatal(err)
	}
	for _, e := range held {
		skp, employeeComps = skp+int64(len(e.SKP)), employeeComps+int64(len(e.Competencies))
	}
	return skp, employeeComps, positionComps
}

// TestImportInBatches imports files larger than one batch, on each
// backend, and checks that batching keeps what an import means: a second
// import of the same file changes nothing, a changed file replaces the
// child rows of the employees (and positions) it names and of no others,
// and a bad row in the last batch refuses the whole file.
func TestImportInBatches(t *testing.T) {
	const n = 3000
	d := seed.Generate(n, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 3)
	units, positions, employees := governmentCSV(d)
	var skp, comps, positionComps int64
	for _, e := range d.Employees {
		skp, comps = skp+int64(len(e.SKP)), comps+int64(len(e.Competencies))
	}
	for _, p := range d.Positions {
		positionComps += int64(len(p.Competencies))
	}
	// Each write must take more than one statement: the deletes of child
	// rows (a parameter per employee) and the inserts of each table.
	if n <= importer.BatchParams {
		t.Fatalf("the child rows of %d employees are deleted in one statement of %d", n, importer.BatchParams)
	}
	for _, c := range []struct {
		model any
		rows  int64
	}{{&models.Employee{}, n}} {
		sch, err := schema.Parse(c.model, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			t.Fatal(err)
		}
		if batch := int64(importer.BatchParams / len(sch.DBNames)); c.rows <= batch {
			t.Fatalf("%d rows of %s fit in one batch of %d", c.rows, sch.Table, batch)
		}
	}

	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			post := importAPI(t, gdb)
			post("units", units, http.StatusOK)
			post("positions", positions, http.StatusOK)
			post("employees", employees, http.StatusOK)
			var count int64
			gdb.Model(&models.Employee{}).Count(&count)
			if s, c, pc := childCounts(t, gdb); count != n || s != skp || c != comps || pc != positionComps {
				t.Fatalf("imported %d employees, %d SKP, %d competencies, %d position competencies; want %d, %d, %d, %d",
					count, s, c, pc, n, skp, comps, positionComps)
			}

			first := importedState(t, gdb)
			post("units", units, http.StatusOK)
			post("positions", positions, http.StatusOK)
			post("employees", employees, http.StatusOK)
			if importedState(t, gdb) != first {
				t.Fatal("importing the same files again changed the data")
			}

			// A file without the first 100 employees, where the first and
			// last in it and one in the middle have new child rows, and
			// one has none.
			changed := append([]models.Employee(nil), d.Employees[100:]...)
			for _, i := range []int{0, len(changed) / 2, len(changed) - 1} {
				e := &changed[i]
				e.Name += " Baru"
				e.SKP = []models.EmployeeSKP{{Year: 2020, Predicate: models.SangatBaik}}
				e.Competencies = []models.EmployeeCompetency{{Name: "negosiasi", Level: 5}}
			}
			changed[1].SKP, changed[1].Competencies = nil, nil
			_, _, file := governmentCSV(seed.Data{Employees: changed})
			before := map[string]models.Employee{}
			for _, e := range d.Employees[:100] {
				before[e.NIP] = loadEmployee(t, gdb, e.NIP)
			}
			post("employees", file, http.StatusOK)
			for _, want := range []models.Employee{changed[0], changed[1], changed[len(changed)/2], changed[len(changed)-1]} {
				got := loadEmployee(t, gdb, want.NIP)
				if got.Name != want.Name || fmt.Sprint(got.SKP) != fmt.Sprint(want.SKP) ||
					fmt.Sprint(got.Competencies) != fmt.Sprint(want.Competencies) {
					t.Errorf("%s after the changed file: %s %+v %+v; want %s %+v %+v", want.NIP,
						got.Name, got.SKP, got.Competencies, want.Name, want.SKP, want.Competencies)
				}
			}
			for nip, e := range before {
				if got := loadEmployee(t, gdb, nip); fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", e) {
					t.Errorf("%s, not in the changed file, changed: %+v, was %+v", nip, got, e)
				}
			}
			var removedSKP, removedComps int64
			for _, i := range []int{0, 1, len(changed) / 2, len(changed) - 1} {
				e := d.Employees[100+i]
				removedSKP, removedComps = removedSKP+int64(len(e.SKP)), removedComps+int64(len(e.Competencies))
			}
			gdb.Model(&models.Employee{}).Count(&count)
			if s, c, _ := childCounts(t, gdb); count != n || s != skp-removedSKP+3 || c != comps-removedComps+3 {
				t.Errorf("after the changed file: %d employees, %d SKP, %d competencies; want %d, %d, %d",
					count, s, c, n, skp-removedSKP+3, comps-removedComps+3)
			}

			// The positions import replaces child rows the same way.
			p := d.Positions[0]
			p.Competencies = []models.PositionCompetency{{PositionID: p.ID, Name: "negosiasi", Level: 4}}
			_, file, _ = governmentCSV(seed.Data{Positions: []models.Position{p}})
			post("positions", file, http.StatusOK)
			var got []models.PositionCompetency
			gdb.Where("position_id = ?", p.ID).Find(&got)
			if _, _, pc := childCounts(t, gdb); fmt.Sprint(got) != fmt.Sprint(p.Competencies) ||
				pc != positionComps-int64(len(d.Positions[0].Competencies))+1 {
				t.Errorf("position %s competencies %+v (%d in all), want %+v", p.ID, got, pc, p.Competencies)
			}

			// A file that renames everyone and clears their child rows, with
			// one bad row at its end, writes nothing.
			state := importedState(t, gdb)
			renamed := append([]models.Employee(nil), d.Employees...)
			for i := range renamed {
				renamed[i].Name += " Lain"
				renamed[i].SKP, renamed[i].Competencies = nil, nil
			}
			for _, bad := range []struct {
				field string
				spoil func(*models.Employee)
			}{
				{"rank", func(e *models.Employee) { e.Rank = 99 }},
				{"position_id", func(e *models.Employee) { e.PositionID = "NOPE" }},
				{"skp", func(e *models.Employee) {
					e.SKP = []models.EmployeeSKP{{NIP: e.NIP, Year: 2025, Predicate: models.Baik},
						{NIP: e.NIP, Year: 2025, Predicate: models.Kurang}}
				}},
			} {
				rows := append([]models.Employee(nil), renamed...)
				bad.spoil(&rows[n-1])
				_, _, file := governmentCSV(seed.Data{Employees: rows})
				prob := post("employees", file, http.StatusUnprocessableEntity)
				if len(prob.Errors) != 1 || prob.Errors[0].Row != n+1 || prob.Errors[0].Field != bad.field {
					t.Errorf("a bad %s on the last row: errors %+v, want one on row %d", bad.field, prob.Errors, n+1)
				}
				if importedState(t, gdb) != state {
					t.Fatalf("a file with a bad %s on its last row changed the data", bad.field)
				}
			}

			// Keys are compared as they are written, without spaces around.
			prob := post("units", "id,name\nU900,Baru\nU900 ,Lagi\n", http.StatusUnprocessableEntity)
			if len(prob.Errors) != 1 || prob.Errors[0].Row != 3 || prob.Errors[0].Field != "id" {
				t.Errorf("a key repeated with a trailing space: errors %+v, want one on row 3", prob.Errors)
			}
		})
	}
}

// loadEmployee reads one employee with their child rows in key order.
func loadEmployee(t *testing.T, gdb *gorm.DB, nip string) models.Employee {
	t.Helper()
	var e models.Employee
	err := gdb.First(&e, "nip = ?", nip).Error
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestImportPositionLevels imports the functional level and the JPT tier
// of positions: written any way the forms write them, stored as codes,
// and refused, naming the row and the column, when unknown or on a
// position of another kind.
func TestImportPositionLevels(t *testing.T) {
	gdb, _ := testkit.Backends()[0].New(t)
	post := importAPI(t, gdb)
	post("units", "id,name\nU1,Dinas\n", http.StatusOK)
	const head = "id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats,functional_level,jpt_tier\n"
	post("positions", head+
		"P1,U1,Analis,fungsional,9,III/a,III/d,S1,1,Ahli Madya,\n"+
		"P2,U1,Sekda,jpt,15,IV/c,IV/e,S2,1,, Madya\n"+
		"P3,U1,Pranata,fungsional,8,II/c,III/b,D3,1,,\n"+
		"P4,U1,Pengadministrasi,pelaksana,5,I/a,II/d,SMA,1,,\n", http.StatusOK)
	var got []models.Position
	gdb.Order("id").Find(&got)
	levels := ""
	for _, p := range got {
		levels += fmt.Sprintf("%s:%s:%s ", p.ID, p.FunctionalLevel, p.JPTTier)
	}
	if want := "P1:ahli_madya: P2::madya P3:: P4:: "; levels != want {
		t.Errorf("stored %q, want %q", levels, want)
	}
	prob := post("positions", head+
		"P5,U1,Analis,fungsional,9,III/a,III/d,S1,1,ahli_agung,\n"+
		"P6,U1,Kepala,pengawas,9,III/a,III/d,S1,1,ahli_muda,\n"+
		"P7,U1,Sekda,jpt,15,IV/c,IV/e,S2,1,,utama\n"+
		"P8,U1,Kabid,administrator,11,III/c,IV/a,S1,1,,pratama\n"+
		"P9,U1,Sekda,jpt,15,IV/c,IV/e,S2,1,,kecil\n", http.StatusUnprocessableEntity)
	var errs []string
	for _, e := range prob.Errors {
		errs = append(errs, fmt.Sprintf("%d %s: %s", e.Row, e.Field, e.MessageEN))
	}
	want := []string{
		"2 functional_level: unknown ahli_agung; choices: pemula, terampil, mahir, penyelia, ahli_pertama, ahli_muda, ahli_madya, ahli_utama",
		"3 functional_level: only for a fungsional position",
		"5 jpt_tier: only for a jpt position",
		"6 jpt_tier: unknown kecil; choices: utama, madya, pratama",
	}
	if strings.Join(errs, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
	var n int64
	if gdb.Model(&models.Position{}).Count(&n); n != 4 {
		t.Errorf("%d positions after a refused file, want 4", n)
	}
}

// employeeHead is the header of the employee import's required columns.
const employeeHead = "nip,name,status,rank,position_id,in_post_since,education,performance,potential"

// onePost imports a unit U1 with one post P1 and returns the database,
// the import poster, and a maker of rows of employees in P1 whose optional
// columns are rest.
func onePost(t *testing.T) (*gorm.DB, func(kind, body string, status int) importReply, func(serial int, rest string) string) {
	gdb, _ := testkit.Backends()[0].New(t)
	post := importAPI(t, gdb)
	post("units", "id,name\nU1,Dinas\n", http.StatusOK)
	post("positions", "id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats\nP1,U1,Analis,pelaksana,7,II/a,III/d,SMA,5\n", http.StatusOK)
	return gdb, post, func(serial int, rest string) string {
		return fmt.Sprintf("19800101200501100%d,Nama,pns,III/a,P1,2022-01-03,S1,2,2,%s\n", serial, rest)
	}
}

// TestImportSanctions imports employees' sanctions and legal process:
// stored as periods, the old under_sanction column read as a legal
// process, and malformed sanctions refused naming the row and column.
func TestImportSanctions(t *testing.T) {
	gdb, post, row := onePost(t)
	const head = employeeHead + ","
	post("employees", head+"legal_process,sanctions\n"+
		row(1, `false,sedang:2025-03-01..2026-03-01;Berat:2026-05-04..`)+
		row(2, "ya,")+
		row(3, "false,"), http.StatusOK)
	post("employees", head+"under_sanction\n"+row(4, "true"), http.StatusOK)
	var sanctions []models.Sanction
	gdb.Order("nip, start").Find(&sanctions)
	var got []string
	for _, s := range sanctions {
		end := "open"
		if s.End != nil {
			end = s.End.Format(time.DateOnly)
		}
		got = append(got, fmt.Sprintf("%s %s %s..%s", s.NIP[15:], s.Type, s.Start.Format(time.DateOnly), end))
	}
	if want := "001 sedang 2025-03-01..2026-03-01, 001 berat 2026-05-04..open"; strings.Join(got, ", ") != want {
		t.Errorf("sanctions %v, want %s", got, want)
	}
	var legal []string
	gdb.Model(&models.Employee{}).Where("legal_process").Order("nip").Pluck("nip", &legal)
	if fmt.Sprint(legal) != "[198001012005011002 198001012005011004]" {
		t.Errorf("under a legal process: %v", legal)
	}
	prob := post("employees", head+"sanctions\n"+
		row(1, "teguran:2025-03-01..2025-04-01")+
		row(2, "sedang:2025-03-01")+
		row(3, "ringan:2025-03-01..2025-03-01")+
		row(4, "sedang:2025-13-01..2026-01-01")+
		row(5, "ringan:2025-03-01..2025-04-01;ringan:2025-03-01..2025-05-01"), http.StatusUnprocessableEntity)
	var errs []string
	for _, e := range prob.Errors {
		errs = append(errs, fmt.Sprintf("%d %s: %s", e.Row, e.Field, e.MessageEN))
	}
	format := "sanctions: a sanction must be type:start..end, type ringan, sedang or berat, dates YYYY-MM-DD or DD/MM/YYYY, e.g. sedang:2025-03-01..2026-03-01"
	want := []string{"2 " + format, "3 sanctions: a sedang sanction must have an end date",
		"4 sanctions: a sanction must end after it starts", "5 " + format,
		"6 sanctions: the sanction ringan:2025-03-01 is given twice"}
	if strings.Join(errs, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
	var n int64
	if gdb.Model(&models.Sanction{}).Count(&n); n != 2 {
		t.Errorf("%d sanctions after a refused file, want 2", n)
	}
}

// TestImportPositionHistory checks the spells the employee import writes:
// one open spell in the current post from in_post_since, once however
// often the file comes; a later post closes it; a corrected post or date
// replaces it.
func TestImportPositionHistory(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			post := importAPI(t, gdb)
			post("units", "id,name\nU1,Dinas\nU2,Badan\n", http.StatusOK)
			post("positions", "id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats\n"+
				"P1,U1,Analis,pelaksana,7,II/a,III/d,SMA,5\nP2,U2,Pengelola,pelaksana,7,II/a,III/d,SMA,5\n"+
				"P3,U2,Pengadministrasi,pelaksana,5,I/a,III/d,SMA,5\n", http.StatusOK)
			employee := func(position, since string) string {
				return "nip,name,status,rank,position_id,in_post_since,education,performance,potential\n" +
					"198001012005011001,Nama,pns,III/a," + position + "," + since + ",S1,2,2\n"
			}
			history := func() string {
				var spells []models.PositionHistory
				gdb.Order("start, id").Find(&spells)
				out := ""
				for _, s := range spells {
					end := "open"
					if s.End != nil {
						end = s.End.Format(time.DateOnly)
					}
					out += fmt.Sprintf("%s/%s %s..%s; ", s.PositionID, s.UnitID, s.Start.Format(time.DateOnly), end)
				}
				return out
			}
			steps := []struct{ position, since, want string }{
				{"P1", "2021-02-01", "P1/U1 2021-02-01..open; "},
				{"P1", "2021-02-01", "P1/U1 2021-02-01..open; "},                               // again: nothing more
				{"P1", "2021-01-04", "P1/U1 2021-01-04..open; "},                               // the date corrected
				{"P2", "2024-07-01", "P1/U1 2021-01-04..2024-07-01; P2/U2 2024-07-01..open; "}, // moved
				{"P2", "2024-07-01", "P1/U1 2021-01-04..2024-07-01; P2/U2 2024-07-01..open; "},
				{"P3", "2024-07-01", "P1/U1 2021-01-04..2024-07-01; P3/U2 2024-07-01..open; "}, // the post corrected
			}
			for i, s := range steps {
				post("employees", employee(s.position, s.since), http.StatusOK)
				if got := history(); got != s.want {
					t.Fatalf("after import %d (%s from %s): %s\nwant %s", i+1, s.position, s.since, got, s.want)
				}
			}
		})
	}
}

// TestImportIDLimits imports ids and names of the longest length each
// column takes, in characters of two bytes, then files with each one
// character longer: those are refused with 422 naming the row and the
// column, and nothing is written, the same on PostgreSQL and SQLite.
func TestImportIDLimits(t *testing.T) {
	at := func(n int) string { return strings.Repeat("é", n) }
	over := func(n int) string { return at(n + 1) }
	unit, position := at(models.MaxUnitID), at(models.MaxPositionID)
	comp := at(models.MaxCompetencyName)
	const positionHead = "id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats,competencies\n"
	const employeeHead = "nip,name,status,rank,position_id,in_post_since,education,performance,potential,competencies\n"
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			post := importAPI(t, gdb)
			post("units", "id,name\n"+unit+","+at(models.MaxName)+"\n", http.StatusOK)
			post("positions", positionHead+position+","+unit+","+at(models.MaxName)+",pelaksana,7,II/a,III/d,SMA,5,"+comp+":3\n", http.StatusOK)
			post("employees", employeeHead+"198001012005011001,"+at(models.MaxName)+",pns,III/a,"+position+",2022-01-03,S1,2,2,"+comp+":4\n", http.StatusOK)
			state := importedState(t, gdb)
			for _, c := range []struct {
				kind, file string
				fields     []string
			}{
				{"units", "id,name\nU1,Dinas\n" + over(models.MaxUnitID) + "," + over(models.MaxName) + "\n", []string{"id", "name"}},
				{"positions", positionHead + "P1," + unit + ",Analis,pelaksana,7,II/a,III/d,SMA,5,\n" +
					over(models.MaxPositionID) + "," + over(models.MaxUnitID) + "," + over(models.MaxName) + ",pelaksana,7,II/a,III/d,SMA,5," +
					over(models.MaxCompetencyName) + ":3\n", []string{"id", "unit_id", "name", "competencies"}},
				{"employees", employeeHead + "198001012005011002,Nama,pns,III/a," + position + ",2022-01-03,S1,2,2,\n" +
					"198001012005011003," + over(models.MaxName) + ",pns,III/a," + over(models.MaxPositionID) + ",2022-01-03,S1,2,2," +
					over(models.MaxCompetencyName) + ":4\n", []string{"name", "position_id", "competencies"}},
			} {
				prob := post(c.kind, c.file, http.StatusUnprocessableEntity)
				var got []string
				for _, e := range prob.Errors {
					got = append(got, fmt.Sprintf("%d %s", e.Row, e.Field))
				}
				var want []string
				for _, f := range c.fields {
					want = append(want, "3 "+f)
				}
				if strings.Join(got, ", ") != strings.Join(want, ", ") {
					t.Errorf("%s over their limits: errors %v (%s), want %v", c.kind, got, prob.Detail, want)
				}
				if importedState(t, gdb) != state {
					t.Errorf("a refused %s file changed the data", c.kind)
				}
			}
		})
	}
}

// TestImportLeavesAbsentColumns imports an employee with every optional
// column, then the same employee with the required columns only, which
// leaves what the other columns hold; then with the skp and competencies
// columns empty, which clears those and nothing else. Each answer says
// what changed. A JSON array whose objects differ is read object by
// object, and positions keep their competencies the same way.
func TestImportLeavesAbsentColumns(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			post := importAPI(t, gdb)
			post("units", "id,name\nU1,Dinas\n", http.StatusOK)
			const positionHead = "id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats"
			post("positions", positionHead+",extra_duty,competencies\nP1,U1,Analis,pelaksana,7,II/a,III/d,SMA,5,ya,arsip:3;rapat:2\n", http.StatusOK)
			const nip = "198001012005011001"
			const required = "nip,name,status,rank,position_id,in_post_since,education,performance,potential"
			row := nip + ",Nama,pns,III/a,P1,2022-01-03,S1,2,2"
			full := post("employees", required+",email,lang,legal_process,relative_nips,sanctions,skp,competencies\n"+row+
				`,nama@bkpsdm.go.id,en,ya,198001012005011002,sedang:2025-03-01..2026-03-01,2024:Baik;2025:Sangat Baik,a:1;b:2;c:3;d:4;e:5`+"\n", http.StatusOK)
			if r := full.Result; r.Created != 1 || r.Updated != 0 || len(r.Children) != 1 ||
				r.Children["sanctions"] != (importer.ChildCount{Written: 1}) {
				t.Errorf("the first import answered %+v", r)
			}
			record := func() string {
				t.Helper()
				var e models.Employee
				if err := gdb.Preload("Sanctions").First(&e, "nip = ?", nip).Error; err != nil {
					t.Fatal(err)
				}
				return fmt.Sprintf("%s %s %s %v %v skp=%d competencies=%d sanctions=%d", e.Name, e.Email, e.Lang, e.LegalProcess,
					e.RelativeNIPs, len(e.SKP), len(e.Competencies), len(e.Sanctions))
			}
			want := "Nama nama@bkpsdm.go.id en true [198001012005011002] skp=2 competencies=5 sanctions=1"
			if got := record(); got != want {
				t.Fatalf("after the full import: %s, want %s", got, want)
			}

			again := post("employees", required+"\n"+strings.Replace(row, "Nama", "Nama Baru", 1)+"\n", http.StatusOK)
			if r := again.Result; r.Rows != 1 || r.Created != 0 || r.Updated != 1 || len(r.Children) != 0 {
				t.Errorf("the import of the required columns answered %+v", r)
			}
			want = "Nama Baru nama@bkpsdm.go.id en true [198001012005011002] skp=2 competencies=5 sanctions=1"
			if got := record(); got != want {
				t.Errorf("after the import of the required columns: %s, want %s", got, want)
			}

			cleared := post("employees", required+",skp,competencies\n"+row+",,\n", http.StatusOK)
			if r := cleared.Result; r.Updated != 1 || len(r.Children) != 0 {
				t.Errorf("the import of empty skp and competencies answered %+v", r)
			}
			want = "Nama nama@bkpsdm.go.id en true [198001012005011002] skp=0 competencies=0 sanctions=1"
			if got := record(); got != want {
				t.Errorf("after the import of empty skp and competencies: %s, want %s", got, want)
			}

			// JSON: the first object sets the SKP, the second leaves it;
			// a null clears the email.
			other := "198001012005011003"
			post("employees", required+",skp\n"+strings.Replace(row, nip, other, 1)+",2023:Baik\n", http.StatusOK)
			obj := func(n string, extra string) string {
				return `{"nip":"` + n + `","name":"Nama","status":"pns","rank":"III/a","position_id":"P1","in_post_since":"2022-01-03",` +
					`"education":"S1","performance":2,"potential":2` + extra + `}`
			}
			mixed := post("employees", "["+obj(nip, `,"skp":"2025:Baik","email":null`)+","+obj(other, "")+"]", http.StatusOK)
			// The second object gives the other employee as stored.
			if r := mixed.Result; r.Updated != 1 || r.Unchanged != 1 || len(r.Children) != 0 {
				t.Errorf("the JSON import answered %+v", r)
			}
			want = "Nama  en true [198001012005011002] skp=1 competencies=0 sanctions=1"
			if got := record(); got != want {
				t.Errorf("after the JSON import: %s, want %s", got, want)
			}
			if skp := loadEmployee(t, gdb, other).SKP; len(skp) != 1 {
				t.Errorf("the object without skp left %+v, want one SKP", skp)
			}

			post("positions", positionHead+"\nP1,U1,Analis Baru,pelaksana,7,II/a,III/d,SMA,5\n", http.StatusOK)
			var p models.Position
			if err := gdb.Preload("Competencies").First(&p, "id = ?", "P1").Error; err != nil {
				t.Fatal(err)
			}
			if p.Name != "Analis Baru" || !p.ExtraDuty || len(p.Competencies) != 2 {
				t.Errorf("after the import of the required columns: position %+v", p)
			}
		})
	}
}

// TestImportErrorsAreBounded imports 5,000 bad rows, bad in themselves
// and in what they refer to: the answer lists the first 1,000 errors and
// counts all 5,000.
func TestImportErrorsAreBounded(t *testing.T) {
	const n = 5000
	gdb, _ := testkit.New(t)
	post := importAPI(t, gdb)
	var units, positions strings.Builder
	units.WriteString("id,name\n")
	positions.WriteString("id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats\n")
	for i := range n {
		fmt.Fprintf(&units, "U%d,\n", i)
		fmt.Fprintf(&positions, "P%d,U%d,Analis,pelaksana,7,II/a,III/d,SMA,5\n", i, i)
	}
	for _, c := range []struct{ kind, file, field string }{{"units", units.String(), "name"}, {"positions", positions.String(), "unit_id"}} {
		prob := post(c.kind, c.file, http.StatusUnprocessableEntity)
		if len(prob.Errors) != importer.MaxRowErrors || prob.ErrorCount != n || !strings.Contains(prob.DetailEN, "5000 errors") {
			t.Errorf("%d bad %s: %d errors listed, %d counted, %q; want %d, %d", n, c.kind, len(prob.Errors), prob.ErrorCount,
				prob.DetailEN, importer.MaxRowErrors, n)
		}
		if last := prob.Errors[len(prob.Errors)-1]; last.Row != importer.MaxRowErrors+1 || last.Field != c.field {
			t.Errorf("the last error listed: %+v, want row %d, %s", last, importer.MaxRowErrors+1, c.field)
		}
	}

	// The import page lists as many, and says how many more there are.
	srv := &Server{DB: gdb, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	addAccount(t, srv, "hr1", models.RoleHR, "")
	p := newPageClient(t, hs.URL)
	p.signIn("hr1", testPassword)
	_, page := p.get("/imports?lang=en")
	var form bytes.Buffer
	w := multipart.NewWriter(&form)
	w.WriteField(csrfField, p.csrf(page))
	w.WriteField("kind", "units")
	f, _ := w.CreateFormFile("file", "units.csv")
	f.Write([]byte(units.String()))
	w.Close()
	req, _ := http.NewRequest("POST", hs.URL+"/imports", &form)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := p.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	more := fmt.Sprintf("and %d more errors", n-importer.MaxRowErrors)
	if rows := strings.Count(string(body), "<td><code>name</code></td>"); resp.StatusCode != http.StatusUnprocessableEntity ||
		rows != importer.MaxRowErrors || !strings.Contains(string(body), more) {
		t.Errorf("the import page answered %d with %d rows of errors (%d bytes), want 422, %d and %q",
			resp.StatusCode, rows, len(body), importer.MaxRowErrors, more)
	}
}

// TestImportEmailAddresses refuses an address the mail relay could not
// send to, naming the row and the column, and writes nothing.
func TestImportEmailAddresses(t *testing.T) {
	gdb, post, row := onePost(t)
	email := func(serial int, addr string) string { return row(serial, strconv.Quote(addr)) }
	prob := post("employees", employeeHead+",email\n"+email(1, "budi@banjarbarukota.go.id")+email(2, "a@b.id\r\nBcc: x@y.id")+
		email(3, "not-an-address")+email(4, "Budi <budi@example.id>"), http.StatusUnprocessableEntity)
	var errs []string
	for _, e := range prob.Errors {
		errs = append(errs, fmt.Sprintf("%d %s", e.Row, e.Field))
	}
	if want := "3 email, 4 email, 5 email"; strings.Join(errs, ", ") != want {
		t.Errorf("errors %v, want %s", errs, want)
	}
	var n int64
	if gdb.Model(&models.Employee{}).Count(&n); n != 0 {
		t.Errorf("%d employees after a refused file, want 0", n)
	}
}

// officeRecords reads a comma-separated CSV file and writes its ranks as
// their pangkat ("Penata Muda") and, when dayFirst, its dates day first
// (1/3/2025), as an HR office's spreadsheet has them.
func officeRecords(t *testing.T, file string, dayFirst bool) [][]string {
	records, err := csv.NewReader(strings.NewReader(file)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	isoDate := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
	for _, rec := range records[1:] {
		for i, col := range records[0] {
			switch col {
			case "rank", "min_rank", "max_rank":
				r, err := models.ParseRank(rec[i])
				if err != nil {
					t.Fatal(err)
				}
				rec[i] = r.Title()
			case "in_post_since", "sanctions":
				if dayFirst {
					rec[i] = isoDate.ReplaceAllStringFunc(rec[i], func(d string) string {
						day, _ := time.Parse("2006-01-02", d)
						return day.Format("2/1/2006")
					})
				}
			}
		}
	}
	return records
}

// asExcelCSV writes an office's records as Excel saves them where the
// comma is the decimal mark: "CSV UTF-8" with its byte order mark,
// semicolons between fields (fields holding one quoted) and CRLF.
func asExcelCSV(t *testing.T, records [][]string) string {
	var b strings.Builder
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = ';', true
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// asWorkbook writes an office's records (with ISO dates) as an Excel
// workbook: text cells, and in_post_since as a date cell. A blank row
// after the header is skipped by the import.
func asWorkbook(t *testing.T, records [][]string) string {
	f := excelize.NewFile()
	defer f.Close()
	for r, rec := range records {
		row := r + 1
		if r > 0 {
			row++
		}
		for c, v := range rec {
			cell, err := excelize.CoordinatesToCellName(c+1, row)
			if err != nil {
				t.Fatal(err)
			}
			var value any = v
			if records[0][c] == "in_post_since" && r > 0 {
				if value, err = time.Parse("2006-01-02", v); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.SetCellValue("Sheet1", cell, value); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestImportAsTheOfficeHasIt imports the same government as plain CSV, as
// an office's Excel CSV (byte order mark, semicolons, pangkat, day-first
// dates) and as an office's workbook (pangkat, date cells): all three
// import, and leave the same data.
func TestImportAsTheOfficeHasIt(t *testing.T) {
	d := seed.Generate(40, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 5)
	units, positions, employees := governmentCSV(d)
	office := asExcelCSV(t, officeRecords(t, employees, true))
	for _, want := range []string{`";`, "Penata", "/20"} {
		if !strings.Contains(office, want) {
			t.Fatalf("the office's employee file holds no %q: that form is not tested", want)
		}
	}
	forms := []struct {
		name, contentType string
		write             func(file string) string
	}{
		{"plain CSV", "text/csv", func(file string) string { return file }},
		{"Excel's CSV", "text/csv", func(file string) string { return asExcelCSV(t, officeRecords(t, file, true)) }},
		{"workbook", importer.ContentTypeXLSX, func(file string) string { return asWorkbook(t, officeRecords(t, file, false)) }},
	}
	var states []string
	for _, form := range forms {
		gdb, _ := testkit.New(t)
		post := importAPIAs(t, gdb, form.contentType)
		for _, f := range []struct{ kind, file string }{{"units", units}, {"positions", positions}, {"employees", employees}} {
			if r := post(f.kind, form.write(f.file), http.StatusOK); r.Result.Created == 0 {
				t.Errorf("%s: %s created nothing", form.name, f.kind)
			}
		}
		if form.contentType == importer.ContentTypeXLSX {
			if r := post("units", "PK\x03\x04 not a workbook", http.StatusBadRequest); !strings.Contains(r.Problem.DetailEN, "malformed Excel workbook") {
				t.Errorf("a broken workbook: %+v", r.Problem)
			}
		}
		states = append(states, importedState(t, gdb))
		if states[len(states)-1] != states[0] {
			t.Errorf("the %s imported other data than plain CSV:\n%.2000s\n---\n%.2000s", form.name, states[0], states[len(states)-1])
		}
	}
}

// lines reads, without end, the lines that line makes of 1, 2, 3, ...
type lines struct {
	line    func(i int) string
	i       int
	pending string
}

func (l *lines) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if l.pending == "" {
			l.i++
			l.pending = l.line(l.i)
		}
		k := copy(p[n:], l.pending)
		n, l.pending = n+k, l.pending[k:]
	}
	return n, nil
}

// counted counts the bytes read from r.
type counted struct {
	r io.Reader
	n int64
}

func (c *counted) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestImportBodyLimit imports a body over the import's own limit, which
// is larger than other requests': the answer is 413 as problem+json, and
// nothing is written, though every row read was good. A body over the
// other requests' limit and under the import's is read to its end.
func TestImportBodyLimit(t *testing.T) {
	if maxImportBody <= maxBody {
		t.Fatalf("the import limit, %d, is not above other requests', %d", maxImportBody, maxBody)
	}
	gdb, _ := testkit.New(t)
	post := importFile(t, gdb)
	// Units with distinct IDs and long names, to the limit and past it.
	name := strings.Repeat("n", models.MaxName)
	units := func(size int64) io.Reader {
		rows := &lines{line: func(i int) string { return fmt.Sprintf("U%07d,%s\n", i, name) }}
		return io.LimitReader(io.MultiReader(strings.NewReader("id,name\n"), rows), size)
	}
	r := post("units", "text/csv", units(maxImportBody+1<<20), http.StatusRequestEntityTooLarge)
	if !strings.HasPrefix(r.ContentType, "application/problem+json") || !strings.Contains(r.DetailEN, "at most 256 MB") {
		t.Errorf("an import over the limit answered %s %+v", r.ContentType, r.Problem)
	}
	var n int64
	if gdb.Model(&models.Unit{}).Count(&n); n != 0 {
		t.Errorf("an import over the limit wrote %d units", n)
	}

	// Over other requests' limit, under the import's: every row is read
	// (the last one, cut in the middle, is a unit named "n..." of its own).
	r = post("units", "text/csv", units(maxBody+1<<20), http.StatusOK)
	if want := (maxBody + 1<<20 - len("id,name\n")) / len(fmt.Sprintf("U%07d,%s\n", 1, name)); r.Result.Created < want {
		t.Errorf("an import of %d MB created %d units, want at least %d", (maxBody+1<<20)>>20, r.Result.Created, want)
	}
}

// TestImportStreamsJSON imports a JSON array that turns malformed after
// many good objects and then goes on without end: the import reads it
// object by object, answers 400 at the first bad byte without reading
// much further, and writes nothing.
func TestImportStreamsJSON(t *testing.T) {
	gdb, _ := testkit.New(t)
	post := importFile(t, gdb)
	var good strings.Builder
	good.WriteString("[")
	for i := range 100000 {
		fmt.Fprintf(&good, `{"id": "U%d", "name": "Dinas %d"},`, i, i)
	}
	body := &counted{r: io.MultiReader(strings.NewReader(good.String()), &lines{line: func(int) string { return "x" }})}
	r := post("units", "application/json", body, http.StatusBadRequest)
	if !strings.Contains(r.DetailEN, "JSON must be an array of objects") {
		t.Errorf("a JSON array gone bad answered %+v", r.Problem)
	}
	if body.n > int64(good.Len())+1<<20 {
		t.Errorf("the import read %d bytes of a body that went bad after %d", body.n, good.Len())
	}
	var n int64
	if gdb.Model(&models.Unit{}).Count(&n); n != 0 {
		t.Errorf("a refused JSON array wrote %d units", n)
	}
}

// TestImportFailureWritesNothing makes each statement that writes an
// import fail in turn, on each backend: the import answers 500 and leaves
// everything as it was, the position history included.
func TestImportFailureWritesNothing(t *testing.T) {
	d := seed.Generate(300, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 7)
	units, positions, employees := governmentCSV(d)
	// Everyone renamed, with other SKP; a few moved to another post.
	changed := append([]models.Employee(nil), d.Employees...)
	for i := range changed {
		e := &changed[i]
		e.Name += " Baru"
		e.SKP = []models.EmployeeSKP{{NIP: e.NIP, Year: 2020, Predicate: models.SangatBaik}}
		if i%50 == 0 {
			e.PositionID, e.InPostSince = d.Positions[len(d.Positions)-1].ID, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		}
	}
	_, _, file := governmentCSV(seed.Data{Employees: changed})
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			post := importAPI(t, gdb)
			post("units", units, http.StatusOK)
			post("positions", positions, http.StatusOK)
			post("employees", employees, http.StatusOK)
			state := func() string {
				var history []models.PositionHistory
				var sanctions []models.Sanction
				if err := errors.Join(gdb.Order("nip, start, id").Find(&history).Error, gdb.Order("nip, start").Find(&sanctions).Error); err != nil {
					t.Fatal(err)
				}
				return fmt.Sprintf("%s\n%+v\n%+v", importedState(t, gdb), history, sanctions)
			}
			before := state()
			for _, stmt := range []string{"INSERT INTO employees", "DELETE FROM sanctions", "INSERT INTO sanctions",
				"UPDATE position_histories SET start"} {
				err := gdb.Callback().Raw().Before("gorm:raw").Register("test:fail", func(tx *gorm.DB) {
					if strings.HasPrefix(strings.TrimSpace(tx.Statement.SQL.String()), stmt) {
						tx.AddError(errors.New("injected failure"))
					}
				})
				if err != nil {
					t.Fatal(err)
				}
				post("employees", file, http.StatusInternalServerError)
				if err := gdb.Callback().Raw().Remove("test:fail"); err != nil {
					t.Fatal(err)
				}
				if state() != before {
					t.Fatalf("an import that failed at %q changed the data", stmt)
				}
			}
			post("employees", file, http.StatusOK)
			if state() == before {
				t.Fatal("the changed file, imported without failures, changed nothing")
			}
		})
	}
}
