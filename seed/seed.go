// Package seed generates a deterministic, plausible regional government:
// units, positions with their formation and competencies, and employees
// with ranks, SKP predicates, talent axes, competencies and sanctions. The dev stack
// loads it as demo data and the tests use it as their fixture.
package seed

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/selection"
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
	level            models.FunctionalLevel
}{
	{models.KindAdministrator, "Sekretaris", 11, 11, 14, models.EduS1, ""},
	{models.KindPengawas, "Kepala Subbagian Umum", 9, 9, 12, models.EduS1, ""},
	{models.KindFungsional, "Analis Kebijakan", 9, 9, 14, models.EduS1, models.LevelAhliMuda},
	{models.KindFungsional, "Pranata Komputer", 8, 7, 12, models.EduD3, models.LevelMahir},
	{models.KindPelaksana, "Pengelola Keuangan", 7, 5, 12, models.EduD3, ""},
	{models.KindPelaksana, "Pengadministrasi Umum", 5, 1, 10, models.EduSMA, ""},
}

// positionsPerUnit is how many positions each unit has.
const positionsPerUnit = 15

// Generate builds a government of about n employees as of asOf, from a
// fixed seed: the same arguments give the same data. It has a unit per
// hundred employees, fifteen positions per unit, about one seat in ten
// vacant, and of the employees about 30% under two years in post, 55%
// between two and five and 15% past five. 2,000 employees make the demo
// city of 20 units and 300 positions.
func Generate(n int, asOf time.Time, seed uint64) Data {
	rng := rand.New(rand.NewPCG(seed, 0x6d7574617369))
	var d Data
	units := max(2, (n+99)/100)
	seatsPerUnit := (n*11/10 + units - 1) / units
	for u := 0; u < units; u++ {
		unit := models.Unit{ID: fmt.Sprintf("U%03d", u+1), Name: unitNames[u%len(unitNames)]}
		if u >= len(unitNames) {
			unit.Name = fmt.Sprintf("%s %d", unit.Name, u/len(unitNames)+1)
		}
		d.Units = append(d.Units, unit)
		managerial := 0
		for i := 0; i < positionsPerUnit; i++ {
			if kinds[i%len(kinds)].kind.Managerial() {
				managerial++
			}
		}
		shared, others := max(seatsPerUnit-managerial, 0), positionsPerUnit-managerial
		o := 0
		for i := 0; i < positionsPerUnit; i++ {
			k := kinds[i%len(kinds)]
			seats := 1
			if !k.kind.Managerial() {
				seats = max(1, shared/others)
				if o < shared%others {
					seats++
				}
				o++
			}
			name := k.name
			if i >= len(kinds) {
				name = fmt.Sprintf("%s %d", k.name, i/len(kinds)+1)
			}
			p := models.Position{ID: fmt.Sprintf("%s-P%02d", unit.ID, i+1), UnitID: unit.ID, Name: name + " " + unit.Name,
				Kind: k.kind, FunctionalLevel: k.level, Class: k.class, MinRank: k.minRank, MaxRank: k.maxRank, MinEducation: k.edu, Seats: seats,
				ExtraDuty: i == positionsPerUnit-1 && k.kind == models.KindFungsional}
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
	taken := map[string]bool{}
	for i := 0; i < n; i++ {
		p := seats[(i*10/9)%len(seats)]
		e := employee(rng, i, p, asOf)
		for taken[e.NIP] {
			e = employee(rng, i, p, asOf)
		}
		taken[e.NIP] = true
		d.Employees = append(d.Employees, e)
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
	months := 6 + rng.IntN(62) // 6 months to about 5.5 years in post
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
	case 17: // serving a medium sanction, or under a legal process
		if i%2 == 0 {
			end := asOf.AddDate(0, 9, 0).Truncate(24 * time.Hour)
			e.Sanctions = []models.Sanction{{NIP: nip, Type: models.SanctionSedang, Start: end.AddDate(-1, 0, 0), End: &end}}
		} else {
			e.LegalProcess = true
		}
	case 19: // a light sanction served: it no longer counts
		end := asOf.AddDate(0, -1, 0).Truncate(24 * time.Hour)
		e.Sanctions = []models.Sanction{{NIP: nip, Type: models.SanctionRingan, Start: end.AddDate(0, -6, 0), End: &end}}
	}
	for _, y := range selection.SKPYears(asOf, models.DefaultSettings().Rules) {
		pred := models.Baik + models.Predicate(rng.IntN(2))
		if rng.IntN(12) == 0 {
			pred = models.ButuhPerbaikan
		}
		e.SKP = append(e.SKP, models.EmployeeSKP{Year: y, Predicate: pred})
	}
	slices.SortFunc(e.SKP, func(a, b models.EmployeeSKP) int { return a.Year - b.Year })
	for c, name := range competencies {
		if (i+c)%3 != 0 {
			e.Competencies = append(e.Competencies, models.EmployeeCompetency{Name: name, Level: 1 + rng.IntN(5)})
		}
	}
	slices.SortFunc(e.Competencies, func(a, b models.EmployeeCompetency) int { return strings.Compare(a.Name, b.Name) })
	return e
}

// Load writes d into the database, each employee's current post as the
// open spell of their position history; loading the same data twice
// changes nothing.
func Load(gdb *gorm.DB, d Data) error {
	return gdb.Transaction(func(tx *gorm.DB) error {
		once := tx.Session(&gorm.Session{CreateBatchSize: 500}).Clauses(clause.OnConflict{DoNothing: true})
		for _, rows := range []any{&d.Units, &d.Positions, &d.Employees} {
			if err := once.Create(rows).Error; err != nil {
				return err
			}
		}
		nips := make([]string, len(d.Employees))
		for i, e := range d.Employees {
			nips[i] = e.NIP
		}
		return db.RecordPosts(tx, nips)
	})
}
