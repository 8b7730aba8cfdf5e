package selection

import (
	"fmt"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

var asOf = time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// baseCandidate passes every rule as of asOf with the default rules.
func baseCandidate() Candidate {
	return Candidate{
		NIP:           "198001012005011001",
		UnitID:        "U1",
		PositionID:    "P0",
		PositionKind:  models.KindPelaksana,
		PositionClass: 7,
		Rank:          models.Rank(10), // III/b
		Status:        models.StatusPNS,
		BirthDate:     date(1980, 1, 1),
		InPostSince:   date(2022, 3, 15),
		Education:     models.EduS1,
		SKP:           map[int]models.Predicate{2025: models.SangatBaik, 2024: models.Baik},
		Performance:   models.High,
		Potential:     models.Medium,
		Competencies:  map[string]int{"A": 2},
	}
}

// sanction is a sanction from start until end (open when end is zero).
func sanction(t models.SanctionType, start, end time.Time) models.Sanction {
	s := models.Sanction{Type: t, Start: start}
	if !end.IsZero() {
		s.End = &end
	}
	return s
}

func basePosition() Position {
	return Position{ID: "P1", UnitID: "U2", Kind: models.KindFungsional, Class: 8,
		MinRank: models.Rank(9), MaxRank: models.Rank(12), MinEducation: models.EduS1,
		Competencies: []Competency{{"A", 3}, {"B", 2}}, Seats: 1}
}

func TestEligibleRules(t *testing.T) {
	cases := []struct {
		name       string
		change     func(c *Candidate, r *models.EligibilityRules)
		rule       string // "" means eligible
		msg, msgEN string
	}{
		{"eligible", func(c *Candidate, r *models.EligibilityRules) {}, "", "", ""},
		{"cpns", func(c *Candidate, r *models.EligibilityRules) { c.Status = models.StatusCPNS },
			RuleCPNS, "berstatus CPNS, belum PNS", "a CPNS (candidate civil servant), not yet PNS"},
		{"study leave", func(c *Candidate, r *models.EligibilityRules) { c.Status = models.StatusStudyLeave },
			RuleStudyLeave, "sedang tugas belajar", "on study leave"},
		{"retired", func(c *Candidate, r *models.EligibilityRules) { c.Status = models.StatusRetired },
			RuleStatus, "sudah pensiun", "already retired"},
		{"no status", func(c *Candidate, r *models.EligibilityRules) { c.Status = "" },
			RuleStatus, "status kepegawaian tidak tercatat", "employment status not recorded"},
		{"status order", func(c *Candidate, r *models.EligibilityRules) {
			c.Status = models.StatusCPNS
			c.LegalProcess = true
		}, RuleCPNS, "berstatus CPNS, belum PNS", "a CPNS (candidate civil servant), not yet PNS"},
		{"legal process", func(c *Candidate, r *models.EligibilityRules) { c.LegalProcess = true },
			RuleSanction, "sedang menjalani proses hukum", "under a legal process"},
		{"sanction", func(c *Candidate, r *models.EligibilityRules) {
			c.Sanctions = []models.Sanction{sanction(models.SanctionSedang, date(2025, 9, 1), date(2026, 9, 1))}
		}, RuleSanction, "sedang menjalani hukuman disiplin tingkat sedang, berakhir 1 September 2026",
			"serving a medium disciplinary sanction, ending 1 September 2026"},
		{"sanction starts today", func(c *Candidate, r *models.EligibilityRules) {
			c.Sanctions = []models.Sanction{sanction(models.SanctionRingan, asOf, asOf.AddDate(0, 1, 0))}
		}, RuleSanction, "sedang menjalani hukuman disiplin tingkat ringan, berakhir 15 April 2026",
			"serving a light disciplinary sanction, ending 15 April 2026"},
		{"sanction ended today", func(c *Candidate, r *models.EligibilityRules) {
			c.Sanctions = []models.Sanction{sanction(models.SanctionSedang, asOf.AddDate(-1, 0, 0), asOf)}
		}, "", "", ""},
		{"sanction not started", func(c *Candidate, r *models.EligibilityRules) {
			c.Sanctions = []models.Sanction{sanction(models.SanctionBerat, asOf.AddDate(0, 0, 1), time.Time{})}
		}, "", "", ""},
		{"open sanction", func(c *Candidate, r *models.EligibilityRules) {
			c.Sanctions = []models.Sanction{sanction(models.SanctionBerat, date(2020, 1, 1), time.Time{})}
		}, RuleSanction, "sedang menjalani hukuman disiplin tingkat berat tanpa tanggal berakhir",
			"serving a heavy disciplinary sanction with no end date"},
		{"the sanction ending last is named", func(c *Candidate, r *models.EligibilityRules) {
			c.Sanctions = []models.Sanction{
				sanction(models.SanctionRingan, date(2019, 1, 1), date(2019, 2, 1)),
				sanction(models.SanctionBerat, date(2025, 6, 1), date(2026, 6, 1)),
				sanction(models.SanctionSedang, date(2026, 1, 1), date(2026, 7, 1)),
				sanction(models.SanctionRingan, date(2026, 3, 1), date(2026, 4, 1)),
			}
		}, RuleSanction, "sedang menjalani hukuman disiplin tingkat sedang, berakhir 1 Juli 2026",
			"serving a medium disciplinary sanction, ending 1 July 2026"},
		{"time in post", func(c *Candidate, r *models.EligibilityRules) { c.InPostSince = date(2024, 11, 10) },
			RuleTimeInPost, "masa jabatan 1 tahun 4 bulan, minimal 2 tahun", "in post 1 year 4 months, minimum 2 years"},
		{"time in post one day short", func(c *Candidate, r *models.EligibilityRules) { c.InPostSince = date(2024, 3, 16) },
			RuleTimeInPost, "masa jabatan 1 tahun 11 bulan, minimal 2 tahun", "in post 1 year 11 months, minimum 2 years"},
		{"time in post exactly 2 years", func(c *Candidate, r *models.EligibilityRules) { c.InPostSince = date(2024, 3, 15) },
			"", "", ""},
		{"time in post setting", func(c *Candidate, r *models.EligibilityRules) {
			c.InPostSince = date(2025, 3, 1)
			r.MinYearsInPost = 1.5
		}, RuleTimeInPost, "masa jabatan 1 tahun, minimal 1 tahun 6 bulan", "in post 1 year, minimum 1 year 6 months"},
		{"time in post setting passes", func(c *Candidate, r *models.EligibilityRules) {
			c.InPostSince = date(2024, 11, 10)
			r.MinYearsInPost = 1
		}, "", "", ""},
		{"time in post unknown", func(c *Candidate, r *models.EligibilityRules) { c.InPostSince = time.Time{} },
			RuleTimeInPost, "tanggal mulai menduduki jabatan tidak tercatat", "the date the current post began is not recorded"},
		{"retirement near", func(c *Candidate, r *models.EligibilityRules) { c.BirthDate = date(1968, 10, 5) },
			RuleRetirement, "pensiun (BUP 58 tahun) pada 1 November 2026, 7 bulan lagi; minimal 12 bulan sebelum pensiun",
			"retires (BUP 58) on 1 November 2026, in 7 months; minimum 12 months before retirement"},
		{"retirement buffer setting", func(c *Candidate, r *models.EligibilityRules) {
			c.BirthDate = date(1968, 10, 5)
			r.RetirementBufferMonths = 6
		}, "", "", ""},
		{"retirement JPT at 60", func(c *Candidate, r *models.EligibilityRules) {
			c.BirthDate = date(1968, 10, 5)
			c.PositionKind = models.KindJPT
		}, "", "", ""},
		{"retirement fungsional setting", func(c *Candidate, r *models.EligibilityRules) {
			c.BirthDate = date(1966, 10, 5)
			c.PositionKind = models.KindFungsional
			r.RetirementAgeFungsional = 60
		}, RuleRetirement, "pensiun (BUP 60 tahun) pada 1 November 2026, 7 bulan lagi; minimal 12 bulan sebelum pensiun",
			"retires (BUP 60) on 1 November 2026, in 7 months; minimum 12 months before retirement"},
		{"retirement ahli madya at 60", func(c *Candidate, r *models.EligibilityRules) {
			c.BirthDate = date(1966, 10, 5)
			c.PositionKind, c.PositionLevel = models.KindFungsional, models.LevelAhliMadya
		}, RuleRetirement, "pensiun (BUP 60 tahun) pada 1 November 2026, 7 bulan lagi; minimal 12 bulan sebelum pensiun",
			"retires (BUP 60) on 1 November 2026, in 7 months; minimum 12 months before retirement"},
		{"retirement ahli utama at 65", func(c *Candidate, r *models.EligibilityRules) {
			c.BirthDate = date(1961, 10, 5)
			c.PositionKind, c.PositionLevel = models.KindFungsional, models.LevelAhliUtama
		}, RuleRetirement, "pensiun (BUP 65 tahun) pada 1 November 2026, 7 bulan lagi; minimal 12 bulan sebelum pensiun",
			"retires (BUP 65) on 1 November 2026, in 7 months; minimum 12 months before retirement"},
		{"ahli utama not near 65", func(c *Candidate, r *models.EligibilityRules) {
			c.BirthDate = date(1966, 10, 5)
			c.PositionKind, c.PositionLevel = models.KindFungsional, models.LevelAhliUtama
		}, "", "", ""},
		{"retirement ahli utama setting", func(c *Candidate, r *models.EligibilityRules) {
			c.BirthDate = date(1963, 10, 5)
			c.PositionKind, c.PositionLevel = models.KindFungsional, models.LevelAhliUtama
			r.RetirementAgeAhliUtama = 63
		}, RuleRetirement, "pensiun (BUP 63 tahun) pada 1 November 2026, 7 bulan lagi; minimal 12 bulan sebelum pensiun",
			"retires (BUP 63) on 1 November 2026, in 7 months; minimum 12 months before retirement"},
		{"retirement reached", func(c *Candidate, r *models.EligibilityRules) { c.BirthDate = date(1967, 9, 20) },
			RuleRetirement, "sudah mencapai batas usia pensiun (BUP 58 tahun)", "has reached the retirement age (BUP 58)"},
		{"retirement from NIP", func(c *Candidate, r *models.EligibilityRules) {
			c.BirthDate = time.Time{}
			c.NIP = "196810052000121001"
		}, RuleRetirement, "pensiun (BUP 58 tahun) pada 1 November 2026, 7 bulan lagi; minimal 12 bulan sebelum pensiun",
			"retires (BUP 58) on 1 November 2026, in 7 months; minimum 12 months before retirement"},
		{"retirement unknown birth", func(c *Candidate, r *models.EligibilityRules) {
			c.BirthDate = time.Time{}
			c.NIP = "12345"
		}, RuleRetirement, "tanggal lahir tidak tercatat dan tidak terbaca dari NIP", "birth date not recorded and not readable from the NIP"},
		{"skp low", func(c *Candidate, r *models.EligibilityRules) { c.SKP[2025] = models.ButuhPerbaikan },
			RuleSKP, "SKP 2025 Butuh Perbaikan, minimal Baik pada 2 tahun terakhir",
			"SKP 2025 Butuh Perbaikan, minimum Baik in each of the last 2 years"},
		{"skp missing and low", func(c *Candidate, r *models.EligibilityRules) {
			delete(c.SKP, 2025)
			c.SKP[2024] = models.Kurang
		}, RuleSKP, "SKP 2025 tidak tercatat, 2024 Kurang, minimal Baik pada 2 tahun terakhir",
			"SKP 2025 not recorded, 2024 Kurang, minimum Baik in each of the last 2 years"},
		{"skp min setting", func(c *Candidate, r *models.EligibilityRules) {
			c.SKP[2025] = models.ButuhPerbaikan
			r.MinPredicate = models.ButuhPerbaikan
		}, "", "", ""},
		{"skp years setting", func(c *Candidate, r *models.EligibilityRules) {
			c.SKP[2023] = models.Kurang
			r.PredicateYears = 3
		}, RuleSKP, "SKP 2023 Kurang, minimal Baik pada 3 tahun terakhir",
			"SKP 2023 Kurang, minimum Baik in each of the last 3 years"},
		{"skp older year ignored", func(c *Candidate, r *models.EligibilityRules) { c.SKP[2023] = models.SangatKurang },
			"", "", ""},
		{"rule order: time in post before skp", func(c *Candidate, r *models.EligibilityRules) {
			c.InPostSince = date(2025, 3, 15)
			c.SKP[2025] = models.Kurang
		}, RuleTimeInPost, "masa jabatan 1 tahun, minimal 2 tahun", "in post 1 year, minimum 2 years"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := baseCandidate()
			c.SKP = map[int]models.Predicate{2025: models.SangatBaik, 2024: models.Baik}
			r := models.DefaultSettings().Rules
			tc.change(&c, &r)
			x := Eligible(c, Input{AsOf: asOf, Rules: r})
			if tc.rule == "" {
				if x != nil {
					t.Fatalf("excluded: %+v", *x)
				}
				return
			}
			if x == nil {
				t.Fatalf("eligible, want rule %s", tc.rule)
			}
			want := Exclusion{NIP: c.NIP, Rule: tc.rule, Message: tc.msg, MessageEN: tc.msgEN}
			if *x != want {
				t.Fatalf("got  %+v\nwant %+v", *x, want)
			}
		})
	}
}

