// Package models holds Mutasi's domain vocabulary (ranks, ratings, position
// kinds, stages, roles) and the records that activities persist through GORM.
//
// The package only declares types: it does not import GORM, so pure packages
// such as selection can use the vocabulary without pulling in the database.
package models

import (
	"fmt"
	"strings"
)

// Rank is a civil servant's pangkat/golongan, ordered from I/a (1) to IV/e (17).
type Rank int

// rankNames lists the golongan codes in order; Rank(i+1) is rankNames[i].
var rankNames = []string{
	"I/a", "I/b", "I/c", "I/d",
	"II/a", "II/b", "II/c", "II/d",
	"III/a", "III/b", "III/c", "III/d",
	"IV/a", "IV/b", "IV/c", "IV/d", "IV/e",
}

// rankTitles lists the pangkat of each golongan, in rankNames' order
// (PP 99/2000), with "Tingkat I" written out.
var rankTitles = []string{
	"Juru Muda", "Juru Muda Tingkat I", "Juru", "Juru Tingkat I",
	"Pengatur Muda", "Pengatur Muda Tingkat I", "Pengatur", "Pengatur Tingkat I",
	"Penata Muda", "Penata Muda Tingkat I", "Penata", "Penata Tingkat I",
	"Pembina", "Pembina Tingkat I", "Pembina Utama Muda", "Pembina Utama Madya", "Pembina Utama",
}

// tingkat spells out "Tk.", which abbreviates "Tingkat" in a pangkat
// (ParseRank reads SIASN's "Tk" without the dot too); built once, as an
// import reads a rank per row.
var tingkat = strings.NewReplacer("Tk.", "Tingkat ", "tk.", "Tingkat ", "TK.", "Tingkat ")

// ParseRank reads a golongan code such as "III/b", or its pangkat such as
// "Penata Muda Tingkat I" or "Penata Muda Tk. I" (case-insensitive).
func ParseRank(s string) (Rank, error) {
	code := strings.TrimSpace(s)
	for i := range rankNames { // as most files give it
		if strings.EqualFold(rankNames[i], code) {
			return Rank(i + 1), nil
		}
	}
	words := strings.Fields(tingkat.Replace(s))
	for i, w := range words {
		if strings.EqualFold(w, "tk") {
			words[i] = "Tingkat"
		}
	}
	title := strings.Join(words, " ")
	for i := range rankTitles {
		if strings.EqualFold(rankTitles[i], title) {
			return Rank(i + 1), nil
		}
	}
	return 0, fmt.Errorf("unknown rank %q: want a golongan from I/a to IV/e, or its pangkat", s)
}

// Title returns the pangkat, e.g. "Penata Muda Tingkat I" for III/b.
func (r Rank) Title() string {
	if !r.Valid() {
		return r.String()
	}
	return rankTitles[r-1]
}

// String returns the golongan code, e.g. "III/b".
func (r Rank) String() string {
	if r < 1 || int(r) > len(rankNames) {
		return fmt.Sprintf("Rank(%d)", int(r))
	}
	return rankNames[r-1]
}

// Valid reports whether r is one of the seventeen golongan.
func (r Rank) Valid() bool { return r >= 1 && int(r) <= len(rankNames) }

// Predicate is an SKP performance predicate (PermenPANRB 6/2022), from
// Sangat Kurang (1) to Sangat Baik (5). Higher is better.
type Predicate int

// The SKP predicates, worst to best.
const (
	SangatKurang   Predicate = 1
	Kurang         Predicate = 2
	ButuhPerbaikan Predicate = 3
	Baik           Predicate = 4
	SangatBaik     Predicate = 5
)

var predicateNames = map[Predicate]string{
	SangatKurang:   "Sangat Kurang",
	Kurang:         "Kurang",
	ButuhPerbaikan: "Butuh Perbaikan",
	Baik:           "Baik",
	SangatBaik:     "Sangat Baik",
}

// String returns the predicate's official name.
func (p Predicate) String() string {
	if n, ok := predicateNames[p]; ok {
		return n
	}
	return fmt.Sprintf("Predicate(%d)", int(p))
}

// predicateLabels are the spellings ParsePredicate accepts, normalised
// (lower case, single spaces, no spaces around "/"): the official names,
// "Misconduct" and "Kurang/Misconduct" as SKP forms print Kurang, and the
// numbers 1-5.
var predicateLabels = map[string]Predicate{
	"sangat baik": SangatBaik, "baik": Baik, "butuh perbaikan": ButuhPerbaikan,
	"kurang": Kurang, "misconduct": Kurang, "kurang/misconduct": Kurang, "sangat kurang": SangatKurang,
	"5": SangatBaik, "4": Baik, "3": ButuhPerbaikan, "2": Kurang, "1": SangatKurang,
}

// ParsePredicate reads a predicate by its name, whatever its case and
// spacing ("Baik", "sangat  baik", "Butuh_Perbaikan"), as forms print it
// ("Kurang/Misconduct", "Misconduct" are Kurang) or by its number 1-5.
func ParsePredicate(s string) (Predicate, error) {
	if p, ok := predicateLabels[strings.ToLower(s)]; ok { // as most files spell it
		return p, nil
	}
	t := strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(s, "_", " "), "/", " / "))
	t = strings.ReplaceAll(strings.Join(strings.Fields(t), " "), " / ", "/")
	if p, ok := predicateLabels[t]; ok {
		return p, nil
	}
	return 0, fmt.Errorf("unknown SKP predicate %q", s)
}

