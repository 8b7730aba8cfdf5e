package auditchain_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/activities"
	"github.com/bkpsdm/mutasi/auditchain"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/db"
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

// seal seals every waiting line.
func seal(t *testing.T, gdb *gorm.DB) auditchain.Head {
	t.Helper()
	head, err := auditchain.Seal(gdb)
	if err != nil {
		t.Fatal(err)
	}
	return head
}

// verify checks the chain (against cp when given) and that it holds want
// sealed lines and none waiting; it returns the head's hash.
func verify(t *testing.T, gdb *gorm.DB, want int, cp *auditchain.Checkpoint) string {
	t.Helper()
	rep, err := auditchain.Verify(gdb, time.Now(), cp)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Head.Seq != int64(want) || rep.Waiting != 0 || len(rep.Head.Hash) != 64 {
		t.Fatalf("verified %+v; want %d lines sealed, none waiting", rep, want)
	}
	return rep.Head.Hash
}

// TestConcurrentAppendsMakeOneChain appends from parallel transactions
// while two sealers seal at once: every line gets one place in one chain,
// with no fork, and verifies.
func TestConcurrentAppendsMakeOneChain(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			ctx, stop := context.WithCancel(context.Background())
			var sealers sync.WaitGroup
			for range 2 {
				sealers.Go(func() {
					(&auditchain.Sealer{DB: gdb, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Every: time.Millisecond}).Run(ctx)
				})
			}
			appendMany(t, gdb, 300, 12)
			stop()
			sealers.Wait()
			seal(t, gdb)
			verify(t, gdb, 300, nil)
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
			seal(t, gdb)
			verify(t, gdb, 300, nil)
		})
	}
}

// TestOnlyTheSealChangesALine checks the append-only trigger on both
// databases: content cannot change, a line cannot go, and a line is
// sealed once.
func TestOnlyTheSealChangesALine(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			appendMany(t, gdb, 3, 1)
			var e models.AuditEntry
			gdb.Order("id").First(&e)
			if err := gdb.Model(&e).Updates(map[string]any{"seq": 7, "detail": "x"}).Error; err == nil {
				t.Error("a seal that changes the content succeeded")
			}
			seal(t, gdb)
			if err := gdb.Model(&models.AuditEntry{}).Where("id = ?", e.ID).Update("seq", 9).Error; err == nil {
				t.Error("a sealed line was sealed again")
			}
			if err := gdb.Exec("DELETE FROM audit_entries WHERE id = ?", e.ID).Error; err == nil {
				t.Error("a DELETE on the audit trail succeeded")
			}
			verify(t, gdb, 3, nil)
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
	seal(t, gdb)
	verify(t, gdb, int(n), nil)
}

