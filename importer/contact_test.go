package importer

import (
	"testing"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// TestImportPhoneAndChannel: the employee import stores a phone number as
// +62... and the preferred channel; a later file without those columns
// leaves them; a number that is not an Indonesian mobile one, or an
// unknown channel, is a row error naming its column, with nothing
// written; on PostgreSQL and SQLite.
func TestImportPhoneAndChannel(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			loadUnitsAndPositions(t, gdb)
			head := "nip,name,status,rank,position_id,in_post_since,education,performance,potential"
			budi := "198503122010011001,Budi,pns,III/b,DINSOS-ADM-2,2021-03-01,S1,tinggi,rendah"
			if _, err := loadFile(gdb, "employees", "text/csv", head+",phone,notify\n"+budi+",0812-3456-7890,both\n"); err != nil {
				t.Fatal(err)
			}
			stored := func() models.Employee {
				var e models.Employee
				if err := gdb.First(&e, "nip = ?", "198503122010011001").Error; err != nil {
					t.Fatal(err)
				}
				return e
			}
			if e := stored(); e.Phone != "+6281234567890" || e.Notify != models.ChannelBoth {
				t.Fatalf("stored phone %q, notify %q", e.Phone, e.Notify)
			}
			if _, err := loadFile(gdb, "employees", "text/csv", head+"\n"+budi+"\n"); err != nil {
				t.Fatal(err)
			}
			if e := stored(); e.Phone != "+6281234567890" || e.Notify != models.ChannelBoth {
				t.Errorf("a file without the columns changed them: %q, %q", e.Phone, e.Notify)
			}
			for _, c := range []struct{ column, value string }{{"phone", "021-5551234"}, {"notify", "sms"}} {
				_, err := loadFile(gdb, "employees", "text/csv", head+","+c.column+"\n"+budi+","+c.value+"\n")
				e, ok := apperr.As(err)
				if !ok || len(e.Errors) != 1 || e.Errors[0].Field != c.column || e.Errors[0].Row != 2 {
					t.Errorf("%s %q: %v", c.column, c.value, err)
				}
			}
			if e := stored(); e.Phone != "+6281234567890" || e.Notify != models.ChannelBoth {
				t.Errorf("a refused file changed the employee: %q, %q", e.Phone, e.Notify)
			}
		})
	}
}
