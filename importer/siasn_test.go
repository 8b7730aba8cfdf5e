package importer

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// The office of the SIASN fixtures (testdata/siasn, invented people and
// ids): Dinas Sosial holds two of SIASN's UNORs, BKPSDM's UNOR ID is its
// own id, and two pelaksana posts of Dinas Sosial share a JABATAN ID.
const (
	siasnUnits = "id,name,siasn_unor_ids\n" +
		"DINSOS,Dinas Sosial,TEST-UNOR-0101;TEST-UNOR-0102\n" +
		"BKPSDM,Badan Kepegawaian dan Pengembangan Sumber Daya Manusia,\n" +
		"DISDIK,Dinas Pendidikan,TEST-UNOR-0201\n"
	siasnPositions = "id,unit_id,name,kind,class,min_rank,max_rank,min_education,seats,siasn_jabatan_id\n" +
		"DINSOS-ADM-1,DINSOS,Pengadministrasi Perkantoran,pelaksana,5,II/a,III/d,SMA,2,TEST-JFU-0001\n" +
		"DINSOS-ADM-2,DINSOS,Pengadministrasi Perkantoran,pelaksana,5,II/a,III/d,SMA,2,TEST-JFU-0001\n" +
		"DINSOS-DATA,DINSOS,Pengelola Data,pelaksana,6,II/a,III/d,SMA,3,TEST-JFU-0002\n" +
		"DINSOS-KABID,DINSOS,Kepala Bidang Perlindungan dan Jaminan Sosial,administrator,11,III/d,IV/b,S1,1,TEST-JS-0001\n" +
		"BKPSDM-ASDM,BKPSDM,Analis SDM Aparatur Ahli Pertama,fungsional,8,III/a,III/b,S1,2,TEST-JFT-0001\n" +
		"DISDIK-ASDM,DISDIK,Analis SDM Aparatur Ahli Pertama,fungsional,8,III/a,III/b,S1,1,TEST-JFT-0001\n"
	// Budi and Agus are employees before SIASN's data is loaded, with
	// what SIASN does not carry.
	siasnEmployees = "nip,name,status,rank,position_id,in_post_since,education,performance,potential,email,lang,legal_process,relative_nips,skp,sanctions,competencies\n" +
		"198503122010011001,Budi,pns,III/b,DINSOS-ADM-2,2021-03-01,S1,tinggi,rendah,,id,tidak,,2021:Baik,,\n" +
		"197811202005011003,Agus,pns,III/d,DINSOS-KABID,2020-01-01,S2,tinggi,tinggi,agus@lama.go.id,en,ya,198503122010011001,2021:Baik;2024:Baik,ringan:2020-01-06..2020-02-06,analisis_kebijakan:4\n"
)

// loadFile loads a file into gdb.
func loadFile(gdb *gorm.DB, kind, contentType, body string) (Result, error) {
	return Load(context.Background(), gdb, kind, contentType, strings.NewReader(body))
}

// loadUnitsAndPositions loads the units and positions of siasnUnits and
// siasnPositions.
func loadUnitsAndPositions(t *testing.T, gdb *gorm.DB) {
	t.Helper()
	for _, f := range []struct{ kind, body string }{{"units", siasnUnits}, {"positions", siasnPositions}} {
		if _, err := loadFile(gdb, f.kind, "text/csv", f.body); err != nil {
			t.Fatal(err)
		}
	}
}

