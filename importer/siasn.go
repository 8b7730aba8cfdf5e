package importer

// The SIASN kinds load what BKN's SIASN holds of the office's employees:
// the data utama of its "Export Data ASN" (siasn-asn) and, keyed by NIP,
// the histories its API answers GET /pns/rw-* with (siasn-rw-skp,
// siasn-rw-hukdis, siasn-rw-jabatan, siasn-rw-golongan, siasn-rw-diklat,
// siasn-rw-kursus). Their columns are SIASN's names as
// docs/siasn-fields.md records them; BKN publishes no reference of its
// API or exports, so those names come from open-source clients, and a
// column SIASN adds later is ignored.

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/models"
)

// siasnRefs is what a SIASN import knows of the database before it reads
// a row: how SIASN's ids map to the office's units and positions, and
// whose SIASN PNS ID is whose NIP.
type siasnRefs struct {
	units     map[string]bool        // the units' ids
	unors     map[string]string      // SIASN UNOR ID → unit
	positions map[[2]string]string   // (unit, SIASN JABATAN ID) → position, when one position has it
	shared    map[[2]string][]string // (unit, SIASN JABATAN ID) → positions, when several have it
	holders   map[string]string      // NIP → the position it holds, of those in shared
	nips      map[string]string      // SIASN PNS ID → NIP
}

// loadPosts reads the units, their SIASN UNOR IDs and the positions
// that have a SIASN JABATAN ID.
func loadPosts(conn *gorm.DB) (*siasnRefs, error) {
	refs := &siasnRefs{units: map[string]bool{}, unors: map[string]string{}, positions: map[[2]string]string{},
		shared: map[[2]string][]string{}, holders: map[string]string{}}
	var units []string
	var unors []models.UnitSIASNUnor
	var positions []models.Position
	err := query(conn).Model(&models.Unit{}).Pluck("id", &units).Error
	if err == nil {
		err = query(conn).Find(&unors).Error
	}
	if err == nil {
		err = query(conn).Select("id", "unit_id", "siasn_jabatan_id").Where("siasn_jabatan_id <> ''").Order("id").Find(&positions).Error
	}
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		refs.units[u] = true
	}
	for _, m := range unors {
		refs.unors[m.UnorID] = m.UnitID
	}
	for _, p := range positions {
		k := [2]string{p.UnitID, p.SIASNJabatanID}
		if first, ok := refs.positions[k]; ok {
			refs.shared[k] = []string{first}
			delete(refs.positions, k)
		}
		if ids, ok := refs.shared[k]; ok {
			refs.shared[k] = append(ids, p.ID)
			continue
		}
		refs.positions[k] = p.ID
	}
	if len(refs.shared) == 0 {
		return refs, nil
	}
	var held []models.Employee
	err = query(conn).Select("nip", "position_id").
		Where("position_id IN (SELECT p.id FROM positions p JOIN positions q ON q.unit_id = p.unit_id AND q.siasn_jabatan_id = p.siasn_jabatan_id AND q.id <> p.id WHERE p.siasn_jabatan_id <> '')").
		Find(&held).Error
	for _, e := range held {
		refs.holders[e.NIP] = e.PositionID
	}
	return refs, err
}

// query is a new query on conn's connection.
func query(conn *gorm.DB) *gorm.DB { return conn.Session(&gorm.Session{NewDB: true}) }

// unit is the unit a SIASN UNOR ID belongs to: the one that lists it in
// siasn_unor_ids, or the unit of that id.
func (refs *siasnRefs) unit(unor string) (string, bool) {
	if unit, ok := refs.unors[unor]; ok {
		return unit, true
	}
	return unor, refs.units[unor]
}

// loadAll reads what loadPosts and loadPNSIDs read.
func loadAll(conn *gorm.DB) (*siasnRefs, error) {
	refs, err := loadPosts(conn)
	if err != nil {
		return nil, err
	}
	ids, err := loadPNSIDs(conn)
	if err != nil {
		return nil, err
	}
	refs.nips = ids.nips
	return refs, nil
}

// loadPNSIDs reads the SIASN PNS IDs of the employees.
func loadPNSIDs(conn *gorm.DB) (*siasnRefs, error) {
	var employees []models.Employee
	if err := query(conn).Select("nip", "siasn_pns_id").Where("siasn_pns_id <> ''").Find(&employees).Error; err != nil {
		return nil, err
	}
	refs := &siasnRefs{nips: make(map[string]string, len(employees))}
	for _, e := range employees {
		refs.nips[e.SIASNPNSID] = e.NIP
	}
	return refs, nil
}