// superuser runs sql behind the append-only trigger's back, as a
// superuser could.
func superuser(t *testing.T, gdb *gorm.DB, sql string, args ...any) {
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

// broken checks that Verify (against cp when given) finds the chain
// broken at line wantID (0: at its end), for a reason that says want.
func broken(t *testing.T, gdb *gorm.DB, cp *auditchain.Checkpoint, wantID uint, want string) {
	t.Helper()
	_, err := auditchain.Verify(gdb, time.Now(), cp)
	var b *auditchain.BrokenError
	if !errors.As(err, &b) || b.ID != wantID || !strings.Contains(b.Reason, want) {
		t.Fatalf("Verify: %v; want the chain broken at line %d: %s", err, wantID, want)
	}
}

// TestTamperingShows changes, removes and slips in lines behind the
// append-only trigger's back and checks that Verify names the line.
func TestTamperingShows(t *testing.T) {
	gdb, _ := testkit.New(t)
	appendMany(t, gdb, 20, 1)
	seal(t, gdb)
	head := verify(t, gdb, 20, nil)
	var ids []uint
	gdb.Model(&models.AuditEntry{}).Order("seq").Pluck("id", &ids)

	// A changed detail.
	var orig models.AuditEntry
	gdb.First(&orig, ids[5])
	superuser(t, gdb, "UPDATE audit_entries SET detail = 'disetujui' WHERE id = ?", ids[5])
	broken(t, gdb, nil, ids[5], "content does not match")
	superuser(t, gdb, "UPDATE audit_entries SET detail = ? WHERE id = ?", orig.Detail, ids[5])
	if verify(t, gdb, 20, nil) != head {
		t.Fatal("restoring the line did not restore the head")
	}
	// A changed actor, with its own hash recomputed: the next line shows it.
	forged := orig
	forged.ActorID = "intruder"
	superuser(t, gdb, "UPDATE audit_entries SET actor_id = ?, hash = ? WHERE id = ?", forged.ActorID, auditchain.Hash(forged, forged.PrevHash), ids[5])
	broken(t, gdb, nil, ids[6], "does not follow")
	superuser(t, gdb, "UPDATE audit_entries SET actor_id = ?, hash = ? WHERE id = ?", orig.ActorID, orig.Hash, ids[5])
	verify(t, gdb, 20, nil)
	// A changed time.
	superuser(t, gdb, "UPDATE audit_entries SET at = at + interval '1 day' WHERE id = ?", ids[9])
	broken(t, gdb, nil, ids[9], "content does not match")
	superuser(t, gdb, "UPDATE audit_entries SET at = at - interval '1 day' WHERE id = ?", ids[9])
	verify(t, gdb, 20, nil)
	// A line moved to another place.
	superuser(t, gdb, "UPDATE audit_entries SET seq = seq + 100 WHERE id = ?", ids[3])
	broken(t, gdb, nil, ids[4], "where line 4 should be")
	superuser(t, gdb, "UPDATE audit_entries SET seq = seq - 100 WHERE id = ?", ids[3])
	// A line slipped in without the chain, or with a seal of its own.
	superuser(t, gdb, "INSERT INTO audit_entries (key, round_id, transfer_id, actor_id, role, action, detail, at) VALUES ('forged', 'R1', 'T1', 'x', 'hr_officer', 'tpk_approved', '', now())")
	broken(t, gdb, nil, lastID(gdb), "waited for its seal")
	superuser(t, gdb, "UPDATE audit_entries SET recorded_at = now(), hash = ? WHERE key = 'forged'", head)
	broken(t, gdb, nil, lastID(gdb), "no place in the chain")
	superuser(t, gdb, "DELETE FROM audit_entries WHERE key = 'forged'")
	verify(t, gdb, 20, nil)
	// A removed line.
	superuser(t, gdb, "DELETE FROM audit_entries WHERE id = ?", ids[12])
	broken(t, gdb, nil, ids[13], "where line 13 should be")
}

func lastID(gdb *gorm.DB) uint {
	var id uint
	gdb.Model(&models.AuditEntry{}).Select("max(id)").Scan(&id)
	return id
}

// TestCheckpointsCloseTheBlindSpots rewrites the chain, cuts its end off
// and blanks every seal: changes a chain alone cannot show, as the
// rewriter recomputes the hashes. The sealer's signed checkpoint, kept in
// a file, shows each; a forged checkpoint does not pass.
func TestCheckpointsCloseTheBlindSpots(t *testing.T) {
	gdb, _ := testkit.New(t)
	secret, public, err := auditchain.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	key, err := auditchain.ParseKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := auditchain.ParsePublicKey(public)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "checkpoints.jsonl")
	var logged bytes.Buffer
	ctx, stop := context.WithCancel(context.Background())
	sealer := &auditchain.Sealer{DB: gdb, Key: key, Checkpoints: file, Log: slog.New(slog.NewTextHandler(&logged, nil)),
		Every: time.Millisecond}
	done := make(chan struct{})
	go func() { sealer.Run(ctx); close(done) }()
	appendMany(t, gdb, 20, 3)
	stop() // the sealer seals and signs once more as it stops
	<-done
	cp := latest(t, file, pub)
	if cp.Seq != 20 || !strings.Contains(logged.String(), cp.Signature) {
		t.Fatalf("checkpoint %+v; want line 20, also in the log", cp)
	}
	head := verify(t, gdb, 20, cp)
	if cp.Hash != head {
		t.Fatalf("checkpoint head %s, chain head %s", cp.Hash, head)
	}

	// The chain rewritten from line 6 on, every hash recomputed: the chain
	// alone holds, the checkpoint does not.
	var lines []models.AuditEntry
	gdb.Order("seq").Find(&lines)
	prev := lines[4].Hash
	for i := 5; i < len(lines); i++ {
		e := lines[i]
		if i == 5 {
			e.Detail = "ditulis ulang"
		}
		h := auditchain.Hash(e, prev)
		superuser(t, gdb, "UPDATE audit_entries SET detail = ?, prev_hash = ?, hash = ? WHERE id = ?", e.Detail, prev, h, e.ID)
		prev = h
	}
	verify(t, gdb, 20, nil)
	broken(t, gdb, cp, lines[19].ID, "the chain was rewritten")
	for _, e := range lines[5:] {
		superuser(t, gdb, "UPDATE audit_entries SET detail = ?, prev_hash = ?, hash = ? WHERE id = ?", e.Detail, e.PrevHash, e.Hash, e.ID)
	}
	verify(t, gdb, 20, cp)

	// The last lines deleted.
	superuser(t, gdb, "DELETE FROM audit_entries WHERE seq > 17")
	verify(t, gdb, 17, nil)
	broken(t, gdb, cp, 0, "removed from its end")
	for _, e := range lines[17:] {
		if err := gdb.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only").Error; err != nil {
				return err
			}
			if err := tx.Create(&e).Error; err != nil {
				return err
			}
			return tx.Exec("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only").Error
		}); err != nil {
			t.Fatal(err)
		}
	}
	verify(t, gdb, 20, cp)

	// Every seal blanked an hour after the lines were written: the lines
	// look as if waiting, for too long; and with their times made fresh,
	// the checkpoint shows them.
	superuser(t, gdb, "UPDATE audit_entries SET seq = NULL, prev_hash = '', hash = '', recorded_at = recorded_at - interval '1 hour'")
	broken(t, gdb, nil, lines[0].ID, "waited for its seal")
	superuser(t, gdb, "UPDATE audit_entries SET recorded_at = now()")
	if rep, err := auditchain.Verify(gdb, time.Now(), nil); err != nil || rep.Waiting != 20 {
		t.Fatalf("without a checkpoint: %+v, %v", rep, err)
	}
	broken(t, gdb, cp, 0, "removed from its end")

	// A forged checkpoint, and one signed by another key.
	forged := *cp
	forged.Seq = 3
	_, other, _ := ed25519.GenerateKey(nil)
	otherSigned := auditchain.Sign(other, cp.Head, cp.At)
	for _, c := range []auditchain.Checkpoint{forged, otherSigned} {
		if err := c.Check(pub); err == nil {
			t.Errorf("checkpoint %+v passed", c)
		}
	}
	appendCheckpoint(t, file, forged)
	if _, err := auditchain.LatestCheckpoint(openFile(t, file), pub); err == nil {
		t.Error("a checkpoints file with a forged line was read")
	}
}