// Level is a three-step rating used for both axes of the talent grid
// (manajemen talenta, PermenPANRB 3/2020): performance and potential. The
// two axes are what is stored; no box number is derived from them.
type Level int

// The talent-grid levels.
const (
	Low    Level = 1
	Medium Level = 2
	High   Level = 3
)

// PositionKind is the kind of a position (UU 20/2023 Pasal 13-18).
type PositionKind string

// The position kinds, managerial first.
const (
	KindJPT           PositionKind = "jpt"
	KindAdministrator PositionKind = "administrator"
	KindPengawas      PositionKind = "pengawas"
	KindFungsional    PositionKind = "fungsional"
	KindPelaksana     PositionKind = "pelaksana"
)

// Valid reports whether k is a known kind.
func (k PositionKind) Valid() bool {
	switch k {
	case KindJPT, KindAdministrator, KindPengawas, KindFungsional, KindPelaksana:
		return true
	}
	return false
}

// Managerial reports whether k is a managerial kind (JPT, administrator, pengawas).
func (k PositionKind) Managerial() bool {
	return k == KindJPT || k == KindAdministrator || k == KindPengawas
}

// Education is a formal education level, ordered so that a higher value
// satisfies a lower requirement.
type Education int

// The education levels.
const (
	EduSMA Education = 1 // SMA/SMK
	EduD3  Education = 2
	EduS1  Education = 3 // S1/D4
	EduS2  Education = 4
	EduS3  Education = 5
)

var educationNames = map[Education]string{EduSMA: "SMA", EduD3: "D3", EduS1: "S1", EduS2: "S2", EduS3: "S3"}

// String returns the usual abbreviation, e.g. "S1".
func (e Education) String() string {
	if n, ok := educationNames[e]; ok {
		return n
	}
	return fmt.Sprintf("Education(%d)", int(e))
}

// ParseEducation reads an abbreviation such as "S1", "D4" or "SMK".
func ParseEducation(s string) (Education, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "SMA", "SMK", "SLTA":
		return EduSMA, nil
	case "D3", "DIII":
		return EduD3, nil
	case "S1", "D4", "DIV":
		return EduS1, nil
	case "S2":
		return EduS2, nil
	case "S3":
		return EduS3, nil
	}
	return 0, fmt.Errorf("unknown education level %q", s)
}

// EmployeeStatus is an employee's civil-service status.
type EmployeeStatus string

// The statuses that matter to eligibility.
const (
	StatusPNS        EmployeeStatus = "pns"
	StatusCPNS       EmployeeStatus = "cpns"
	StatusStudyLeave EmployeeStatus = "study_leave"
	StatusRetired    EmployeeStatus = "retired"
)

// FunctionalLevel is the level (jenjang) of a functional position: the
// keterampilan levels pemula to penyelia, then the keahlian levels ahli
// pertama to ahli utama. It decides the retirement age (PP 11/2017
// Pasal 239(2)).
type FunctionalLevel string

// The functional levels, lowest first.
const (
	LevelPemula      FunctionalLevel = "pemula"
	LevelTerampil    FunctionalLevel = "terampil"
	LevelMahir       FunctionalLevel = "mahir"
	LevelPenyelia    FunctionalLevel = "penyelia"
	LevelAhliPertama FunctionalLevel = "ahli_pertama"
	LevelAhliMuda    FunctionalLevel = "ahli_muda"
	LevelAhliMadya   FunctionalLevel = "ahli_madya"
	LevelAhliUtama   FunctionalLevel = "ahli_utama"
)

// FunctionalLevels lists the functional levels, lowest first.
var FunctionalLevels = []FunctionalLevel{LevelPemula, LevelTerampil, LevelMahir, LevelPenyelia,
	LevelAhliPertama, LevelAhliMuda, LevelAhliMadya, LevelAhliUtama}

// JPTTier is the tier of a high leadership position (jabatan pimpinan
// tinggi, UU 20/2023 Pasal 15).
type JPTTier string

// The JPT tiers, highest first.
const (
	TierUtama   JPTTier = "utama"
	TierMadya   JPTTier = "madya"
	TierPratama JPTTier = "pratama"
)

// JPTTiers lists the JPT tiers, highest first.
var JPTTiers = []JPTTier{TierUtama, TierMadya, TierPratama}

// ParseChoice reads one of choices written with any case, and with spaces
// or hyphens for underscores ("Ahli Pertama" is ahli_pertama).
func ParseChoice[T ~string](s string, choices []T) (T, bool) {
	t := strings.ToLower(strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '\t'
	}), "_"))
	for _, c := range choices {
		if string(c) == t {
			return c, true
		}
	}
	return "", false
}

// SanctionType is the level of a disciplinary sanction (PP 94/2021
// Pasal 8): ringan (light: a spoken or written reprimand, a statement of
// dissatisfaction), sedang (medium: allowance cut by 25% for 6, 9 or 12
// months) or berat (heavy: demotion, or removal to a pelaksana post, for
// 12 months; dismissal).
type SanctionType string

// The sanction levels, lightest first.
const (
	SanctionRingan SanctionType = "ringan"
	SanctionSedang SanctionType = "sedang"
	SanctionBerat  SanctionType = "berat"
)

// SanctionTypes lists the sanction levels, lightest first.
var SanctionTypes = []SanctionType{SanctionRingan, SanctionSedang, SanctionBerat}

// English returns the level's English name: light, medium or heavy.
func (t SanctionType) English() string {
	switch t {
	case SanctionRingan:
		return "light"
	case SanctionSedang:
		return "medium"
	case SanctionBerat:
		return "heavy"
	}
	return string(t)
}
