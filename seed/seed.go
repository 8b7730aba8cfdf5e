// Package seed generates a deterministic, plausible regional government:
// units, positions with their formation and competencies, and employees
// with ranks, SKP predicates, talent axes and competencies. The dev stack
// loads it as demo data and the tests use it as their fixture.
package seed

import (
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/models"
)

// Data is a generated government.
type Data struct {
	Units     []models.Unit
	Positions []models.Position
	Employees []models.Employee
}

var unitNames = []string{"Dinas Pendidikan", "Dinas Kesehatan", "Dinas Pekerjaan Umum", "Badan Keuangan Daerah",
	"Dinas Kependudukan", "Dinas Sosial", "Dinas Perhubungan", "Kecamatan Landasan Ulin", "Kecamatan Cempaka",
	"Dinas Lingkungan Hidup", "Dinas Pariwisata", "Inspektorat"}

var competencies = []string{"perencanaan", "pengelolaan_keuangan", "pelayanan_publik", "analisis_data",
	"kepemimpinan", "hukum_administrasi", "teknologi_informasi", "komunikasi"}

var firstNames = []string{"Ahmad", "Siti", "Budi", "Nur", "Rahmat", "Dewi", "Muhammad", "Rina", "Hendra", "Fitri",
	"Agus", "Lestari", "Yusuf", "Aisyah", "Rizky", "Wulan"}

var lastNames = []string{"Hidayat", "Rahmawati", "Saputra", "Kusuma", "Nugroho", "Halimah", "Pratama", "Maulida",
	"Santoso", "Anwar", "Fauzi", "Noor"}

// kinds is the mix of positions in a unit: one administrator, one
// pengawas, and functional and executive posts.
var kinds = []struct {
	kind             models.PositionKind
	name             string
	class            int
	minRank, maxRank models.Rank
	edu              models.Education
	seats            int
}{
	{models.KindAdministrator, "Sekretaris", 11, 11, 14, models.EduS1, 1},
	{models.KindPengawas, "Kepala Subbagian Umum", 9, 9, 12, models.EduS1, 1},
	{models.KindFungsional, "Analis Kebijakan", 9, 9, 14, models.EduS1, 3},
	{models.KindFungsional, "Pranata Komputer", 8, 7, 12, models.EduD3, 2},
	{models.KindPelaksana, "Pengelola Keuangan", 7, 5, 12, models.EduD3, 3},
	{models.KindPelaksana, "Pengadministrasi Umum", 5, 1, 10, models.EduSMA, 4},
}

// Generate builds a government of about n employees as of asOf, from a
// fixed seed: the same arguments give the same data. About one seat in
// ten is vacant and about a third of the employees have been in post for
// two to five years.
func Generate(n int, asOf time.Time, seed uint64) Data {
	rng := rand.New(rand.NewPCG(seed, 0x6d7574617369))
	var d Data
	seatsPerUnit := 0
	for _, k := range kinds {
		seatsPerUnit += k.seats
	}
	units := max(2, (n*11/10+seatsPerUnit-1)/seatsPerUnit)
	for u := 0; u < units; u++ {
		unit := models.Unit{ID: fmt.Sprintf("U%03d", u+1), Name: unitNames[u%len(unitNames)]}
		if u >= len(unitNames) {
			unit.Name = fmt.Sprintf("%s %d", unit.Name, u/len(unitNames)+1)
		}
		d.Units = append(d.Units, unit)
		for i, k := range kinds {
			p := models.Position{ID: fmt.Sprintf("%s-P%d", unit.ID, i+1), UnitID: unit.ID, Name: k.name + " " + unit.Name,
				Kind: k.kind, Class: k.class, MinRank: k.minRank, MaxRank: k.maxRank, MinEducation: k.edu, Seats: k.seats,
				ExtraDuty: false}
			for c := 0; c < 2; c++ {
				name := competencies[(u+i*3+c*5)%len(competencies)]
				p.Competencies = append(p.Competencies, models.PositionCompetency{PositionID: p.ID, Name: name,
					Level: 2 + (i+c)%3})
			}
			d.Positions = append(d.Positions, p)
		}
	}
	// Fill seats in position order, leaving every tenth seat vacant.
	var seats []models.Position
	for _, p := range d.Positions {
		for s := 0; s < p.Seats; s++ {
			seats = append(seats, p)
		}
	}
	for i := 0; i < n; i++ {
		p := seats[(i*10/9)%len(seats)]
		d.Employees = append(d.Employees, employee(rng, i, p, asOf))
	}
	return d
}

// employee makes the i-th employee, holding position p.
func employee(rng *rand.Rand, i int, p models.Position, asOf time.Time) models.Employee {
	birth := time.Date(1968+rng.IntN(30), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
	start := birth.AddDate(22+rng.IntN(6), rng.IntN(12), 0)
	if start.After(asOf.AddDate(-3, 0, 0)) {
		start = asOf.AddDate(-3-rng.IntN(3), 0, 0)
	}
	sex := 1 + i%2
	nip := fmt.Sprintf("%s%s%d%03d", birth.Format("20060102"), start.Format("200601"), sex, 1+i%999)
	rank := p.MinRank + models.Rank(rng.IntN(int(p.MaxRank-p.MinRank)+1))
	edu := p.MinEducation + models.Education(rng.IntN(2))
	edu = min(edu, models.EduS3)
	months := 6 + rng.IntN(78) // 6 months to 7 years in post
	e := models.Employee{NIP: nip, Name: firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))],
		Email: nip + "@asn.mutasi.local", Lang: "id", Status: models.StatusPNS, Rank: rank, PositionID: p.ID,
		InPostSince: asOf.AddDate(0, -months, 0).Truncate(24 * time.Hour), Education: edu,
		Performance: models.Level(1 + rng.IntN(3)), Potential: models.Level(1 + rng.IntN(3))}
	if i%7 == 3 {
		e.Lang = "en"
	}
	switch i % 23 {
	case 5:
		e.Status = models.StatusCPNS
	case 11:
		e.Status = models.StatusStudyLeave
	case 17:
		e.UnderSanction = true
	}
	for y := 1; y <= 2; y++ {
		pred := models.Baik + models.Predicate(rng.IntN(2))
		if rng.IntN(12) == 0 {
			pred = models.ButuhPerbaikan
		}
		e.SKP = append(e.SKP, models.EmployeeSKP{NIP: nip, Year: asOf.Year() - y, Predicate: pred})
	}
	for c, name := range competencies {
		if (i+c)%3 != 0 {
			e.Competencies = append(e.Competencies, models.EmployeeCompetency{NIP: nip, Name: name, Level: 1 + rng.IntN(5)})
		}
	}
	return e
}

// Load writes d into the database; loading the same data twice changes
// nothing.
func Load(gdb *gorm.DB, d Data) error {
	return gdb.Transaction(func(tx *gorm.DB) error {
		tx = tx.Session(&gorm.Session{CreateBatchSize: 500}).Clauses(clause.OnConflict{DoNothing: true})
		for _, rows := range []any{&d.Units, &d.Positions, &d.Employees} {
			if err := tx.Create(rows).Error; err != nil {
				return err
			}
		}
		return nil
	})
}
