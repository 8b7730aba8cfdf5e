package db_test

import (
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/dbtest"
	"github.com/bkpsdm/mutasi/models"
)

func TestMigrateTwiceAndAuditAppendOnly(t *testing.T) {
	gdb, _ := dbtest.New(t)
	if err := db.Migrate(gdb); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	e := models.AuditEntry{Key: "k1", ActorID: "a", Role: models.RoleHR, Action: "test", At: time.Now()}
	if err := gdb.Create(&e).Error; err != nil {
		t.Fatal(err)
	}
	if err := gdb.Model(&e).Update("action", "changed").Error; err == nil {
		t.Error("UPDATE on audit_entries succeeded")
	}
	if err := gdb.Delete(&e).Error; err == nil {
		t.Error("DELETE on audit_entries succeeded")
	}
	var n int64
	gdb.Model(&models.AuditEntry{}).Where("action = ?", "test").Count(&n)
	if n != 1 {
		t.Errorf("audit rows = %d, want 1 unchanged", n)
	}
}
