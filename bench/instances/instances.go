// Package instances generates the synthetic assignment instances used by
// the selection benchmarks (go test -bench ./selection/) and by bench/gen,
// which writes them as pairs.csv and seats.csv for bench/compare.sh.
//
// An instance has positions with seats, employees, and the eligible pairs
// with a score each. Positions and employees are split into bands (think of
// a position kind and rank band: a III/a-III/d administrator post only
// admits employees of that band); inside a band each (position, employee)
// pair is eligible with the given density. Scores are either independent
// (uniform in [0, 1)) or strongly correlated: the score is dominated by the
// employee's own quality, and a few "star" employees are eligible for
// nearly every position of their band, so the same people are everyone's
// best candidates. Scores have six decimals so that the CSV files carry
// them exactly.
//
// The two sizes of the issue:
//
//   - City: 500 seats on 300 positions, 5,000 employees, one band, density
//     0.2: about 20% of all pairs are eligible (about 300,000 pairs,
//     1,000 candidates per position).
//   - Province: 3,000 seats on 1,500 positions, 50,000 employees, 15 bands
//     of 100 positions and about 3,333 employees, density 0.2 inside a band:
//     each employee is eligible for about 20 positions and each position has
//     about 667 candidates, about 1,000,000 pairs (1.3% of all 75 million
//     position-employee combinations). Twenty percent of all combinations
//     would be 15 million pairs for 3,000 seats, which is not what an
//     eligibility filter on kind, rank and education leaves.
package instances

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/bkpsdm/mutasi/selection"
)

// Config describes a synthetic instance.
type Config struct {
	Name       string
	Positions  int
	Seats      int // total seats, at least one per position
	Employees  int
	Bands      int     // positions and employees are split into this many bands
	Density    float64 // chance that a pair inside a band is eligible
	Correlated bool    // scores follow the employee's quality; stars are eligible almost everywhere
	Seed       uint64
}

// City is the city-sized instance: 500 seats, 5,000 employees, about 20%
// of pairs eligible.
func City(correlated bool) Config {
	return Config{Name: name("city", correlated), Positions: 300, Seats: 500, Employees: 5000,
		Bands: 1, Density: 0.2, Correlated: correlated, Seed: 1}
}

// Province is the province-sized instance: 3,000 seats, 50,000 employees,
// about 667 candidates per position.
func Province(correlated bool) Config {
	return Config{Name: name("province", correlated), Positions: 1500, Seats: 3000, Employees: 50000,
		Bands: 15, Density: 0.2, Correlated: correlated, Seed: 2}
}

// All lists the four benchmark instances.
func All() []Config {
	return []Config{City(false), City(true), Province(false), Province(true)}
}

func name(size string, correlated bool) string {
	if correlated {
		return size + "-correlated"
	}
	return size + "-independent"
}

// starShare is the share of employees who are stars in correlated
// instances; a star is eligible for each position of their band with
// probability starDensity.
const (
	starShare   = 0.01
	starDensity = 0.9
)

// Generate draws the instance: its pairs (grouped by position) and the seats
// of every position.
func Generate(c Config) ([]selection.Pair, map[string]int) {
	r := rand.New(rand.NewPCG(c.Seed, uint64(c.Positions)<<32|uint64(c.Employees)))
	bands := max(c.Bands, 1)

	pos := make([]string, c.Positions)
	seats := make(map[string]int, c.Positions)
	for p := range pos {
		pos[p] = fmt.Sprintf("P%05d", p+1)
		seats[pos[p]] = 1
	}
	for k := c.Positions; k < c.Seats; k++ {
		seats[pos[r.IntN(c.Positions)]]++
	}

	emp := make([]string, c.Employees)
	quality := make([]float64, c.Employees)
	star := make([]bool, c.Employees)
	for e := range emp {
		emp[e] = fmt.Sprintf("E%06d", e+1)
		quality[e] = r.Float64()
		if c.Correlated && r.Float64() < starShare {
			star[e] = true
			quality[e] = 0.95 + 0.05*quality[e]
		}
	}
	// Employees of band b are those with e % bands == b; positions likewise.
	var pairs []selection.Pair
	for p := range pos {
		b := p % bands
		for e := b; e < c.Employees; e += bands {
			d := c.Density
			if star[e] {
				d = starDensity
			}
			if r.Float64() >= d {
				continue
			}
			s := r.Float64()
			if c.Correlated {
				s = 0.9*quality[e] + 0.1*s
			}
			pairs = append(pairs, selection.Pair{Position: pos[p], Employee: emp[e], Score: math.Round(s*1e6) / 1e6})
		}
	}
	return pairs, seats
}