func latest(t *testing.T, file string, pub ed25519.PublicKey) *auditchain.Checkpoint {
	t.Helper()
	cp, err := auditchain.LatestCheckpoint(openFile(t, file), pub)
	if err != nil || cp == nil {
		t.Fatalf("latest checkpoint: %v, %v", cp, err)
	}
	return cp
}

func openFile(t *testing.T, file string) *os.File {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func appendCheckpoint(t *testing.T, file string, c auditchain.Checkpoint) {
	t.Helper()
	line := fmt.Sprintf(`{"seq":%d,"head":%q,"at":%q,"key_id":%q,"signature":%q}`+"\n", c.Seq, c.Hash,
		c.At.Format(time.RFC3339Nano), c.KeyID, c.Signature)
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(line); err != nil {
		t.Fatal(err)
	}
}

// TestChainsBeforeTheSealerKeepTheirPlace migrates a trail written before
// the sealer existed: older lines without a hash first, then lines chained
// in ID order. Migration numbers the chained lines in their order, the
// sealer seals the older ones after them, and the whole trail verifies.
func TestChainsBeforeTheSealerKeepTheirPlace(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			prev := ""
			for i := range 7 {
				e := entry(i)
				if i >= 2 {
					e.PrevHash, e.Hash = prev, auditchain.Hash(e, prev)
					prev = e.Hash
				}
				if err := gdb.Create(&e).Error; err != nil {
					t.Fatal(err)
				}
			}
			if err := db.Migrate(gdb); err != nil {
				t.Fatal(err)
			}
			var seqs []int64
			gdb.Model(&models.AuditEntry{}).Where("seq IS NOT NULL").Order("id").Pluck("seq", &seqs)
			if fmt.Sprint(seqs) != "[1 2 3 4 5]" {
				t.Fatalf("numbered %v, want the five chained lines 1-5", seqs)
			}
			if head := seal(t, gdb); head.Seq != 7 {
				t.Fatalf("sealed up to %d, want 7", head.Seq)
			}
			if err := db.Migrate(gdb); err != nil {
				t.Fatal(err)
			}
			verify(t, gdb, 7, nil)
		})
	}
}

// BenchmarkSeal seals batches of 500 waiting lines (sealBatch), as the
// sealer finds them at 50 decisions a second and more.
func BenchmarkSeal(b *testing.B) {
	for _, be := range testkit.Backends() {
		b.Run(be.Name, func(b *testing.B) {
			gdb, _ := be.New(b)
			next := 0
			for b.Loop() {
				b.StopTimer()
				for range 500 {
					e := entry(next)
					next++
					if _, err := auditchain.Append(gdb, &e); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				if _, err := auditchain.Seal(gdb); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestLinesSealedOutOfIDOrder verifies a chain whose numbers do not
// follow the lines' IDs, as when a transaction commits its line after
// later ones were sealed, across the pages Verify reads: every line is
// walked, in the chain's order.
func TestLinesSealedOutOfIDOrder(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			const n = 1001 // past one page of Verify
			late := entry(0)
			late.ID = n + 100
			if _, err := auditchain.Append(gdb, &late); err != nil {
				t.Fatal(err)
			}
			seal(t, gdb) // line 1 of the chain, with the highest ID
			for i := 1; i < n; i++ {
				e := entry(i)
				e.ID = uint(i)
				if _, err := auditchain.Append(gdb, &e); err != nil {
					t.Fatal(err)
				}
			}
			seal(t, gdb)
			verify(t, gdb, n, nil)
		})
	}
}
