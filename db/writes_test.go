package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

// Writes run together or not at all: a statement that fails, or one that
// needs a row and changes none, leaves nothing of the others, and the
// connection goes back to the pool fit for the next user.
func TestWritesCommitTogetherOrNotAtAll(t *testing.T) {
	ctx := context.Background()
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, dsn := b.New(t)
			sqlDB, err := gdb.DB()
			if err != nil {
				t.Fatal(err)
			}
			sqlDB.SetMaxOpenConns(1) // every run below takes the same connection
			at := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)
			decision := func(w *db.Writes, id string) {
				t.Helper()
				row := models.Decision{TransferID: id, Step: models.RoleTPK, Approve: true, ActorID: "tpk1", DecidedAt: at}
				if err := w.Add(w.Build().Create(&row), ""); err != nil {
					t.Fatal(err)
				}
			}
			count := func(id string) (n int64) {
				t.Helper()
				if err := gdb.Model(&models.Decision{}).Where("transfer_id = ?", id).Count(&n).Error; err != nil {
					t.Fatal(err)
				}
				return n
			}

			w := db.NewWrites(gdb)
			decision(w, "ok-1")
			decision(w, "ok-2")
			if err := w.Run(ctx, gdb); err != nil {
				t.Fatal(err)
			}
			if count("ok-1") != 1 || count("ok-2") != 1 {
				t.Errorf("decisions after a run: %d and %d, want 1 and 1", count("ok-1"), count("ok-2"))
			}
			var pid int64
			if b.Name == "postgres" {
				gdb.Raw("SELECT pg_backend_pid()").Scan(&pid)
			}

			// The second statement breaks a unique index: the first is undone.
			w = db.NewWrites(gdb)
			decision(w, "dup-1")
			decision(w, "ok-1")
			if err := w.Run(ctx, gdb); err == nil {
				t.Error("a run with a duplicate decision succeeded")
			}
			if n := count("dup-1"); n != 0 {
				t.Errorf("%d decisions left by a run that failed, want 0", n)
			}

			// An UPDATE that needs a row and finds none: not found, and the
			// decision before it is undone.
			w = db.NewWrites(gdb)
			decision(w, "lost-1")
			if err := w.Add(w.Build().Model(&models.Transfer{}).Where("id = ?", "nope").Update("stage", models.StageAwaitingPPK),
				"transfer nope"); err != nil {
				t.Fatal(err)
			}
			err = w.Run(ctx, gdb)
			if !errors.Is(err, gorm.ErrRecordNotFound) || !strings.Contains(err.Error(), "transfer nope") {
				t.Errorf("an update of no row: %v, want not found naming the transfer", err)
			}
			if n := count("lost-1"); n != 0 {
				t.Errorf("%d decisions left by a run whose update found no row, want 0", n)
			}

			// The connection is back in the pool out of any transaction, and
			// kept (not replaced by a new one, a process PostgreSQL forks): a
			// write through it is seen from another connection.
			if b.Name == "postgres" {
				var now int64
				gdb.Raw("SELECT pg_backend_pid()").Scan(&now)
				if now != pid || pid == 0 {
					t.Errorf("the pool's connection is served by backend %d after the failures, %d before", now, pid)
				}
			}
			if err := gdb.Create(&models.Decision{TransferID: "after", Step: models.RoleTPK, ActorID: "tpk1", DecidedAt: at}).Error; err != nil {
				t.Fatal(err)
			}
			other, err := db.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if o, err := other.DB(); err == nil {
					o.Close()
				}
			}()
			var seen int64
			other.Model(&models.Decision{}).Where("transfer_id = ?", "after").Count(&seen)
			if seen != 1 {
				t.Errorf("another connection sees %d of the decisions written after the failures, want 1", seen)
			}

			// Only statements built on Build are taken.
			if err := db.NewWrites(gdb).Add(gdb.Exec("SELECT 1"), ""); err == nil {
				t.Error("a statement GORM ran was added")
			}
		})
	}
}
