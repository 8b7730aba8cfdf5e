package db_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bkpsdm/mutasi/db"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/testkit"
)

func TestMigrateTwiceAndAuditAppendOnly(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			if err := db.Migrate(gdb); err != nil {
				t.Fatalf("second migrate: %v", err)
			}
			e := models.AuditEntry{Key: "k1", ActorID: "a", Role: models.RoleHR, Action: "test", At: time.Now()}
			if err := gdb.Create(&e).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(gdb); err != nil {
				t.Fatalf("migrate over data: %v", err)
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
		})
	}
}

func TestOpenChoosesTheDialect(t *testing.T) {
	dir := t.TempDir()
	for _, dsn := range []string{
		"sqlite:" + filepath.Join(dir, "a", "mutasi.db"), // the folder is created
		filepath.Join(dir, "b.db"),
	} {
		gdb, err := db.Open(dsn)
		if err != nil {
			t.Fatalf("open %s: %v", dsn, err)
		}
		sqlDB, err := gdb.DB()
		if err != nil {
			t.Fatal(err)
		}
		if !db.IsSQLite(gdb) {
			t.Errorf("%s did not open SQLite", dsn)
		}
		var mode string
		var fk, timeout int
		gdb.Raw("PRAGMA journal_mode").Scan(&mode)
		gdb.Raw("PRAGMA foreign_keys").Scan(&fk)
		gdb.Raw("PRAGMA busy_timeout").Scan(&timeout)
		if mode != "wal" || fk != 1 || timeout < 5000 {
			t.Errorf("%s: journal_mode %q, foreign_keys %d, busy_timeout %d", dsn, mode, fk, timeout)
		}
		if n := sqlDB.Stats().MaxOpenConnections; n != 1 {
			t.Errorf("%s: %d connections at most, want 1", dsn, n)
		}
		sqlDB.Close()
	}
	pg, err := db.Open(testkit.AdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if sqlDB, err := pg.DB(); err == nil {
			sqlDB.Close()
		}
	}()
	if db.IsSQLite(pg) {
		t.Errorf("%s opened SQLite", testkit.AdminDSN())
	}
	// PostgreSQL keeps a pool of connections rather than opening one per
	// statement under load.
	var conns []*sql.Conn
	pgDB, _ := pg.DB()
	for range 5 {
		c, err := pgDB.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	if st := pgDB.Stats(); st.MaxOpenConnections != db.PoolSize || st.Idle != 5 {
		t.Errorf("PostgreSQL pool: %d connections at most and %d idle after 5 were used, want %d and 5",
			st.MaxOpenConnections, st.Idle, db.PoolSize)
	}
	if _, err := db.Open("sqlite:"); err == nil {
		t.Error("an SQLite DSN without a file opened")
	}
}

// TestMigrateSanctionFlag migrates a database of the days when a sanction
// was one flag: the flagged employees are under a legal process, the
// others not, the old column is gone, and migrating again changes nothing.
func TestMigrateSanctionFlag(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			if err := gdb.Exec("ALTER TABLE employees ADD COLUMN under_sanction boolean NOT NULL DEFAULT false").Error; err != nil {
				t.Fatal(err)
			}
			for i, flagged := range []bool{true, false} {
				nip := []string{"198001012005011001", "198001012005011002"}[i]
				if err := gdb.Exec(`INSERT INTO employees (nip, name, status, rank, education, performance, potential, under_sanction)
					VALUES (?, 'x', 'pns', 9, 3, 2, 2, ?)`, nip, flagged).Error; err != nil {
					t.Fatal(err)
				}
			}
			for range 2 {
				if err := db.Migrate(gdb); err != nil {
					t.Fatal(err)
				}
				var flagged []string
				gdb.Model(&models.Employee{}).Where("legal_process").Order("nip").Pluck("nip", &flagged)
				if len(flagged) != 1 || flagged[0] != "198001012005011001" {
					t.Errorf("under a legal process: %v, want the flagged employee only", flagged)
				}
				if gdb.Migrator().HasColumn(&models.Employee{}, "under_sanction") {
					t.Error("the old column is still there")
				}
			}
		})
	}
}

// historyBefore is the position history as databases made before a
// transfer id could take 80 characters have it: transfer_id of 64.
type historyBefore struct {
	ID           uint       `gorm:"primaryKey"`
	NIP          string     `gorm:"column:nip;size:18;not null;index"`
	PositionID   string     `gorm:"size:32;not null"`
	UnitID       string     `gorm:"size:32;not null"`
	Start        time.Time  `gorm:"not null"`
	End          *time.Time `gorm:"column:end"`
	DecreeNumber string
	TransferID   string `gorm:"size:64;uniqueIndex:idx_history_transfer,where:transfer_id <> ''"`
}

func (historyBefore) TableName() string { return "position_histories" }

// TestMigrateWidensHistoryTransferID migrates a database whose position
// history holds transfer ids of 64 characters: its rows stay, a transfer
// id of models.MaxTransferID fits, and a transfer still has one spell.
func TestMigrateWidensHistoryTransferID(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			if err := gdb.Migrator().DropTable(&models.PositionHistory{}); err != nil {
				t.Fatal(err)
			}
			if err := gdb.AutoMigrate(&historyBefore{}); err != nil {
				t.Fatal(err)
			}
			start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			old := historyBefore{NIP: "198001012005011001", PositionID: "P1", UnitID: "U1", Start: start, TransferID: "R1-198001012005011001-P1"}
			if err := gdb.Create(&old).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(gdb); err != nil {
				t.Fatal(err)
			}
			long := models.PositionHistory{NIP: "198001012005011002", PositionID: "P2", UnitID: "U1", Start: start,
				TransferID: strings.Repeat("x", models.MaxTransferID)}
			if err := gdb.Create(&long).Error; err != nil {
				t.Fatalf("a transfer id of %d characters: %v", models.MaxTransferID, err)
			}
			again := long
			again.ID, again.NIP = 0, "198001012005011003"
			if err := gdb.Create(&again).Error; err == nil {
				t.Error("a second spell of the same transfer was written")
			}
			var n int64
			gdb.Model(&models.PositionHistory{}).Where("transfer_id = ?", old.TransferID).Count(&n)
			if n != 1 {
				t.Errorf("%d spells of the old transfer after migrating, want 1", n)
			}
		})
	}
}

// TestMigrateKeysAccountEmails gives the accounts stored with an e-mail
// address before models.Account.EmailKey existed their key, lowercased by
// Go (non-ASCII letters too), on PostgreSQL and SQLite.
func TestMigrateKeysAccountEmails(t *testing.T) {
	for _, b := range testkit.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			gdb, _ := b.New(t)
			if err := gdb.Exec(`INSERT INTO accounts (username, name, password_hash, role, email, created_at)
				VALUES ('ana', 'Ana', '', 'tpk', 'ÁNA@Kota.go.id', ?), ('budi', 'Budi', '', 'tpk', '', ?)`, time.Now(), time.Now()).Error; err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if err := db.Migrate(gdb); err != nil {
					t.Fatal(err)
				}
			}
			var keys []string
			gdb.Model(&models.Account{}).Order("username").Pluck("email_key", &keys)
			if strings.Join(keys, ",") != "ána@kota.go.id," {
				t.Errorf("the keys: %q", keys)
			}
		})
	}
}