func TestPairAllowedRules(t *testing.T) {
	cases := []struct {
		name       string
		change     func(c *Candidate, p *Position)
		rule       string
		msg, msgEN string
	}{
		{"allowed", func(c *Candidate, p *Position) {}, "", "", ""},
		{"current position", func(c *Candidate, p *Position) { p.ID = "P0" },
			RuleCurrentPosition, "sudah menduduki jabatan P0", "already holds position P0"},
		{"rank below", func(c *Candidate, p *Position) { c.Rank = 8 },
			RuleRank, "pangkat II/d, jabatan memerlukan III/a sampai III/d", "rank II/d, the position requires III/a to III/d"},
		{"rank above", func(c *Candidate, p *Position) { c.Rank = 13 },
			RuleRank, "pangkat IV/a, jabatan memerlukan III/a sampai III/d", "rank IV/a, the position requires III/a to III/d"},
		{"rank minimum only", func(c *Candidate, p *Position) {
			c.Rank = 8
			p.MaxRank = 0
		}, RuleRank, "pangkat II/d, jabatan memerlukan minimal III/a", "rank II/d, the position requires at least III/a"},
		{"rank maximum only", func(c *Candidate, p *Position) {
			c.Rank = 13
			p.MinRank = 0
		}, RuleRank, "pangkat IV/a, jabatan memerlukan maksimal III/d", "rank IV/a, the position requires at most III/d"},
		{"rank unknown", func(c *Candidate, p *Position) { c.Rank = 0 },
			RuleRank, "pangkat tidak tercatat, jabatan memerlukan III/a sampai III/d", "rank not recorded, the position requires III/a to III/d"},
		{"rank no range", func(c *Candidate, p *Position) {
			c.Rank = 0
			p.MinRank, p.MaxRank = 0, 0
		}, "", "", ""},
		{"education", func(c *Candidate, p *Position) { c.Education = models.EduD3 },
			RuleEducation, "pendidikan D3, minimal S1", "education D3, minimum S1"},
		{"education higher", func(c *Candidate, p *Position) { c.Education = models.EduS2 }, "", "", ""},
		{"education unknown", func(c *Candidate, p *Position) { c.Education = 0 },
			RuleEducation, "pendidikan tidak tercatat, minimal S1", "education not recorded, minimum S1"},
		{"conflict of interest", func(c *Candidate, p *Position) { c.RelativeUnits = []string{"U0", "U2"} },
			RuleConflict, "konflik kepentingan: kerabat bekerja di unit U2", "conflict of interest: a relative works in unit U2"},
		{"relative elsewhere", func(c *Candidate, p *Position) { c.RelativeUnits = []string{"U1"} }, "", "", ""},
		{"order: rank before education", func(c *Candidate, p *Position) {
			c.Rank = 8
			c.Education = models.EduD3
		}, RuleRank, "pangkat II/d, jabatan memerlukan III/a sampai III/d", "rank II/d, the position requires III/a to III/d"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, p := baseCandidate(), basePosition()
			tc.change(&c, &p)
			x := PairAllowed(c, p, Input{AsOf: asOf})
			if got := pairRule(&c, &p); (got < 0) != (x == nil) {
				t.Fatalf("pairRule %d disagrees with PairAllowed %v", got, x)
			}
			if tc.rule == "" {
				if x != nil {
					t.Fatalf("not allowed: %+v", *x)
				}
				return
			}
			want := Exclusion{NIP: c.NIP, Rule: tc.rule, Message: tc.msg, MessageEN: tc.msgEN}
			if x == nil || *x != want {
				t.Fatalf("got  %+v\nwant %+v", x, want)
			}
		})
	}
}

