package testkit

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/db"
)

// AdminDSN is the database that fresh test databases are created from.
func AdminDSN() string {
	if dsn := os.Getenv("MUTASI_TEST_DATABASE_URL"); dsn != "" {
		return dsn
	}
	return "host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable"
}

// New creates a fresh database, migrates it and drops it when the test
// ends. It returns the connection and the database's DSN, for processes
// that the test starts.
func New(tb testing.TB) (*gorm.DB, string) {
	tb.Helper()
	Needs(tb, "PostgreSQL")
	admin, err := db.Open(AdminDSN())
	if err != nil {
		tb.Fatalf("testkit: %v (is PostgreSQL running? see README)", err)
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	name := "mutasi_test_" + hex.EncodeToString(b)
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		tb.Fatalf("testkit: create database: %v", err)
	}
	dsn := AdminDSN() + " dbname=" + name
	gdb, err := db.Open(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		closeDB(gdb)
		admin.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
		closeDB(admin)
	})
	if err := db.Migrate(gdb); err != nil {
		tb.Fatal(err)
	}
	return gdb, dsn
}

// NewSQLite creates a fresh SQLite database in the test's temporary folder
// and migrates it; it is closed when the test ends. It returns the
// connection and the database's DSN, for processes that the test starts.
func NewSQLite(tb testing.TB) (*gorm.DB, string) {
	tb.Helper()
	dsn := "sqlite:" + filepath.Join(tb.TempDir(), "mutasi.db")
	gdb, err := db.Open(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { closeDB(gdb) })
	if err := db.Migrate(gdb); err != nil {
		tb.Fatal(err)
	}
	return gdb, dsn
}

// Backend is a kind of database that tests run against.
type Backend struct {
	Name string // "postgres" or "sqlite"
	// New returns a fresh, migrated database of this kind and its DSN.
	New func(testing.TB) (*gorm.DB, string)
}

// Backends lists every kind of database Mutasi runs on, for tests that
// check each: for _, b := range testkit.Backends() { t.Run(b.Name, ...) }.
func Backends() []Backend {
	return []Backend{{Name: "postgres", New: New}, {Name: "sqlite", New: NewSQLite}}
}

// closeDB closes a connection pool.
func closeDB(gdb *gorm.DB) {
	if sqlDB, err := gdb.DB(); err == nil {
		sqlDB.Close()
	}
}