// siasnASN is the kind siasn-asn: SIASN's "Export Data ASN", upserted into
// the employees by NIP. What SIASN does not carry (performance,
// potential, competencies, relatives, legal process, language, SKP,
// sanctions) stays as it was; a new employee gets the middle performance
// and potential.
var siasnASN = spec{
	siasn: true,
	columns: []string{"NIP BARU", "PNS ID", "NAMA", "STATUS CPNS PNS", "KEDUDUKAN HUKUM NAMA", "GOL AKHIR NAMA",
		"TINGKAT PENDIDIKAN NAMA", "UNOR ID", "JABATAN ID", "TMT JABATAN"},
	optional: []string{"GELAR DEPAN", "GELAR BELAKANG", "EMAIL GOV", "EMAIL", "UNOR NAMA", "JABATAN NAMA"},
	sets:     map[string]string{"EMAIL": "email", "EMAIL GOV": "email"},
	limits: map[string]int{"PNS ID": models.MaxSIASNID, "UNOR ID": models.MaxSIASNID, "JABATAN ID": models.MaxSIASNID, "NAMA": models.MaxName,
		"GELAR DEPAN": models.MaxName, "GELAR BELAKANG": models.MaxName, "UNOR NAMA": models.MaxName, "JABATAN NAMA": models.MaxName},
	load:          loadPosts,
	parse:         parseASN,
	unchanged:     []string{"lang", "performance", "potential", "legal_process", "relative_nips", "skp", "competencies"},
	talentDefault: true,
	table: table{"employees", append(slices.Clone(employeeColumns), "siasn_pns_id"), func(v any) []any {
		e := v.(models.Employee)
		return append(employeeValues(e), e.SIASNPNSID)
	}},
	ref: "position_id", refTable: "positions",
	after: db.RecordPostsOf,
	spell: employeeSpell,
}

func parseASN(r row) (any, []apperr.FieldError) {
	e := models.Employee{NIP: r.nip("NIP BARU"), SIASNPNSID: r.text("PNS ID", true), Name: r.fullName(),
		Status: r.siasnStatus(), Rank: r.rank("GOL AKHIR NAMA"), Education: r.siasnEducation("TINGKAT PENDIDIKAN NAMA"),
		InPostSince: r.siasnDate("TMT JABATAN", true), Lang: i18n.Default, Performance: models.Medium, Potential: models.Medium}
	e.Email = r.siasnEmail()
	e.PositionID = r.siasnPosition(e.NIP)
	return e, r.errs
}

// siasnEmail is the first valid address of EMAIL GOV and EMAIL (SIASN's
// are often placeholders such as "-"); when neither is, an address given
// is a row error.
func (r *row) siasnEmail() string {
	var first string
	for _, field := range []string{"EMAIL GOV", "EMAIL"} {
		if v := r.text(field, false); v != "" && models.CheckEmail(v) == nil {
			return v
		} else if v != "" && first == "" {
			first = field
		}
	}
	if first != "" {
		r.email(first, r.text(first, false))
	}
	return ""
}

// fullName is the name with its titles as Indonesians write it: GELAR
// DEPAN, NAMA, then a comma and GELAR BELAKANG ("Dr. Budi Santoso,
// S.Sos.").
func (r *row) fullName() string {
	name := strings.Join(strings.Fields(r.text("GELAR DEPAN", false)+" "+r.text("NAMA", true)), " ")
	if after := r.text("GELAR BELAKANG", false); after != "" {
		name += ", " + after
	}
	r.checkLength("NAMA", name, models.MaxName)
	return name
}

// siasnStatus reads the status from KEDUDUKAN HUKUM NAMA (Aktif, Tugas
// Belajar, Pensiun) and, for an active one, STATUS CPNS PNS.
func (r *row) siasnStatus() models.EmployeeStatus {
	position, status := r.text("KEDUDUKAN HUKUM NAMA", true), r.text("STATUS CPNS PNS", true)
	switch strings.ToLower(strings.Join(strings.Fields(position), " ")) {
	case "":
		return ""
	case "aktif":
		switch strings.ToUpper(status) {
		case "PNS":
			return models.StatusPNS
		case "CPNS":
			return models.StatusCPNS
		case "":
			return ""
		}
		r.fail("STATUS CPNS PNS", "status "+status+" tidak dikenal: PNS atau CPNS", "unknown status "+status+": PNS or CPNS")
	case "tugas belajar":
		return models.StatusStudyLeave
	case "pensiun":
		return models.StatusRetired
	default:
		r.fail("KEDUDUKAN HUKUM NAMA", "kedudukan hukum "+position+" tidak dapat diimpor: Mutasi mengenal Aktif, Tugas Belajar dan Pensiun",
			"the legal standing "+position+" cannot be imported: Mutasi knows Aktif, Tugas Belajar and Pensiun")
	}
	return ""
}

