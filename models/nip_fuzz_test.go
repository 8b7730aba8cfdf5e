package models

import (
	"fmt"
	"testing"
	"time"
)

// FuzzParseNIP checks that ParseNIP never panics, accepts only 18 digits,
// and that what it accepts reads back: the parts it returns spell the
// input again, and satisfy the rules it checks.
func FuzzParseNIP(f *testing.F) {
	for _, s := range []string{
		"198503142010012003", "199001012015011999", "196812311990121001",
		"19850314201001200", "19850314201001200x", "198502302010012003", "198503142010132003",
		"198503141995012003", "198503142010013003", "198503142010012000", "", "１98503142010012003",
		"000000000000000000", "999999999999999999", "20000229201801100\x00", "200002292018011001",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNIP(s)
		if err != nil {
			if n != (NIP{}) {
				t.Errorf("ParseNIP(%q) failed (%v) but returned %+v", s, err, n)
			}
			return
		}
		if len(s) != 18 {
			t.Fatalf("ParseNIP accepted %q of %d bytes", s, len(s))
		}
		again := n.BirthDate.Format("20060102") + n.ServiceStart.Format("200601") + fmt.Sprintf("%d%03d", n.Sex, n.Serial)
		if again != s {
			t.Errorf("ParseNIP(%q) = %+v, which spells %q", s, n, again)
		}
		if n.Sex != 1 && n.Sex != 2 || n.Serial < 1 || n.Serial > 999 {
			t.Errorf("ParseNIP(%q) accepted sex %d, serial %d", s, n.Sex, n.Serial)
		}
		if n.ServiceStart.Before(n.BirthDate.AddDate(MinCPNSAge, 0, 0)) || n.BirthDate.After(time.Now()) ||
			n.BirthDate.Location() != time.UTC {
			t.Errorf("ParseNIP(%q) accepted a service start %v too soon after the birth %v", s, n.ServiceStart, n.BirthDate)
		}
	})
}