// TestRetirementAgeByLevel checks the BUP of every kind and level under
// the defaults against PP 11/2017 Pasal 239(2).
func TestRetirementAgeByLevel(t *testing.T) {
	r := models.DefaultSettings().Rules
	want := map[models.FunctionalLevel]int{
		models.LevelPemula: 58, models.LevelTerampil: 58, models.LevelMahir: 58, models.LevelPenyelia: 58,
		models.LevelAhliPertama: 58, models.LevelAhliMuda: 58, models.LevelAhliMadya: 60, models.LevelAhliUtama: 65,
		"": 58, // not recorded
	}
	if len(want) != len(models.FunctionalLevels)+1 {
		t.Fatalf("the test misses a level of %v", models.FunctionalLevels)
	}
	for l, age := range want {
		if got := RetirementAge(models.KindFungsional, l, r); got != age {
			t.Errorf("fungsional %q: BUP %d, want %d", l, got, age)
		}
	}
	for k, age := range map[models.PositionKind]int{models.KindJPT: 60, models.KindAdministrator: 58,
		models.KindPengawas: 58, models.KindPelaksana: 58} {
		for _, l := range []models.FunctionalLevel{"", models.LevelAhliUtama} { // the level matters only to functional posts
			if got := RetirementAge(k, l, r); got != age {
				t.Errorf("%s (level %q): BUP %d, want %d", k, l, got, age)
			}
		}
	}
}