// siasnEducation reads SIASN's TINGKAT PENDIDIKAN NAMA ("S-1/Sarjana",
// "Diploma III", "SLTA") as an education. Diploma I and II satisfy what
// SLTA does; SIASN's levels below SLTA have no counterpart.
func (r *row) siasnEducation(field string) models.Education {
	v := r.text(field, true)
	if v == "" {
		return 0
	}
	level, _, _ := strings.Cut(v, "/")
	t := strings.ToUpper(strings.NewReplacer("-", "", " ", "", ".", "").Replace(level))
	t = strings.Replace(t, "DIPLOMA", "D", 1)
	switch {
	case strings.HasPrefix(t, "SLTA"), t == "SMU", t == "DI", t == "DII", t == "D1", t == "D2":
		t = "SMA"
	}
	e, err := models.ParseEducation(t)
	if err != nil {
		r.fail(field, "tingkat pendidikan tidak dikenal: "+v+" (SLTA, Diploma I-IV, S-1, S-2, S-3; di bawah SLTA tidak ada padanannya)",
			"unknown education level "+v+" (SLTA, Diploma I-IV, S-1, S-2, S-3; below SLTA has no counterpart)")
	}
	return e
}

// siasnDate reads a SIASN date: dd-mm-yyyy or ISO, where "01-01-0001"
// (as "" and "null") means no date.
func (r *row) siasnDate(field string, required bool) time.Time {
	v := r.text(field, false)
	if v == "" || v == "01-01-0001" || strings.HasPrefix(v, "0001-01-01") {
		if required {
			r.fail(field, "wajib diisi", "is required")
		}
		return time.Time{}
	}
	return r.date(field)
}

// siasnPosition finds the position of the employee nip from UNOR ID and
// JABATAN ID: the unit that UNOR ID belongs to (units' siasn_unor_ids,
// or the unit whose id it is) and that unit's position with the SIASN
// JABATAN ID; of several such positions, the one the employee holds.
func (r *row) siasnPosition(nip string) string {
	unor, job := r.text("UNOR ID", true), r.text("JABATAN ID", true)
	if unor == "" || job == "" {
		return ""
	}
	unit, ok := r.refs.unit(unor)
	unorName, jobName := r.text("UNOR NAMA", false), r.text("JABATAN NAMA", false)
	if !ok {
		r.fail("UNOR ID", fmt.Sprintf("UNOR ID %s (%s) bukan milik unit mana pun: tambahkan ke kolom siasn_unor_ids unitnya pada impor unit", unor, unorName),
			fmt.Sprintf("UNOR ID %s (%s) belongs to no unit: add it to its unit's siasn_unor_ids in the units import", unor, unorName))
		return ""
	}
	k := [2]string{unit, job}
	if id, ok := r.refs.positions[k]; ok {
		return id
	}
	ids, ok := r.refs.shared[k]
	switch {
	case !ok:
		r.fail("JABATAN ID", fmt.Sprintf("unit %s tidak punya jabatan dengan siasn_jabatan_id %s (%s): isi siasn_jabatan_id jabatan itu pada impor jabatan", unit, job, jobName),
			fmt.Sprintf("unit %s has no position with siasn_jabatan_id %s (%s): give that position this siasn_jabatan_id in the positions import", unit, job, jobName))
	case slices.Contains(ids, r.refs.holders[nip]):
		return r.refs.holders[nip]
	default:
		list := strings.Join(ids, ", ")
		r.fail("JABATAN ID", fmt.Sprintf("JABATAN ID %s (%s) cocok dengan beberapa jabatan unit %s (%s) dan pegawai ini tidak menduduki satu pun: tetapkan jabatannya dengan position_id pada impor employees, atau beri siasn_jabatan_id %s hanya satu jabatan pada impor jabatan", job, jobName, unit, list, job),
			fmt.Sprintf("JABATAN ID %s (%s) matches several positions of unit %s (%s) and the employee holds none of them: set the post with position_id in the employees import, or give siasn_jabatan_id %s to one position only in the positions import", job, jobName, unit, list, job))
	}
	return ""
}

