package seed

import (
	"fmt"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/models"
)

func TestGenerateDemoCity(t *testing.T) {
	asOf := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	d := Generate(2000, asOf, 1)
	if len(d.Units) != 20 || len(d.Positions) != 300 || len(d.Employees) != 2000 {
		t.Fatalf("%d units, %d positions, %d employees; want 20, 300, 2000", len(d.Units), len(d.Positions), len(d.Employees))
	}
	seats, nips := 0, map[string]bool{}
	for _, p := range d.Positions {
		seats += p.Seats
	}
	for _, e := range d.Employees {
		if _, err := models.ParseNIP(e.NIP); err != nil || nips[e.NIP] {
			t.Fatalf("NIP %s: %v (duplicate %v)", e.NIP, err, nips[e.NIP])
		}
		nips[e.NIP] = true
		// In January the final SKP years are the two before last year.
		if len(e.SKP) != 2 || e.SKP[0].Year != 2024 || e.SKP[1].Year != 2025 {
			t.Fatalf("%s has SKP %+v, want 2024 and 2025", e.NIP, e.SKP)
		}
	}
	if seats < 2100 || seats > 2300 {
		t.Errorf("%d seats for 2,000 employees, want about 2,200", seats)
	}
	if fmt.Sprint(Generate(50, asOf, 3)) != fmt.Sprint(Generate(50, asOf, 3)) {
		t.Error("the same seed gave different data")
	}
}