func TestEffectiveRules(t *testing.T) {
	def := models.DefaultSettings().Rules
	if got := EffectiveRules(models.EligibilityRules{}); got != def {
		t.Fatalf("zero rules: got %+v, want the defaults %+v", got, def)
	}
	got := EffectiveRules(models.EligibilityRules{MinYearsInPost: 3})
	want := models.EligibilityRules{MinYearsInPost: 3, RetirementAgeJPT: 60, RetirementAgeFungsional: 58,
		RetirementAgeAhliMadya: 60, RetirementAgeAhliUtama: 65, RetirementAgeOther: 58, SKPFinalMonth: 3}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	// With the zero value, Eligible applies the defaults.
	c := baseCandidate()
	c.InPostSince = date(2024, 11, 10)
	if x := Eligible(c, Input{AsOf: asOf}); x == nil || x.Rule != RuleTimeInPost {
		t.Fatalf("zero rules did not apply the default minimum time in post: %+v", x)
	}
}

// TestRecheckSeesSanctionsAtTheTMT checks that Recheck judges the
// sanctions in force at the effective date, not at selection: one that
// starts between the two excludes, one that ended by then does not.
func TestRecheckSeesSanctionsAtTheTMT(t *testing.T) {
	r := models.DefaultSettings().Rules
	tmt := asOf.AddDate(0, 4, 0)
	c := baseCandidate()
	c.Sanctions = []models.Sanction{sanction(models.SanctionSedang, asOf.AddDate(0, 1, 0), asOf.AddDate(0, 7, 0))}
	if x := Eligible(c, Input{AsOf: asOf, Rules: r}); x != nil {
		t.Fatalf("excluded at selection by a sanction not yet started: %+v", *x)
	}
	x := Recheck(c, tmt, r)
	if x == nil || x.Rule != RuleSanction || x.MessageEN != "serving a medium disciplinary sanction, ending 15 October 2026" {
		t.Fatalf("Recheck at the TMT: %+v, want the medium sanction", x)
	}
	c.Sanctions = []models.Sanction{sanction(models.SanctionSedang, asOf.AddDate(0, -5, 0), tmt)}
	if Eligible(c, Input{AsOf: asOf, Rules: r}) == nil {
		t.Fatal("eligible at selection while serving a sanction")
	}
	if x := Recheck(c, tmt, r); x != nil {
		t.Fatalf("Recheck at the TMT, the day the sanction ended: %+v", *x)
	}
}