// siasnNIP reads the NIP a history record is of: field (nipBaru) or, for
// a record of SIASN's API without it, the NIP of the employee whose SIASN
// PNS ID guid holds (loaded by siasn-asn).
func (r *row) siasnNIP(field, guid string) string {
	if r.text(field, false) != "" || r.text(guid, false) == "" {
		return r.nip(field)
	}
	id := r.text(guid, false)
	nip, ok := r.refs.nips[id]
	if !ok {
		r.fail(guid, "PNS ID "+id+" tidak dikenal: impor data utama pegawai ini (siasn-asn) dahulu, atau isi nipBaru",
			"unknown PNS ID "+id+": import the employee's data utama (siasn-asn) first, or give nipBaru")
	}
	return nip
}

// skpEra is the first year of SKP under PermenPANRB 6/2022 (predicates
// in SIASN's rw-skp22); the years before come from rw-skp, as a score.
const skpEra = 2022

// siasnSKP is the kind siasn-rw-skp: SKP predicates per year from SIASN's
// rw-skp22 (SKP from 2022 on), which replace those from 2022 on SIASN
// gave before for the employee and take the place of the office's own
// for the same year.
var siasnSKP = skpHistory(skpEra, 2100, nil, []string{"KuadranKinerjaNilai", "kuadranKinerja"}, (*row).quadrant)

// siasnSKP2011 is the kind siasn-rw-skp-2011: SKP before 2022, under PP
// 46/2011, from SIASN's rw-skp: each year's overall score
// (nilaiPrestasiKerja, 0-100) read as the predicate of its band, which
// replace the years before 2022 SIASN gave before for the employee.
var siasnSKP2011 = skpHistory(1990, skpEra-1, []string{"nilaiPrestasiKerja"}, nil, (*row).scoreBand)

// skpHistory is a kind of SIASN's SKP history for the years from to to:
// the predicate of a row is read by predicate from the columns added,
// required or optional.
func skpHistory(from, to int, required, optional []string, predicate func(*row) models.Predicate) spec {
	return spec{
		siasn:    true,
		replace:  "skp",
		skpYears: &[2]int{from, to},
		columns:  append([]string{"nipBaru", "tahun"}, required...),
		optional: append([]string{"pnsDinilaiId"}, optional...),
		limits:   map[string]int{"pnsDinilaiId": models.MaxSIASNID},
		load:     loadPNSIDs,
		parse: func(r row) (any, []apperr.FieldError) {
			s := models.EmployeeSKP{NIP: r.siasnNIP("nipBaru", "pnsDinilaiId"), Year: r.integer("tahun", from, to), Predicate: predicate(&r)}
			return s, r.errs
		},
		keyOf: func(v any) string {
			s := v.(models.EmployeeSKP)
			return s.NIP + " " + strconv.Itoa(s.Year)
		},
		table: table{"skp", []string{"nip", "year", "predicate"}, func(v any) []any {
			s := v.(models.EmployeeSKP)
			return []any{s.NIP, int64(s.Year), int64(s.Predicate)}
		}},
		stageTypes: []string{"varchar(18)", "integer", "integer"},
		ref:        "nip", refTable: "employees", refKey: "nip",
	}
}

// scoreBands are the bands of PP 46/2011's overall score (nilai prestasi
// kerja), read as today's predicates: 91 and up sangat baik, 76 baik, 61
// cukup (butuh perbaikan), 51 kurang, below buruk (sangat kurang).
var scoreBands = []struct {
	from      float64
	predicate models.Predicate
}{{91, models.SangatBaik}, {76, models.Baik}, {61, models.ButuhPerbaikan}, {51, models.Kurang}, {0, models.SangatKurang}}

// scoreBand reads nilaiPrestasiKerja (0-100, a decimal point or comma)
// as the predicate of its band.
func (r *row) scoreBand() models.Predicate {
	v := strings.Replace(r.text("nilaiPrestasiKerja", true), ",", ".", 1)
	n, err := strconv.ParseFloat(v, 64)
	if v != "" && (err != nil || n < 0 || n > 100) {
		r.fail("nilaiPrestasiKerja", "harus nilai 0 sampai 100", "must be a score from 0 to 100")
	}
	for _, b := range scoreBands {
		if n >= b.from {
			return b.predicate
		}
	}
	return models.SangatKurang
}

