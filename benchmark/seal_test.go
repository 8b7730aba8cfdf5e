package benchmark

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/auditchain"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// The run's sealer chains the lines appended while it runs and, stopped,
// signs the head: the report's row says the trail is intact and sealed
// to its last line. With nothing to seal, no checkpoint is signed and the
// row says so.
func TestSealerBesideTheRun(t *testing.T) {
	for _, lines := range []int{5, 0} {
		t.Run(fmt.Sprintf("%d lines", lines), func(t *testing.T) {
			gdb, _ := testkit.New(t)
			b := &bench{ctx: t.Context(), gdb: gdb, dir: t.TempDir(), report: &Report{}}
			check, stop, err := b.sealAudit()
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			for i := range lines {
				line := models.AuditEntry{Key: fmt.Sprintf("bench:%d", i), ActorID: "hr1", Role: models.RoleHR,
					Action: models.ActionTokenRevoked, At: time.Now()}
				if _, err := auditchain.Append(gdb, &line); err != nil {
					t.Fatal(err)
				}
			}
			check()
			check() // once only
			if len(b.report.Rows) != 1 {
				t.Fatalf("%d rows, want 1: %+v", len(b.report.Rows), b.report.Rows)
			}
			row := b.report.Rows[0]
			want := map[bool]string{true: "yes", false: "no"}[lines > 0]
			if row.Met != want || (lines > 0 && !strings.HasPrefix(row.Value, fmt.Sprintf("%d lines sealed", lines))) {
				t.Errorf("with %d lines the row is %+v, want met %q", lines, row, want)
			}
		})
	}
}