// TestSKPYears checks the window of final SKP years: before the month
// set, last year's SKP is not final yet.
func TestSKPYears(t *testing.T) {
	r := models.DefaultSettings().Rules
	for _, tc := range []struct {
		asOf  time.Time
		month int
		want  string
	}{
		{date(2026, 1, 15), 3, "[2024 2023]"},
		{date(2026, 2, 28), 3, "[2024 2023]"},
		{date(2026, 3, 1), 3, "[2025 2024]"},
		{date(2026, 4, 1), 3, "[2025 2024]"},
		{date(2026, 1, 15), 1, "[2025 2024]"},
		{date(2026, 11, 30), 12, "[2024 2023]"},
	} {
		r.SKPFinalMonth = tc.month
		if got := fmt.Sprint(SKPYears(tc.asOf, r)); got != tc.want {
			t.Errorf("%s, final from month %d: %s, want %s", tc.asOf.Format(time.DateOnly), tc.month, got, tc.want)
		}
	}
	// In January an employee with good final years is eligible, and one
	// judged on a year not final yet is not.
	c := baseCandidate()
	c.SKP = map[int]models.Predicate{2024: models.Baik, 2023: models.SangatBaik}
	r = models.DefaultSettings().Rules
	if x := Eligible(c, Input{AsOf: date(2026, 1, 15), Rules: r}); x != nil {
		t.Errorf("January, SKP 2023 and 2024 Baik: %+v", *x)
	}
	x := Eligible(c, Input{AsOf: date(2026, 4, 1), Rules: r})
	if x == nil || x.MessageEN != "SKP 2025 not recorded, minimum Baik in each of the last 2 years" {
		t.Errorf("April, no SKP 2025: %+v", x)
	}
}