// quadrant reads the SKP predicate: SIASN's KuadranKinerjaNilai, its id
// (1 Sangat Baik to 5 Sangat Kurang, the reverse of Predicate's order),
// or else the name kuadranKinerja. SIASN's predicate is taken as it is,
// never recomputed from hasil kerja and perilaku.
func (r *row) quadrant() models.Predicate {
	if id := r.text("KuadranKinerjaNilai", false); id != "" {
		n, err := strconv.Atoi(id)
		if err != nil || n < 1 || n > 5 {
			r.fail("KuadranKinerjaNilai", "harus 1 (Sangat Baik) sampai 5 (Sangat Kurang)", "must be 1 (Sangat Baik) to 5 (Sangat Kurang)")
		}
		return models.Predicate(6 - n)
	}
	name := r.text("kuadranKinerja", false)
	p, err := models.ParsePredicate(name)
	if err != nil || name == "" || strings.Trim(name, "0123456789") == "" {
		r.fail("kuadranKinerja", "predikat SKP tidak dikenal: "+name+" (isi KuadranKinerjaNilai atau kuadranKinerja, mis. BAIK)",
			"unknown SKP predicate "+name+" (give KuadranKinerjaNilai or kuadranKinerja, e.g. BAIK)")
	}
	return p
}

// siasnHukdis is the kind siasn-rw-hukdis: disciplinary sanctions from
// SIASN's rw-hukdis, which replace those SIASN gave before for the
// employee (the office's own stay). A record with a decree annulling it
// (skPembatalanNomor) is not stored, but counts as its NIP's record, so
// that a sanction annulled since the last load goes.
var siasnHukdis = spec{
	siasn:   true,
	replace: "sanctions",
	source:  models.SourceSIASN,
	columns: []string{"nipBaru", "hukumanTanggal"},
	optional: []string{"pnsOrang", "jenisTingkatHukumanId", "jenisHukuman", "akhirHukumTanggal",
		"akhirHukumanTanggal", "masaTahun", "masaBulan", "skPembatalanNomor"},
	limits: map[string]int{"pnsOrang": models.MaxSIASNID},
	load:   loadPNSIDs,
	parse:  parseHukdis,
	keyOf: func(v any) string {
		s := v.(models.Sanction)
		return s.NIP + " " + string(s.Type) + " " + s.Start.Format(time.DateOnly)
	},
	table: table{"sanctions", []string{"nip", "type", "start", "end", "source"}, func(v any) []any {
		return append(sanctionValues(v.(models.Sanction)), models.SourceSIASN)
	}},
	conflict: []string{"nip", "type", "start"},
	ref:      "nip", refTable: "employees", refKey: "nip",
}

// hukdisLevels are the levels of SIASN's jenisHukuman ids (its code table
// of PP 53/2010, ids 1-14, and PP 94/2021, ids 21-28; see
// docs/siasn-fields.md §2.3).
var hukdisLevels = map[string]models.SanctionType{
	"1": models.SanctionRingan, "2": models.SanctionRingan, "3": models.SanctionRingan,
	"4": models.SanctionSedang, "5": models.SanctionSedang, "6": models.SanctionSedang, "7": models.SanctionSedang,
	"8": models.SanctionSedang, "9": models.SanctionBerat, "10": models.SanctionBerat, "11": models.SanctionBerat,
	"12": models.SanctionBerat, "13": models.SanctionBerat, "14": models.SanctionBerat,
	"21": models.SanctionRingan, "22": models.SanctionRingan, "23": models.SanctionSedang, "24": models.SanctionSedang,
	"25": models.SanctionSedang, "27": models.SanctionBerat, "28": models.SanctionBerat,
}

func parseHukdis(r row) (any, []apperr.FieldError) {
	s := models.Sanction{NIP: r.siasnNIP("nipBaru", "pnsOrang"), Type: r.hukdisLevel(), Start: r.siasnDate("hukumanTanggal", true)}
	if r.text("skPembatalanNomor", false) != "" {
		return omitted{s.NIP}, r.errs
	}
	// SIASN's end date is the sanction's last day; Sanction.End is the
	// first day free of it. Without one, the period (masaTahun, masaBulan)
	// gives it.
	end := r.siasnDate("akhirHukumTanggal", false)
	if end.IsZero() {
		end = r.siasnDate("akhirHukumanTanggal", false)
	}
	years, months := r.count("masaTahun", 100), r.count("masaBulan", 1200)
	switch {
	case s.Start.IsZero() || s.Type == "":
	case !end.IsZero() && end.Before(s.Start):
		r.fail("akhirHukumTanggal", "akhir hukuman sebelum tanggal mulainya", "the sanction ends before it starts")
	case !end.IsZero():
		end = end.AddDate(0, 0, 1)
		s.End = &end
	case years > 0 || months > 0:
		end = s.Start.AddDate(years, months, 0)
		s.End = &end
	case s.Type == models.SanctionRingan:
		// A reprimand has no period: it is served the day it is given.
		end = s.Start.AddDate(0, 0, 1)
		s.End = &end
	case s.Type == models.SanctionSedang:
		r.fail("akhirHukumTanggal", "hukuman sedang harus punya akhirHukumTanggal atau masaTahun/masaBulan",
			"a sedang sanction needs akhirHukumTanggal or masaTahun/masaBulan")
	}
	return s, r.errs
}