// fixture reads a file of testdata/siasn.
func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/siasn/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// siasnState dumps what the SIASN imports write, in key order.
func siasnState(t *testing.T, gdb *gorm.DB) string {
	t.Helper()
	var employees []models.Employee
	var sanctions []models.Sanction
	var history []models.PositionHistory
	var unors []models.UnitSIASNUnor
	var positions []models.Position
	var jabatan []models.SIASNPosition
	var ranks []models.SIASNRank
	var trainings []models.SIASNTraining
	err := gdb.Order("nip").Find(&employees).Error
	for _, q := range []struct {
		into  any
		order string
	}{{&sanctions, "nip, start"}, {&history, "nip, start"}, {&unors, "unor_id"}, {&positions, "id"}, {&jabatan, "nip, record_id"}, {&ranks, "nip, record_id"}, {&trainings, "nip, record_id"}} {
		if err == nil {
			err = gdb.Order(q.order).Find(q.into).Error
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	for i := range history {
		history[i].ID = 0
	}
	return fmt.Sprintf("%+v\n%+v\n%+v\n%+v\n%+v\n%+v\n%+v\n%+v", employees, sanctions, history, unors, positions, jabatan, ranks,
		trainings)
}

// allSKP lists every employee's SKP, with their NIP, in NIP and year
// order.
func allSKP(t *testing.T, gdb *gorm.DB) []models.EmployeeSKP {
	t.Helper()
	var employees []models.Employee
	if err := gdb.Select("nip", "skp").Order("nip").Find(&employees).Error; err != nil {
		t.Fatal(err)
	}
	var out []models.EmployeeSKP
	for _, e := range employees {
		for _, s := range e.SKP {
			s.NIP = e.NIP
			out = append(out, s)
		}
	}
	return out
}

// day is a date at midnight UTC.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestSIASNImport loads the SIASN fixtures (an Export Data ASN CSV with
// SIASN's full header, rw-skp22 and rw-hukdis answers of its API) into
// PostgreSQL, checks what was stored field by field and that loading
// them again changes nothing, and that a file with an unmapped JABATAN ID
// or UNOR ID, a bad date, an unknown legal standing, an ambiguous post or
// a NIP not among the employees is refused with nothing written; on
// PostgreSQL and SQLite.
func TestSIASNImport(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			testSIASNImport(t, gdb)
		})
	}
}

