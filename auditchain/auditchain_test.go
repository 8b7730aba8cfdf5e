package auditchain_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/auditchain"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/seed"
	"github.com/bkpsdm/mutasi/testkit"
)

var at = time.Date(2027, 1, 4, 9, 30, 0, 123456789, time.UTC)

func entry(i int) models.AuditEntry {
	return models.AuditEntry{Key: fmt.Sprintf("test:%d", i), RoundID: "R1", TransferID: fmt.Sprintf("T%d", i%7),
		ActorID: "hr1", Role: models.RoleHR, Action: "tested", Detail: fmt.Sprintf("baris %d; ' OR 1=1 --", i), At: at.Add(time.Duration(i) * time.Second)}
}

// appendMany appends n lines from workers goroutines at once, each line in
// its own transaction that also does other work, as activities do.
func appendMany(t *testing.T, gdb *gorm.DB, n, workers int) {
	t.Helper()
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				err := gdb.Transaction(func(tx *gorm.DB) error {
					if err := tx.Exec("SELECT count(*) FROM transfers").Error; err != nil {
						return err
					}
					e := entry(i)
					added, err := auditchain.Append(tx, &e)
					if err == nil && !added {
						err = errors.New("not added")
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func verify(t *testing.T, gdb *gorm.DB, want int) string {
	t.Helper()
	n, unchained, head, err := auditchain.Verify(gdb)
	if err != nil {
		t.Fatal(err)
	}
	if n != want || unchained != 0 || len(head) != 64 {
		t.Fatalf("verified %d lines (%d unchained), head %q; want %d", n, unchained, head, want)
	}
	return head
}

// TestConcurrentAppendsMakeOneChain appends from parallel transactions:
// every line links to exactly one other, with no fork, and verifies.
func TestConcurrentAppendsMakeOneChain(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			appendMany(t, gdb, 300, 12)
			verify(t, gdb, 300)
			var forks int64
			gdb.Raw("SELECT count(*) FROM (SELECT prev_hash FROM audit_entries GROUP BY prev_hash HAVING count(*) > 1) f").Scan(&forks)
			if forks != 0 {
				t.Errorf("%d lines have a sibling", forks)
			}
			// Once per key: a repeat adds nothing and keeps the chain.
			e := entry(5)
			if added, err := auditchain.Append(gdb, &e); err != nil || added {
				t.Errorf("repeat of key %s: added %v, %v", e.Key, added, err)
			}
			verify(t, gdb, 300)
		})
	}
}

// TestActivitiesKeepTheChain runs activities that write audit lines in
// parallel, some twice as a retry would, and verifies the chain.
func TestActivitiesKeepTheChain(t *testing.T) {
	gdb, _ := testkit.New(t)
	ctx := context.Background()
	if err := seed.Load(gdb, seed.Generate(200, at, 3)); err != nil {
		t.Fatal(err)
	}
	a := &activities.Activities{DB: gdb, BaseURL: "http://mutasi.test", LinkSecret: []byte("s")}
	start := contract.RoundStart{RoundID: "C1", Name: "rantai", Settings: models.DefaultSettings(),
		WorkflowID: contract.RoundWorkflowID("C1"), By: contract.System, At: at}
	if err := a.StartRound(ctx, start); err != nil {
		t.Fatal(err)
	}
	in := contract.RoundAsOf{RoundID: "C1", AsOf: at}
	if _, err := a.AnalyzeNeeds(ctx, in); err != nil {
		t.Fatal(err)
	}
	ps, err := a.SelectCandidates(ctx, in)
	if err != nil || len(ps) < 10 {
		t.Fatalf("%d proposals, %v", len(ps), err)
	}
	var wg sync.WaitGroup
	for _, p := range ps {
		// Two tries of the decision at once, then the decree and a retry of it.
		var decided sync.WaitGroup
		for range 2 {
			decided.Go(func() {
				d := contract.DecisionInput{TransferID: p.TransferID, Step: models.RoleTPK, Approve: true, Reason: "ok",
					By: contract.ActorRef{ID: "tpk1", Role: models.RoleTPK}, At: at}
				if err := a.RecordDecision(ctx, d); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Go(func() {
			decided.Wait()
			for range 2 {
				if _, err := a.MakeEffective(ctx, contract.EffectiveInput{TransferID: p.TransferID, EffectiveDate: at, At: at}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	var n int64
	gdb.Model(&models.AuditEntry{}).Count(&n)
	if want := int64(3 + 2*len(ps)); n != want {
		t.Errorf("%d audit lines, want %d", n, want)
	}
	verify(t, gdb, int(n))
}

// TestTamperingShows changes, removes and slips in lines behind the
// append-only trigger's back, as a superuser could, and checks that
// Verify names the line.
func TestTamperingShows(t *testing.T) {
	gdb, _ := testkit.New(t)
	appendMany(t, gdb, 20, 1)
	head := verify(t, gdb, 20)
	var ids []uint
	gdb.Model(&models.AuditEntry{}).Order("id").Pluck("id", &ids)

	// The trigger refuses changes.
	if err := gdb.Model(&models.AuditEntry{}).Where("id = ?", ids[3]).Update("detail", "x").Error; err == nil {
		t.Fatal("an UPDATE on the audit trail succeeded")
	}
	if err := gdb.Exec("DELETE FROM audit_entries WHERE id = ?", ids[3]).Error; err == nil {
		t.Fatal("a DELETE on the audit trail succeeded")
	}

	superuser := func(sql string, args ...any) {
		t.Helper()
		err := gdb.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only").Error; err != nil {
				return err
			}
			if err := tx.Exec(sql, args...).Error; err != nil {
				return err
			}
			return tx.Exec("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only").Error
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	broken := func(wantID uint) {
		t.Helper()
		_, _, _, err := auditchain.Verify(gdb)
		var b *auditchain.BrokenError
		if !errors.As(err, &b) || b.ID != wantID {
			t.Fatalf("Verify: %v, want the chain broken at line %d", err, wantID)
		}
	}

	// A changed detail.
	var orig models.AuditEntry
	gdb.First(&orig, ids[5])
	superuser("UPDATE audit_entries SET detail = 'disetujui' WHERE id = ?", ids[5])
	broken(ids[5])
	superuser("UPDATE audit_entries SET detail = ? WHERE id = ?", orig.Detail, ids[5])
	if verify(t, gdb, 20) != head {
		t.Fatal("restoring the line did not restore the head")
	}
	// A changed actor, with its own hash recomputed: the next line shows it.
	forged := orig
	forged.ActorID = "intruder"
	superuser("UPDATE audit_entries SET actor_id = ?, hash = ? WHERE id = ?", forged.ActorID, auditchain.Hash(forged, forged.PrevHash), ids[5])
	broken(ids[6])
	superuser("UPDATE audit_entries SET actor_id = ?, hash = ? WHERE id = ?", orig.ActorID, orig.Hash, ids[5])
	verify(t, gdb, 20)
	// A changed time.
	superuser("UPDATE audit_entries SET at = at + interval '1 day' WHERE id = ?", ids[9])
	broken(ids[9])
	superuser("UPDATE audit_entries SET at = at - interval '1 day' WHERE id = ?", ids[9])
	verify(t, gdb, 20)
	// A removed line.
	var removed models.AuditEntry
	gdb.First(&removed, ids[12])
	superuser("DELETE FROM audit_entries WHERE id = ?", ids[12])
	broken(ids[13])
	// A line slipped in at the end without the chain.
	superuser("INSERT INTO audit_entries (key, round_id, transfer_id, actor_id, role, action, detail, at) VALUES ('forged', 'R1', 'T1', 'x', 'hr_officer', 'tpk_approved', '', now())")
	_, _, _, err := auditchain.Verify(gdb)
	if err == nil {
		t.Fatal("Verify accepted a removed line and a forged one")
	}
}