// hukdisLevel reads the sanction's level: jenisTingkatHukumanId (R, S,
// B) or else the level of jenisHukuman.
func (r *row) hukdisLevel() models.SanctionType {
	switch level := strings.ToUpper(r.text("jenisTingkatHukumanId", false)); level {
	case "R":
		return models.SanctionRingan
	case "S":
		return models.SanctionSedang
	case "B":
		return models.SanctionBerat
	case "":
	default:
		r.fail("jenisTingkatHukumanId", "harus R, S atau B, bukan "+level, "must be R, S or B, not "+level)
		return ""
	}
	id := r.text("jenisHukuman", false)
	t, ok := hukdisLevels[id]
	if !ok {
		r.fail("jenisHukuman", "jenis hukuman tidak dikenal: "+id+" (isi jenisTingkatHukumanId R, S atau B)",
			"unknown sanction type "+id+" (give jenisTingkatHukumanId R, S or B)")
	}
	return t
}

// count reads an optional whole number from 0 to max (empty: 0).
func (r *row) count(field string, max int) int {
	if r.text(field, false) == "" {
		return 0
	}
	return r.integer(field, 0, max)
}

// siasnJabatan is the kind siasn-rw-jabatan: SIASN's position history
// (rw-jabatan), kept beside the office's own (models.SIASNPosition), with
// the office's unit and position where SIASN's ids map to one; for each
// NIP in the file, it replaces what an earlier one gave.
var siasnJabatan = spec{
	siasn:   true,
	replace: "jabatan",
	columns: []string{"nipBaru", "id", "tmtJabatan"},
	optional: []string{"idPns", "jenisJabatan", "namaJabatan", "jabatanFungsionalId", "jabatanFungsionalNama",
		"jabatanFungsionalUmumId", "jabatanFungsionalUmumNama", "unorId", "unorNama", "instansiKerjaNama", "nomorSk", "tanggalSk"},
	limits: map[string]int{"id": models.MaxSIASNID, "idPns": models.MaxSIASNID, "jabatanFungsionalId": models.MaxSIASNID,
		"jabatanFungsionalUmumId": models.MaxSIASNID, "unorId": models.MaxSIASNID, "namaJabatan": models.MaxName,
		"jabatanFungsionalNama": models.MaxName, "jabatanFungsionalUmumNama": models.MaxName, "unorNama": models.MaxName,
		"instansiKerjaNama": models.MaxName, "nomorSk": models.MaxName},
	load:  loadAll,
	parse: parseJabatan,
	keyOf: func(v any) string {
		p := v.(models.SIASNPosition)
		return p.NIP + " " + p.RecordID
	},
	table: table{"siasn_positions", []string{"nip", "record_id", "type", "jabatan_id", "name", "unor_id", "unor_name", "agency_name",
		"unit_id", "position_id", "start", "decree_number", "decree_date"}, func(v any) []any {
		p := v.(models.SIASNPosition)
		return []any{p.NIP, p.RecordID, p.Type, p.JabatanID, p.Name, p.UnorID, p.UnorName, p.AgencyName, p.UnitID, p.PositionID,
			p.Start, p.DecreeNumber, optionalDate(p.DecreeDate)}
	}},
	ref: "nip", refTable: "employees", refKey: "nip",
}

func parseJabatan(r row) (any, []apperr.FieldError) {
	p := models.SIASNPosition{NIP: r.siasnNIP("nipBaru", "idPns"), RecordID: r.text("id", true), Type: r.text("jenisJabatan", false),
		UnorID: r.text("unorId", false), UnorName: r.text("unorNama", false), AgencyName: r.text("instansiKerjaNama", false),
		Start: r.siasnDate("tmtJabatan", true), DecreeNumber: r.text("nomorSk", false), DecreeDate: r.optionalDate("tanggalSk")}
	// SIASN names the position in the field of its type (jenisJabatan,
	// docs/siasn-fields.md §2.1); a structural post is its UNOR's.
	structural, functional, general := r.text("namaJabatan", false), r.text("jabatanFungsionalNama", false), r.text("jabatanFungsionalUmumNama", false)
	switch p.Type {
	case "1", "3":
		p.Name = structural
	case "2":
		p.JabatanID, p.Name = r.text("jabatanFungsionalId", false), functional
	case "4":
		p.JabatanID, p.Name = r.text("jabatanFungsionalUmumId", false), general
	case "":
	default:
		r.fail("jenisJabatan", "jenis jabatan harus 1, 2, 3 atau 4, bukan "+p.Type, "the position type must be 1, 2, 3 or 4, not "+p.Type)
	}
	p.Name = cmp.Or(p.Name, structural, functional, general)
	if unit, ok := r.refs.unit(p.UnorID); ok && p.UnorID != "" {
		p.UnitID = unit
		p.PositionID = r.refs.positions[[2]string{unit, p.JabatanID}]
	}
	return p, r.errs
}