func testSIASNImport(t *testing.T, gdb *gorm.DB) {
	for _, f := range []struct{ kind, body string }{{"units", siasnUnits}, {"positions", siasnPositions}, {"employees", siasnEmployees}} {
		if _, err := loadFile(gdb, f.kind, "text/csv", f.body); err != nil {
			t.Fatalf("%s: %v", f.kind, err)
		}
	}
	asn := fixture(t, "export_data_asn.csv")
	res, err := loadFile(gdb, "siasn-asn", "text/csv", asn)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Result{Kind: "siasn-asn", Rows: 5, Created: 3, Updated: 2, DefaultTalent: 3}); fmt.Sprint(res) != fmt.Sprint(want) {
		t.Errorf("result %+v, want %+v", res, want)
	}
	nipBudi, nipSari, nipAgus, nipDewi, nipEko := "198503122010011001", "199001052015032002", "197811202005011003", "198709302011012004", "199204142019031005"
	want := map[string]models.Employee{
		// Budi holds one of the two posts that share his JABATAN ID: he
		// keeps it, and his talent data.
		nipBudi: {Name: "Budi Contoh, S.Sos.", Email: "budi.contoh@contoh.go.id", Lang: "id", Status: models.StatusPNS, Rank: 11,
			PositionID: "DINSOS-ADM-2", InPostSince: day(2021, 3, 1), Education: models.EduS1, Performance: models.High, Potential: models.Low,
			SIASNPNSID: "TEST0000000000000000000000000001"},
		nipSari: {Name: "Sari Uji, S.Psi., M.Psi.", Email: "sari.uji@example.com", Lang: "id", Status: models.StatusPNS, Rank: 10,
			PositionID: "BKPSDM-ASDM", InPostSince: day(2020, 7, 15), Education: models.EduS2, Performance: models.Medium, Potential: models.Medium,
			SIASNPNSID: "TEST0000000000000000000000000002"},
		nipAgus: {Name: "Dr. Agus Percobaan, M.Si.", Email: "agus.percobaan@contoh.go.id", Lang: "en", Status: models.StatusPNS, Rank: 13,
			PositionID: "DINSOS-KABID", InPostSince: day(2023, 1, 2), Education: models.EduS3, Performance: models.High, Potential: models.High,
			LegalProcess: true, RelativeNIPs: []string{nipBudi}, SIASNPNSID: "TEST0000000000000000000000000003"},
		nipDewi: {Name: "Dewi Fiktif, A.Md.", Lang: "id", Status: models.StatusStudyLeave, Rank: 9, PositionID: "DINSOS-DATA",
			InPostSince: day(2019, 2, 1), Education: models.EduD3, Performance: models.Medium, Potential: models.Medium,
			SIASNPNSID: "TEST0000000000000000000000000004"},
		nipEko: {Name: "Eko Sampel", Lang: "id", Status: models.StatusCPNS, Rank: 7, PositionID: "DINSOS-DATA",
			InPostSince: day(2019, 3, 1), Education: models.EduSMA, Performance: models.Medium, Potential: models.Medium,
			SIASNPNSID: "TEST0000000000000000000000000005"},
	}
	var employees []models.Employee
	if err := gdb.Order("nip").Find(&employees).Error; err != nil {
		t.Fatal(err)
	}
	if len(employees) != len(want) {
		t.Fatalf("%d employees, want %d", len(employees), len(want))
	}
	for _, e := range employees {
		w := want[e.NIP]
		w.NIP = e.NIP
		e.InPostSince = e.InPostSince.UTC()
		if e.NIP == nipAgus && (len(e.Competencies) != 1 || e.Competencies[0].Level != 4) {
			t.Errorf("Agus's competencies %+v, want them kept", e.Competencies)
		}
		e.Competencies, e.SKP = nil, nil
		if fmt.Sprintf("%+v", e) != fmt.Sprintf("%+v", w) {
			t.Errorf("employee\n %+v\nwant\n %+v", e, w)
		}
	}
	var open []models.PositionHistory
	if err := gdb.Where("\"end\" IS NULL").Order("nip").Find(&open).Error; err != nil {
		t.Fatal(err)
	}
	if len(open) != 5 || open[3].NIP != nipSari || open[3].PositionID != "BKPSDM-ASDM" || !open[3].Start.Equal(day(2020, 7, 15)) {
		t.Errorf("open spells %+v, want one per employee, Sari's in BKPSDM-ASDM from 2020-07-15", open)
	}

	// The histories, keyed by nipBaru or, where SIASN's record has none,
	// by the PNS ID siasn-asn stored.
	res, err = loadFile(gdb, "siasn-rw-skp", "application/json", fixture(t, "rw_skp22.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Children["skp"]; res.Rows != 5 || c != (ChildCount{Removed: 0, Written: 5}) {
		t.Errorf("SKP result %+v", res)
	}
	res, err = loadFile(gdb, "siasn-rw-hukdis", "application/json", fixture(t, "rw_hukdis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Children["sanctions"]; res.Rows != 4 || c != (ChildCount{Removed: 0, Written: 3}) {
		t.Errorf("hukdis result %+v", res)
	}
	skp := allSKP(t, gdb)
	var sanctions []models.Sanction
	if err := gdb.Order("nip, start").Find(&sanctions).Error; err != nil {
		t.Fatal(err)
	}
	// Agus's 2021 predicate was the office's own and stays; SIASN's 2024
	// takes the place of the office's. SIASN's ids run the other way.
	wantSKP := []models.EmployeeSKP{
		{NIP: nipAgus, Year: 2021, Predicate: models.Baik}, {NIP: nipAgus, Year: 2024, Predicate: models.ButuhPerbaikan, Source: "siasn"},
		{NIP: nipBudi, Year: 2021, Predicate: models.Baik}, {NIP: nipBudi, Year: 2022, Predicate: models.Baik, Source: "siasn"},
		{NIP: nipBudi, Year: 2023, Predicate: models.Baik, Source: "siasn"}, {NIP: nipBudi, Year: 2024, Predicate: models.SangatBaik, Source: "siasn"},
		{NIP: nipSari, Year: 2023, Predicate: models.SangatBaik, Source: "siasn"}}
	if !slices.Equal(skp, wantSKP) {
		t.Errorf("SKP\n %+v\nwant\n %+v", skp, wantSKP)
	}
	// SKP before 2022 comes from rw-skp as a score, read by its band; it
	// leaves the predicates from 2022 on, which leave it in turn. Budi's
	// 91.9 for 2021 takes the place of the office's Baik.
	for _, f := range []struct{ kind, file string }{{"siasn-rw-skp-2011", "rw_skp.json"}, {"siasn-rw-skp", "rw_skp22.json"}} {
		if _, err := loadFile(gdb, f.kind, "application/json", fixture(t, f.file)); err != nil {
			t.Fatal(err)
		}
	}
	skp = allSKP(t, gdb)
	wantSKP = slices.Concat(wantSKP[:2], []models.EmployeeSKP{{NIP: nipBudi, Year: 2020, Predicate: models.Baik, Source: "siasn"},
		{NIP: nipBudi, Year: 2021, Predicate: models.SangatBaik, Source: "siasn"}}, wantSKP[3:6],
		[]models.EmployeeSKP{{NIP: nipSari, Year: 2019, Predicate: models.ButuhPerbaikan, Source: "siasn"}}, wantSKP[6:])
	if !slices.Equal(skp, wantSKP) {
		t.Errorf("SKP with the years before 2022\n %+v\nwant\n %+v", skp, wantSKP)
	}
	for _, bad := range []string{`"tahun": 2022, "nilaiPrestasiKerja": 80`, `"tahun": 2020, "nilaiPrestasiKerja": 101`, `"tahun": 2020`} {
		_, err := loadFile(gdb, "siasn-rw-skp-2011", "application/json", `[{"nipBaru": "`+nipBudi+`", `+bad+`}]`)
		if err == nil {
			t.Errorf("rw-skp record %s loaded", bad)
		}
	}
	end := func(y int, m time.Month, d int) *time.Time { t := day(y, m, d); return &t }
	// End is the first day free: the day after SIASN's last day, the
	// start plus the period, or the day after a reprimand. Agus's annulled
	// sanction is left out; his own import's stays.
	wantSanctions := []models.Sanction{{NIP: nipAgus, Type: models.SanctionRingan, Start: day(2020, 1, 6), End: end(2020, 2, 6)},
		{NIP: nipBudi, Type: models.SanctionRingan, Start: day(2023, 6, 5), End: end(2023, 6, 6), Source: "siasn"},
		{NIP: nipDewi, Type: models.SanctionSedang, Start: day(2024, 3, 1), End: end(2025, 3, 1), Source: "siasn"},
		{NIP: nipEko, Type: models.SanctionBerat, Start: day(2025, 1, 2), End: end(2026, 1, 2), Source: "siasn"}}
	if got, w := sanctionList(sanctions), sanctionList(wantSanctions); got != w {
		t.Errorf("sanctions\n %s\nwant\n %s", got, w)
	}

	res, err = loadFile(gdb, "siasn-rw-jabatan", "application/json", fixture(t, "rw_jabatan.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Children["jabatan"]; res.Rows != 5 || c != (ChildCount{Removed: 0, Written: 5}) {
		t.Errorf("jabatan result %+v", res)
	}
	res, err = loadFile(gdb, "siasn-rw-golongan", "application/json", fixture(t, "rw_golongan.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Children["golongan"]; res.Rows != 4 || c != (ChildCount{Removed: 0, Written: 4}) {
		t.Errorf("golongan result %+v", res)
	}
	var jabatan []models.SIASNPosition
	var ranks []models.SIASNRank
	if err := gdb.Order("nip, start").Find(&jabatan).Error; err != nil {
		t.Fatal(err)
	}
	if err := gdb.Order("nip, start").Find(&ranks).Error; err != nil {
		t.Fatal(err)
	}
	// A post in another agency keeps SIASN's names and ids; a post whose
	// UNOR and JABATAN ID map to one position gets it; one whose JABATAN
	// ID two positions share gets the unit alone.
	var got []string
	for _, j := range jabatan {
		got = append(got, fmt.Sprintf("%s %s type %s %q %q %s %q %q %q %q %s %q %s", j.NIP, j.RecordID, j.Type, j.JabatanID, j.Name,
			j.UnorID, j.UnorName, j.AgencyName, j.UnitID, j.PositionID, dateOf(&j.Start), j.DecreeNumber, dateOf(j.DecreeDate)))
	}
	wantJabatan := []string{
		nipAgus + ` TEST-RWJAB-0004 type 1 "" "Kepala Bidang Perlindungan dan Jaminan Sosial" TEST-UNOR-0102 "Bidang Perlindungan dan Jaminan Sosial" "Pemerintah Kota Contoh" "DINSOS" "" 2023-01-02 "821/TEST/001/2023" 2022-12-28`,
		nipBudi + ` TEST-RWJAB-0001 type 4 "TEST-JFU-0009" "Pengadministrasi Umum" TEST-UNOR-9901 "Bagian Umum" "Pemerintah Kabupaten Contoh Lain" "" "" 2011-01-01 "821/TEST/001/2011" 2010-12-20`,
		nipBudi + ` TEST-RWJAB-0002 type 4 "TEST-JFU-0001" "Pengadministrasi Perkantoran" TEST-UNOR-0102 "Bidang Perlindungan dan Jaminan Sosial" "Pemerintah Kota Contoh" "DINSOS" "" 2021-02-01 "821/TEST/014/2021" none`,
		nipSari + ` TEST-RWJAB-0003 type 2 "TEST-JFT-0001" "Analis Sumber Daya Manusia Aparatur Ahli Pertama" BKPSDM "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia" "Pemerintah Kota Contoh" "BKPSDM" "BKPSDM-ASDM" 2020-07-15 "821/TEST/020/2020" 2020-07-10`,
		nipEko + ` TEST-RWJAB-0005 type 4 "TEST-JFU-0002" "" TEST-UNOR-0101 "Sekretariat Dinas Sosial" "Pemerintah Kota Contoh" "DINSOS" "DINSOS-DATA" 2019-03-01 "" none`,
	}
	if !slices.Equal(got, wantJabatan) {
		t.Errorf("position history\n %s\nwant\n %s", strings.Join(got, "\n "), strings.Join(wantJabatan, "\n "))
	}
	got = nil
	for _, g := range ranks {
		got = append(got, fmt.Sprintf("%s %s %s %s %q %s %q", g.NIP, g.RecordID, g.Rank, dateOf(&g.Start), g.DecreeNumber, dateOf(g.DecreeDate), g.Promotion))
	}
	wantRanks := []string{
		nipBudi + ` TEST-RWGOL-0001 III/a 2010-01-01 "813/TEST/001/2009" none "Gol. dari Pengadaan CPNS/PNS"`,
		nipBudi + ` TEST-RWGOL-0002 III/b 2014-04-01 "823/TEST/014/2014" 2014-03-20 "Reguler"`,
		nipBudi + ` TEST-RWGOL-0003 III/c 2018-04-01 "823/TEST/018/2018" 2018-03-15 "Reguler"`,
		nipSari + ` TEST-RWGOL-0004 III/b 2019-04-01 "823/TEST/019/2019" 2019-03-31 "Reguler"`,
	}
	if !slices.Equal(got, wantRanks) {
		t.Errorf("rank history\n %s\nwant\n %s", strings.Join(got, "\n "), strings.Join(wantRanks, "\n "))
	}

	for _, f := range []struct {
		kind, file string
		rows       int
	}{{"siasn-rw-diklat", "rw_diklat.json", 1}, {"siasn-rw-kursus", "rw_kursus.json", 3}} {
		res, err = loadFile(gdb, f.kind, "application/json", fixture(t, f.file))
		if err != nil {
			t.Fatal(err)
		}
		if c := res.Children["training"]; res.Rows != f.rows || c != (ChildCount{Removed: 0, Written: f.rows}) {
			t.Errorf("%s result %+v", f.kind, res)
		}
	}
	var trainings []models.SIASNTraining
	if err := gdb.Order("nip, record_id").Find(&trainings).Error; err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, x := range trainings {
		got = append(got, fmt.Sprintf("%s %s %s %q %q %d %s..%s %dh %q %q", x.NIP, x.RecordID, x.Source, x.Type, x.Name, x.Year,
			dateOf(x.Start), dateOf(x.End), x.Hours, x.Institution, x.Certificate))
	}
	wantTrainings := []string{
		nipAgus + ` TEST-RWDIK-0001 rw-diklat "Diklat Struktural" "SEPADYA/SPAMA/PIM III" 2019 2019-03-01..2019-04-30 285h "Lembaga Pelatihan Contoh" "TEST/PIM3/2019/001"`,
		nipAgus + ` TEST-RWKUR-0003 rw-kursus "Seminar Nasional" "Seminar Kebijakan Sosial" 2024 2024-09-12..2024-09-12 8h "" ""`,
		nipBudi + ` TEST-RWKUR-0002 rw-kursus "Diklat Teknis" "Pelatihan Teknis Kearsipan" 2022 none..none 40h "Arsip Nasional Contoh" ""`,
		nipSari + ` TEST-RWKUR-0001 rw-kursus "Bimtek" "Bimbingan Teknis Manajemen ASN" 2023 2023-06-10..2023-06-13 32h "BKPSDM Kota Contoh" "TEST/BIMTEK/2023/017"`,
	}
	if !slices.Equal(got, wantTrainings) {
		t.Errorf("training history\n %s\nwant\n %s", strings.Join(got, "\n "), strings.Join(wantTrainings, "\n "))
	}
	// Loading rw-diklat again with other hours replaces its own record of
	// Agus's, and leaves his course of rw-kursus; loading it as it was
	// puts the record back.
	for _, file := range []string{strings.Replace(fixture(t, "rw_diklat.json"), `"285"`, `"300"`, 1), fixture(t, "rw_diklat.json")} {
		if res, err := loadFile(gdb, "siasn-rw-diklat", "application/json", file); err != nil ||
			res.Children["training"] != (ChildCount{Removed: 1, Written: 1}) {
			t.Errorf("rw-diklat again: %+v, %v", res, err)
		}
		var x models.SIASNTraining
		if err := gdb.First(&x, "record_id = ?", "TEST-RWDIK-0001").Error; err != nil || !strings.Contains(file, fmt.Sprintf(`"%d"`, x.Hours)) {
			t.Errorf("the record holds %d hours (%v)", x.Hours, err)
		}
	}
	var n int64
	if err := gdb.Model(&models.SIASNTraining{}).Count(&n).Error; err != nil || n != int64(len(wantTrainings)) {
		t.Errorf("%d training records (%v), want %d", n, err, len(wantTrainings))
	}

	// Loading every file again changes nothing.
	before := siasnState(t, gdb)
	for _, f := range []struct{ kind, ct, body string }{{"siasn-asn", "text/csv", asn},
		{"siasn-rw-skp", "application/json", fixture(t, "rw_skp22.json")}, {"siasn-rw-hukdis", "application/json", fixture(t, "rw_hukdis.json")},
		{"siasn-rw-jabatan", "application/json", fixture(t, "rw_jabatan.json")}, {"siasn-rw-golongan", "application/json", fixture(t, "rw_golongan.json")},
		{"siasn-rw-diklat", "application/json", fixture(t, "rw_diklat.json")}, {"siasn-rw-kursus", "application/json", fixture(t, "rw_kursus.json")}} {
		res, err := loadFile(gdb, f.kind, f.ct, f.body)
		if err != nil {
			t.Fatalf("%s again: %v", f.kind, err)
		}
		if f.kind == "siasn-asn" && (res.Created != 0 || res.Updated != 0 || res.Unchanged != 5 || res.DefaultTalent != 0) {
			t.Errorf("siasn-asn again: %+v", res)
		}
		for name, c := range res.Children { // every record is stored as given: none removed or written
			if c != (ChildCount{}) {
				t.Errorf("%s again: %s %+v", f.kind, name, c)
			}
		}
	}
	if after := siasnState(t, gdb); after != before {
		t.Errorf("loading again changed\n%s\ninto\n%s", before, after)
	}

	// Headers as another tool writes them (lower case, underscores,
	// semicolons, a byte order mark) match SIASN's.
	loose := "\ufeffnip_baru;pns_id;nama;status_cpns_pns;kedudukan_hukum_nama;gol_akhir_nama;tingkat_pendidikan_nama;unor_id;jabatan_id;tmt_jabatan;warna;email_gov;email\n" +
		"'199204142019031005;TEST0000000000000000000000000005;Eko Sampel;PNS;Aktif;II/c;Diploma I;TEST-UNOR-0101;TEST-JFU-0002;01-03-2019;biru;-;eko.sampel@example.com\n"
	if _, err := loadFile(gdb, "siasn-asn", "text/csv", loose); err != nil {
		t.Fatal(err)
	}
	var eko models.Employee
	if err := gdb.First(&eko, "nip = ?", nipEko).Error; err != nil || eko.Status != models.StatusPNS || eko.Education != models.EduSMA ||
		eko.Email != "eko.sampel@example.com" {
		t.Errorf("Eko after the loose header: %+v, %v", eko, err)
	}
	before = siasnState(t, gdb)

	budi := "TEST0000000000000000000000000001,'198503122010011001"
	newNIP := "TEST0000000000000000000000000009,'199505052020122006"
	for _, c := range []struct {
		name, kind, body  string
		row               int
		field, id, enText string
	}{
		{"an unmapped JABATAN ID", "siasn-asn", strings.Replace(asn, "TEST-JFT-0001", "TEST-JFT-9999", 1), 3, "JABATAN ID", "siasn_jabatan_id TEST-JFT-9999", "positions import"},
		{"an unmapped UNOR ID", "siasn-asn", strings.Replace(asn, "TEST-UNOR-0101,Sekretariat", "TEST-UNOR-0999,Sekretariat", 1), 5, "UNOR ID", "TEST-UNOR-0999", "siasn_unor_ids"},
		{"a bad date", "siasn-asn", strings.Replace(asn, "15-07-2020", "31-02-2020", 1), 3, "TMT JABATAN", "DD-MM-YYYY", "the date must be"},
		{"no valid e-mail address", "siasn-asn", strings.Replace(asn, "budi.contoh@example.com,budi.contoh@contoh.go.id", "-,budi di kantor", 1), 2, "EMAIL GOV", "alamat e-mail tidak sah", "invalid e-mail address"},
		{"an unknown legal standing", "siasn-asn", strings.Replace(asn, "03,Tugas Belajar", "02,CLTN", 1), 5, "KEDUDUKAN HUKUM NAMA", "CLTN", "cannot be imported"},
		{"an ambiguous post", "siasn-asn", strings.Replace(asn, budi, newNIP, 1), 2, "JABATAN ID", "DINSOS-ADM-1, DINSOS-ADM-2", "holds none"},
		{"a NIP not among the employees", "siasn-rw-skp", strings.Replace(fixture(t, "rw_skp22.json"), `"nipBaru": "197811202005011003"`, `"nipBaru": "199505052020122006"`, 1),
			5, "nipBaru", "199505052020122006 tidak ditemukan", "not found"},
		{"an unknown PNS ID", "siasn-rw-hukdis", strings.Replace(fixture(t, "rw_hukdis.json"), "TEST0000000000000000000000000004", "TEST0000000000000000000000000099", 1),
			1, "pnsOrang", "TEST0000000000000000000000000099", "import the employee's data utama"},
		{"a rank history that contradicts the data utama", "siasn-rw-golongan", strings.Replace(fixture(t, "rw_golongan.json"), `"golonganId": "33", "golongan": "III/c"`, `"golonganId": "34", "golongan": "III/d"`, 1),
			3, "golongan", "III/d, data utama pegawai III/c", "the employee's data utama says III/c"},
		{"a UNOR ID of two units", "units", "id,name,siasn_unor_ids\nBKPSDM,BKPSDM,TEST-UNOR-0102\n", 2, "siasn_unor_ids", "sudah milik DINSOS", "already belongs to DINSOS"},
	} {
		ct := "text/csv"
		if strings.HasPrefix(c.body, "{") {
			ct = "application/json"
		}
		_, err := loadFile(gdb, c.kind, ct, c.body)
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.KindInvalid || len(e.Errors) != 1 {
			t.Errorf("%s: %v, want one row error", c.name, err)
			continue
		}
		fe := e.Errors[0]
		if fe.Row != c.row || fe.Field != c.field || !strings.Contains(fe.Message, c.id) || !strings.Contains(fe.MessageEN, c.enText) {
			t.Errorf("%s: %+v, want row %d, column %s, %q, %q", c.name, fe, c.row, c.field, c.id, c.enText)
		}
		if after := siasnState(t, gdb); after != before {
			t.Errorf("%s: the refused file changed\n%s\ninto\n%s", c.name, before, after)
		}
	}
}

// TestSIASNAnnulledSanctions annuls a sanction an earlier SIASN history
// gave: the employee's history, now of two annulled sanctions, removes it
// (though the file stores nothing for them) and leaves the office's own,
// and neither annulled record is taken for a duplicate of the other; on
// PostgreSQL and SQLite.
func TestSIASNAnnulledSanctions(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			for _, f := range []struct{ kind, body string }{{"units", siasnUnits}, {"positions", siasnPositions}, {"employees", siasnEmployees}} {
				if _, err := loadFile(gdb, f.kind, "text/csv", f.body); err != nil {
					t.Fatalf("%s: %v", f.kind, err)
				}
			}
			given := `{"nipBaru": "197811202005011003", "jenisTingkatHukumanId": "B", "hukumanTanggal": "01-08-2022", "masaTahun": "1"}`
			if res, err := loadFile(gdb, "siasn-rw-hukdis", "application/json", "["+given+"]"); err != nil || res.Children["sanctions"].Written != 1 {
				t.Fatalf("a sanction: %+v, %v", res, err)
			}
			annulled := strings.Replace(given, `"masaTahun": "1"`, `"skPembatalanNomor": "X/1"`, 1)
			res, err := loadFile(gdb, "siasn-rw-hukdis", "application/json", "["+annulled+","+strings.Replace(annulled, "2022", "2023", 1)+"]")
			if err != nil || res.Rows != 2 || res.Children["sanctions"] != (ChildCount{Removed: 1, Written: 0}) {
				t.Errorf("two annulled sanctions: %+v, %v", res, err)
			}
			var sanctions []models.Sanction
			if err := gdb.Find(&sanctions).Error; err != nil || len(sanctions) != 1 || sanctions[0].Source != "" {
				t.Errorf("sanctions %+v, %v: want the office's own alone", sanctions, err)
			}
		})
	}
}

// sanctionList writes sanctions in a comparable form.
func sanctionList(list []models.Sanction) string {
	var b strings.Builder
	for _, s := range list {
		end := "open"
		if s.End != nil {
			end = s.End.UTC().Format(time.DateOnly)
		}
		fmt.Fprintf(&b, "%s %s %s..%s %q; ", s.NIP, s.Type, s.Start.UTC().Format(time.DateOnly), end, s.Source)
	}
	return b.String()
}

// dateOf writes a date, or "none".
func dateOf(d *time.Time) string {
	if d == nil {
		return "none"
	}
	return d.UTC().Format(time.DateOnly)
}
