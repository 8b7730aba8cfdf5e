package instances

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/bkpsdm/mutasi/selection"
)

// ReassignConfig describes a synthetic reassignment of a whole workforce
// (selection.Reassign): every employee holds a post, posts have formation
// seats, and each employee has Moves eligible moves to other posts of
// their band.
type ReassignConfig struct {
	Name      string
	Positions int
	Employees int
	Bands     int     // posts and employees are split into this many bands
	Moves     int     // eligible moves per employee, inside their band
	MustMove  float64 // share of employees past the maximum time in post
	Seed      uint64
}

// ReassignCity is the demo city's size: 2,000 employees on 200 posts, 20
// eligible moves each, 10% must move.
func ReassignCity() ReassignConfig {
	return ReassignConfig{Name: "reassign-city", Positions: 200, Employees: 2000, Bands: 4, Moves: 20, MustMove: 0.1, Seed: 5}
}

// ReassignProvince is the province of the issue: 50,000 employees on 3,000
// posts, 60 eligible moves each, 10% must move.
func ReassignProvince() ReassignConfig {
	return ReassignConfig{Name: "reassign-province", Positions: 3000, Employees: 50000, Bands: 15, Moves: 60, MustMove: 0.1, Seed: 6}
}

// AllReassign lists the reassignment benchmark instances.
func AllReassign() []ReassignConfig { return []ReassignConfig{ReassignCity(), ReassignProvince()} }

// GenerateReassign draws the instance. Formation seats total about 110% of
// the employees and are spread unevenly, so some posts are over-full (their
// capacity is their holders), and the posts with fewer holders than seats
// are the needed ones. Scores are uniform in [0, 1) with six decimals.
func GenerateReassign(c ReassignConfig) selection.Problem {
	r := rand.New(rand.NewPCG(c.Seed, uint64(c.Positions)<<32|uint64(c.Employees)))
	bands := max(c.Bands, 1)
	var p selection.Problem
	seats := make([]int, c.Positions)
	for t := range seats {
		seats[t] = 1
	}
	for k := c.Positions; k < c.Employees*11/10; k++ {
		seats[r.IntN(c.Positions)]++
	}
	// Holders: employee e is in band e % bands and holds a post of it,
	// weighted by the post's seats plus noise.
	holding := make([]int, c.Positions)
	byBand := make([][]int, bands)
	for t := range seats {
		byBand[t%bands] = append(byBand[t%bands], t)
	}
	cur := make([]int, c.Employees)
	for e := range cur {
		posts := byBand[e%bands]
		t := posts[r.IntN(len(posts))]
		cur[e] = t
		holding[t]++
		p.Holders = append(p.Holders, selection.Holder{Employee: fmt.Sprintf("E%06d", e+1),
			Position: fmt.Sprintf("P%05d", t+1), MustMove: r.Float64() < c.MustMove})
	}
	for t := range seats {
		p.Posts = append(p.Posts, selection.Post{ID: fmt.Sprintf("P%05d", t+1),
			Capacity: max(seats[t], holding[t]), Needed: holding[t] < seats[t]})
	}
	for e := range cur {
		posts := byBand[e%bands]
		n := min(c.Moves, len(posts)-1)
		for _, k := range r.Perm(len(posts))[:n+1] {
			if t := posts[k]; t != cur[e] && n > 0 {
				p.Pairs.Add(p.Posts[t].ID, p.Holders[e].Employee, math.Round(r.Float64()*1e6)/1e6)
				n--
			}
		}
	}
	return p
}