// optionalDate reads an optional SIASN date: nil for none.
func (r *row) optionalDate(field string) *time.Time {
	d := r.siasnDate(field, false)
	if d.IsZero() {
		return nil
	}
	return &d
}

// optionalDate is the value of an optional date: NULL for none.
func optionalDate(d *time.Time) any {
	if d == nil {
		return nil
	}
	return *d
}

// siasnGolongan is the kind siasn-rw-golongan: SIASN's rank history
// (rw-golongan, models.SIASNRank); for each NIP in the file, it replaces
// what an earlier one gave. The rank of a NIP's latest record must be the
// employee's rank: a history that says otherwise is refused, never
// stored beside a rank it contradicts.
var siasnGolongan = spec{
	siasn:    true,
	replace:  "golongan",
	columns:  []string{"nipBaru", "id", "tmtGolongan"},
	optional: []string{"idPns", "golongan", "golonganId", "pangkat", "skNomor", "skTanggal", "jenisKPNama"},
	limits: map[string]int{"id": models.MaxSIASNID, "idPns": models.MaxSIASNID, "skNomor": models.MaxName,
		"jenisKPNama": models.MaxName},
	load: loadPNSIDs,
	parse: func(r row) (any, []apperr.FieldError) {
		g := models.SIASNRank{NIP: r.siasnNIP("nipBaru", "idPns"), RecordID: r.text("id", true), Rank: r.siasnRank(),
			Start: r.siasnDate("tmtGolongan", true), DecreeNumber: r.text("skNomor", false), DecreeDate: r.optionalDate("skTanggal"),
			Promotion: r.text("jenisKPNama", false)}
		return g, r.errs
	},
	keyOf: func(v any) string {
		g := v.(models.SIASNRank)
		return g.NIP + " " + g.RecordID
	},
	table: table{"siasn_ranks", []string{"nip", "record_id", "rank", "start", "decree_number", "decree_date", "promotion"}, func(v any) []any {
		g := v.(models.SIASNRank)
		return []any{g.NIP, g.RecordID, int64(g.Rank), g.Start, g.DecreeNumber, optionalDate(g.DecreeDate), g.Promotion}
	}},
	ref: "nip", refTable: "employees", refKey: "nip",
	check: latestRank,
}

// siasnRank reads a rank history record's rank: golongan ("III/a"), else
// SIASN's golonganId ("31": group III, grade a), else pangkat.
func (r *row) siasnRank() models.Rank {
	if r.text("golongan", false) != "" {
		return r.rank("golongan")
	}
	if id := r.text("golonganId", false); id != "" {
		groups, grades := []string{"I", "II", "III", "IV"}, "abcde"
		if len(id) == 2 && id[0] >= '1' && id[0] <= '4' && id[1] >= '1' && id[1] <= '5' {
			if rk, err := models.ParseRank(groups[id[0]-'1'] + "/" + grades[id[1]-'1':id[1]-'0']); err == nil {
				return rk
			}
		}
		r.fail("golonganId", "kode golongan tidak dikenal: "+id+" (11 sampai 45)", "unknown golongan code "+id+" (11 to 45)")
		return 0
	}
	if r.text("pangkat", false) != "" {
		return r.rank("pangkat")
	}
	r.fail("golongan", "wajib diisi (golongan, golonganId atau pangkat)", "is required (golongan, golonganId or pangkat)")
	return 0
}

// latestRank refuses the rank history records, staged in rows, that are
// their NIP's latest and hold another rank than the employee's.
func latestRank(tx *gorm.DB, rows string) error {
	return rowProblems(tx, "SELECT s.line, CAST(s.rank AS TEXT), CAST(e.rank AS TEXT) FROM "+rows+" s JOIN employees e ON e.nip = s.nip"+
		" WHERE s.rank <> e.rank AND s.start = (SELECT MAX(x.start) FROM "+rows+" x WHERE x.nip = s.nip) ORDER BY s.line",
		func(history, current string) apperr.FieldError {
			h, c := rankText(history), rankText(current)
			return apperr.FieldError{Field: "golongan",
				Message:   "golongan terakhir riwayat ini " + h + ", data utama pegawai " + c + ": impor data utama (siasn-asn) yang lebih baru, atau perbaiki riwayat di SIASN",
				MessageEN: "the latest rank of this history is " + h + ", the employee's data utama says " + c + ": import newer data utama (siasn-asn), or correct the history in SIASN"}
		})
}

// rankText is the golongan of a rank written as its number.
func rankText(n string) string {
	i, _ := strconv.Atoi(n)
	return models.Rank(i).String()
}

// trainingFields are the names a SIASN training history gives a
// record's fields.
type trainingFields struct {
	source, name, start, end, year, certificate string
	typeOf                                      func(r *row) string
}

// trainingSpec is the kind that loads the training history of fields:
// for each NIP in the file, it replaces what an earlier file of that
// history gave (models.SIASNTraining).
func trainingSpec(f trainingFields, optional ...string) spec {
	return spec{
		siasn:    true,
		replace:  "training",
		source:   f.source,
		columns:  []string{"nipBaru", "id", f.name},
		optional: slices.Concat([]string{"idPns", f.start, f.end, f.year, "jumlahJam", "institusiPenyelenggara", f.certificate}, optional),
		limits: map[string]int{"id": models.MaxSIASNID, "idPns": models.MaxSIASNID, f.name: models.MaxName,
			"institusiPenyelenggara": models.MaxName, f.certificate: models.MaxName, "jenisKursusNama": models.MaxName,
			"jenisDiklatId": models.MaxSIASNID},
		load: loadPNSIDs,
		parse: func(r row) (any, []apperr.FieldError) {
			t := models.SIASNTraining{NIP: r.siasnNIP("nipBaru", "idPns"), RecordID: r.text("id", true), Source: f.source,
				Type: f.typeOf(&r), Name: r.text(f.name, true), Start: r.optionalDate(f.start), End: r.optionalDate(f.end),
				Hours: r.count("jumlahJam", 10000), Institution: r.text("institusiPenyelenggara", false), Certificate: r.text(f.certificate, false)}
			if r.text(f.year, false) != "" {
				t.Year = r.integer(f.year, 1950, 2100)
			} else if t.Start != nil {
				t.Year = t.Start.Year()
			}
			if t.Start != nil && t.End != nil && t.End.Before(*t.Start) {
				r.fail(f.end, "tanggal selesai sebelum tanggal mulai", "ends before it starts")
			}
			return t, r.errs
		},
		keyOf: func(v any) string {
			t := v.(models.SIASNTraining)
			return t.NIP + " " + t.RecordID
		},
		table: table{"siasn_trainings", []string{"nip", "record_id", "source", "type", "name", "year", "start", "end", "hours",
			"institution", "certificate"}, func(v any) []any {
			t := v.(models.SIASNTraining)
			return []any{t.NIP, t.RecordID, t.Source, t.Type, t.Name, int64(t.Year), optionalDate(t.Start), optionalDate(t.End),
				int64(t.Hours), t.Institution, t.Certificate}
		}},
		ref: "nip", refTable: "employees", refKey: "nip",
	}
}

// trainingTypes are SIASN's kinds of training (jenisDiklat, by id;
// docs/siasn-fields.md §2.7).
var trainingTypes = map[string]string{"1": "Diklat Struktural", "2": "Diklat Fungsional", "3": "Diklat Teknis", "4": "Workshop",
	"5": "Pelatihan Manajerial", "6": "Pelatihan Sosial Kultural", "7": "Sosialisasi", "8": "Bimtek", "9": "Seminar", "10": "Magang",
	"11": "Kursus", "12": "Penataran"}

// siasnDiklat is the kind siasn-rw-diklat: SIASN's structural
// (leadership) trainings, rw-diklat.
var siasnDiklat = trainingSpec(trainingFields{source: "rw-diklat", name: "latihanStrukturalNama", start: "tanggal",
	end: "tanggalSelesai", year: "tahun", certificate: "nomor", typeOf: func(*row) string { return trainingTypes["1"] }})

// siasnKursus is the kind siasn-rw-kursus: SIASN's other trainings
// (courses, technical and functional trainings, workshops...), rw-kursus;
// the kind is jenisDiklatId's, else the course's catalogue name.
var siasnKursus = trainingSpec(trainingFields{source: "rw-kursus", name: "namaKursus", start: "tanggalKursus",
	end: "tanggalSelesaiKursus", year: "tahunKursus", certificate: "noSertipikat", typeOf: func(r *row) string {
		id := r.text("jenisDiklatId", false)
		return cmp.Or(trainingTypes[id], r.text("jenisKursusNama", false), id)
	}}, "jenisDiklatId", "jenisKursusNama")
